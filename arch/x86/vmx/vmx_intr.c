/* Interrupt and NMI delivery (see vmx_intr.h). */
#include "arch/x86/vmx/vmx_intr.h"
#include "arch/x86/cpu.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "arch/x86/vmx/vmx_cpu.h"
#include "hv/domain.h"
#include "hv/vcpu.h"

#define X86_VECTOR_NMI 2

static bool interrupts_open(void)
{
	uint64_t blocking = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	return (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(blocking & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS));
}

/* NMIs are held back by an NMI being handled and by MOV-SS blocking
 * (SDM 3C 27.3.1.5, the NMI-injection rules). */
static bool nmi_open(void)
{
	uint64_t blocking = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	return !(blocking & (VMX_INTERRUPTIBILITY_NMI | VMX_INTERRUPTIBILITY_MOV_SS));
}

bool vmx_intr_deliverable(const struct vcpu *v)
{
	return (v->pending.nmi && nmi_open()) || (vcpu_irq_waiting(v) && interrupts_open());
}

static void set_window(uint32_t control, bool on)
{
	uint64_t proc = vmcs_read(VMCS_PRI_PROC_BASED_CTLS);
	uint64_t want = on ? proc | control : proc & ~(uint64_t)control;
	if (want != proc)
		vmcs_write(VMCS_PRI_PROC_BASED_CTLS, want);
}

void vmx_intr_before_entry(struct vcpu *v)
{
	struct vmx_event *e = &v->arch.event;
	bool nmi_window = vmx_active_caps()->proc.may_be_one & VMX_PROC_NMI_WINDOW_EXITING;
	bool want_irq_window = false, want_nmi_window = false;

	if (v->pending.nmi) {
		if (!e->pending && nmi_open()) {
			*e = (struct vmx_event){true, VMX_INTR_TYPE_NMI, X86_VECTOR_NMI, false, 0, 0};
			v->pending.nmi = false;
		} else if (nmi_window) {
			want_nmi_window = true;
		} else {
			want_irq_window = true; /* the closest substitute */
		}
	}
	if (vcpu_irq_waiting(v)) {
		if (!e->pending && interrupts_open()) {
			/* Acked only now: the PIC fixes its vector in the INTA
			 * cycle, the LAPIC moves it from IRR to ISR. */
			int vector = vcpu_irq_ack(v);
			if (vector >= 0)
				*e = (struct vmx_event){true, VMX_INTR_TYPE_EXT_INTR, (uint8_t)vector, false, 0, 0};
			want_irq_window |= vcpu_irq_waiting(v); /* come back for the next */
		} else {
			want_irq_window = true;
		}
	}
	set_window(VMX_PROC_INTR_WINDOW_EXITING, want_irq_window);
	if (nmi_window)
		set_window(VMX_PROC_NMI_WINDOW_EXITING, want_nmi_window);
}
