/* The guest MSR policy (see msr_policy.h): the allow-list, power-on values,
 * the MSRs a VMCS or guest_context field backs and the pass-through table.
 * IA32_APIC_BASE and the MTRRs have files of their own. */
#include "arch/x86/msr_policy_internal.h"
#include "hv/string.h"

#define POWER_ON_CR0 0x60000010ull /* SDM 3A 10.1.1 */
#define FEATURE_CONTROL_LOCK 1ull  /* bit 0; VMX enables (bits 1, 2) clear */

/* What a write to a field-backed MSR must satisfy. */
enum check { CHECK_ANY, CHECK_CANONICAL, CHECK_LOW32, CHECK_PAT, CHECK_EFER };

struct backed_msr {
	uint32_t msr;
	uint8_t backing; /* enum msr_backing */
	uint8_t check;   /* enum check */
};

/* Canonical addresses: SDM 2B WRMSR raises #GP for the others, and VM entry
 * refuses them in SYSENTER_ESP/EIP, FS and GS bases (3C 27.3.1). The guest
 * SYSENTER_CS field has 32 bits (3C 25.4.1). FMASK (3A 5.8.8) and TSC_AUX
 * (Vol. 4 C0000103H) reserve bits 63:32, which the CPU may refuse when
 * guest_context loads them. */
static const struct backed_msr backed_msrs[] = {
	{ MSR_IA32_TIME_STAMP_COUNTER, MSR_BACK_TSC_OFFSET, CHECK_ANY },
	{ MSR_IA32_SYSENTER_CS, MSR_BACK_SYSENTER_CS, CHECK_LOW32 },
	{ MSR_IA32_SYSENTER_ESP, MSR_BACK_SYSENTER_ESP, CHECK_CANONICAL },
	{ MSR_IA32_SYSENTER_EIP, MSR_BACK_SYSENTER_EIP, CHECK_CANONICAL },
	{ MSR_IA32_PAT, MSR_BACK_PAT, CHECK_PAT },
	{ MSR_EFER, MSR_BACK_EFER, CHECK_EFER },
	{ MSR_STAR, MSR_BACK_STAR, CHECK_ANY },
	{ MSR_LSTAR, MSR_BACK_LSTAR, CHECK_CANONICAL },
	{ MSR_CSTAR, MSR_BACK_CSTAR, CHECK_CANONICAL },
	{ MSR_SFMASK, MSR_BACK_SFMASK, CHECK_LOW32 },
	{ MSR_FS_BASE, MSR_BACK_FS_BASE, CHECK_CANONICAL },
	{ MSR_GS_BASE, MSR_BACK_GS_BASE, CHECK_CANONICAL },
	{ MSR_KERNEL_GS_BASE, MSR_BACK_KERNEL_GS_BASE, CHECK_CANONICAL },
	{ MSR_TSC_AUX, MSR_BACK_TSC_AUX, CHECK_LOW32 },
};

const struct msr_bitmap_pass msr_policy_pass_bases[] = {
	{ MSR_FS_BASE, true, true },
	{ MSR_GS_BASE, true, true },
	{ MSR_KERNEL_GS_BASE, true, true },
};
const size_t msr_policy_pass_bases_count = ARRAY_SIZE(msr_policy_pass_bases);

static const struct backed_msr *find_backed(uint32_t msr)
{
	for (size_t i = 0; i < ARRAY_SIZE(backed_msrs); i++) {
		if (backed_msrs[i].msr == msr)
			return &backed_msrs[i];
	}
	return NULL;
}

static bool canonical(const struct msr_platform *p, uint64_t v)
{
	unsigned bits = p->la_bits == 57 ? 57 : 48;
	uint64_t top = v >> (bits - 1);

	return top == 0 || top == UINT64_MAX >> (bits - 1);
}

/* SDM 3A 2.2.1: SCE, LME, LMA and, with NX, NXE exist. The CPU sets LMA
 * when paging turns on with LME, so a write must keep it, and LME cannot
 * change while paging is on (10.8.5); VM entry checks both (3C 27.3.1.1). */
static bool efer_ok(const struct msr_platform *p, const struct msr_vcpu_state *s, uint64_t v)
{
	uint64_t defined = EFER_SCE | EFER_LME | EFER_LMA | (p->nx ? EFER_NXE : 0);
	uint64_t changed = v ^ s->guest_efer;

	if (v & ~defined)
		return false;
	if (changed & EFER_LMA)
		return false;
	return !((changed & EFER_LME) && (s->guest_cr0 & CR0_PG));
}

static bool backed_write_ok(const struct msr_platform *p, const struct msr_vcpu_state *s,
			    enum check check, uint64_t v)
{
	switch (check) {
	case CHECK_ANY:
		return true;
	case CHECK_CANONICAL:
		return canonical(p, v);
	case CHECK_LOW32:
		return v >> 32 == 0;
	case CHECK_PAT:
		return msr_pat_valid(v);
	case CHECK_EFER:
		return efer_ok(p, s, v);
	}
	return false;
}

