/* Writing a vCPU's initial guest state into the current VMCS for each boot
 * mode, and its host state from the CPU it runs on. */
#ifndef ARCH_X86_VMX_VMX_GUEST_STATE_H
#define ARCH_X86_VMX_VMX_GUEST_STATE_H

#include "hv/vcpu.h"

void vmx_write_host_state(void);
void vmx_write_guest_state(const struct vcpu_boot_state *boot);

/* CR0 or CR4 as the guest sees it: its own bits from the guest-state field,
 * the bits the hypervisor owns (the guest/host mask) from the read shadow. */
uint64_t vmx_guest_visible_cr0(void);
uint64_t vmx_guest_visible_cr4(void);

#endif
