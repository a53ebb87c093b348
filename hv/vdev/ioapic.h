/* The I/O APIC model (Intel 82093AA data sheet, with the version 0x20 EOI
 * register of the chipset I/O APICs): 24 input pins routed through a
 * redirection table to interrupt messages the domain delivers to its LAPICs. */
#ifndef HV_VDEV_IOAPIC_H
#define HV_VDEV_IOAPIC_H

#include "hv/mmiobus.h"

#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_SIZE 0x1000
#define IOAPIC_PINS 24
#define IOAPIC_VERSION 0x20

/* Memory-mapped registers, 82093AA §3.1: an index register and a data window
 * onto the indirect registers; 0x40 is the EOI register of version 0x20. */
#define IOAPIC_MMIO_REGSEL 0x00
#define IOAPIC_MMIO_WIN 0x10
#define IOAPIC_MMIO_EOI 0x40

/* Indirect registers, 82093AA §3.2: each redirection entry is two of them,
 * low dword at 0x10 + 2 * pin, high dword after it. */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10

#define IOAPIC_ID_SHIFT 24 /* ID and arbitration ID: bits 27:24 */
#define IOAPIC_ID_MASK (0xfu << IOAPIC_ID_SHIFT)
#define IOAPIC_VER_MAX_REDIR_SHIFT 16

/* Redirection entry fields, 82093AA §3.2.4. */
#define IOAPIC_RTE_VECTOR 0xffull
#define IOAPIC_RTE_MODE_SHIFT 8
#define IOAPIC_RTE_MODE (7ull << IOAPIC_RTE_MODE_SHIFT)
#define IOAPIC_RTE_LOGICAL (1ull << 11)
#define IOAPIC_RTE_DELIVS (1ull << 12)     /* read-only */
#define IOAPIC_RTE_ACTIVE_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14) /* read-only */
#define IOAPIC_RTE_LEVEL (1ull << 15)
#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56
#define IOAPIC_RTE_DEST (0xffull << IOAPIC_RTE_DEST_SHIFT)

/* Delivery modes (bits 10:8). */
enum {
	IOAPIC_MODE_FIXED = 0,
	IOAPIC_MODE_LOWEST = 1,
	IOAPIC_MODE_SMI = 2,
	IOAPIC_MODE_NMI = 4,
	IOAPIC_MODE_INIT = 5,
	IOAPIC_MODE_EXTINT = 7,
};

/* Sends one interrupt message: dest is the destination field (an APIC ID, or
 * a logical mask when logical), mode a delivery mode above, level whether it
 * is level-triggered (the LAPIC then sets its TMR bit and broadcasts the EOI
 * back to ioapic_eoi). */
typedef void (*ioapic_deliver_fn)(void *ctx, uint32_t dest, bool logical, unsigned mode,
				  uint8_t vector, bool level);

/* The architectural state, the save/load unit. */
struct ioapic_state {
	uint8_t regsel;                 /* IOREGSEL */
	uint8_t id;                     /* ID register bits 27:24 */
	uint8_t arb_id;                 /* arbitration ID bits 27:24 */
	uint64_t redir[IOAPIC_PINS];    /* redirection table */
	uint32_t input;                 /* bit n: pin n's electrical input level */
};

struct ioapic {
	struct ioapic_state s;
	uint8_t reset_id; /* the ID firmware gave it, which the MADT reports */
	ioapic_deliver_fn deliver;
	void *ctx;
};

/* Sets up the model in its reset state with the given ID (0-15) and hook. */
void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn deliver, void *ctx);

/* Resets the registers (every pin masked); the input levels stay, since the
 * devices still drive them. */
void ioapic_reset(struct ioapic *io);

/* Claims [IOAPIC_BASE, + IOAPIC_SIZE) on bus. Returns 0, or -1 with the reason
 * in err (see mmio_bus_register). */
int ioapic_mmio_attach(struct ioapic *io, struct mmio_bus *bus, char *err, size_t errlen);

/* A device drives pin to the electrical level given (true: high). */
void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level);

/* A LAPIC's EOI broadcast for vector: clears remote IRR on the level-triggered
 * entries with that vector and delivers again any still asserted. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

/* Save copies the state out. Load installs a state without delivering
 * anything, so it refuses (-1) what no run of the model produces: reserved
 * bits set, delivery status or an edge entry's remote IRR set, or a level
 * entry left due (asserted, unmasked, remote IRR clear). */
void ioapic_save(const struct ioapic *io, struct ioapic_state *out);
int ioapic_load(struct ioapic *io, const struct ioapic_state *in);

#endif
