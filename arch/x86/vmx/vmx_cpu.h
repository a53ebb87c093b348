/* VMX operation on each CPU: fixed CR0/CR4 bits, a VMXON region, VMXON. */
#ifndef ARCH_X86_VMX_VMX_CPU_H
#define ARCH_X86_VMX_VMX_CPU_H

#include "arch/x86/vmx/vmx_caps.h"

/* Enter VMX operation on every online CPU; each logs "cpu<N> vmx on" or why
 * not. Returns how many CPUs are in VMX operation. */
unsigned int vmx_enable_all_cpus(const struct vmx_caps *caps);
/* Whether CPU cpu_id is in VMX operation (may run guests). */
bool vmx_cpu_is_on(unsigned int cpu_id);

#endif
