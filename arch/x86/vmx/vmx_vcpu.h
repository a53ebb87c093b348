/* The VMX side of a vCPU: its VMCS, the registers the VMCS does not hold,
 * and exit counts by basic exit reason. */
#ifndef ARCH_X86_VMX_VMX_VCPU_H
#define ARCH_X86_VMX_VMX_VCPU_H

#include "arch/x86/guest_context.h"
#include "arch/x86/msr_policy.h"
#include "arch/x86/vmx/guest_regs.h"
#include "arch/x86/vmx/vmx_event.h"

/* Basic exit reasons are below 80 in every SDM edition so far; anything
 * higher is counted in the last slot. */
#define VMX_EXIT_STATS_SLOTS 80

struct vcpu_arch {
	paddr_t vmcs;
	bool launched;
	struct guest_regs regs;
	struct guest_context ctx; /* what neither the VMCS nor entry.S switch */
	struct vmx_event event;   /* to deliver at the next entry */
	struct msr_platform msr_platform; /* what the guest's CPUID offers */
	struct msr_vcpu_state msr;        /* the emulated MSRs */
	uint64_t exit_counts[VMX_EXIT_STATS_SLOTS];
};

#endif
