/* RDMSR and WRMSR exits: the allow-list in arch/x86/msr_policy.c decides;
 * what it refuses gets #GP(0), what lives in the VMCS or the vCPU's switched
 * context is read or written there. */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/msr_policy.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_event.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/vmx/vmx_guest_state.h"
#include "hv/domain.h"

static const uint32_t vmcs_backing[] = {
	[MSR_BACK_SYSENTER_CS] = VMCS_GUEST_SYSENTER_CS,
	[MSR_BACK_SYSENTER_ESP] = VMCS_GUEST_SYSENTER_ESP,
	[MSR_BACK_SYSENTER_EIP] = VMCS_GUEST_SYSENTER_EIP,
	[MSR_BACK_PAT] = VMCS_GUEST_PAT,
	[MSR_BACK_EFER] = VMCS_GUEST_EFER,
	[MSR_BACK_FS_BASE] = VMCS_GUEST_FS_BASE,
	[MSR_BACK_GS_BASE] = VMCS_GUEST_GS_BASE,
};

/* These live in the CPU while the vCPU's context is loaded (guest_context). */
static const uint32_t live_msr[] = {
	[MSR_BACK_STAR] = MSR_STAR,
	[MSR_BACK_LSTAR] = MSR_LSTAR,
	[MSR_BACK_CSTAR] = MSR_CSTAR,
	[MSR_BACK_SFMASK] = MSR_SFMASK,
	[MSR_BACK_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
	[MSR_BACK_TSC_AUX] = MSR_TSC_AUX,
};

static bool in_table(uint32_t where, const uint32_t *table, size_t n)
{
	return where < n && table[where];
}

/* The access policy said MSR_VMCS for: false if this backend cannot do it. */
static bool backed_access(uint32_t where, bool write, uint64_t *value)
{
	if (in_table(where, vmcs_backing, ARRAY_SIZE(vmcs_backing))) {
		if (write)
			vmcs_write(vmcs_backing[where], *value);
		else
			*value = vmcs_read(vmcs_backing[where]);
		return true;
	}
	if (in_table(where, live_msr, ARRAY_SIZE(live_msr)))
		return write ? wrmsr_safe(live_msr[where], *value) == 0
			     : rdmsr_safe(live_msr[where], value) == 0;
	switch (where) {
	case MSR_BACK_TSC_OFFSET:
		/* The guest's TSC is the host's plus the offset (SDM 3C 26.3). */
		if (write)
			vmcs_write(VMCS_TSC_OFFSET, *value - rdtsc());
		else
			*value = rdtsc() + vmcs_read(VMCS_TSC_OFFSET);
		return true;
	case MSR_BACK_PRED_CMD:
		return write && wrmsr_safe(MSR_IA32_PRED_CMD, *value) == 0;
	default:
		return false;
	}
}

/* The guest's TSC is the host's plus the VMCS offset; the LAPIC model counts
 * TSC ticks from the domain clock's origin. Their difference moves only when
 * the guest writes IA32_TSC. */
static int64_t guest_tsc_bias(const struct vcpu *v)
{
	return (int64_t)(vmcs_read(VMCS_TSC_OFFSET) + v->dom->start_tsc);
}

/* The accesses the policy sends to the vCPU's local APIC model (its
 * x2APIC registers and IA32_TSC_DEADLINE), and IA32_APIC_BASE once the
 * policy has accepted and recorded a write. False means the model refused
 * it (#GP). The model's timers fire in host interrupt handlers: host
 * interrupts off. */
static bool lapic_msr(struct vcpu *v, uint32_t msr, uint32_t where, bool write, uint64_t *value)
{
	struct lapic *l = &v->lapic;
	bool ok = true;
	uint64_t flags = irq_save();

	if (where == MSR_BACK_LAPIC) {
		ok = (write ? lapic_msr_write(l, msr, *value) : lapic_msr_read(l, msr, value)) == LAPIC_MSR_OK;
	} else if (where == MSR_BACK_TSC_DEADLINE && write) {
		lapic_write_tsc_deadline(l, *value ? *value - (uint64_t)guest_tsc_bias(v) : 0);
	} else if (where == MSR_BACK_TSC_DEADLINE) {
		uint64_t model = lapic_read_tsc_deadline(l);
		*value = model ? model + (uint64_t)guest_tsc_bias(v) : 0;
	} else {
		lapic_set_apic_base(l, v->arch.msr.apic_base);
	}
	irq_restore(flags);
	return ok;
}

static void msr_exit(struct vcpu *v, bool write)
{
	uint64_t *r = v->arch.regs.gpr;
	uint32_t msr = (uint32_t)r[GUEST_REG_RCX], where = MSR_BACK_NONE;
	uint64_t value = ((r[GUEST_REG_RDX] & 0xffffffffu) << 32) | (r[GUEST_REG_RAX] & 0xffffffffu);
	enum msr_result res;

	if (write) {
		v->arch.msr.guest_efer = vmcs_read(VMCS_GUEST_EFER);
		v->arch.msr.guest_cr0 = vmx_guest_visible_cr0();
		res = msr_policy_write(&v->arch.msr_platform, &v->arch.msr, msr, value, &where);
	} else {
		res = msr_policy_read(&v->arch.msr_platform, &v->arch.msr, msr, &value, &where);
	}
	bool lapic = where == MSR_BACK_LAPIC || where == MSR_BACK_TSC_DEADLINE ||
		     (res == MSR_OK && write && msr == MSR_IA32_APIC_BASE);
	if (res == MSR_GP || (lapic && !lapic_msr(v, msr, where, write, &value)) ||
	    (res == MSR_VMCS && !lapic && !backed_access(where, write, &value))) {
		vmx_inject_gp0(v);
		return;
	}
	if (!write) {
		r[GUEST_REG_RAX] = (uint32_t)value;
		r[GUEST_REG_RDX] = value >> 32;
	}
	vmx_skip_instruction();
}

void vmx_exit_rdmsr(struct vcpu *v)
{
	msr_exit(v, false);
}

void vmx_exit_wrmsr(struct vcpu *v)
{
	msr_exit(v, true);
}
