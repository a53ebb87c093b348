/* The 16550A model's receiver: the receive FIFO (one byte in 16450 mode),
 * overrun, and the character timeout on the domain's timer. Behaviour after
 * the PC16550D data sheet. */
#include "hv/vdev/uart16550_internal.h"

unsigned int uart_rx_trigger(const struct uart_state *s)
{
	static const uint8_t levels[4] = {1, 4, 8, 14};

	if (!uart_fifo_mode(s))
		return 1;
	return levels[(s->fcr & UART_FCR_TRIGGER) >> UART_FCR_TRIGGER_SHIFT];
}

/* In 16450 mode the receiver holds one character, in RBR. */
static unsigned int rx_capacity(const struct uart_state *s)
{
	return uart_fifo_mode(s) ? UART_FIFO_SIZE : 1;
}

/* A frame is a start bit, 5-8 data bits, an optional parity bit and 1, 1.5
 * (5-bit words) or 2 stop bits; each bit lasts 16 clocks per divisor count.
 * The data sheet leaves divisor 0 undefined: it counts as 65536 here, the
 * longest. Rounded up so that the timeout never comes early. */
uint64_t uart_timeout_ns(const struct uart_state *s)
{
	unsigned int data_bits = 5 + (s->lcr & UART_LCR_WLS);
	unsigned int half_bits = 2 * (1 + data_bits) + (s->lcr & UART_LCR_PEN ? 2 : 0);
	uint64_t divisor = (uint64_t)s->dlm << 8 | s->dll;

	if (!(s->lcr & UART_LCR_STB))
		half_bits += 2;
	else
		half_bits += data_bits == 5 ? 3 : 4;
	if (!divisor)
		divisor = 65536;
	uint64_t num = 4 * (uint64_t)half_bits * 16 * divisor * 1000000000u;
	uint64_t den = 2 * (uint64_t)UART_CLOCK_HZ;
	return (num + den - 1) / den;
}

static void timer_restart(struct uart *u)
{
	u->s.timer_armed = true;
	u->s.timer_deadline_ns = u->hooks.clock.now_ns(u->hooks.clock.ctx) + uart_timeout_ns(&u->s);
	u->hooks.timer.arm(u->hooks.timer.ctx, u->s.timer_deadline_ns);
}

static void timer_stop(struct uart *u)
{
	if (!u->s.timer_armed)
		return;
	u->s.timer_armed = false;
	u->hooks.timer.cancel(u->hooks.timer.ctx);
}

/* Overrun (data sheet, LSR bit 1): with the FIFO full the new character is
 * lost and the FIFO kept; in 16450 mode it overwrites the unread one in RBR.
 * Until a timeout is indicated, each received character restarts the
 * timeout timer (data sheet, FIFO interrupt mode operation). */
bool uart_rx_push(struct uart *u, uint8_t byte)
{
	struct uart_state *s = &u->s;

	if (s->rx_count == rx_capacity(s)) {
		s->lsr_errors |= UART_LSR_OE;
		if (!uart_fifo_mode(s))
			s->rx[s->rx_head] = byte;
		return false;
	}
	s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
	s->rx_count++;
	if (uart_fifo_mode(s) && !s->timeout_pending)
		timer_restart(u);
	return true;
}

/* Reading RBR clears a timeout indication and restarts the timer while
 * characters remain (data sheet, FIFO interrupt mode operation). An empty
 * RBR reads the last character again, as the register still holds it. */
uint8_t uart_rx_pop(struct uart *u)
{
	struct uart_state *s = &u->s;

	if (s->rx_count) {
		s->rbr = s->rx[s->rx_head];
		s->rx_head = (uint8_t)((s->rx_head + 1) % UART_FIFO_SIZE);
		s->rx_count--;
	}
	s->timeout_pending = false;
	if (uart_fifo_mode(s) && s->rx_count)
		timer_restart(u);
	else
		timer_stop(u);
	return s->rbr;
}

void uart_rx_clear(struct uart *u)
{
	u->s.rx_head = 0;
	u->s.rx_count = 0;
	u->s.timeout_pending = false;
	timer_stop(u);
}

/* In loopback mode the serial input is disconnected (data sheet, MCR bit 4). */
bool uart_receive(struct uart *u, uint8_t byte)
{
	bool taken = !(u->s.mcr & UART_MCR_LOOP) && uart_rx_push(u, byte);

	uart_update_irq(u);
	return taken;
}

bool uart_can_receive(const struct uart *u)
{
	return !(u->s.mcr & UART_MCR_LOOP) && u->s.rx_count < rx_capacity(&u->s);
}

/* The timer runs only while the FIFO is enabled and holds characters, so its
 * expiry is the timeout condition itself. */
void uart_timer_fired(struct uart *u)
{
	if (!u->s.timer_armed)
		return;
	u->s.timer_armed = false;
	u->s.timeout_pending = true;
	uart_update_irq(u);
}
