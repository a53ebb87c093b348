/* The VM-execution, exit and entry controls this hypervisor runs guests
 * with, computed from the capability MSRs (never hard-coded): must-be-one
 * bits set, required bits checked, wanted-but-unsupported bits reported. */
#ifndef ARCH_X86_VMX_VMX_EXEC_CONTROLS_H
#define ARCH_X86_VMX_VMX_EXEC_CONTROLS_H

#include "arch/x86/vmx/vmx_caps.h"

struct vmx_ctl_set {
	uint32_t pin, proc, proc2, exit, entry;
};

struct vmx_exec_controls {
	struct vmx_ctl_set value;      /* what goes into the VMCS */
	struct vmx_ctl_set unsupported; /* optional bits wanted but not offered */
	bool io_bitmaps, msr_bitmaps, vpid, preemption_timer;
};

/* Returns 0, or -1 with err naming the first required control the CPU
 * lacks. IA-32e mode guest is per vCPU: vmx_entry_controls_for() adds it. */
int vmx_exec_controls_compute(const struct vmx_caps *caps, struct vmx_exec_controls *out, char *err,
			      size_t errlen);

/* Entry controls for one vCPU; false if long mode is wanted but the CPU
 * does not allow "IA-32e mode guest". */
bool vmx_entry_controls_for(const struct vmx_caps *caps, const struct vmx_exec_controls *c,
			    bool long_mode, uint32_t *out);

#endif
