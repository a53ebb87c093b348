/* Events delivered into the guest: a queued event is written into the
 * VM-entry interruption-information field before the next entry, and an
 * event whose delivery a VM exit interrupted (IDT-vectoring information) is
 * queued again so it is never lost. */
#ifndef ARCH_X86_VMX_VMX_EVENT_H
#define ARCH_X86_VMX_VMX_EVENT_H

#include "hv/types.h"

struct vcpu;

struct vmx_event {
	bool pending;
	uint8_t type; /* enum vmx_intr_type */
	uint8_t vector;
	bool has_error;
	uint32_t error;
	uint32_t instruction_len; /* software interrupts and exceptions */
};

#define X86_VECTOR_DE 0
#define X86_VECTOR_UD 6
#define X86_VECTOR_DF 8
#define X86_VECTOR_TS 10
#define X86_VECTOR_NP 11
#define X86_VECTOR_SS 12
#define X86_VECTOR_GP 13
#define X86_VECTOR_PF 14

/* Raise a hardware exception in the guest at the current instruction (the
 * caller does not advance RIP). Combined with an event already queued as the
 * CPU would (SDM 3A 6.15, "Conditions for Generating a Double Fault"); a
 * fault while delivering #DF ends the domain with triple-fault. */
void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
static inline void vmx_inject_gp0(struct vcpu *v)
{
	vmx_inject_exception(v, X86_VECTOR_GP, true, 0);
}
static inline void vmx_inject_ud(struct vcpu *v)
{
	vmx_inject_exception(v, X86_VECTOR_UD, false, 0);
}

/* After every exit, before the handler: requeue an interrupted delivery. */
void vmx_event_after_exit(struct vcpu *v);
/* Before every entry: write the queued event into the VMCS. */
void vmx_event_before_entry(struct vcpu *v);

#endif
