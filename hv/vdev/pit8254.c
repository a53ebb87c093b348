/* The 8254's registers on the port bus: control words, counter latch and
 * read-back commands, count reads and writes, port 0x61, and channel 0's
 * IRQ through the domain's timer (see pit8254.h). */
#include "hv/vdev/pit8254_counter.h"

#define CW_SC(v) ((v) >> 6)
#define CW_RW(v) (((v) >> 4) & 3)
#define CW_READ_BACK 3
#define RW_LATCH 0
#define RW_LSB 1
#define RW_MSB 2
#define RB_NO_COUNT 0x20 /* read-back: bits active low */
#define RB_NO_STATUS 0x10
#define STATUS_OUT 0x80
#define STATUS_NULL 0x40
/* The chipset's refresh flip-flop toggles on each DRAM refresh request,
 * which the PC's BIOS has channel 1 make every 18 clocks (15.09 us); the
 * rate is kept whatever channel 1 is set to, since nothing refreshes here. */
#define REFRESH_TICKS 18

static uint64_t now_tick(const struct pit *p)
{
	return pit_ns_to_tick(p->hooks.clock.now_ns(p->hooks.clock.ctx));
}

static unsigned access_mode(const struct pit_channel *c)
{
	return CW_RW(c->control);
}

/* Channel 0's OUT drives IRQ 0: the timer waits for its next rising edge. */
static void rearm(struct pit *p)
{
	uint64_t rise;

	if (pit_ce_next_rise(&p->s.ch[0], now_tick(p), &rise)) {
		p->armed = true;
		p->irq_tick = rise;
		p->hooks.timer.arm(p->hooks.timer.ctx, pit_tick_to_ns(rise));
	} else {
		p->armed = false;
		p->hooks.timer.cancel(p->hooks.timer.ctx);
	}
}

/* One edge per timer expiry: rises missed by a late timer collapse into
 * one, as they would in the 8259A's edge-triggered IRR. */
void pit_timer_fired(struct pit *p)
{
	if (!p->armed)
		return;
	if (now_tick(p) >= p->irq_tick) {
		p->hooks.irq.set(p->hooks.irq.ctx, PIT_IRQ, true);
		p->hooks.irq.set(p->hooks.irq.ctx, PIT_IRQ, false);
	}
	rearm(p);
}

bool pit_out(const struct pit *p, unsigned channel)
{
	return channel < PIT_CHANNELS && pit_ce_out(&p->s.ch[channel], now_tick(p));
}

/* "If a Counter is latched and then, some time later, latched again before
 * the count is read, the second Counter Latch Command is ignored." */
static void latch_count(struct pit_channel *c, uint64_t tick)
{
	if (c->count_latched)
		return;
	c->latch = pit_ce_read(c, tick);
	c->count_latched = true;
}

/* Read-back status: OUT, null count, then the control word's bits 5:0. */
static void latch_status(struct pit_channel *c, uint64_t tick)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((pit_ce_out(c, tick) ? STATUS_OUT : 0) |
			      (tick < c->null_until ? STATUS_NULL : 0) | c->control);
	c->status_latched = true;
}

static void read_back(struct pit *p, uint8_t v, uint64_t tick)
{
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		if (!(v & (2u << i)))
			continue;
		if (!(v & RB_NO_COUNT))
			latch_count(&p->s.ch[i], tick);
		if (!(v & RB_NO_STATUS))
			latch_status(&p->s.ch[i], tick);
	}
}

/* A control word resets the counter's byte sequencing and drops latches
 * ("held in the latch until read ... or until the Counter is reprogrammed"). */
