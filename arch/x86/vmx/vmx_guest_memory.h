/* Reading guest memory by linear address, as the guest's own paging maps
 * it: for the instruction fetches and string operations the hypervisor
 * emulates. */
#ifndef ARCH_X86_VMX_VMX_GUEST_MEMORY_H
#define ARCH_X86_VMX_VMX_GUEST_MEMORY_H

#include "hv/emul/pagewalk.h"
#include "hv/emul/x86emu.h"

struct vcpu;

/* The guest's paging state from the current VMCS. */
void vmx_guest_paging(struct pw_regs *regs);
/* The mode the guest executes in (CS.L, CS.D). */
enum x86emu_mode vmx_guest_code_mode(void);

/* Translate [linear, linear + len) (at most a page) as the guest's paging
 * would for this access; a pw_result, with range and fault filled. */
int vmx_guest_translate(const struct vcpu *v, uint64_t linear, size_t len, bool write, bool fetch,
			struct pw_range *range, struct pw_fault *fault);

/* Copy len bytes (at most a page) at linear into buf. Returns the number of
 * bytes copied: fewer than len when the range runs into a page that is not
 * mapped or not RAM (a fetch past the end is not an error yet: the decoder
 * decides whether it needed those bytes). */
size_t vmx_guest_read_linear(const struct vcpu *v, uint64_t linear, void *buf, size_t len,
			     bool fetch);
/* Copy len bytes (at most a page) from buf to linear, with the guest's write
 * permissions; false (nothing written) if any byte is not writable RAM. */
bool vmx_guest_write_linear(const struct vcpu *v, uint64_t linear, const void *buf, size_t len);

#endif
