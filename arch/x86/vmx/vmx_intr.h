/* Delivering pending external interrupts and NMIs: injected when the guest
 * can take them, otherwise an interrupt- or NMI-window exit is requested
 * for the moment it can (SDM 3C 27.7.5, 26.7.5-26.7.6). */
#ifndef ARCH_X86_VMX_VMX_INTR_H
#define ARCH_X86_VMX_VMX_INTR_H

#include "hv/types.h"

struct vcpu;

/* Before each entry, before vmx_event_before_entry. Both are called with host
 * interrupts off: devices raise interrupts from host timer handlers, and the
 * decision must hold until the entry. */
void vmx_intr_before_entry(struct vcpu *v);
/* Whether a pending event would be taken now (HLT need not block). */
bool vmx_intr_deliverable(const struct vcpu *v);

#endif
