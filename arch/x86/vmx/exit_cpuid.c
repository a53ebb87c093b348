/* CPUID exits: the host's answer with VMX hidden and the hypervisor bit set.
 * (The per-domain allow-list policy replaces this with the exit-handler work.) */
#include "arch/x86/cpu.h"
#include "arch/x86/vmx/vmx_exit.h"

#define CPUID1_ECX_HIDE CPUID1_ECX_VMX

void vmx_exit_cpuid(struct vcpu *v)
{
	uint64_t *r = v->arch.regs.gpr;
	struct cpuid_regs c = cpuid_count((uint32_t)r[GUEST_REG_RAX], (uint32_t)r[GUEST_REG_RCX]);

	if ((uint32_t)r[GUEST_REG_RAX] == 1)
		c.ecx = (c.ecx & ~CPUID1_ECX_HIDE) | CPUID1_ECX_HYPERVISOR;
	r[GUEST_REG_RAX] = c.eax;
	r[GUEST_REG_RBX] = c.ebx;
	r[GUEST_REG_RCX] = c.ecx;
	r[GUEST_REG_RDX] = c.edx;
	vmx_skip_instruction();
}
