/* The hypervisor's own 16550 UART driver (its console on COM1): polled
 * output, non-blocking input. */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include "hv/types.h"

#define COM1_PORT 0x3f8

struct uart16550 {
	uint16_t base;
	bool present;
};

/* Probe through the scratch register and program 115200 8N1 with FIFOs. */
bool uart16550_init(struct uart16550 *u, uint16_t base);
void uart16550_putc(struct uart16550 *u, char c);
/* A received byte, or -1 when none is waiting. */
int uart16550_getc(struct uart16550 *u);

#endif
