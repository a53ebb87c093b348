/* The 8259A pair's initialization and operation command words, reads, and
 * the ELCR, on the port bus (see pic8259.h). */
#include "hv/vdev/pic8259_chip.h"

#define ICW1 0x10     /* A0=0, D4=1 */
#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10
#define OCW3 0x08     /* A0=0, D4=0, D3=1; D3=0 is OCW2 */
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_P 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40
#define POLL_INT 0x80 /* poll word: I bit, with W2-W0 the level */

/* OCW2 R, SL, EOI (bits 7:5). */
enum ocw2 {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4,
	OCW2_ROTATE_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* The chipset reserves the ELCR bits of IRQ 0, 1, 2, 8 and 13 (edge only:
 * timer, keyboard, cascade, RTC, FPU error), as the Intel PIIX does. */
static const uint8_t elcr_writable[2] = {0xf8, 0xde};

/* ICW1 (8259A data sheet, "Initialization Command Words"): the edge sense
 * circuit is reset (an edge input must go low, then high, to request), the
 * IMR is cleared, IR7 gets the lowest priority, special mask mode is cleared
 * and reads return the IRR; without IC4 every ICW4 function is zero. The
 * sheet leaves the ISR unspecified: a fresh start has nothing in service. */
static void icw1(struct pic_chip *c, uint8_t v)
{
	c->ltim = v & ICW1_LTIM;
	c->single = v & ICW1_SNGL;
	c->icw4_expected = v & ICW1_IC4;
	c->irr = c->lines & pic_chip_level_mask(c);
	c->isr = 0;
	c->imr = 0;
	c->lowest = 7;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->auto_eoi = false;
	c->sfnm = false;
	c->rotate_aeoi = false;
	c->init_step = 2;
}

/* ICW2 (the vector's T7-T3), ICW3 only in cascade mode, ICW4 only if ICW1
 * asked for it. ICW4's uPM, BUF and M/S describe the board, not behaviour
 * seen by an x86 guest, so only AEOI and SFNM are kept. */
static void icw_next(struct pic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = v & 0xf8;
		c->init_step = !c->single ? 3 : c->icw4_expected ? 4 : 0;
		break;
	case 3:
		c->icw3 = v;
		c->init_step = c->icw4_expected ? 4 : 0;
		break;
	default:
		c->auto_eoi = v & ICW4_AEOI;
		c->sfnm = v & ICW4_SFNM;
		c->init_step = 0;
		break;
	}
}

static void ocw2(struct pic_chip *c, uint8_t v)
{
	unsigned level = v & 7;
	int ir;

	switch ((enum ocw2)(v >> 5)) {
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		ir = pic_chip_highest_isr(c);
		if (ir < 0)
			break;
		c->isr &= (uint8_t)~(1u << ir);
		if (v >> 5 == OCW2_ROTATE_EOI)
			c->lowest = (uint8_t)ir;
		break;
	case OCW2_SPECIFIC_EOI:
		c->isr &= (uint8_t)~(1u << level);
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->isr &= (uint8_t)~(1u << level);
		c->lowest = (uint8_t)level;
		break;
	case OCW2_SET_PRIORITY:
		c->lowest = (uint8_t)level;
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_aeoi = true;
		break;
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_aeoi = false;
		break;
	case OCW2_NOP:
		break;
	}
}

/* SMM changes only with ESMM set, the read register only with RR set. */
static void ocw3(struct pic_chip *c, uint8_t v)
{
	if (v & OCW3_ESMM)
		c->special_mask = v & OCW3_SMM;
	if (v & OCW3_P)
		c->poll = true;
	if (v & OCW3_RR)
		c->read_isr = v & OCW3_RIS;
}

static void chip_write(struct pic *p, struct pic_chip *c, bool a0, uint8_t v)
{
	if (!a0 && (v & ICW1))
		icw1(c, v);
	else if (a0 && c->init_step)
		icw_next(c, v);
	else if (a0)
		c->imr = v;
	else if (v & OCW3)
		ocw3(c, v);
	else
		ocw2(c, v);
	pic_update(p);
}

/* After an OCW3 poll the next read, at either address, is an interrupt
 * acknowledge that returns the poll word instead of a vector. */
static uint8_t chip_read(struct pic *p, struct pic_chip *c, bool a0)
{
	int ir;

	if (c->poll) {
		c->poll = false;
		ir = pic_chip_resolve(c, c == &p->s.chip[PIC_MASTER]);
		if (ir < 0)
			return 0;
		pic_chip_accept(c, (unsigned)ir);
		pic_update(p);
		return (uint8_t)(POLL_INT | ir);
	}
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/* A wider access inside the two ports is one byte per port, low first. */
static uint32_t pic_port_read(void *dev, uint16_t port, unsigned size)
{
	struct pic *p = dev;
	struct pic_chip *c = &p->s.chip[port >= PIC_SLAVE_PORT];
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++)
		value |= (uint32_t)chip_read(p, c, (port + i) & 1) << (8 * i);
	return value;
}

static void pic_port_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct pic *p = dev;
	struct pic_chip *c = &p->s.chip[port >= PIC_SLAVE_PORT];

	for (unsigned i = 0; i < size; i++)
		chip_write(p, c, (port + i) & 1, (uint8_t)(value >> (8 * i)));
}

static uint32_t elcr_read(void *dev, uint16_t port, unsigned size)
{
	struct pic *p = dev;
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++)
		value |= (uint32_t)p->s.chip[port - PIC_ELCR_PORT + i].elcr << (8 * i);
	return value;
}

/* An input turned level-sensitive takes its IRR bit from the line. */
static void elcr_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct pic *p = dev;

	for (unsigned i = 0; i < size; i++) {
		unsigned idx = port - PIC_ELCR_PORT + i;
		struct pic_chip *c = &p->s.chip[idx];
		uint8_t level;

		c->elcr = (uint8_t)(value >> (8 * i)) & elcr_writable[idx];
		level = pic_chip_level_mask(c);
		c->irr = (uint8_t)((c->irr & ~level) | (c->lines & level));
	}
	pic_update(p);
}

int pic_attach(struct pic *p, struct port_bus *bus, char *err, size_t errlen)
{
	if (port_bus_register(bus, PIC_MASTER_PORT, 2, pic_port_read, pic_port_write, p, "pic-master", err,
			      errlen) ||
	    port_bus_register(bus, PIC_SLAVE_PORT, 2, pic_port_read, pic_port_write, p, "pic-slave", err,
			      errlen) ||
	    port_bus_register(bus, PIC_ELCR_PORT, 2, elcr_read, elcr_write, p, "elcr", err, errlen))
		return -1;
	return 0;
}
