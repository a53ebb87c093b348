/* The 16550A model on a real port bus with fake clock, timer, IRQ and console
 * hooks: registers, DLAB, FIFOs and overrun, interrupt identification order,
 * THRE semantics, the character timeout, loopback, the IRQ line, save/load. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/uart16550.h"

#define B UART_COM1_BASE

/* 4 character times of 8N1 at 115200 baud (divisor 1): 40 bits of 16 clocks
 * at 1.8432 MHz, 347222.2 ns, rounded up. */
#define T_115200_8N1 347223u

struct fake {
	uint8_t tx[64];
	size_t tx_len;
	uint64_t now;
	int arms;
	int cancels;
	uint64_t deadline;
	int irq_sets;
	unsigned int irq_line;
	bool irq_level;
};

static void fake_tx(void *ctx, uint8_t byte)
{
	struct fake *f = ctx;
	f->tx[f->tx_len++] = byte;
}

static uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void fake_arm(void *ctx, uint64_t deadline)
{
	struct fake *f = ctx;
	f->arms++;
	f->deadline = deadline;
}

static void fake_cancel(void *ctx)
{
	((struct fake *)ctx)->cancels++;
}

static void fake_irq(void *ctx, unsigned int line, bool level)
{
	struct fake *f = ctx;
	f->irq_sets++;
	f->irq_line = line;
	f->irq_level = level;
}

static struct uart_hooks hooks_for(struct fake *f)
{
	return (struct uart_hooks){
		.tx = fake_tx,
		.ctx = f,
		.clock = {fake_now, f},
		.timer = {fake_arm, fake_cancel, f},
		.irq = {fake_irq, f},
	};
}

static struct port_bus bus;
static struct uart u;
static struct fake f;

static int setup(void **state)
{
	const struct uart_hooks hooks = hooks_for(&f);
	char err[128];

	memset(&f, 0, sizeof(f));
	port_bus_init(&bus);
	uart_init(&u, &hooks, UART_COM1_IRQ);
	assert_int_equal(uart_attach(&u, &bus, B, err, sizeof(err)), 0);
	return 0;
}

static void out(unsigned int reg, uint8_t value)
{
	uint32_t v = value;
	assert_int_equal(port_bus_access(&bus, (uint16_t)(B + reg), 1, true, &v), PORT_CLAIMED);
}

static uint8_t in(unsigned int reg)
{
	uint32_t v = 0;
	assert_int_equal(port_bus_access(&bus, (uint16_t)(B + reg), 1, false, &v), PORT_CLAIMED);
	return (uint8_t)v;
}

static void set_divisor(uint16_t divisor, uint8_t lcr)
{
	out(UART_LCR, UART_LCR_DLAB);
	out(UART_DLL, (uint8_t)divisor);
	out(UART_DLM, (uint8_t)(divisor >> 8));
	out(UART_LCR, lcr);
}