static enum msr_result backed(uint32_t *where, uint32_t backing)
{
	*where = backing;
	return MSR_VMCS;
}

static bool is_x2apic(uint32_t msr)
{
	return msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST;
}

void msr_vcpu_state_init(const struct msr_platform *p, struct msr_vcpu_state *s)
{
	/* The MTRRs (SDM 3A 12.11.5) and SPEC_CTRL start at 0. */
	memset(s, 0, sizeof(*s));
	s->guest_cr0 = POWER_ON_CR0;
	s->apic_base = msr_apic_base_power_on(p);
	/* Fast strings on, its default; no BTS or PEBS to offer; XD disabled
	 * when CPUID reports no NX, which is what that bit means (Vol. 4 1A0H). */
	s->misc_enable = MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAIL |
			 MISC_ENABLE_PEBS_UNAVAIL | (p->nx ? 0 : MISC_ENABLE_XD_DISABLE);
}

enum msr_result msr_policy_read(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
				uint64_t *value, uint32_t *where)
{
	const struct backed_msr *b = find_backed(msr);

	*value = 0;
	*where = MSR_BACK_NONE;
	if (b)
		return backed(where, b->backing);
	if (msr_is_mtrr(msr))
		return msr_mtrr_read(p, s, msr, value);
	if (is_x2apic(msr))
		return msr_x2apic_access(s, where);

	switch (msr) {
	case MSR_IA32_PLATFORM_ID:  /* no platform bits to match updates against */
	case MSR_IA32_BIOS_SIGN_ID: /* no microcode update loaded (SDM 3A 10.11.7) */
		return MSR_OK;
	case MSR_IA32_APIC_BASE:
		*value = s->apic_base;
		return MSR_OK;
	case MSR_IA32_FEATURE_CONTROL: /* locked with VMX off: no nested VMX (3C 24.7) */
		*value = FEATURE_CONTROL_LOCK;
		return MSR_OK;
	case MSR_IA32_SPEC_CTRL:
		if (!p->spec_ctrl)
			return MSR_GP;
		*value = s->spec_ctrl;
		return MSR_OK;
	case MSR_IA32_MISC_ENABLE:
		*value = s->misc_enable;
		return MSR_OK;
	case MSR_IA32_TSC_DEADLINE:
		return p->tsc_deadline ? backed(where, MSR_BACK_TSC_DEADLINE) : MSR_GP;
	}
	/* IA32_PRED_CMD is write-only; model-specific MSRs such as
	 * MSR_PLATFORM_INFO are never offered, nor is anything else. */
	return MSR_GP;
}

enum msr_result msr_policy_write(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
				 uint64_t value, uint32_t *where)
{
	const struct backed_msr *b = find_backed(msr);
	uint64_t spec_ctrl_bits = SPEC_CTRL_IBRS | (p->stibp ? SPEC_CTRL_STIBP : 0) |
				  (p->ssbd ? SPEC_CTRL_SSBD : 0);

	*where = MSR_BACK_NONE;
	if (b) {
		if (!backed_write_ok(p, s, b->check, value))
			return MSR_GP;
		return backed(where, b->backing);
	}
	if (msr_is_mtrr(msr))
		return msr_mtrr_write(p, s, msr, value);
	if (is_x2apic(msr))
		return msr_x2apic_access(s, where);

	switch (msr) {
	case MSR_IA32_BIOS_SIGN_ID: /* ignored: the 0 written before CPUID (SDM 3A 10.11.7.1) */
		return MSR_OK;
	case MSR_IA32_APIC_BASE:
		return msr_apic_base_write(p, s, value);
	case MSR_IA32_SPEC_CTRL: /* Vol. 4 48H: a bit exists only with its CPUID flag */
		if (!p->spec_ctrl || (value & ~spec_ctrl_bits))
			return MSR_GP;
		s->spec_ctrl = value;
		return MSR_OK;
	case MSR_IA32_PRED_CMD: /* Vol. 4 49H: the barrier must really happen */
		if (!p->spec_ctrl || (value & ~PRED_CMD_IBPB))
			return MSR_GP;
		return backed(where, MSR_BACK_PRED_CMD);
	case MSR_IA32_MISC_ENABLE: /* the other bits describe the platform */
		if ((value ^ s->misc_enable) & ~MISC_ENABLE_FAST_STRINGS)
			return MSR_GP;
		s->misc_enable = value;
		return MSR_OK;
	case MSR_IA32_TSC_DEADLINE:
		return p->tsc_deadline ? backed(where, MSR_BACK_TSC_DEADLINE) : MSR_GP;
	}
	/* Read-only (PLATFORM_ID, FEATURE_CONTROL locked) or not offered. */
	return MSR_GP;
}

void msr_policy_bitmap(uint8_t bitmap[MSR_BITMAP_SIZE], bool pass_bases)
{
	msr_bitmap_build(bitmap, msr_policy_pass_bases, pass_bases ? msr_policy_pass_bases_count : 0);
}
