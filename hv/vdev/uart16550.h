/* A 16550A UART (the PC's COM ports) as pure logic, after the NatSemi/TI
 * PC16550D data sheet: registers, 16-byte FIFOs, the character timeout,
 * loopback, prioritised interrupts and the PC's OUT2-gated IRQ line. */
#ifndef HV_VDEV_UART16550_H
#define HV_VDEV_UART16550_H

#include "hv/iobus.h"
#include "hv/vdev/vdev.h"

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ 4
#define UART_PORTS 8
#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ 1843200u /* the PC's crystal; the baud rate is clock / (16 * divisor) */

/* Register offsets from the base port. */
#define UART_RBR 0 /* read, DLAB=0 */
#define UART_THR 0 /* write, DLAB=0 */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1 /* DLAB=0 */
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_ERBFI 0x01 /* received data available (and character timeout) */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI 0x04  /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */
#define UART_IER_MASK 0x0f

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSR 0x00
#define UART_IIR_THRE 0x02
#define UART_IIR_RDA 0x04
#define UART_IIR_RLS 0x06
#define UART_IIR_TIMEOUT 0x0c
#define UART_IIR_FIFOS 0xc0 /* both set while FCR0 is set */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_DMA 0x08
#define UART_FCR_TRIGGER 0xc0
#define UART_FCR_TRIGGER_SHIFT 6

#define UART_LCR_WLS 0x03 /* word length - 5 */
#define UART_LCR_STB 0x04 /* 2 stop bits (1.5 with 5-bit words) */
#define UART_LCR_PEN 0x08
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_DELTAS 0x0f
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

/* The architectural state: plain bytes, no pointers, so a memcpy saves it and
 * another one (then uart_resume) restores it. */
struct uart_state {
	uint8_t rx[UART_FIFO_SIZE]; /* ring: rx[rx_head] is the next byte RBR returns */
	uint8_t rx_head;
	uint8_t rx_count;
	uint8_t rbr;       /* the byte RBR last returned, what it reads while empty */
	uint8_t ier;
	uint8_t fcr;       /* FCR0, DMA mode and trigger bits as last programmed */
	uint8_t lcr;
	uint8_t mcr;
	uint8_t lsr_errors; /* LSR bits 4:1, cleared by reading LSR */
	uint8_t msr_deltas; /* MSR bits 3:0, cleared by reading MSR */
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	bool thre_pending;    /* the THRE interrupt latch (see uart16550.c) */
	bool timeout_pending; /* character timeout indicated */
	bool timer_armed;     /* the character timer runs until timer_deadline_ns */
	bool irq_level;       /* what the IRQ line was last driven to */
	uint64_t timer_deadline_ns;
};

/* Where the model's outputs go and where its time comes from. tx receives
 * each transmitted character (not called in loopback mode). */
struct uart_hooks {
	void (*tx)(void *ctx, uint8_t byte);
	void *ctx;
	struct vdev_clock clock;
	struct vdev_timer timer;
	struct vdev_irq irq;
};

struct uart {
	struct uart_state s;
	struct uart_hooks hooks;
	unsigned int irq_line;
	uint16_t base; /* set by uart_attach */
};

/* The power-on state (data sheet's reset table; the divisor, which reset
 * leaves alone, starts at 12: 9600 baud). Calls no hook: the line is low. */
void uart_init(struct uart *u, const struct uart_hooks *hooks, unsigned int irq_line);

/* Claim ports base .. base + 7 ("uart16550"). 0, or -1 with the bus's reason in err. */
int uart_attach(struct uart *u, struct port_bus *bus, uint16_t base, char *err, size_t errlen);

/* The port bus's entry points (dev is the struct uart). The chip is 8 bits
 * wide: a 2- or 4-byte access is that many byte accesses at successive
 * ports, as the ISA bus would perform it. */
uint32_t uart_read(void *dev, uint16_t port, unsigned size);
void uart_write(void *dev, uint16_t port, unsigned size, uint32_t value);

/* A byte from the console to the receiver (all 8 bits, see THR in
 * uart16550.c). True when it was received without loss. False when it was lost: in
 * loopback mode the receiver input is disconnected (the byte is dropped);
 * with the receiver full an overrun happens (LSR OE) and, as the data sheet
 * says, the FIFO keeps its bytes and drops the new one, while in 16450 mode
 * the new byte replaces the unread one in RBR. */
bool uart_receive(struct uart *u, uint8_t byte);

/* Whether uart_receive would take a byte without loss now (for a console
 * that holds input back rather than overrun the guest). */
bool uart_can_receive(const struct uart *u);

/* The character timer armed through hooks.timer expired. */
void uart_timer_fired(struct uart *u);

/* After u->s was loaded from a save: drive the IRQ line to the saved level
 * and re-arm the character timer at the saved deadline. */
void uart_resume(struct uart *u);

/* Four character times at the programmed divisor and frame (start, data,
 * parity and stop bits), in nanoseconds: the character timeout. */
uint64_t uart_timeout_ns(const struct uart_state *s);

#endif