/* The data sheet's reset values; the divisor starts at 12 (9600 baud). */
static void reset_values(void **state)
{
	assert_int_equal(in(UART_IER), 0);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(in(UART_LCR), 0);
	assert_int_equal(in(UART_MCR), 0);
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(in(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	assert_int_equal(in(UART_SCR), 0);
	out(UART_LCR, UART_LCR_DLAB);
	assert_int_equal(in(UART_DLL), 12);
	assert_int_equal(in(UART_DLM), 0);
	assert_int_equal(f.irq_sets, 0);
	assert_int_equal(f.arms, 0);
}

static void scratch_and_lcr_read_back(void **state)
{
	for (unsigned int v = 0; v < 256; v++) {
		out(UART_SCR, (uint8_t)v);
		assert_int_equal(in(UART_SCR), v);
	}
	out(UART_LCR, 0x7f);
	assert_int_equal(in(UART_LCR), 0x7f);
	out(UART_LCR, 0x1b);
	assert_int_equal(in(UART_LCR), 0x1b);
}

static void reserved_bits_read_zero_and_status_writes_dropped(void **state)
{
	out(UART_IER, 0xff);
	assert_int_equal(in(UART_IER), UART_IER_MASK);
	out(UART_IER, 0);
	out(UART_MCR, 0xef);
	assert_int_equal(in(UART_MCR), 0x0f);
	out(UART_LSR, 0x00);
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	out(UART_MSR, 0x0f);
	assert_int_equal(in(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
}

static void dlab_switches_offsets_0_and_1(void **state)
{
	out(UART_IER, UART_IER_ELSI);
	assert_true(uart_receive(&u, 'r'));
	out(UART_LCR, UART_LCR_DLAB | 0x03);
	out(UART_DLL, 0x01);
	out(UART_DLM, 0x02);
	out(UART_THR, 0x55); /* a DLL write, not a character */
	assert_int_equal(in(UART_DLL), 0x55);
	assert_int_equal(in(UART_DLM), 0x02);
	assert_int_equal(f.tx_len, 0);
	assert_int_equal(in(UART_LSR) & UART_LSR_DR, UART_LSR_DR); /* DLL read consumed nothing */
	out(UART_LCR, 0x03);
	assert_int_equal(in(UART_IER), UART_IER_ELSI);
	assert_int_equal(in(UART_RBR), 'r');
	out(UART_THR, 'x');
	assert_int_equal(f.tx_len, 1);
	out(UART_LCR, UART_LCR_DLAB);
	assert_int_equal(in(UART_DLL), 0x55);
	assert_int_equal(in(UART_DLM), 0x02);
	assert_int_equal(u.s.dll | u.s.dlm << 8, 0x0255);
}

/* All 8 bits reach the console whatever the word length, even before LCR is
 * programmed (reset: 5 bits). */
static void thr_goes_to_console_unmasked(void **state)
{
	out(UART_THR, 'h');
	out(UART_THR, 0xe9);
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	out(UART_LCR, 0x02); /* 7 bits */
	out(UART_THR, 0xff);
	assert_int_equal(f.tx_len, 3);
	assert_memory_equal(f.tx, "h\xe9\xff", 3);
}

/* Without FIFOs RBR holds one character; a second one overwrites it. */
static void receive_16450_mode_and_overrun(void **state)
{
	assert_true(uart_can_receive(&u));
	assert_true(uart_receive(&u, 'a'));
	assert_false(uart_can_receive(&u));
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	assert_int_equal(in(UART_RBR), 'a');
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(in(UART_RBR), 'a'); /* RBR still holds it */

	assert_true(uart_receive(&u, 'b'));
	assert_false(uart_receive(&u, 'c'));
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_OE);
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	assert_int_equal(in(UART_RBR), 'c');
}

static void fifo_fill_drain_and_overrun(void **state)
{
	out(UART_FCR, UART_FCR_ENABLE);
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++)
		assert_true(uart_receive(&u, (uint8_t)(0x40 + i)));
	assert_false(uart_can_receive(&u));
	assert_false(uart_receive(&u, 0x99)); /* lost; the FIFO keeps its bytes */
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_OE);
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++) {
		assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
		assert_int_equal(in(UART_RBR), 0x40 + i);
	}
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_true(uart_can_receive(&u));

	/* The ring wraps: 10 in and out, then a full FIFO again, in order. */
	for (unsigned int i = 0; i < 10; i++) {
		assert_true(uart_receive(&u, (uint8_t)i));
		assert_int_equal(in(UART_RBR), i);
	}
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++)
		assert_true(uart_receive(&u, (uint8_t)(0x60 + i)));
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++)
		assert_int_equal(in(UART_RBR), 0x60 + i);
}

