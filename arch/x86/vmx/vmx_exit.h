/* VM-exit dispatch: one const table indexed by basic exit reason gives the
 * handler; the default handler dumps the guest and ends the domain. */
#ifndef ARCH_X86_VMX_VMX_EXIT_H
#define ARCH_X86_VMX_VMX_EXIT_H

#include "hv/domain.h"

typedef void (*vmx_exit_handler)(struct vcpu *v);

void vmx_exit_dispatch(struct vcpu *v, uint32_t basic_reason);

/* Helpers for handlers: move past the exiting instruction (or to rip, for
 * an emulated one), ending its STI/MOV-SS shadow. */
void vmx_skip_instruction(void);
void vmx_skip_shadow_to(uint64_t rip);
void vmx_dump_guest(const struct vcpu *v, uint32_t basic_reason);

/* The handlers, one file per family. */
void vmx_exit_cpuid(struct vcpu *v);
void vmx_exit_io(struct vcpu *v);
void vmx_exit_hlt(struct vcpu *v);
void vmx_exit_triple_fault(struct vcpu *v);
void vmx_exit_external_interrupt(struct vcpu *v);
void vmx_exit_preemption_timer(struct vcpu *v);
void vmx_exit_ept_violation(struct vcpu *v);
void vmx_exit_ept_misconfig(struct vcpu *v);
void vmx_exit_vmcall(struct vcpu *v);
void vmx_exit_cr_access(struct vcpu *v);
void vmx_exit_xsetbv(struct vcpu *v);
void vmx_exit_window(struct vcpu *v);
void vmx_exit_rdmsr(struct vcpu *v);
void vmx_exit_not_offered(struct vcpu *v);
void vmx_exit_invd(struct vcpu *v);
void vmx_exit_io_string(struct vcpu *v, uint16_t port, unsigned int size, bool in, bool rep);
void vmx_exit_wrmsr(struct vcpu *v);

#endif
