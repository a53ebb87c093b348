/* Emulating a guest access to MMIO: after an EPT violation on a
 * guest-physical address a device claims, fetch the instruction through the
 * guest's paging, decode it (MOV forms), carry it out on the domain's MMIO
 * bus and move past it. */
#ifndef ARCH_X86_VMX_VMX_MMIO_H
#define ARCH_X86_VMX_VMX_MMIO_H

#include "hv/types.h"

struct vcpu;

/* false: not emulated (the reason is logged), and the caller ends the domain. */
bool vmx_emulate_mmio(struct vcpu *v, uint64_t gpa);

#endif