static void control_write(struct pit *p, uint8_t v)
{
	uint64_t tick = now_tick(p);
	struct pit_channel *c;

	if (CW_SC(v) == CW_READ_BACK) {
		read_back(p, v, tick);
		return;
	}
	c = &p->s.ch[CW_SC(v)];
	if (CW_RW(v) == RW_LATCH) {
		latch_count(c, tick);
		return;
	}
	c->control = v & 0x3f;
	c->write_msb = false;
	c->read_msb = false;
	c->count_latched = false;
	c->status_latched = false;
	pit_ce_control(c, tick);
	if (c == &p->s.ch[0])
		rearm(p);
}

static void count_write(struct pit *p, struct pit_channel *c, uint8_t v)
{
	uint64_t tick = now_tick(p);

	switch (access_mode(c)) {
	case RW_LSB:
		c->cr = v;
		break;
	case RW_MSB:
		c->cr = (uint16_t)(v << 8);
		break;
	default:
		if (!c->write_msb) {
			c->cr_lsb = v;
			c->write_msb = true;
			pit_ce_first_byte(c, tick);
			return;
		}
		c->cr = (uint16_t)(c->cr_lsb | v << 8);
		c->write_msb = false;
		break;
	}
	pit_ce_count(c, tick);
	if (c == &p->s.ch[0])
		rearm(p);
}

/* A latched status comes first, then the latched or live count, LSB first
 * in lo/hi mode; a latch is released once read in full. */
static uint8_t count_read(struct pit *p, struct pit_channel *c)
{
	uint16_t v;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->count_latched ? c->latch : pit_ce_read(c, now_tick(p));
	switch (access_mode(c)) {
	case RW_LSB:
		msb = false;
		break;
	case RW_MSB:
		msb = true;
		break;
	default:
		msb = c->read_msb;
		c->read_msb = !msb;
		if (!msb)
			return (uint8_t)v;
		break;
	}
	c->count_latched = false;
	return (uint8_t)(msb ? v >> 8 : v);
}

/* The control register is write-only: reading it floats the bus. */
static uint32_t pit_port_read(void *dev, uint16_t port, unsigned size)
{
	struct pit *p = dev;
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned reg = port + i - PIT_PORT;
		uint8_t b = reg < PIT_CHANNELS ? count_read(p, &p->s.ch[reg]) : 0xff;
		value |= (uint32_t)b << (8 * i);
	}
	return value;
}

static void pit_port_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct pit *p = dev;

	for (unsigned i = 0; i < size; i++) {
		unsigned reg = port + i - PIT_PORT;
		uint8_t b = (uint8_t)(value >> (8 * i));

		if (reg < PIT_CHANNELS)
			count_write(p, &p->s.ch[reg], b);
		else
			control_write(p, b);
	}
}

static uint32_t port61_read(void *dev, uint16_t port, unsigned size)
{
	struct pit *p = dev;
	uint64_t tick = now_tick(p);

	return p->s.port61 | ((tick / REFRESH_TICKS) & 1 ? PIT_61_REFRESH : 0) |
	       (pit_ce_out(&p->s.ch[2], tick) ? PIT_61_OUT2 : 0);
}

static void port61_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct pit *p = dev;

	p->s.port61 = value & PIT_61_WRITABLE;
	pit_ce_gate(&p->s.ch[2], now_tick(p), value & PIT_61_GATE2);
}

/* Channels 0 and 1 have GATE tied high on a PC; channel 2's is port 0x61. */
void pit_init(struct pit *p, const struct pit_hooks *hooks)
{
	*p = (struct pit){.hooks = *hooks};
	for (unsigned i = 0; i < PIT_CHANNELS; i++)
		p->s.ch[i].gate = i != 2;
}

void pit_load(struct pit *p, const struct pit_state *s)
{
	p->s = *s;
	rearm(p);
}

int pit_attach(struct pit *p, struct port_bus *bus, char *err, size_t errlen)
{
	if (port_bus_register(bus, PIT_PORT, 4, pit_port_read, pit_port_write, p, "pit", err, errlen) ||
	    port_bus_register(bus, PIT_PORT_61, 1, port61_read, port61_write, p, "port61", err, errlen))
		return -1;
	return 0;
}
