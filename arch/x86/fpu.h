/* The CPU's extended state (x87, SSE, AVX, ...) as the hypervisor manages it
 * for guests. The hypervisor itself never uses it (-mgeneral-regs-only), so
 * a guest's state stays in the registers across exits and is saved or
 * restored only when a vCPU starts or stops running on a CPU. */
#ifndef ARCH_X86_FPU_H
#define ARCH_X86_FPU_H

#include "hv/types.h"

/* Per CPU at boot: CR4.OSFXSR/OSXMMEXCPT, and with XSAVE CR4.OSXSAVE and
 * XCR0 = every user state component the CPU has. */
void fpu_init_cpu(void);

/* Bytes of a save area for every enabled component (CPUID 0xD.0:ECX with
 * XSAVE, else the 512-byte FXSAVE image); 64-byte aligned allocations. */
size_t fpu_area_size(void);
/* XCR0 with every component the host enabled. */
uint64_t fpu_host_xcr0(void);
/* Whether the CPU's compacted XSAVE size (CPUID 0xD.1 EBX) agrees with its
 * components' sizes and alignments, as the SDM says it must; false on Bochs
 * 2.7, whose XSAVEC then cannot be offered to guests. */
bool fpu_xsave_compacted_ok(void);

/* An area in the architectural initial state (FCW 0x37F, MXCSR 0x1F80,
 * XSTATE_BV 0: every component at its init value). */
void fpu_area_init(void *area);
/* Save / load all enabled components; XCR0 must be the host's. */
void fpu_save(void *area);
void fpu_restore(const void *area);
void fpu_set_xcr0(uint64_t xcr0);

#endif