static void fcr_enable_clear_and_iir_fifo_bits(void **state)
{
	/* FCR0 clear: the other bits are not programmed, RBR keeps its byte. */
	assert_true(uart_receive(&u, 'k'));
	out(UART_FCR, UART_FCR_CLEAR_RX | UART_FCR_TRIGGER);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(in(UART_LSR) & UART_LSR_DR, UART_LSR_DR);

	/* Entering FIFO mode clears the receiver. */
	out(UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	assert_int_equal(in(UART_LSR) & UART_LSR_DR, 0);

	/* Rewriting FCR with FCR0 still set keeps the data; FCR1 clears it. */
	assert_true(uart_receive(&u, 1));
	assert_true(uart_receive(&u, 2));
	out(UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER | UART_FCR_CLEAR_TX);
	assert_int_equal(in(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	out(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	assert_int_equal(in(UART_LSR) & UART_LSR_DR, 0);
	assert_true(uart_receive(&u, 3));
	assert_int_equal(in(UART_RBR), 3);

	/* Leaving FIFO mode clears it too. */
	assert_true(uart_receive(&u, 4));
	out(UART_FCR, 0);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(in(UART_LSR) & UART_LSR_DR, 0);
}

/* Received data available rises at the trigger level and falls below it. */
static void trigger_levels(void **state)
{
	static const unsigned int levels[4] = {1, 4, 8, 14};

	out(UART_IER, UART_IER_ERBFI);
	out(UART_MCR, UART_MCR_OUT2);
	for (unsigned int t = 0; t < 4; t++) {
		out(UART_FCR, (uint8_t)(UART_FCR_ENABLE | UART_FCR_CLEAR_RX | t << UART_FCR_TRIGGER_SHIFT));
		for (unsigned int n = 1; n < levels[t]; n++) {
			assert_true(uart_receive(&u, (uint8_t)n));
			assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
			assert_false(f.irq_level);
		}
		assert_true(uart_receive(&u, 0xaa));
		assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_RDA);
		assert_true(f.irq_level);
		(void)in(UART_RBR);
		assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
		assert_false(f.irq_level);
	}
}

/* Modem status deltas without loopback: entering and leaving loopback
 * changes what the inputs read (CTS and DSR drop with RTS and DTR clear). */
static void make_modem_deltas(void)
{
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	out(UART_MCR, UART_MCR_OUT2);
}

/* The acceptance item: four interrupts pending at once are reported one at a
 * time, highest priority first, each until its own clearing action. */
static void iir_priority_order_16450_mode(void **state)
{
	make_modem_deltas();
	out(UART_IER, UART_IER_MASK); /* ETBEI rises: THRE pending */
	assert_true(uart_receive(&u, 'a'));
	assert_false(uart_receive(&u, 'b')); /* overrun */
	assert_true(f.irq_level);

	assert_int_equal(in(UART_IIR), UART_IIR_RLS);
	assert_int_equal(in(UART_IIR), UART_IIR_RLS); /* reading IIR clears nothing here */
	assert_int_equal(in(UART_LSR) & UART_LSR_OE, UART_LSR_OE);
	assert_int_equal(in(UART_IIR), UART_IIR_RDA);
	assert_int_equal(in(UART_RBR), 'b');
	assert_int_equal(in(UART_IIR), UART_IIR_THRE); /* this read clears it */
	assert_true(f.irq_level);
	assert_int_equal(in(UART_IIR), UART_IIR_MSR);
	assert_int_equal(in(UART_MSR) & UART_MSR_DELTAS, UART_MSR_DCTS | UART_MSR_DDSR);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);
	assert_false(f.irq_level);
	assert_int_equal(f.irq_sets, 2); /* one rise, one fall */
}

/* With all four pending, each shows alone under its own enable bit only. */
static void each_interrupt_needs_its_enable(void **state)
{
	make_modem_deltas();
	assert_true(uart_receive(&u, 'a'));
	assert_false(uart_receive(&u, 'b'));
	out(UART_IER, 0);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);
	out(UART_IER, UART_IER_ELSI);
	assert_int_equal(in(UART_IIR), UART_IIR_RLS);
	out(UART_IER, UART_IER_ERBFI);
	assert_int_equal(in(UART_IIR), UART_IIR_RDA);
	out(UART_IER, UART_IER_EDSSI);
	assert_int_equal(in(UART_IIR), UART_IIR_MSR);
	out(UART_IER, UART_IER_ETBEI);
	assert_int_equal(in(UART_IIR), UART_IIR_THRE);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);
}

