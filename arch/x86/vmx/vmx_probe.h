/* Whether this CPU can run the hypervisor's guests: VMX present and allowed
 * by the firmware, and the capabilities the design requires. */
#ifndef ARCH_X86_VMX_VMX_PROBE_H
#define ARCH_X86_VMX_VMX_PROBE_H

#include "arch/x86/vmx/vmx_caps.h"

struct vmx_probe {
	bool vmx; /* the CPU has VMX and the firmware allows it */
	bool ept, vpid, ug;
	bool usable;       /* everything required is there */
	char missing[192]; /* when !usable: exactly what is missing */
	struct vmx_caps caps;
};

/* Checks CPUID first, then IA32_FEATURE_CONTROL (locking it with VMX enabled
 * when the firmware left it unlocked), then reads and decodes the capability
 * MSRs, every one through rdmsr_safe. Logs the decoded capabilities. */
void vmx_probe_cpu(struct vmx_probe *out);

/* IA32_FEATURE_CONTROL on the calling CPU (each CPU has its own): lock it with
 * "VMX outside SMX" when unlocked; false, with the reason, when VMX is off. */
bool vmx_feature_control_enable(char *why, size_t n);

#endif
