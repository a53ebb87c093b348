/* The virtual PC as test guests program it: port input, the TSC and MSRs,
 * the 8259 pair, the CMOS, the local APIC's xAPIC page and the I/O APIC
 * (guests run with paging off or identity mapped, so the pages are reached
 * at their physical addresses). */
#ifndef GUEST_LIB_PC_H
#define GUEST_LIB_PC_H

#include "hvtest.h"

#define PIC1 0x20
#define PIC2 0xa0
#define PIC_EOI 0x20
#define PIC_OCW3_READ_IRR 0x0a
#define PIC_OCW3_READ_ISR 0x0b

#define LAPIC_BASE 0xfee00000u
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ISR 0x100
#define LAPIC_TMR 0x180
#define LAPIC_IRR 0x200
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LAPIC_SVR_ENABLE 0x100
#define LAPIC_LVT_MASKED 0x10000
#define LAPIC_LVT_EXTINT 0x700
#define LAPIC_LVT_NMI 0x400

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg) = v;
}

/* The I/O APIC at its default base: an index register and a data window. */
#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_REDTBL 0x10 /* pin n: low dword 0x10 + 2n, high dword after it */
#define IOAPIC_RTE_LOW_ACTIVE (1u << 13)
#define IOAPIC_RTE_REMOTE_IRR (1u << 14)
#define IOAPIC_RTE_LEVEL (1u << 15)
#define IOAPIC_RTE_MASKED (1u << 16)

static inline uint32_t ioapic_read(uint8_t reg)
{
	*(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	return *(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + IOAPIC_WIN);
}

static inline void ioapic_write(uint8_t reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	*(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + IOAPIC_WIN) = v;
}

/* Routes pin to the vector in low (with its trigger, polarity and mask
 * bits), physical destination dest. The high dword goes first, so the entry
 * never points at a stale destination while unmasked. */
static inline void ioapic_route(unsigned pin, uint32_t low, uint8_t dest)
{
	ioapic_write((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin + 1), (uint32_t)dest << 24);
	ioapic_write((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin), low);
}

static inline uint32_t ioapic_rte_low(unsigned pin)
{
	return ioapic_read((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin));
}

/* CMOS / RTC registers through the index port (bit 7 clear: NMIs enabled). */
static inline uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static inline void cmos_write(uint8_t reg, uint8_t v)
{
	outb(0x70, reg);
	outb(0x71, v);
}

/* ICW1-ICW4 as a PC BIOS does, with the guest's own vector bases; every
 * line masked but those in unmasked (bit n: IRQ n, 0-7 on the master). */
static inline void pic_setup(uint8_t master_base, uint8_t slave_base, uint8_t unmasked)
{
	outb(PIC1, 0x11); /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC1 + 1, master_base);
	outb(PIC1 + 1, 1 << 2); /* ICW3: slave on IR2 */
	outb(PIC1 + 1, 0x01);   /* ICW4: 8086 mode */
	outb(PIC2, 0x11);
	outb(PIC2 + 1, slave_base);
	outb(PIC2 + 1, 2); /* ICW3: slave ID 2 */
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, (uint8_t)~unmasked);
	outb(PIC2 + 1, 0xff);
}

static inline uint8_t pic_read(uint8_t ocw3)
{
	outb(PIC1, ocw3);
	return inb(PIC1);
}

/* The MP specification's virtual wire mode, as a BIOS leaves a PC: the LAPIC
 * software-enabled, the PIC's INTR through LINT0 as ExtINT, NMI on LINT1. */
static inline void lapic_virtual_wire(void)
{
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_EXTINT);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_NMI);
}

#endif
