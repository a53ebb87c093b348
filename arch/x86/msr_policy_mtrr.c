/* The memory-type MSRs: IA32_MTRRCAP, the MTRRs (SDM 3A 12.11) and the IA32_PAT
 * check (12.12.2). The guest's MTRRs never reach the CPU (EPT and PAT set its
 * memory types, SDM 3C "EPT and Memory Typing"); they only hold what the SDM allows. */
#include "arch/x86/msr_policy_internal.h"

#define MTRRCAP_FIX ((uint64_t)1 << 8)
#define MTRRCAP_WC ((uint64_t)1 << 10)
#define DEF_TYPE_FE ((uint64_t)1 << 10)
#define DEF_TYPE_E ((uint64_t)1 << 11)
#define PHYSMASK_VALID ((uint64_t)1 << 11)
#define TYPE_MASK 0xffull
#define MAXPHYADDR_LIMIT 52

enum mtrr_kind { MTRR_NONE, MTRR_CAP, MTRR_DEF_TYPE, MTRR_FIXED, MTRR_PHYSBASE, MTRR_PHYSMASK };

bool msr_is_mtrr(uint32_t msr)
{
	if (msr == MSR_IA32_MTRRCAP)
		return true;
	return msr >= MSR_IA32_MTRR_PHYSBASE0 && msr <= MSR_IA32_MTRR_DEF_TYPE && msr != MSR_IA32_PAT;
}

static unsigned var_count(const struct msr_platform *p)
{
	return MIN(p->mtrr_var_count, MSR_MTRR_VAR_MAX);
}

/* Bits 12 up to MAXPHYADDR - 1: the address bits of PHYSBASE and PHYSMASK. */
static uint64_t addr_bits(const struct msr_platform *p)
{
	unsigned bits = MIN(p->pa_bits, MAXPHYADDR_LIMIT);

	return (((uint64_t)1 << bits) - 1) & ~(uint64_t)0xfff;
}

/* The fixed-range MTRRs in mtrr_fixed[] order (SDM 3A 12.11.2.2). */
static const uint32_t fixed_msrs[MSR_MTRR_FIXED_COUNT] = {
	MSR_IA32_MTRR_FIX64K_00000,    MSR_IA32_MTRR_FIX16K_80000,    MSR_IA32_MTRR_FIX16K_A0000,
	MSR_IA32_MTRR_FIX4K_C0000,     MSR_IA32_MTRR_FIX4K_C0000 + 1, MSR_IA32_MTRR_FIX4K_C0000 + 2,
	MSR_IA32_MTRR_FIX4K_C0000 + 3, MSR_IA32_MTRR_FIX4K_C0000 + 4, MSR_IA32_MTRR_FIX4K_C0000 + 5,
	MSR_IA32_MTRR_FIX4K_C0000 + 6, MSR_IA32_MTRR_FIX4K_C0000 + 7,
};

/* Which MTRR msr is and, but for MTRRCAP, where its value is kept.
 * Variable pair n exists for n below the reported count (12.11.2.3). */
static enum mtrr_kind locate(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
			     uint64_t **slot)
{
	uint32_t var = msr - MSR_IA32_MTRR_PHYSBASE0;

	if (msr == MSR_IA32_MTRRCAP)
		return MTRR_CAP;
	if (msr == MSR_IA32_MTRR_DEF_TYPE) {
		*slot = &s->mtrr_def_type;
		return MTRR_DEF_TYPE;
	}
	for (unsigned i = 0; i < MSR_MTRR_FIXED_COUNT; i++) {
		if (msr == fixed_msrs[i]) {
			*slot = &s->mtrr_fixed[i];
			return MTRR_FIXED;
		}
	}
	if (msr >= MSR_IA32_MTRR_PHYSBASE0 && var / 2 < var_count(p)) {
		if (var % 2 == 0) {
			*slot = &s->mtrr_physbase[var / 2];
			return MTRR_PHYSBASE;
		}
		*slot = &s->mtrr_physmask[var / 2];
		return MTRR_PHYSMASK;
	}
	return MTRR_NONE;
}

/* The types an MTRR may hold: UC 0, WC 1, WT 4, WP 5, WB 6 (SDM 3A 12.11);
 * PAT adds UC- 7 (12.12.2). Everything else is reserved. */
static bool type_ok(uint64_t type, bool pat)
{
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6 || (pat && type == 7);
}

/* Every byte of value a valid type: fixed-range MTRRs and the PAT. */
static bool all_types_ok(uint64_t value, bool pat)
{
	for (unsigned i = 0; i < 8; i++) {
		if (!type_ok((value >> (8 * i)) & TYPE_MASK, pat))
			return false;
	}
	return true;
}

bool msr_pat_valid(uint64_t pat)
{
	return all_types_ok(pat, true);
}

static bool mtrr_value_ok(const struct msr_platform *p, enum mtrr_kind kind, uint64_t value)
{
	switch (kind) {
	case MTRR_DEF_TYPE: /* SDM 3A 12.11.2.1: type 7:0, FE 10, E 11 */
		return !(value & ~(TYPE_MASK | DEF_TYPE_FE | DEF_TYPE_E)) &&
		       type_ok(value & TYPE_MASK, false);
	case MTRR_FIXED:
		return all_types_ok(value, false);
	case MTRR_PHYSBASE: /* 12.11.2.3: type 7:0, base 12 to MAXPHYADDR - 1 */
		return !(value & ~(TYPE_MASK | addr_bits(p))) && type_ok(value & TYPE_MASK, false);
	case MTRR_PHYSMASK: /* V 11, mask 12 to MAXPHYADDR - 1 */
		return !(value & ~(PHYSMASK_VALID | addr_bits(p)));
	default:
		return false;
	}
}

enum msr_result msr_mtrr_read(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
			      uint64_t *value)
{
	uint64_t *slot = NULL;
	enum mtrr_kind kind;

	if (!p->mtrr)
		return MSR_GP;
	kind = locate(p, s, msr, &slot);
	if (kind == MTRR_NONE)
		return MSR_GP;
	/* SDM 3A 12.11.1: VCNT 7:0, fixed ranges and WC offered, no SMRR. */
	*value = kind == MTRR_CAP ? var_count(p) | MTRRCAP_FIX | MTRRCAP_WC : *slot;
	return MSR_OK;
}

enum msr_result msr_mtrr_write(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
			       uint64_t value)
{
	uint64_t *slot = NULL;
	enum mtrr_kind kind;

	if (!p->mtrr)
		return MSR_GP;
	kind = locate(p, s, msr, &slot);
	/* MTRRCAP is read-only (Vol. 4, MSR FEH). */
	if (kind == MTRR_NONE || kind == MTRR_CAP || !mtrr_value_ok(p, kind, value))
		return MSR_GP;
	*slot = value;
	return MSR_OK;
}
