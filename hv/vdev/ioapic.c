/* The I/O APIC model (see ioapic.h): pin sensing, the redirection table and
 * its memory-mapped register window. */
#include "hv/vdev/ioapic.h"

/* The redirection entry bits software may write (82093AA §3.2.4): bits 55:17
 * are reserved, delivery status and remote IRR are read-only. */
#define RTE_WRITABLE                                                                            \
	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_MODE | IOAPIC_RTE_LOGICAL | IOAPIC_RTE_ACTIVE_LOW |     \
	 IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | IOAPIC_RTE_DEST)
#define RTE_VALID (RTE_WRITABLE | IOAPIC_RTE_REMOTE_IRR)
#define INPUT_VALID ((1u << IOAPIC_PINS) - 1)
#define MAX_REDIR (IOAPIC_PINS - 1)

static unsigned rte_mode(uint64_t rte)
{
	return (unsigned)((rte & IOAPIC_RTE_MODE) >> IOAPIC_RTE_MODE_SHIFT);
}

/* 82093AA §3.2.4, Delivery Mode: only Fixed and Lowest Priority may be level
 * triggered; SMI, NMI, INIT and ExtINT require edge, whatever bit 15 says. */
static bool rte_level(uint64_t rte)
{
	unsigned mode = rte_mode(rte);
	return (rte & IOAPIC_RTE_LEVEL) && (mode == IOAPIC_MODE_FIXED || mode == IOAPIC_MODE_LOWEST);
}

/* Bit 13, Interrupt Input Pin Polarity: an active-low pin is asserted while
 * its input is low. */
static bool pin_asserted(const struct ioapic_state *s, unsigned pin)
{
	bool high = (s->input >> pin) & 1;
	return high != ((s->redir[pin] & IOAPIC_RTE_ACTIVE_LOW) != 0);
}

/* A level entry waiting to be sent: asserted, unmasked, and no earlier
 * message still in service (bit 14, Remote IRR). */
static bool level_due(const struct ioapic_state *s, unsigned pin)
{
	uint64_t rte = s->redir[pin];
	return rte_level(rte) && !(rte & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) &&
	       pin_asserted(s, pin);
}

/* Sends the entry's message. Delivery is immediate, so delivery status (bit
 * 12) never reads Send Pending. Remote IRR is set first: bit 14 is set when
 * a LAPIC accepts the level interrupt, and the deliver hook may run the EOI
 * that clears it before returning. Reserved delivery modes send nothing. */
static void deliver(struct ioapic *io, unsigned pin)
{
	uint64_t rte = io->s.redir[pin];
	unsigned mode = rte_mode(rte);

	if (mode == 3 || mode == 6)
		return;
	bool level = rte_level(rte);
	if (level)
		io->s.redir[pin] |= IOAPIC_RTE_REMOTE_IRR;
	io->deliver(io->ctx, (uint32_t)(rte >> IOAPIC_RTE_DEST_SHIFT), (rte & IOAPIC_RTE_LOGICAL) != 0,
		    mode, (uint8_t)(rte & IOAPIC_RTE_VECTOR), level);
}

void ioapic_reset(struct ioapic *io)
{
	uint32_t input = io->s.input;

	io->s = (struct ioapic_state){0};
	io->s.input = input;
	io->s.id = io->reset_id;
	io->s.arb_id = io->reset_id;
	/* §3.2.4, bit 16: every entry comes out of reset masked. */
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		io->s.redir[pin] = IOAPIC_RTE_MASKED;
}

