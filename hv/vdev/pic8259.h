/* The PC's pair of Intel 8259A interrupt controllers: the master at 0x20-0x21,
 * the slave at 0xA0-0xA1 cascaded on the master's IR2, and the chipset's
 * edge/level control registers (ELCR) at 0x4D0-0x4D1. Pure logic. */
#ifndef HV_VDEV_PIC8259_H
#define HV_VDEV_PIC8259_H

#include "hv/iobus.h"

#define PIC_MASTER_PORT 0x20
#define PIC_SLAVE_PORT 0xa0
#define PIC_ELCR_PORT 0x4d0
#define PIC_IRQS 16
#define PIC_CASCADE_IR 2 /* the master input the slave's INT drives */
#define PIC_SPURIOUS_IR 7 /* the data sheet's "default IR7" */

/* One 8259A. An ICW1 restarts the ICW2-ICW4 sequence (init_step). */
struct pic_chip {
	uint8_t irr;         /* interrupt request register */
	uint8_t isr;         /* in-service register */
	uint8_t imr;         /* interrupt mask register (OCW1) */
	uint8_t lines;       /* the IR inputs' levels as last driven */
	uint8_t elcr;        /* level-sensitive inputs when ICW1 LTIM is 0 */
	uint8_t vector_base; /* ICW2 bits 7:3 */
	uint8_t icw3;        /* master: inputs with a slave; slave: its ID */
	uint8_t lowest;      /* the IR with the lowest priority (rotation) */
	uint8_t init_step;   /* 0 when operating, else the ICW (2-4) expected */
	bool icw4_expected;  /* ICW1 IC4 */
	bool single;         /* ICW1 SNGL */
	bool ltim;           /* ICW1 LTIM: every input level-sensitive */
	bool auto_eoi;       /* ICW4 AEOI */
	bool sfnm;           /* ICW4 special fully nested mode */
	bool rotate_aeoi;    /* OCW2 rotate in automatic EOI mode */
	bool read_isr;       /* OCW3 RIS: reads at A0=0 return ISR, not IRR */
	bool poll;           /* OCW3 P: the next read is a poll */
	bool special_mask;   /* OCW3 SMM */
};

/* The save/load unit: chip[0] is the master, chip[1] the slave. */
struct pic_state {
	struct pic_chip chip[2];
};

/* intr: the master's INT output, which the domain turns into an injection. */
struct pic_hooks {
	void (*intr)(void *ctx, bool level);
	void *ctx;
};

struct pic {
	struct pic_state s;
	struct pic_hooks hooks;
	bool intr; /* the level last reported through hooks.intr */
};

/* Power-on state: every input masked, vector base 0, the PC's cascade
 * wiring (slave ID 2 on master IR2), until the guest's ICW sequence. */
void pic_init(struct pic *p, const struct pic_hooks *hooks);
/* Claim the master, slave and ELCR ports; 0, or -1 with the reason in err. */
int pic_attach(struct pic *p, struct port_bus *bus, char *err, size_t errlen);
/* A device drives input irq (0-15; 8-15 are the slave's IR0-7; 2 is the
 * cascade and ignored). */
void pic_set_irq(struct pic *p, unsigned irq, bool level);
/* Whether the master's INT output is asserted. */
bool pic_has_interrupt(const struct pic *p);
/* The INTA cycle: the vector to inject, with IRR and ISR updated as the
 * chips do; a request that has gone away gives the spurious IR7 vector of
 * the chip that answered (IRQ 7 or, through the cascade, IRQ 15). */
int pic_ack(struct pic *p);
/* Restore a saved state; the INT output is reported again. */
void pic_load(struct pic *p, const struct pic_state *s);

#endif
