/* The 8259A pair's request inputs, priority resolution, cascade and INTA
 * cycle (see pic8259.h); the commands and ports are in pic8259_regs.c. */
#include "hv/vdev/pic8259_chip.h"

static uint8_t bit(unsigned ir)
{
	return (uint8_t)(1u << ir);
}

/* Priority rank r (0 highest) belongs to the IR just after the lowest one:
 * rotation moves "lowest" and the other levels follow in circular order. */
static unsigned ir_at_rank(const struct pic_chip *c, unsigned rank)
{
	return (c->lowest + 1 + rank) & 7;
}

uint8_t pic_chip_level_mask(const struct pic_chip *c)
{
	return c->ltim ? 0xff : c->elcr;
}

/* Only the master in special fully nested mode lets a slave with a request
 * in service interrupt again (8259A data sheet, "Special Fully Nest Mode"). */
static uint8_t nested_inputs(const struct pic_chip *c, bool master)
{
	return master && c->sfnm && !c->single ? c->icw3 : 0;
}

/* Fully nested mode: a request is presented only above every level in
 * service. In special mask mode a masked in-service level stops blocking the
 * levels below it (8259A data sheet, "Special Mask Mode"). */
int pic_chip_resolve(const struct pic_chip *c, bool master)
{
	uint8_t req = c->irr & ~c->imr;
	uint8_t blocking = c->special_mask ? c->isr & ~c->imr : c->isr;
	uint8_t nested = nested_inputs(c, master);

	for (unsigned rank = 0; rank < 8; rank++) {
		unsigned ir = ir_at_rank(c, rank);
		uint8_t b = bit(ir);

		if ((req & b) && (!(blocking & b) || (nested & b)))
			return (int)ir;
		if (blocking & b)
			return -1;
	}
	return -1;
}

/* A non-specific EOI resets the highest in-service level, except that in
 * special mask mode one masked by the IMR is left alone (8259A data sheet,
 * "End of Interrupt"). */
int pic_chip_highest_isr(const struct pic_chip *c)
{
	uint8_t isr = c->special_mask ? c->isr & ~c->imr : c->isr;

	for (unsigned rank = 0; rank < 8; rank++) {
		unsigned ir = ir_at_rank(c, rank);
		if (isr & bit(ir))
			return (int)ir;
	}
	return -1;
}

/* INTA sets the ISR bit and resets the IRR bit; a level-sensitive input
 * still high requests again at once. In AEOI mode the ISR bit is reset at
 * the end of the cycle, i.e. never seen set. */
void pic_chip_accept(struct pic_chip *c, unsigned ir)
{
	uint8_t b = bit(ir);

	c->irr = (uint8_t)((c->irr & ~b) | (c->lines & pic_chip_level_mask(c) & b));
	if (!c->auto_eoi)
		c->isr |= b;
	else if (c->rotate_aeoi)
		c->lowest = (uint8_t)ir;
}

/* A level-sensitive input's IRR bit follows the line. An edge-triggered one
 * latches a low-to-high transition and keeps it until INTA: the domain's
 * edge sources pulse (hv/vdev/vdev.h), so the request outlives the line. */
static void chip_set_line(struct pic_chip *c, unsigned ir, bool level)
{
	uint8_t b = bit(ir);
	bool was = c->lines & b;

	c->lines = level ? c->lines | b : c->lines & ~b;
	if (pic_chip_level_mask(c) & b)
		c->irr = level ? c->irr | b : c->irr & ~b;
	else if (level && !was)
		c->irr |= b;
}

void pic_update(struct pic *p)
{
	struct pic_chip *master = &p->s.chip[PIC_MASTER];
	bool level;

	chip_set_line(master, PIC_CASCADE_IR, pic_chip_resolve(&p->s.chip[PIC_SLAVE], false) >= 0);
	level = pic_chip_resolve(master, true) >= 0;
	if (level != p->intr) {
		p->intr = level;
		p->hooks.intr(p->hooks.ctx, level);
	}
}

/* IRQ 2 is the wire from the slave's INT to the master's IR2: no device
 * drives it (the AT moved the bus's IRQ 2 to IRQ 9). */
void pic_set_irq(struct pic *p, unsigned irq, bool level)
{
	if (irq >= PIC_IRQS || irq == PIC_CASCADE_IR)
		return;
	chip_set_line(&p->s.chip[irq / 8], irq % 8, level);
	pic_update(p);
}

bool pic_has_interrupt(const struct pic *p)
{
	return pic_chip_resolve(&p->s.chip[PIC_MASTER], true) >= 0;
}

/* The master put ir on CAS0-2; the slave whose ICW3 ID matches supplies the
 * vector, and with no such slave nothing drives the data bus (all ones). */
static int slave_ack(struct pic *p, unsigned ir)
{
	struct pic_chip *slave = &p->s.chip[PIC_SLAVE];
	int sir;

	if ((slave->icw3 & 7) != ir)
		return 0xff;
	sir = pic_chip_resolve(slave, false);
	if (sir < 0)
		return slave->vector_base | PIC_SPURIOUS_IR;
	pic_chip_accept(slave, (unsigned)sir);
	return slave->vector_base | sir;
}

int pic_ack(struct pic *p)
{
	struct pic_chip *master = &p->s.chip[PIC_MASTER];
	int ir = pic_chip_resolve(master, true);
	int vector;

	if (ir < 0) {
		/* The request went away before INTA: "default IR7", no ISR bit. */
		vector = master->vector_base | PIC_SPURIOUS_IR;
	} else {
		pic_chip_accept(master, (unsigned)ir);
		if (!master->single && (master->icw3 & bit((unsigned)ir))) {
			vector = slave_ack(p, (unsigned)ir);
			/* The slave's INT is sampled afresh after its INTA cycle: a
			 * request still pending there is a new edge for the master,
			 * which would otherwise never see it while INT stays high. */
			master->lines &= (uint8_t)~bit((unsigned)ir);
		} else {
			vector = master->vector_base | ir;
		}
	}
	pic_update(p);
	return vector;
}

static void chip_power_on(struct pic_chip *c, uint8_t icw3)
{
	*c = (struct pic_chip){.imr = 0xff, .icw3 = icw3, .lowest = 7};
}

void pic_init(struct pic *p, const struct pic_hooks *hooks)
{
	*p = (struct pic){.hooks = *hooks};
	chip_power_on(&p->s.chip[PIC_MASTER], bit(PIC_CASCADE_IR));
	chip_power_on(&p->s.chip[PIC_SLAVE], PIC_CASCADE_IR);
}

void pic_load(struct pic *p, const struct pic_state *s)
{
	p->s = *s;
	p->intr = pic_has_interrupt(p);
	p->hooks.intr(p->hooks.ctx, p->intr);
}
