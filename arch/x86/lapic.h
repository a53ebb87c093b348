/* The host local APIC, in x2APIC mode (MSRs) when the CPU offers it, else
 * xAPIC (MMIO). IA32_APIC_BASE.EN is never cleared (see PLATFORM.md). */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

#include "hv/types.h"

/* Register offsets in the xAPIC page; x2APIC MSR = 0x800 + offset / 16. */
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_TIMER_DIVIDE_BY_1 0xb

/* ICR delivery modes and flags (SDM 3A 11.6.1). */
#define ICR_FIXED (0u << 8)
#define ICR_NMI (4u << 8)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_DEST_ALL_BUT_SELF (3u << 18)
#define ICR_BUSY (1u << 12)

/* Enable this CPU's LAPIC; the boot CPU chooses the mode for all. */
void lapic_init_cpu(bool boot_cpu);
bool lapic_is_x2apic(void);
bool lapic_ready(void);
uint32_t lapic_id(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t val);
void lapic_eoi(void);
/* Send an IPI; returns false if the xAPIC never took it (busy for too long)
 * or dest cannot be addressed in the current mode. */
bool lapic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low);
void lapic_send_ipi_all_but_self(uint32_t icr_low);

#endif
