/* The VM-entry checks on guest segment registers (SDM Vol. 3C 27.3.1.2) and
 * descriptor-table registers (27.3.1.3). */
#include "arch/x86/vmx/vmentry_check_internal.h"

/* --- 27.3.1.2 Checks on guest segment registers --------------------------- */

static uint32_t seg_field(uint32_t first, enum seg s)
{
	return first + 2 * (uint32_t)s;
}

void vmentry_read_segments(struct chk *c)
{
	for (enum seg s = SEG_ES; s < SEG_COUNT; s++) {
		struct segment *g = &c->seg[s];

		g->sel = (uint32_t)field(c, seg_field(VMCS_GUEST_ES_SELECTOR, s));
		g->limit = (uint32_t)field(c, seg_field(VMCS_GUEST_ES_LIMIT, s));
		g->ar = (uint32_t)field(c, seg_field(VMCS_GUEST_ES_AR, s));
		g->base = field(c, seg_field(VMCS_GUEST_ES_BASE, s));
		g->usable = !(g->ar & VMX_AR_UNUSABLE);
	}
}

/* The reserved-bit and granularity checks every usable register shares. */
static void check_ar_common(struct chk *c, enum seg s)
{
	const struct segment *g = &c->seg[s];
	uint32_t f = seg_field(VMCS_GUEST_ES_AR, s);

	expect(c, g->ar & VMX_AR_P, f, "guest segment: P must be 1 when usable (SDM 27.3.1.2)");
	expect(c, (g->ar & 0xfffe0f00u) == 0, f,
	       "guest segment access rights: reserved bits 11:8 and 31:17 must be 0 (SDM 27.3.1.2)");
	expect(c, (g->limit & 0xfffu) == 0xfffu || !(g->ar & VMX_AR_G), f,
	       "guest segment: G must be 0 when limit bits 11:0 are not all 1 (SDM 27.3.1.2)");
	expect(c, (g->limit & 0xfff00000u) == 0 || (g->ar & VMX_AR_G), f,
	       "guest segment: G must be 1 when limit bits 31:20 are not all 0 (SDM 27.3.1.2)");
}

static void check_v8086_segment(struct chk *c, enum seg s)
{
	const struct segment *g = &c->seg[s];

	expect(c, g->base == (uint64_t)g->sel << 4, seg_field(VMCS_GUEST_ES_BASE, s),
	       "guest segment base must be selector << 4 in virtual-8086 mode (SDM 27.3.1.2)");
	expect(c, g->limit == 0xffff, seg_field(VMCS_GUEST_ES_LIMIT, s),
	       "guest segment limit must be 0xffff in virtual-8086 mode (SDM 27.3.1.2)");
	expect(c, g->ar == 0xf3, seg_field(VMCS_GUEST_ES_AR, s),
	       "guest segment access rights must be 0xf3 in virtual-8086 mode (SDM 27.3.1.2)");
}

static void check_cs(struct chk *c)
{
	const struct segment *cs = &c->seg[SEG_CS], *ss = &c->seg[SEG_SS];
	uint32_t type = ar_type(cs->ar), f = VMCS_GUEST_CS_AR;

	/* Accessed code (9, 11, 13, 15), or accessed read/write data (3)
	 * with unrestricted guest. */
	expect(c, type == 9 || type == 11 || type == 13 || type == 15 || (type == 3 && c->ug), f,
	       "guest CS type must be 9, 11, 13 or 15 (or 3 with unrestricted guest) (SDM 27.3.1.2)");
	expect(c, cs->ar & VMX_AR_S, f, "guest CS: S must be 1 (SDM 27.3.1.2)");
	if (type == 3)
		expect(c, ar_dpl(cs->ar) == 0, f, "guest CS DPL must be 0 with type 3 (SDM 27.3.1.2)");
	else if (type == 9 || type == 11)
		expect(c, ar_dpl(cs->ar) == ar_dpl(ss->ar), f,
		       "guest CS DPL must equal SS DPL for a non-conforming code segment (SDM 27.3.1.2)");
	else if (type == 13 || type == 15)
		expect(c, ar_dpl(cs->ar) <= ar_dpl(ss->ar), f,
		       "guest CS DPL must not exceed SS DPL for a conforming code segment (SDM 27.3.1.2)");
	expect(c, !(c->ia32e && (cs->ar & VMX_AR_L) && (cs->ar & VMX_AR_DB)), f,
	       "guest CS D/B must be 0 when CS.L is 1 in IA-32e mode (SDM 27.3.1.2)");
	check_ar_common(c, SEG_CS);
}

