/* The register frame idt_entry.S builds, and interrupt vector assignments. */
#ifndef ARCH_X86_TRAP_H
#define ARCH_X86_TRAP_H

#include "hv/types.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Host interrupt vectors: above the 8259's remapped 0x20-0x2f, highest
 * priority class for the timer. */
#define VECTOR_PIC_BASE 0x20
#define VECTOR_IPI_PING 0xf0
#define VECTOR_IPI_CALL 0xf1
#define VECTOR_TIMER 0xfe
#define VECTOR_SPURIOUS 0xff

typedef void (*irq_handler_fn)(struct trap_frame *f);
void irq_register(uint8_t vector, irq_handler_fn fn);

void trap_dispatch(struct trap_frame *f);
const char *exception_name(uint64_t vector);

#endif
