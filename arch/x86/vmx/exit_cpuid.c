/* CPUID exits: answered by the default-deny policy in arch/x86/cpuid_policy*
 * from the host's values, what this hypervisor enables and handles, and the
 * vCPU's own state at this moment (CR4.OSXSAVE/OSPKE, XCR0, APIC ID). */
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid_policy.h"
#include "arch/x86/fpu.h"
#include "arch/x86/tsc.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/vmx/vmx_guest_state.h"

#define CR4_OSXSAVE_BIT (1u << 18)
#define CR4_PKE_BIT (1u << 22)


/* What the guest gets today: PAT and EFER.NXE through the VMCS, the virtual
 * LAPIC with x2APIC mode and the TSC-deadline timer, nothing whose control
 * is off (RDTSCP, INVPCID, XSAVES) or whose MSRs do not exist yet (MTRR,
 * MCA, PMU, speculation controls). One vCPU runs until the scheduler exists. */
static struct cpuid_platform platform_for(void)
{
	return (struct cpuid_platform){
		.msr_pat = true,
		.msr_efer_nx = cpuid(0x80000001).edx & CPUID80000001_EDX_NX,
		.msr_tsc_deadline = true,
		.x2apic = true,
		.xsave_compacted = fpu_xsave_compacted_ok(),
		.vcpus = 1,
		.tsc_khz = tsc_khz,
		.xcr0_supported = fpu_host_xcr0(),
	};
}

void vmx_exit_cpuid(struct vcpu *v)
{
	uint64_t *r = v->arch.regs.gpr;
	const struct cpuid_platform p = platform_for();
	uint64_t cr4 = vmx_guest_visible_cr4();
	const struct cpuid_vcpu_state s = {
		.apic_id = v->id,
		.apic_enabled = v->arch.msr.apic_base & APIC_BASE_EN,
		.cr4_osxsave = cr4 & CR4_OSXSAVE_BIT,
		.cr4_ospke = cr4 & CR4_PKE_BIT,
		.xcr0 = v->arch.ctx.xcr0,
	};
	uint32_t out[4];

	cpuid_policy_eval(cpuid_host, NULL, &p, &s, (uint32_t)r[GUEST_REG_RAX], (uint32_t)r[GUEST_REG_RCX], out);
	r[GUEST_REG_RAX] = out[0];
	r[GUEST_REG_RBX] = out[1];
	r[GUEST_REG_RCX] = out[2];
	r[GUEST_REG_RDX] = out[3];
	vmx_skip_instruction();
}
