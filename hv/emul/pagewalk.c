/* The walk (SDM Vol. 3A 4.3 to 4.5): choosing the paging mode, reading each
 * paging-structure entry, reserved bits, and accesses that cross a page. */
#include "hv/emul/pagewalk.h"
#include "hv/emul/pagewalk_rights.h"

#define BIT(n) ((uint64_t)1 << (n))
/* Bits hi..lo; empty when lo > hi, which a MAXPHYADDR of 52 produces. */
#define BITS(hi, lo) ((lo) > (hi) ? 0 : (~(uint64_t)0 >> (63 - (hi))) & ~(BIT(lo) - 1))

/* Paging-structure entry bits shared by every format (Tables 4-4 to 4-20). */
#define E_P BIT(0)
#define E_RW BIT(1)
#define E_US BIT(2)
#define E_PS BIT(7)
#define E_XD BIT(63)

struct walk {
	const struct pw_regs *regs;
	struct pw_access acc;
	pw_read_fn read;
	void *ctx;
	uint64_t linear;
	unsigned maxphy;
	struct pw_fault *fault;
};

static int not_present(struct walk *w)
{
	w->fault->error_code = pw_access_bits(w->regs, w->acc);
	return PW_FAULT;
}

/* 4.7: reserved bits are checked only in present entries, so P is set too. */
static int reserved(struct walk *w)
{
	w->fault->error_code = pw_access_bits(w->regs, w->acc) | PW_PF_P | PW_PF_RSVD;
	return PW_FAULT;
}

static int finish(struct walk *w, const struct pw_perms *p, uint64_t out, uint64_t *gpa)
{
	uint32_t code = pw_check_rights(w->regs, w->acc, p);
	if (code) {
		w->fault->error_code = code;
		return PW_FAULT;
	}
	*gpa = out;
	return PW_OK;
}

/* Entries are little-endian; assembled byte by byte so neither the host's
 * alignment nor its byte order matters. */
static int read_entry(struct walk *w, uint64_t gpa, unsigned size, uint64_t *entry)
{
	uint8_t b[8];
	if (!w->read(gpa, b, size, w->ctx)) {
		w->fault->gpa = gpa;
		return PW_BAD_GPA;
	}
	uint64_t v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | b[i];
	*entry = v;
	return PW_OK;
}

/* 32-bit paging (4.3): 4-byte entries, a page directory then a page table,
 * or a 4 MiB page when CR4.PSE = 1. No XD and no reserved bits except in a
 * 4 MiB PDE, whose bits 20:13 carry physical bits 39:32 (PSE-36, Table 4-4). */
static int walk32(struct walk *w, uint64_t *gpa)
{
	const struct pw_regs *r = w->regs;
	uint64_t lin = w->linear, pde, pte;
	int res = read_entry(w, (r->cr3 & BITS(31, 12)) | ((lin >> 22) << 2), 4, &pde);
	if (res != PW_OK)
		return res;
	if (!(pde & E_P))
		return not_present(w);
	struct pw_perms p = { .user = pde & E_US, .writable = pde & E_RW };
	if ((pde & E_PS) && (r->cr4 & PW_CR4_PSE)) {
		/* 4.3: 32-bit paging reaches at most 40 physical address bits. */
		unsigned m = MIN(w->maxphy, 40);
		if (pde & BITS(21, m - 19))
			return reserved(w);
		uint64_t high = (pde >> 13) & (BIT(m - 32) - 1);
		return finish(w, &p, high << 32 | (pde & BITS(31, 22)) | (lin & BITS(21, 0)), gpa);
	}
	/* Without CR4.PSE bit 7 of a PDE is ignored: it references a page table. */
	res = read_entry(w, (pde & BITS(31, 12)) | (((lin >> 12) & 0x3ff) << 2), 4, &pte);
	if (res != PW_OK)
		return res;
	if (!(pte & E_P))
		return not_present(w);
	p.user = p.user && (pte & E_US);
	p.writable = p.writable && (pte & E_RW);
	return finish(w, &p, (pte & BITS(31, 12)) | (lin & 0xfff), gpa);
}

/* The 8-byte formats from `level` down: the PAE page directory and page
 * table (4.4.2, Tables 4-9 to 4-11, level 2 and 1), and the 4-level and
 * 5-level hierarchy (4.5, Tables 4-14 to 4-20, level 5 or 4 down to 1).
 * Level n translates linear bits 12 + 9n - 1 .. 12 + 9(n - 1). */
static int walk_tables(struct walk *w, uint64_t table, unsigned level,
		       struct pw_perms *p, uint64_t *gpa)
{
	const struct pw_regs *r = w->regs;
	bool ia32e = r->efer & PW_EFER_LMA;
	bool nxe = r->efer & PW_EFER_NXE;
	uint64_t addr = BITS(w->maxphy - 1, 12);
	/* PAE reserves every bit from MAXPHYADDR to 62; 4/5-level paging only
	 * up to 51 (52..62 are ignored, or protection keys). Without NXE, the XD
	 * bit is reserved as well. */
	uint64_t rsvd = ia32e ? BITS(51, w->maxphy) : BITS(62, w->maxphy);
	if (!nxe)
		rsvd |= E_XD;
	for (;; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e;
		int res = read_entry(w, table | (((w->linear >> shift) & 511) << 3), 8, &e);
		if (res != PW_OK)
			return res;
		if (!(e & E_P))
			return not_present(w);
		bool leaf = level == 1;
		uint64_t bad = rsvd;
		if (level > 1 && (e & E_PS)) {
			/* PS maps a page in a PDE (2 MiB) and, with 1-GByte page support,
			 * a PDPTE (1 GiB); in a PML4E or PML5E it is reserved. A large
			 * page's address bits below its size, but for PAT at bit 12,
			 * are reserved. */
			if (level > 3 || (level == 3 && !r->gbpages)) {
				bad |= E_PS;
			} else {
				leaf = true;
				bad |= BITS(shift - 1, 13);
			}
		}
		if (e & bad)
			return reserved(w);
		p->user = p->user && (e & E_US);
		p->writable = p->writable && (e & E_RW);
		p->xd = p->xd || (nxe && (e & E_XD));
		if (leaf) {
			/* 4.6.2: the key is in the leaf entry, with IA-32e paging only. */
			p->has_pkey = ia32e && (r->cr4 & PW_CR4_PKE);
			p->pkey = (e >> 59) & 15;
			uint64_t off = BIT(shift) - 1;
			return finish(w, p, (e & addr & ~off) | (w->linear & off), gpa);
		}
		table = e & addr;
	}
}