static void iir_priority_order_fifo_mode_with_timeout(void **state)
{
	out(UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER); /* trigger 14 */
	make_modem_deltas();
	out(UART_IER, UART_IER_MASK);
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++)
		assert_true(uart_receive(&u, (uint8_t)i));
	assert_false(uart_receive(&u, 0xff));

	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_RLS);
	(void)in(UART_LSR);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_RDA);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(in(UART_RBR), i);
	/* 13 bytes, below the trigger: THR empty shows until the timeout. */
	assert_int_equal(u.s.rx_count, 13);
	uart_timer_fired(&u);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);
	assert_int_equal(in(UART_RBR), 3);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_THRE);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_MSR);
	(void)in(UART_MSR);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	assert_false(f.irq_level);
}

/* Linux's 8250 probe: enabling THRI with THR empty reports THRE at once; the
 * IIR read clears it; IER 0 then THRI re-arms it. */
static void thre_interrupt_semantics(void **state)
{
	out(UART_MCR, UART_MCR_OUT2);
	out(UART_IER, UART_IER_ETBEI);
	assert_true(f.irq_level);
	assert_int_equal(in(UART_LSR) & UART_LSR_TEMT, UART_LSR_TEMT);
	assert_int_equal(in(UART_IIR), UART_IIR_THRE);
	assert_false(f.irq_level);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);

	out(UART_IER, 0);
	out(UART_IER, UART_IER_ETBEI);
	assert_int_equal(in(UART_IIR), UART_IIR_THRE);

	/* Only a 0-to-1 change of ETBEI re-arms it. */
	out(UART_IER, UART_IER_ETBEI | UART_IER_ERBFI);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);

	/* Writing THR: the character leaves at once and THR empties again. */
	out(UART_THR, 'z');
	assert_true(f.irq_level);
	assert_int_equal(f.tx_len, 1);
	assert_int_equal(in(UART_IIR), UART_IIR_THRE);

	(void)in(UART_IIR);
	out(UART_IER, 0);
	out(UART_FCR, UART_FCR_ENABLE);
	out(UART_IER, UART_IER_ETBEI);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_THRE);
}

