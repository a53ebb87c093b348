/* 16550 UART: register layout and bits from the PC16550D data sheet. */
#include "drivers/uart16550.h"
#include "arch/x86/io.h"
#include "arch/x86/cpu.h"

enum {
	UART_RBR_THR = 0, /* DLAB=1: divisor latch low */
	UART_IER = 1,     /* DLAB=1: divisor latch high */
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCR = 7,
};

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs, clear both */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define UART_CLOCK_DIVISOR_115200 1

bool uart16550_init(struct uart16550 *u, uint16_t base)
{
	u->base = base;
	/* A missing UART floats the bus (reads 0xff): the scratch register
	 * keeping what we wrote tells us one is there. */
	outb(base + UART_SCR, 0x5a);
	u->present = inb(base + UART_SCR) == 0x5a;
	if (!u->present)
		return false;
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_RBR_THR, UART_CLOCK_DIVISOR_115200);
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	return true;
}

void uart16550_putc(struct uart16550 *u, char c)
{
	if (!u->present)
		return;
	/* Bounded wait: a wedged UART must not hang the console forever. */
	for (int spins = 0; spins < 1000000; spins++) {
		if (inb(u->base + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(u->base + UART_RBR_THR, (uint8_t)c);
}

int uart16550_getc(struct uart16550 *u)
{
	if (!u->present || !(inb(u->base + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(u->base + UART_RBR_THR);
}