/* PAE paging (4.4): the four PDPTEs were loaded by the last MOV to CR3 (or by
 * VM entry, from the VMCS under EPT) and are used as loaded, not re-read.
 * They hold no access rights (Table 4-8). A present PDPTE with reserved bits
 * would have been refused by MOV to CR3 (#GP) or VM entry; should one reach
 * here it is reported as the reserved-bit #PF the walk would otherwise give. */
static int walk_pae(struct walk *w, uint64_t *gpa)
{
	uint64_t e = w->regs->pdpte[(w->linear >> 30) & 3];
	if (!(e & E_P))
		return not_present(w);
	if (e & (BITS(63, w->maxphy) | BITS(8, 5) | BITS(2, 1)))
		return reserved(w);
	struct pw_perms p = { .user = true, .writable = true };
	return walk_tables(w, e & BITS(w->maxphy - 1, 12), 2, &p, gpa);
}

/* With IA-32e paging, linear addresses must be canonical: bits 63:47 (63:56
 * with 5-level paging) equal (SDM Vol. 1 3.3.7.1, Vol. 3A 4.5). */
static bool noncanonical(const struct pw_regs *regs, uint64_t linear)
{
	if (!(regs->cr0 & PW_CR0_PG) || !(regs->efer & PW_EFER_LMA))
		return false;
	unsigned top = regs->cr4 & PW_CR4_LA57 ? 56 : 47;
	uint64_t high = linear >> top;
	return high != 0 && high != ~(uint64_t)0 >> top;
}

/* Outside IA-32e mode linear addresses are 32 bits wide and wrap. */
static uint64_t linear_mask(const struct pw_regs *regs)
{
	return (regs->cr0 & PW_CR0_PG) && (regs->efer & PW_EFER_LMA) ? ~(uint64_t)0 : 0xffffffff;
}

int pw_translate(const struct pw_regs *regs, uint64_t linear, struct pw_access acc,
		 pw_read_fn read, void *ctx, uint64_t *gpa, struct pw_fault *fault)
{
	linear &= linear_mask(regs);
	*fault = (struct pw_fault){ .cr2 = linear };
	/* 4.1.1: paging off, the linear address is the physical address. */
	if (!(regs->cr0 & PW_CR0_PG)) {
		*gpa = linear;
		return PW_OK;
	}
	if (noncanonical(regs, linear))
		return PW_NONCANONICAL;
	struct walk w = {
		.regs = regs, .acc = acc, .read = read, .ctx = ctx, .linear = linear,
		.maxphy = MAX(MIN(regs->maxphyaddr, 52u), 32u), .fault = fault,
	};
	/* Table 4-1: the paging mode from CR4.PAE, EFER.LMA and CR4.LA57. */
	if (regs->efer & PW_EFER_LMA) {
		struct pw_perms p = { .user = true, .writable = true };
		unsigned top = regs->cr4 & PW_CR4_LA57 ? 5 : 4;
		return walk_tables(&w, regs->cr3 & BITS(w.maxphy - 1, 12), top, &p, gpa);
	}
	if (regs->cr4 & PW_CR4_PAE)
		return walk_pae(&w, gpa);
	return walk32(&w, gpa);
}

int pw_translate_range(const struct pw_regs *regs, uint64_t linear, size_t len,
		       struct pw_access acc, pw_read_fn read, void *ctx,
		       struct pw_range *range, struct pw_fault *fault)
{
	uint64_t mask = linear_mask(regs);
	linear &= mask;
	*range = (struct pw_range){ 0 };
	*fault = (struct pw_fault){ .cr2 = linear };
	if (len == 0 || len > PAGE_SIZE)
		return PW_BAD_LENGTH;
	size_t first = MIN(len, PAGE_SIZE - (linear & (PAGE_SIZE - 1)));
	range->parts = first < len ? 2 : 1;
	range->part[0].linear = linear;
	range->part[0].len = first;
	range->part[1].linear = (linear + first) & mask;
	range->part[1].len = len - first;
	/* Address generation raises #GP/#SS for a non-canonical byte before
	 * paging is consulted for any part of the access. */
	for (unsigned i = 0; i < range->parts; i++) {
		if (noncanonical(regs, range->part[i].linear)) {
			range->failed = i;
			fault->cr2 = range->part[i].linear;
			return PW_NONCANONICAL;
		}
	}
	for (unsigned i = 0; i < range->parts; i++) {
		int res = pw_translate(regs, range->part[i].linear, acc, read, ctx,
				       &range->part[i].gpa, fault);
		if (res != PW_OK) {
			range->failed = i;
			return res;
		}
	}
	return PW_OK;
}