static void check_ss(struct chk *c)
{
	const struct segment *ss = &c->seg[SEG_SS];
	uint32_t type = ar_type(ss->ar), f = VMCS_GUEST_SS_AR;

	if (!c->ug)
		expect(c, ar_dpl(ss->ar) == (ss->sel & SEL_RPL_MASK), f,
		       "guest SS DPL must equal SS RPL without unrestricted guest (SDM 27.3.1.2)");
	expect(c, !(ar_type(c->seg[SEG_CS].ar) == 3 || !(c->cr0 & CR0_PE)) || ar_dpl(ss->ar) == 0, f,
	       "guest SS DPL must be 0 when CS type is 3 or CR0.PE is 0 (SDM 27.3.1.2)");
	if (!ss->usable)
		return;
	expect(c, type == 3 || type == 7, f, "guest SS type must be 3 or 7 when usable (SDM 27.3.1.2)");
	expect(c, ss->ar & VMX_AR_S, f, "guest segment: S must be 1 when usable (SDM 27.3.1.2)");
	check_ar_common(c, SEG_SS);
}

static void check_data_segment(struct chk *c, enum seg s)
{
	const struct segment *g = &c->seg[s];
	uint32_t type = ar_type(g->ar), f = seg_field(VMCS_GUEST_ES_AR, s);

	if (!g->usable)
		return;
	expect(c, type & VMX_AR_TYPE_ACCESSED, f,
	       "guest segment type: accessed bit must be 1 when usable (SDM 27.3.1.2)");
	expect(c, !(type & VMX_AR_TYPE_CODE) || (type & VMX_AR_TYPE_WRITABLE), f,
	       "guest segment type: a code segment must be readable (SDM 27.3.1.2)");
	expect(c, g->ar & VMX_AR_S, f, "guest segment: S must be 1 when usable (SDM 27.3.1.2)");
	/* Types 0-11: data or non-conforming code. */
	if (!c->ug && type <= 11)
		expect(c, ar_dpl(g->ar) >= (g->sel & SEL_RPL_MASK), f,
		       "guest segment DPL must not be below RPL for data or non-conforming code without "
		       "unrestricted guest (SDM 27.3.1.2)");
	check_ar_common(c, s);
}

static void check_system_segments(struct chk *c)
{
	const struct segment *tr = &c->seg[SEG_TR], *ldtr = &c->seg[SEG_LDTR];
	uint32_t type = ar_type(tr->ar);

	expect(c, !(tr->sel & SEL_TI), VMCS_GUEST_TR_SELECTOR, "guest TR selector: TI must be 0 (SDM 27.3.1.2)");
	expect(c, canonical(c, tr->base), VMCS_GUEST_TR_BASE, "guest TR base must be canonical (SDM 27.3.1.2)");
	/* Busy 64-bit TSS in IA-32e mode; busy 16- or 32-bit TSS otherwise. */
	if (c->ia32e)
		expect(c, type == 11, VMCS_GUEST_TR_AR, "guest TR type must be 11 (busy TSS) in IA-32e mode (SDM 27.3.1.2)");
	else
		expect(c, type == 3 || type == 11, VMCS_GUEST_TR_AR,
		       "guest TR type must be 3 or 11 (busy TSS) outside IA-32e mode (SDM 27.3.1.2)");
	expect(c, !(tr->ar & VMX_AR_S), VMCS_GUEST_TR_AR, "guest TR and LDTR: S must be 0 (SDM 27.3.1.2)");
	expect(c, tr->usable, VMCS_GUEST_TR_AR, "guest TR must be usable (SDM 27.3.1.2)");
	check_ar_common(c, SEG_TR);

	if (!ldtr->usable)
		return;
	expect(c, !(ldtr->sel & SEL_TI), VMCS_GUEST_LDTR_SELECTOR,
	       "guest LDTR selector: TI must be 0 when usable (SDM 27.3.1.2)");
	expect(c, canonical(c, ldtr->base), VMCS_GUEST_LDTR_BASE,
	       "guest LDTR base must be canonical when usable (SDM 27.3.1.2)");
	expect(c, ar_type(ldtr->ar) == 2, VMCS_GUEST_LDTR_AR, "guest LDTR type must be 2 when usable (SDM 27.3.1.2)");
	expect(c, !(ldtr->ar & VMX_AR_S), VMCS_GUEST_LDTR_AR, "guest TR and LDTR: S must be 0 (SDM 27.3.1.2)");
	check_ar_common(c, SEG_LDTR);
}

