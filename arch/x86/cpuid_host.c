/* The CPU's own CPUID as the policy's host function (cpuid_policy.h), for
 * the CPUID exit and the boot-time XSAVE check alike. */
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid_policy.h"

void cpuid_host(uint32_t leaf, uint32_t sub, uint32_t out[4], void *ctx)
{
	struct cpuid_regs r = cpuid_count(leaf, sub);
	out[0] = r.eax;
	out[1] = r.ebx;
	out[2] = r.ecx;
	out[3] = r.edx;
}
