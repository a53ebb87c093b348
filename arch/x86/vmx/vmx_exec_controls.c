/* Control computation (see vmx_exec_controls.h). Control bit positions are
 * SDM 3C 25.6-25.8; the allowed settings come from Appendix A through
 * vmx_caps (TRUE_* MSRs when IA32_VMX_BASIC[55] is set). */
#include "arch/x86/vmx/vmx_exec_controls.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "hv/format.h"

/* Pin-based: host interrupts and NMIs always reach the hypervisor. */
#define PIN_REQUIRED (VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING)
#define PIN_OPTIONAL (VMX_PIN_PREEMPTION_TIMER)
/* Primary: HLT blocks the vCPU in the hypervisor (PLATFORM.md: never enter
 * the HLT activity state); the guest reads the TSC with the domain's offset;
 * CR8 is the virtual LAPIC's TPR (without these exits a guest would write
 * the host's own TPR); port and MSR accesses exit through bitmaps when the
 * CPU has them, else I/O exits unconditionally and every MSR access exits
 * anyway. */
#define PROC_REQUIRED                                                                  \
	(VMX_PROC_HLT_EXITING | VMX_PROC_SECONDARY_CTLS | VMX_PROC_TSC_OFFSETTING |     \
	 VMX_PROC_CR8_LOAD_EXITING | VMX_PROC_CR8_STORE_EXITING)
#define PROC_OPTIONAL (VMX_PROC_IO_BITMAPS | VMX_PROC_MSR_BITMAPS)
#define PROC2_REQUIRED (VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED_GUEST)
#define PROC2_OPTIONAL (VMX_PROC2_VPID)
/* EFER and PAT are switched by the VMCS, not by hand. */
#define EXIT_REQUIRED                                                                  \
	(VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER |     \
	 VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT)
#define ENTRY_REQUIRED (VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT)

static bool resolve(const struct vmx_ctl_caps *c, uint32_t required, uint32_t optional,
		    uint32_t *value, uint32_t *unsupported, const char *what, char *err, size_t errlen)
{
	if (!vmx_ctl_resolve(c, required, optional, value)) {
		fmt_snprintf(err, errlen, "%s controls: required bits %#x not allowed by the CPU",
			     what, required & ~c->may_be_one);
		return false;
	}
	*unsupported = optional & ~c->may_be_one;
	return true;
}

int vmx_exec_controls_compute(const struct vmx_caps *caps, struct vmx_exec_controls *out, char *err,
			      size_t errlen)
{
	struct vmx_ctl_set *v = &out->value, *u = &out->unsupported;
	uint32_t proc_required = PROC_REQUIRED;

	/* Without I/O bitmaps, every port access must still exit. */
	if (!(caps->proc.may_be_one & VMX_PROC_IO_BITMAPS))
		proc_required |= VMX_PROC_UNCOND_IO_EXITING;
	if (!resolve(&caps->pin, PIN_REQUIRED, PIN_OPTIONAL, &v->pin, &u->pin, "pin-based", err,
		     errlen) ||
	    !resolve(&caps->proc, proc_required, PROC_OPTIONAL, &v->proc, &u->proc,
		     "primary processor-based", err, errlen) ||
	    !resolve(&caps->proc2, PROC2_REQUIRED, PROC2_OPTIONAL, &v->proc2, &u->proc2,
		     "secondary processor-based", err, errlen) ||
	    !resolve(&caps->exit, EXIT_REQUIRED, 0, &v->exit, &u->exit, "VM-exit", err, errlen) ||
	    !resolve(&caps->entry, ENTRY_REQUIRED, 0, &v->entry, &u->entry, "VM-entry", err, errlen))
		return -1;
	/* An allowed-0 bit we did not ask for must not creep in through a
	 * must-be-one setting: entering the guest in long mode is per vCPU. */
	v->entry &= ~VMX_ENTRY_IA32E_MODE_GUEST;
	if (caps->entry.must_be_one & VMX_ENTRY_IA32E_MODE_GUEST) {
		fmt_snprintf(err, errlen, "VM-entry controls: IA-32e mode guest may not be 0");
		return -1;
	}
	out->io_bitmaps = v->proc & VMX_PROC_IO_BITMAPS;
	out->msr_bitmaps = v->proc & VMX_PROC_MSR_BITMAPS;
	out->vpid = v->proc2 & VMX_PROC2_VPID;
	out->preemption_timer = v->pin & VMX_PIN_PREEMPTION_TIMER;
	return 0;
}

bool vmx_entry_controls_for(const struct vmx_caps *caps, const struct vmx_exec_controls *c,
			    bool long_mode, uint32_t *out)
{
	if (long_mode && !(caps->entry.may_be_one & VMX_ENTRY_IA32E_MODE_GUEST))
		return false;
	*out = c->value.entry | (long_mode ? VMX_ENTRY_IA32E_MODE_GUEST : 0);
	return true;
}