static void check_guest_segments(struct chk *c)
{
	static const enum seg data[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };
	bool v8086 = c->rflags & RFLAGS_VM;

	if (!v8086 && !c->ug)
		expect(c, (c->seg[SEG_SS].sel & SEL_RPL_MASK) == (c->seg[SEG_CS].sel & SEL_RPL_MASK),
		       VMCS_GUEST_SS_SELECTOR,
		       "guest SS RPL must equal CS RPL without unrestricted guest or virtual-8086 mode (SDM 27.3.1.2)");
	expect(c, canonical(c, c->seg[SEG_FS].base), VMCS_GUEST_FS_BASE,
	       "guest FS and GS bases must be canonical (SDM 27.3.1.2)");
	expect(c, canonical(c, c->seg[SEG_GS].base), VMCS_GUEST_GS_BASE,
	       "guest FS and GS bases must be canonical (SDM 27.3.1.2)");
	expect(c, (c->seg[SEG_CS].base & HIGH32) == 0, VMCS_GUEST_CS_BASE,
	       "guest CS, SS, DS and ES bases: bits 63:32 must be 0 (SS, DS, ES when usable) (SDM 27.3.1.2)");
	for (enum seg s = SEG_ES; s <= SEG_DS; s++)
		if (s != SEG_CS && c->seg[s].usable)
			expect(c, (c->seg[s].base & HIGH32) == 0, seg_field(VMCS_GUEST_ES_BASE, s),
			       "guest CS, SS, DS and ES bases: bits 63:32 must be 0 (SS, DS, ES when usable) (SDM 27.3.1.2)");
	if (v8086) {
		for (enum seg s = SEG_ES; s <= SEG_GS; s++)
			check_v8086_segment(c, s);
	} else {
		check_cs(c);
		check_ss(c);
		for (size_t i = 0; i < ARRAY_SIZE(data); i++)
			check_data_segment(c, data[i]);
	}
	check_system_segments(c);
}

/* --- 27.3.1.3 Checks on guest descriptor-table registers ------------------ */

static void check_guest_dtrs(struct chk *c)
{
	expect(c, canonical(c, field(c, VMCS_GUEST_GDTR_BASE)), VMCS_GUEST_GDTR_BASE,
	       "guest GDTR and IDTR bases must be canonical (SDM 27.3.1.3)");
	expect(c, canonical(c, field(c, VMCS_GUEST_IDTR_BASE)), VMCS_GUEST_IDTR_BASE,
	       "guest GDTR and IDTR bases must be canonical (SDM 27.3.1.3)");
	expect(c, field(c, VMCS_GUEST_GDTR_LIMIT) <= 0xffff, VMCS_GUEST_GDTR_LIMIT,
	       "guest GDTR and IDTR limits: bits 31:16 must be 0 (SDM 27.3.1.3)");
	expect(c, field(c, VMCS_GUEST_IDTR_LIMIT) <= 0xffff, VMCS_GUEST_IDTR_LIMIT,
	       "guest GDTR and IDTR limits: bits 31:16 must be 0 (SDM 27.3.1.3)");
}

void vmentry_check_guest_segments(struct chk *c)
{
	check_guest_segments(c);
	check_guest_dtrs(c);
}
