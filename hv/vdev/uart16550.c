/* The 16550A model's registers, interrupt identification and IRQ line, and
 * its attachment to the port bus (see uart16550.h; the receiver is in
 * uart16550_rx.c). Register behaviour follows the PC16550D data sheet. */
#include "hv/vdev/uart16550.h"
#include "hv/vdev/uart16550_internal.h"

/* Priority order of the data sheet's interrupt control table: receiver line
 * status, then received data available or character timeout, then THR empty,
 * then modem status. */
static uint8_t pending_id(const struct uart_state *s)
{
	if ((s->ier & UART_IER_ELSI) && s->lsr_errors)
		return UART_IIR_RLS;
	if (s->ier & UART_IER_ERBFI) {
		if (s->timeout_pending)
			return UART_IIR_TIMEOUT;
		if (s->rx_count >= uart_rx_trigger(s))
			return UART_IIR_RDA;
	}
	if ((s->ier & UART_IER_ETBEI) && s->thre_pending)
		return UART_IIR_THRE;
	if ((s->ier & UART_IER_EDSSI) && s->msr_deltas)
		return UART_IIR_MSR;
	return UART_IIR_NO_INT;
}

/* A PC gates the chip's INTR output with a buffer enabled by the OUT2 pin.
 * Loopback forces the modem output pins, OUT2 included, inactive (data sheet,
 * MCR bit 4), so the line stays low in loopback whatever MCR.OUT2 says. */
