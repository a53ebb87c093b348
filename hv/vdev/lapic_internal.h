/* What the LAPIC model's files share: register access by index (offset / 16,
 * the same in the xAPIC page and the x2APIC MSRs), interrupts and the timer. */
#ifndef HV_VDEV_LAPIC_INTERNAL_H
#define HV_VDEV_LAPIC_INTERNAL_H

#include "hv/vdev/lapic.h"

/* Internal names start with vlapic_ so that they never meet the host LAPIC
 * driver's lapic_* (arch/x86/lapic.h) in the hypervisor image. */

enum lapic_access {
	LAPIC_ACC_OK,
	LAPIC_ACC_RO,     /* read-only (a write) or write-only (a read) */
	LAPIC_ACC_RSVD,   /* x2APIC: a reserved bit set (11.12.1.3) */
	LAPIC_ACC_ABSENT, /* no such register in this mode */
};

#define LAPIC_ICR_DEST_LOGICAL (1u << 11)
#define LAPIC_ICR_LEVEL_ASSERT (1u << 14)
#define LAPIC_ICR_TRIGGER_LEVEL (1u << 15)
#define LAPIC_ICR_SH_SHIFT 18

/* Register index reg is offset / 16; x2 selects the x2APIC view. */
enum lapic_access vlapic_reg_get(struct lapic *l, unsigned reg, bool x2, uint64_t *value);
enum lapic_access vlapic_reg_set(struct lapic *l, unsigned reg, bool x2, uint64_t value);

bool vlapic_hw_enabled(const struct lapic *l);
bool vlapic_sw_enabled(const struct lapic *l);
uint32_t vlapic_ppr(const struct lapic *l);
uint32_t vlapic_apr(const struct lapic *l);
void vlapic_eoi_write(struct lapic *l);
void vlapic_error(struct lapic *l, uint32_t bits);
/* Register state as after power-on, keeping the ID and IA32_APIC_BASE. */
void vlapic_reset_regs(struct lapic *l);
/* An LVT's own interrupt (timer, error): dropped while masked. */
void vlapic_lvt_fire(struct lapic *l, enum lapic_lvt which);

/* ICR and SELF IPI (lapic_ipi.c). */
uint32_t vlapic_ldr_x2apic(uint32_t id);
void vlapic_icr_send(struct lapic *l);
void vlapic_self_ipi(struct lapic *l, uint8_t vector);

/* Timer registers (lapic_timer.c). */
uint32_t vlapic_timer_current(const struct lapic *l);
void vlapic_timer_set_lvt(struct lapic *l, uint32_t value);
void vlapic_timer_set_initial(struct lapic *l, uint32_t value);
void vlapic_timer_set_divide(struct lapic *l, uint32_t value);
void vlapic_timer_stop(struct lapic *l);
void vlapic_timer_rearm(struct lapic *l);

#endif
