/* Descriptor table formats (SDM Vol. 3A 3.4.5, 6.14.1, 8.7): the 64-bit IDT
 * gate, the 64-bit TSS and the pseudo-descriptor LGDT/LIDT take. */
#ifndef ARCH_X86_DESC_H
#define ARCH_X86_DESC_H

#include "hv/types.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate */

void idt_fill(struct idt_gate *idt, const uint64_t *ist_top);

#endif
