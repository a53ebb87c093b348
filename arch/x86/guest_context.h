/* The parts of a vCPU's state that neither the VMCS nor entry.S switch:
 * debug registers, XCR0 and the extended (x87/SSE/AVX) state, and the MSRs
 * of SYSCALL, SWAPGS and RDTSCP. Loaded when the vCPU starts running on a
 * CPU and saved when it stops, so nothing passes from one guest to another. */
#ifndef ARCH_X86_GUEST_CONTEXT_H
#define ARCH_X86_GUEST_CONTEXT_H

#include "hv/types.h"

struct guest_context {
	uint64_t dr[4], dr6;
	uint64_t xcr0;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux;
	paddr_t fpu_area; /* fpu_area_size() bytes */
	uint64_t fpu_pages;
};

/* Power-on values (SDM 3A 10.1.1): DRs 0 (DR6 0xFFFF0FF0), XCR0 x87 only,
 * the MSRs 0, the extended state in its init state. */
int guest_context_init(struct guest_context *c);
void guest_context_load(const struct guest_context *c);
void guest_context_save(struct guest_context *c);
void guest_context_free(struct guest_context *c);

#endif