void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn deliver_fn, void *ctx)
{
	io->s = (struct ioapic_state){0};
	io->reset_id = id & 0xf;
	io->deliver = deliver_fn;
	io->ctx = ctx;
	ioapic_reset(io);
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level)
{
	if (pin >= IOAPIC_PINS)
		return;
	bool was_asserted = pin_asserted(&io->s, pin);
	io->s.input = (io->s.input & ~(1u << pin)) | ((uint32_t)level << pin);
	uint64_t rte = io->s.redir[pin];

	if (rte_level(rte)) {
		if (level_due(&io->s, pin))
			deliver(io, pin);
	} else if (!was_asserted && pin_asserted(&io->s, pin) && !(rte & IOAPIC_RTE_MASKED)) {
		/* §3.2.4, bit 16: an edge on a masked pin is dropped, not held. */
		deliver(io, pin);
	}
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = io->s.redir[pin];
		if ((rte & IOAPIC_RTE_VECTOR) != vector || !(rte & IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->s.redir[pin] = rte & ~IOAPIC_RTE_REMOTE_IRR;
		if (level_due(&io->s, pin))
			deliver(io, pin);
	}
}

/* Writes one dword of a redirection entry, then sends a level entry that the
 * write made due: unmasking a still-asserted pin delivers it. Remote IRR has
 * no meaning for edge entries (bit 14) and is dropped when an entry stops
 * being level-triggered, which is how software clears a stuck one on I/O
 * APICs without the EOI register. */
static void redir_write(struct ioapic *io, unsigned pin, bool high, uint32_t value)
{
	uint64_t rte = io->s.redir[pin];
	uint64_t mask = high ? 0xffffffff00000000ull : 0xffffffffull;
	uint64_t v = high ? (uint64_t)value << 32 : value;

	mask &= RTE_WRITABLE;
	rte = (rte & ~mask) | (v & mask);
	if (!rte_level(rte))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->s.redir[pin] = rte;
	if (level_due(&io->s, pin))
		deliver(io, pin);
}

static uint32_t reg_read(const struct ioapic *io, uint8_t index)
{
	const struct ioapic_state *s = &io->s;

	switch (index) {
	case IOAPIC_REG_ID:
		return (uint32_t)s->id << IOAPIC_ID_SHIFT;
	case IOAPIC_REG_VER:
		return IOAPIC_VERSION | (MAX_REDIR << IOAPIC_VER_MAX_REDIR_SHIFT);
	case IOAPIC_REG_ARB:
		return (uint32_t)s->arb_id << IOAPIC_ID_SHIFT;
	}
	if (index < IOAPIC_REG_REDTBL || index >= IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS)
		return 0;
	uint64_t rte = s->redir[(index - IOAPIC_REG_REDTBL) / 2];
	return (uint32_t)(index & 1 ? rte >> 32 : rte);
}

static void reg_write(struct ioapic *io, uint8_t index, uint32_t value)
{
	if (index == IOAPIC_REG_ID) {
		/* §3.2.1: only bits 27:24 hold the ID. §3.2.3: the arbitration
		 * ID is loaded whenever the ID register is written. */
		io->s.id = (uint8_t)((value & IOAPIC_ID_MASK) >> IOAPIC_ID_SHIFT);
		io->s.arb_id = io->s.id;
	} else if (index >= IOAPIC_REG_REDTBL && index < IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS) {
		redir_write(io, (index - IOAPIC_REG_REDTBL) / 2, index & 1, value);
	}
	/* The version and arbitration registers are read-only, other indexes
	 * reserved: the write is dropped. */
}

/* §3.1: IOREGSEL and IOWIN are accessed as dwords; other accesses read all
 * ones and their writes are dropped. */
static uint64_t ioapic_mmio_read(void *dev, uint64_t offset, unsigned size)
{
	struct ioapic *io = dev;

	if (size != 4)
		return ~0ull;
	if (offset == IOAPIC_MMIO_REGSEL)
		return io->s.regsel;
	if (offset == IOAPIC_MMIO_WIN)
		return reg_read(io, io->s.regsel);
	return 0xffffffffu;
}

static void ioapic_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
	struct ioapic *io = dev;

	if (size != 4)
		return;
	if (offset == IOAPIC_MMIO_REGSEL)
		io->s.regsel = (uint8_t)value; /* §3.1.1: bits 7:0, the rest reserved */
	else if (offset == IOAPIC_MMIO_WIN)
		reg_write(io, io->s.regsel, (uint32_t)value);
	else if (offset == IOAPIC_MMIO_EOI)
		ioapic_eoi(io, (uint8_t)value); /* bits 7:0: the vector */
}

int ioapic_mmio_attach(struct ioapic *io, struct mmio_bus *bus, char *err, size_t errlen)
{
	return mmio_bus_register(bus, IOAPIC_BASE, IOAPIC_SIZE, ioapic_mmio_read, ioapic_mmio_write,
				 io, "ioapic", err, errlen);
}

void ioapic_save(const struct ioapic *io, struct ioapic_state *out)
{
	*out = io->s;
}

int ioapic_load(struct ioapic *io, const struct ioapic_state *in)
{
	if (in->id > 0xf || in->arb_id > 0xf || (in->input & ~INPUT_VALID))
		return -1;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = in->redir[pin];
		if ((rte & ~RTE_VALID) || ((rte & IOAPIC_RTE_REMOTE_IRR) && !rte_level(rte)) ||
		    level_due(in, pin))
			return -1;
	}
	io->s = *in;
	return 0;
}
