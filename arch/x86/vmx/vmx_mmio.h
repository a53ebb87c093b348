/* Emulating a guest access to MMIO: after an EPT violation on a
 * guest-physical address a device claims, fetch the instruction through the
 * guest's paging, run it with the instruction emulator (hv/emul) against
 * RAM and the MMIO buses, and move past it. */
#ifndef ARCH_X86_VMX_VMX_MMIO_H
#define ARCH_X86_VMX_VMX_MMIO_H

#include "hv/types.h"

struct mmio_bus;
struct vcpu;

/* false: not emulated (the reason is logged), and the caller ends the domain. */
bool vmx_emulate_mmio(struct vcpu *v, uint64_t gpa);

/* The bus whose device holds [gpa, gpa + len) in this vCPU's view: its own
 * LAPIC page first, then the domain's devices; NULL for none. */
struct mmio_bus *vmx_mmio_bus_for(struct vcpu *v, uint64_t gpa, unsigned len);

#endif