static void character_timeout_on_the_timer(void **state)
{
	set_divisor(1, 0x03);
	out(UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER);
	out(UART_IER, UART_IER_ERBFI);
	out(UART_MCR, UART_MCR_OUT2);

	f.now = 1000;
	assert_true(uart_receive(&u, 'x'));
	assert_int_equal(f.arms, 1);
	assert_int_equal(f.deadline, 1000 + T_115200_8N1);
	f.now = 1100;
	assert_true(uart_receive(&u, 'y')); /* each character restarts it */
	assert_int_equal(f.arms, 2);
	assert_int_equal(f.deadline, 1100 + T_115200_8N1);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);

	f.now = f.deadline;
	uart_timer_fired(&u);
	assert_true(f.irq_level);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);

	/* A character arriving during a timeout neither clears nor restarts it. */
	assert_true(uart_receive(&u, 'z'));
	assert_int_equal(f.arms, 2);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);

	/* Reading one character clears it and restarts the timer. */
	f.now += 50;
	assert_int_equal(in(UART_RBR), 'x');
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	assert_false(f.irq_level);
	assert_int_equal(f.arms, 3);
	assert_int_equal(f.deadline, f.now + T_115200_8N1);
	uart_timer_fired(&u);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);

	/* Draining the FIFO stops the timer; a stale expiry then does nothing. */
	assert_int_equal(in(UART_RBR), 'y');
	assert_int_equal(f.cancels, 0);
	assert_int_equal(in(UART_RBR), 'z');
	assert_int_equal(f.cancels, 1);
	uart_timer_fired(&u);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);

	/* The timeout is enabled by ERBFI like received data. */
	out(UART_IER, 0);
	assert_true(uart_receive(&u, 'w'));
	uart_timer_fired(&u);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	out(UART_IER, UART_IER_ERBFI);
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);
	out(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX); /* clearing ends it */
	assert_int_equal(in(UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
	assert_int_equal(f.cancels, 1); /* the expired timer needed no cancel */
}

static void no_timeout_in_16450_mode(void **state)
{
	out(UART_IER, UART_IER_ERBFI);
	assert_true(uart_receive(&u, 'x'));
	assert_int_equal(f.arms, 0);
	uart_timer_fired(&u);
	assert_int_equal(in(UART_IIR), UART_IIR_RDA);
}

/* Four character times for several frames and divisors. */
static void timeout_follows_divisor_and_frame(void **state)
{
	struct uart_state s = {.lcr = 0x03, .dll = 1};
	assert_int_equal(uart_timeout_ns(&s), T_115200_8N1);
	/* 5 data bits, parity, 1.5 stop bits: 8.5 bits at 9600 baud. */
	s = (struct uart_state){.lcr = UART_LCR_PEN | UART_LCR_STB, .dll = 12};
	assert_int_equal(uart_timeout_ns(&s), 3541667);
	/* 7E2 at 300 baud (divisor 0x180): 11 bits. */
	s = (struct uart_state){
		.lcr = 0x02 | UART_LCR_PEN | UART_LCR_STB | 0x10, .dll = 0x80, .dlm = 0x01};
	assert_int_equal(uart_timeout_ns(&s), 146666667);
	/* Divisor 0 counts as 65536. */
	s = (struct uart_state){.lcr = 0x03};
	assert_int_equal(uart_timeout_ns(&s), 22755555556ull);
}

static void loopback_bytes(void **state)
{
	out(UART_MCR, UART_MCR_LOOP);
	out(UART_THR, 'q');
	assert_int_equal(f.tx_len, 0);
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	assert_int_equal(in(UART_RBR), 'q');

	/* The serial input is disconnected. */
	assert_false(uart_can_receive(&u));
	assert_false(uart_receive(&u, 'e'));
	assert_int_equal(in(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);

	/* Looped characters fill the FIFO and overrun it like received ones. */
	out(UART_FCR, UART_FCR_ENABLE);
	for (unsigned int i = 0; i <= UART_FIFO_SIZE; i++)
		out(UART_THR, (uint8_t)(0xe0 + i));
	assert_int_equal(in(UART_LSR) & UART_LSR_OE, UART_LSR_OE);
	assert_int_equal(f.arms, UART_FIFO_SIZE); /* the overrun restarts nothing */
	assert_int_equal(in(UART_RBR), 0xe0);

	out(UART_MCR, 0);
	out(UART_THR, 'o');
	assert_int_equal(f.tx_len, 1);
	assert_int_equal(f.tx[0], 'o');
}

/* In loopback CTS, DSR, RI and DCD follow RTS, DTR, OUT1 and OUT2. */
static void loopback_modem_lines(void **state)
{
	out(UART_IER, UART_IER_EDSSI);
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT2);
	assert_int_equal(in(UART_IIR), UART_IIR_MSR);
	assert_int_equal(in(UART_MSR), UART_MSR_CTS | UART_MSR_DCD | UART_MSR_DDSR);
	assert_int_equal(in(UART_MSR), UART_MSR_CTS | UART_MSR_DCD);
	assert_int_equal(in(UART_IIR), UART_IIR_NO_INT);

	out(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	assert_int_equal(in(UART_MSR), UART_MSR_DSR | UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
	/* RI rising sets no delta: TERI is its trailing edge only. */
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	assert_int_equal(in(UART_MSR), UART_MSR_RI | UART_MSR_DDSR);
	out(UART_MCR, UART_MCR_LOOP);
	assert_int_equal(in(UART_MSR), UART_MSR_TERI);
	assert_int_equal(in(UART_MSR), 0);
	/* Rewriting the same outputs changes nothing. */
	out(UART_MCR, UART_MCR_LOOP);
	assert_int_equal(in(UART_MSR), 0);
	assert_int_equal(f.irq_sets, 0); /* loopback keeps the line low */
}

/* The line is high exactly while an enabled interrupt is pending and OUT2 is
 * set outside loopback, and the hook hears only changes, on IRQ 4. */
static void irq_line_follows_ier_pending_and_out2(void **state)
{
	out(UART_IER, UART_IER_ETBEI);
	assert_int_equal(f.irq_sets, 0);
	out(UART_MCR, UART_MCR_OUT2);
	assert_int_equal(f.irq_sets, 1);
	assert_true(f.irq_level);
	assert_int_equal(f.irq_line, UART_COM1_IRQ);
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR);
	assert_int_equal(f.irq_sets, 1);
	out(UART_MCR, 0);
	assert_false(f.irq_level);
	out(UART_MCR, UART_MCR_OUT2);
	assert_true(f.irq_level);
	out(UART_IER, 0);
	assert_false(f.irq_level);
	out(UART_IER, UART_IER_ETBEI);
	assert_true(f.irq_level);
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	assert_false(f.irq_level);
	out(UART_MCR, UART_MCR_OUT2);
	assert_true(f.irq_level);
	(void)in(UART_IIR);
	assert_false(f.irq_level);

	/* Received data raises it from outside a port access too. */
	out(UART_IER, UART_IER_ERBFI);
	assert_true(uart_receive(&u, 'i'));
	assert_true(f.irq_level);
	(void)in(UART_RBR);
	assert_false(f.irq_level);
	assert_int_equal(f.irq_sets, 10);
}

/* The 8-bit chip sees a wider access as byte accesses at successive ports. */
static void wide_accesses_are_byte_sequences(void **state)
{
	uint32_t v = 0x0201;
	out(UART_LCR, UART_LCR_DLAB);
	assert_int_equal(port_bus_access(&bus, B + UART_DLL, 2, true, &v), PORT_CLAIMED);
	assert_int_equal(in(UART_DLL), 0x01);
	assert_int_equal(in(UART_DLM), 0x02);
	out(UART_LCR, 0x03);
	out(UART_SCR, 0x5a);
	assert_int_equal(port_bus_access(&bus, B + UART_MCR, 4, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x5ab06000u);
}

static void attach_reports_overlap(void **state)
{
	struct uart other;
	const struct uart_hooks hooks = hooks_for(&f);
	char err[128];

	uart_init(&other, &hooks, 3);
	assert_int_equal(uart_attach(&other, &bus, B + 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "uart16550"));
	assert_int_equal(uart_attach(&other, &bus, 0x2f8, err, sizeof(err)), 0);
	out(UART_SCR, 1);
	uint32_t v = 0;
	assert_int_equal(port_bus_access(&bus, 0x2f8 + UART_SCR, 1, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0);
}

/* Everything a guest can observe through ports and the hooks, in one go. */
static void observe(struct uart *x, struct port_bus *b, struct fake *fx, uint8_t *seen)
{
	static const uint8_t regs[] = {UART_IIR, UART_LSR, UART_RBR, UART_IIR, UART_MSR, UART_IIR,
				       UART_RBR, UART_RBR, UART_IIR, UART_IER, UART_LCR, UART_MCR,
				       UART_SCR, UART_IIR, UART_LSR};
	unsigned int n = 0;

	uart_timer_fired(x);
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++) {
		uint32_t v = 0;
		port_bus_access(b, (uint16_t)(B + regs[i]), 1, false, &v);
		seen[n++] = (uint8_t)v;
	}
	uint32_t v = UART_LCR_DLAB | 0x03;
	port_bus_access(b, B + UART_LCR, 1, true, &v);
	port_bus_access(b, B + UART_DLL, 2, false, &v);
	seen[n++] = (uint8_t)v;
	seen[n++] = (uint8_t)(v >> 8);
	seen[n++] = fx->irq_level;
	seen[n++] = (uint8_t)fx->irq_sets;
}

static void save_load_round_trip(void **state)
{
	static struct port_bus bus2;
	struct uart u2;
	struct fake f2 = {0};
	const struct uart_hooks hooks2 = hooks_for(&f2);
	struct uart_state saved;
	uint8_t a[19], b[19];
	char err[128];

	set_divisor(0x0103, 0x1b);
	out(UART_FCR, UART_FCR_ENABLE | 1 << UART_FCR_TRIGGER_SHIFT);
	make_modem_deltas();
	out(UART_IER, UART_IER_MASK);
	out(UART_SCR, 0x77);
	f.now = 5000;
	for (unsigned int i = 0; i < 3; i++)
		assert_true(uart_receive(&u, (uint8_t)('a' + i)));
	assert_true(u.s.timer_armed);
	assert_true(f.irq_level);
	memcpy(&saved, &u.s, sizeof(saved));

	port_bus_init(&bus2);
	uart_init(&u2, &hooks2, UART_COM1_IRQ);
	assert_int_equal(uart_attach(&u2, &bus2, B, err, sizeof(err)), 0);
	memcpy(&u2.s, &saved, sizeof(saved));
	uart_resume(&u2);
	assert_int_equal(f2.irq_sets, 1);
	assert_true(f2.irq_level);
	assert_int_equal(f2.irq_line, UART_COM1_IRQ);
	assert_int_equal(f2.arms, 1);
	assert_int_equal(f2.deadline, f.deadline);

	assert_int_equal(f.irq_sets, 1);
	f2.now = f.now;
	observe(&u, &bus, &f, a);
	observe(&u2, &bus2, &f2, b);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(a[0], UART_IIR_FIFOS | UART_IIR_TIMEOUT);
	assert_int_equal(a[2], 'a');
	assert_int_equal(a[15], 0x03);
	assert_int_equal(a[16], 0x01);
	assert_memory_equal(&u.s, &u2.s, sizeof(u.s));

	/* With no timer armed in the save, resuming cancels the domain's. */
	uart_resume(&u2);
	assert_int_equal(f2.cancels, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(reset_values, setup),
		cmocka_unit_test_setup(scratch_and_lcr_read_back, setup),
		cmocka_unit_test_setup(reserved_bits_read_zero_and_status_writes_dropped, setup),
		cmocka_unit_test_setup(dlab_switches_offsets_0_and_1, setup),
		cmocka_unit_test_setup(thr_goes_to_console_unmasked, setup),
		cmocka_unit_test_setup(receive_16450_mode_and_overrun, setup),
		cmocka_unit_test_setup(fifo_fill_drain_and_overrun, setup),
		cmocka_unit_test_setup(fcr_enable_clear_and_iir_fifo_bits, setup),
		cmocka_unit_test_setup(trigger_levels, setup),
		cmocka_unit_test_setup(iir_priority_order_16450_mode, setup),
		cmocka_unit_test_setup(each_interrupt_needs_its_enable, setup),
		cmocka_unit_test_setup(iir_priority_order_fifo_mode_with_timeout, setup),
		cmocka_unit_test_setup(thre_interrupt_semantics, setup),
		cmocka_unit_test_setup(character_timeout_on_the_timer, setup),
		cmocka_unit_test_setup(no_timeout_in_16450_mode, setup),
		cmocka_unit_test_setup(timeout_follows_divisor_and_frame, setup),
		cmocka_unit_test_setup(loopback_bytes, setup),
		cmocka_unit_test_setup(loopback_modem_lines, setup),
		cmocka_unit_test_setup(irq_line_follows_ier_pending_and_out2, setup),
		cmocka_unit_test_setup(wide_accesses_are_byte_sequences, setup),
		cmocka_unit_test_setup(attach_reports_overlap, setup),
		cmocka_unit_test_setup(save_load_round_trip, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