void uart_update_irq(struct uart *u)
{
	bool gate = (u->s.mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;
	bool level = gate && pending_id(&u->s) != UART_IIR_NO_INT;

	if (level == u->s.irq_level)
		return;
	u->s.irq_level = level;
	u->hooks.irq.set(u->hooks.irq.ctx, u->irq_line, level);
}

/* The modem inputs. In loopback they follow the outputs: CTS = RTS, DSR = DTR,
 * RI = OUT1, DCD = OUT2 (data sheet, MCR bit 4). Otherwise the console looks
 * like a terminal that is connected and ready: CTS, DSR and DCD, no ring. */
static uint8_t modem_lines(const struct uart_state *s)
{
	uint8_t m = s->mcr;

	if (!(m & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	return (uint8_t)((m & UART_MCR_RTS ? UART_MSR_CTS : 0) | (m & UART_MCR_DTR ? UART_MSR_DSR : 0) |
			 (m & UART_MCR_OUT1 ? UART_MSR_RI : 0) | (m & UART_MCR_OUT2 ? UART_MSR_DCD : 0));
}

/* Transmission is instantaneous: the character leaves (to the console, or in
 * loopback to the receiver) as THR is written, so THR and the transmit FIFO
 * are empty again at once. LSR THRE and TEMT therefore always read 1 and the
 * transmit FIFO never holds a byte. The THRE interrupt still behaves as on
 * the chip: writing THR clears it and THR emptying sets it again. All 8 bits
 * pass whatever LCR's word length: there is no wire to cut them, and a guest
 * writing before it programs LCR (5 bits at reset) still reaches the console. */
static void thr_write(struct uart *u, uint8_t byte)
{
	if (u->s.mcr & UART_MCR_LOOP)
		uart_rx_push(u, byte);
	else
		u->hooks.tx(u->hooks.ctx, byte);
	u->s.thre_pending = true;
}

/* The THRE interrupt is a latch: set when THR empties, cleared by writing THR
 * or by an IIR read that reports it (data sheet, interrupt control table).
 * The data sheet does not say what enabling ETBEI does while THR is already
 * empty; 16550s interrupt then and drivers rely on it (Linux's 8250 driver
 * tests it by writing IER 0 then THRI), so a 0-to-1 change of ETBEI sets the
 * latch, THR being always empty here. */
static void ier_write(struct uart_state *s, uint8_t value)
{
	if (value & ~s->ier & UART_IER_ETBEI)
		s->thre_pending = true;
	s->ier = value & UART_IER_MASK;
}

/* Changing FCR0 clears both FIFOs, and with FCR0 clear the other bits are not
 * programmed (data sheet, FCR bit 0). The transmit FIFO is always empty, so
 * FCR2 has nothing to clear; the DMA mode bit only changes the RXRDY/TXRDY
 * pins, which a PC leaves unconnected. */
static void fcr_write(struct uart *u, uint8_t value)
{
	struct uart_state *s = &u->s;

	if ((value ^ s->fcr) & UART_FCR_ENABLE)
		uart_rx_clear(u);
	if (!(value & UART_FCR_ENABLE)) {
		s->fcr = 0;
		return;
	}
	s->fcr = value & (UART_FCR_ENABLE | UART_FCR_DMA | UART_FCR_TRIGGER);
	if (value & UART_FCR_CLEAR_RX)
		uart_rx_clear(u);
}

/* Each modem input that changes sets its delta bit; RI sets TERI only on its
 * trailing edge, the RI bit going from 1 to 0 (data sheet, MSR bits 0-3). */
static void mcr_write(struct uart_state *s, uint8_t value)
{
	uint8_t before = modem_lines(s);

	s->mcr = value & UART_MCR_MASK;
	uint8_t after = modem_lines(s);
	uint8_t changed = before ^ after;
	s->msr_deltas |= (uint8_t)((changed & (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)) >> 4);
	if ((before & UART_MSR_RI) && !(after & UART_MSR_RI))
		s->msr_deltas |= UART_MSR_TERI;
}

/* Reading IIR clears the THRE interrupt only when that is what it reports
 * (data sheet, interrupt control table). IIR bits 7:6 are set while FCR0 is. */
static uint8_t iir_read(struct uart_state *s)
{
	uint8_t id = pending_id(s);

	if (id == UART_IIR_THRE)
		s->thre_pending = false;
	return (uint8_t)(id | (uart_fifo_mode(s) ? UART_IIR_FIFOS : 0));
}

/* Reading LSR clears its error bits (data sheet, LSR bits 1-4). Parity,
 * framing and break errors cannot happen on this line, so LSR bit 7 (an error
 * in the FIFO) stays 0 too. */
static uint8_t lsr_read(struct uart_state *s)
{
	uint8_t v = UART_LSR_THRE | UART_LSR_TEMT | s->lsr_errors;

	if (s->rx_count)
		v |= UART_LSR_DR;
	s->lsr_errors = 0;
	return v;
}

/* Reading MSR clears its delta bits (data sheet, MSR bits 0-3). */
static uint8_t msr_read(struct uart_state *s)
{
	uint8_t v = modem_lines(s) | s->msr_deltas;

	s->msr_deltas = 0;
	return v;
}

static uint8_t reg_read(struct uart *u, unsigned int reg)
{
	struct uart_state *s = &u->s;
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR:
		return dlab ? s->dll : uart_rx_pop(u);
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		return iir_read(s);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return lsr_read(s);
	case UART_MSR:
		return msr_read(s);
	default:
		return s->scr;
	}
}

/* LSR and MSR writes are dropped: the data sheet reserves them for factory
 * testing. */
static void reg_write(struct uart *u, unsigned int reg, uint8_t value)
{
	struct uart_state *s = &u->s;
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			s->dll = value;
		else
			thr_write(u, value);
		break;
	case UART_IER:
		if (dlab)
			s->dlm = value;
		else
			ier_write(s, value);
		break;
	case UART_FCR:
		fcr_write(u, value);
		break;
	case UART_LCR:
		s->lcr = value;
		break;
	case UART_MCR:
		mcr_write(s, value);
		break;
	case UART_SCR:
		s->scr = value;
		break;
	default:
		break;
	}
}

uint32_t uart_read(void *dev, uint16_t port, unsigned size)
{
	struct uart *u = dev;
	uint32_t value = 0;

	for (unsigned int i = 0; i < size; i++)
		value |= (uint32_t)reg_read(u, (unsigned int)(port - u->base) + i) << (8 * i);
	uart_update_irq(u);
	return value;
}

void uart_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct uart *u = dev;

	for (unsigned int i = 0; i < size; i++)
		reg_write(u, (unsigned int)(port - u->base) + i, (uint8_t)(value >> (8 * i)));
	uart_update_irq(u);
}

void uart_init(struct uart *u, const struct uart_hooks *hooks, unsigned int irq_line)
{
	*u = (struct uart){.hooks = *hooks, .irq_line = irq_line};
	u->s.dll = 12;
}

int uart_attach(struct uart *u, struct port_bus *bus, uint16_t base, char *err, size_t errlen)
{
	u->base = base;
	return port_bus_register(bus, base, UART_PORTS, uart_read, uart_write, u, "uart16550", err,
				 errlen);
}

void uart_resume(struct uart *u)
{
	u->hooks.irq.set(u->hooks.irq.ctx, u->irq_line, u->s.irq_level);
	if (u->s.timer_armed)
		u->hooks.timer.arm(u->hooks.timer.ctx, u->s.timer_deadline_ns);
	else
		u->hooks.timer.cancel(u->hooks.timer.ctx);
}
