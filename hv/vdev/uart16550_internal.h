/* What the 16550A model's files share: the receiver (uart16550_rx.c) as the
 * registers (uart16550.c) drive it, and the IRQ line; internal to the model. */
#ifndef HV_VDEV_UART16550_INTERNAL_H
#define HV_VDEV_UART16550_INTERNAL_H

#include "hv/vdev/uart16550.h"

static inline bool uart_fifo_mode(const struct uart_state *s)
{
	return s->fcr & UART_FCR_ENABLE;
}

/* Bytes at which received data interrupts: FCR bits 7:6 in FIFO mode (data
 * sheet, FCR bits 6-7), each byte in 16450 mode. */
unsigned int uart_rx_trigger(const struct uart_state *s);

/* A character into the receiver; false on overrun. */
bool uart_rx_push(struct uart *u, uint8_t byte);
/* An RBR read. */
uint8_t uart_rx_pop(struct uart *u);
/* Empty the receive FIFO (FCR1, or FCR0 changing). */
void uart_rx_clear(struct uart *u);

/* Drive the IRQ line to what the pending interrupts, IER and OUT2 say. */
void uart_update_irq(struct uart *u);

#endif
