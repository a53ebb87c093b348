/* Interfaces shared between the VM-entry checker's source files (the checker
 * state, problem recording, register bits and helpers); not for callers
 * outside arch/x86/vmx/vmentry_check*.c. */
#ifndef ARCH_X86_VMX_VMENTRY_CHECK_INTERNAL_H
#define ARCH_X86_VMX_VMENTRY_CHECK_INTERNAL_H

#include "arch/x86/vmx/vmentry_check.h"
#include "arch/x86/vmx/vmcs_fields.h"
#include "arch/x86/vmx/vmx_controls.h"

#define BIT64(n) (UINT64_C(1) << (n))

/* Architectural register bits (SDM Vol. 3A "Control Registers", "EFLAGS
 * Register", "IA32_EFER", Vol. 3B "IA32_DEBUGCTL"). */
#define CR0_PE BIT64(0)
#define CR0_WP BIT64(16)
#define CR0_PG BIT64(31)
#define CR4_PAE BIT64(5)
#define CR4_PCIDE BIT64(17)
#define CR4_CET BIT64(23)
#define EFER_SCE BIT64(0)
#define EFER_LME BIT64(8)
#define EFER_LMA BIT64(10)
#define EFER_NXE BIT64(11)
#define EFER_DEFINED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define RFLAGS_FIXED1 BIT64(1)
#define RFLAGS_TF BIT64(8)
#define RFLAGS_IF BIT64(9)
#define RFLAGS_VM BIT64(17)
/* Bits 63:22, 15, 5 and 3 are reserved. */
#define RFLAGS_RESERVED (~UINT64_C(0x3fffff) | BIT64(15) | BIT64(5) | BIT64(3))
#define DEBUGCTL_BTF BIT64(1)
/* Bits 5:3 and 63:16 are reserved; 2 is bus-lock detection. */
#define DEBUGCTL_RESERVED (~UINT64_C(0xffff) | UINT64_C(0x38))
#define BNDCFGS_RESERVED UINT64_C(0xffc) /* bits 11:2 */
#define BNDCFGS_BASE_MASK (~UINT64_C(0xfff))
#define HIGH32 (~UINT64_C(0xffffffff))

/* Selector layout: RPL in bits 1:0, TI in bit 2. */
#define SEL_RPL_MASK 3u
#define SEL_TI 4u

#define PAGE_OFFSET_MASK UINT64_C(0xfff)

/* Segment register indexes in the order of their VMCS encodings (SDM
 * Appendix B): selector, limit, access rights and base step by 2. */
enum seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

struct segment {
	uint32_t sel, limit, ar;
	uint64_t base;
	bool usable;
};

struct chk {
	vmcs_read_fn rd;
	void *ctx;
	const struct vmx_caps *caps;
	unsigned pa_bits;  /* CR3, PDPTEs */
	unsigned ref_bits; /* structures VMCS pointers reference: IA32_VMX_BASIC[48] may cap them at 32 */
	unsigned la_bits;
	struct vmentry_problem *out;
	size_t max, n;
	enum vmentry_area area;

	/* Controls as VM entry sees them: a secondary or tertiary field whose
	 * "activate" bit is 0 counts as 0 (SDM 27.2.1.1). */
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t proc3;
	uint32_t intr_info;

	uint64_t cr0, cr4, rflags;
	bool ia32e; /* "IA-32e mode guest" */
	bool ug;    /* "unrestricted guest" */
	bool cs_l;  /* guest CS.L */
	struct segment seg[SEG_COUNT];
};

static inline uint64_t field(const struct chk *c, uint32_t f)
{
	uint64_t v;

	return c->rd(f, &v, c->ctx) ? v : 0;
}

static inline void expect(struct chk *c, bool ok, uint32_t f, const char *check)
{
	if (ok)
		return;
	if (c->n < c->max)
		c->out[c->n] = (struct vmentry_problem){ .field = f, .check = check, .area = c->area };
	c->n++;
}

static inline bool within(uint64_t addr, unsigned bits)
{
	return bits >= 64 || (addr >> bits) == 0;
}

static inline bool canonical(const struct chk *c, uint64_t v)
{
	uint64_t top = v >> (c->la_bits - 1);

	return top == 0 || top == (UINT64_MAX >> (c->la_bits - 1));
}

static inline bool has(uint64_t value, uint64_t bits)
{
	return (value & bits) == bits;
}

/* IA32_PAT: every entry is UC, WC, WT, WP, WB or UC- (2, 3 and 8+ are reserved). */
static inline bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(pat >> (8 * i));

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

static inline void check_fixed(struct chk *c, uint32_t f, uint64_t v, uint64_t fixed0, uint64_t fixed1,
			       const char *c0, const char *c1)
{
	expect(c, has(v, fixed0), f, c0);
	expect(c, (v & ~fixed1) == 0, f, c1);
}

/* A control field's bits against what its capability MSR allows. */
struct ctl_rule {
	uint32_t field;
	const struct vmx_ctl_caps *caps;
	uint32_t value;
	const char *must_be_one, *must_be_zero;
};

static inline void check_ctl_reserved(struct chk *c, const struct ctl_rule *r)
{
	expect(c, has(r->value, r->caps->must_be_one), r->field, r->must_be_one);
	expect(c, (r->value & ~r->caps->may_be_one) == 0, r->field, r->must_be_zero);
}

static inline uint32_t ar_type(uint32_t ar)
{
	return ar & VMX_AR_TYPE_MASK;
}

static inline uint32_t ar_dpl(uint32_t ar)
{
	return (ar & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT;
}

/* Fills c->seg from the guest segment fields. */
void vmentry_read_segments(struct chk *c);

/* The checks of one area each, in the order the SDM lists them; each records
 * its problems in c under c->area. */
void vmentry_check_exec_controls(struct chk *c);       /* 27.2.1.1 */
void vmentry_check_exit_entry_controls(struct chk *c); /* 27.2.1.2, 27.2.1.3 */
void vmentry_check_host(struct chk *c);                /* 27.2.2 - 27.2.4 */
void vmentry_check_guest_regs(struct chk *c);          /* 27.3.1.1 */
void vmentry_check_guest_segments(struct chk *c);      /* 27.3.1.2, 27.3.1.3 */
void vmentry_check_guest_rip_rflags(struct chk *c);    /* 27.3.1.4 */
void vmentry_check_guest_state(struct chk *c);         /* 27.3.1.5, 27.3.1.6 */

#endif
