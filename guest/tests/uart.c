/* The domain's COM1 (a 16550A model). Polled, as early consoles use it:
 * output reaches the console, the scratch register holds a value, and in
 * loopback mode sent bytes come back and the modem lines follow MCR.
 * Interrupt-driven, through the domain's 8259 pair and the LAPIC's LINT0 in
 * virtual wire mode (masked after reset, so held until then): the transmitter-empty
 * interrupt on IRQ 4 is held while IF=0 or while masked, arrives as the
 * vector the guest programmed, stays in service until EOI, and wakes HLT
 * when a byte finishes sending. */
#include "pc.h"

#define COM1 0x3f8
#define THR 0
#define RBR 0
#define IER 1
#define IIR 2
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define MCR_DTR_RTS 0x03
#define MCR_OUT2 0x08 /* gates the chip's interrupt onto the ISA line */
#define MCR_LOOP 0x10
#define IER_ETBEI 0x02
#define IIR_ID_MASK 0x0f
#define IIR_THRE 0x02
#define LSR_TEMT 0x40
#define COM1_IRQ 4

#define PIC1_VECTOR_BASE 0x30
#define PIC2_VECTOR_BASE 0x38
#define COM1_VECTOR (PIC1_VECTOR_BASE + COM1_IRQ)
#define MSR_CTS_DSR 0x30

static void com1_puts(const char *s)
{
	for (; *s; s++) {
		while (!(inb(COM1 + LSR) & LSR_THRE))
			;
		outb(COM1 + THR, (uint8_t)*s);
	}
}

static void wait_sent(void)
{
	while (!(inb(COM1 + LSR) & LSR_TEMT))
		;
}

static bool interrupt_checks(void)
{
	bool ok = true;
	const uint8_t irq_bit = 1u << COM1_IRQ;

	pic_setup(PIC1_VECTOR_BASE, PIC2_VECTOR_BASE, irq_bit);
	outb(COM1 + MCR, MCR_OUT2 | MCR_DTR_RTS);
	outb(COM1 + IER, IER_ETBEI); /* THR is empty: the interrupt is due now */
	ok &= check(pic_read(PIC_OCW3_READ_IRR) & irq_bit, "PIC IRR holds IRQ 4 from COM1");
	/* After reset every LVT is masked: the PIC's INTR stops at LINT0. */
	__asm__ volatile("sti; nop; cli");
	ok &= check(guest_irq_count[COM1_VECTOR] == 0, "PIC interrupt held while LINT0 is masked");
	lapic_virtual_wire();
	ok &= check(guest_irq_count[COM1_VECTOR] == 0, "no COM1 interrupt while IF=0");
	__asm__ volatile("sti; nop; cli");
	ok &= check(guest_irq_count[COM1_VECTOR] == 1, "COM1 interrupt arrives at the programmed vector");
	ok &= check(pic_read(PIC_OCW3_READ_ISR) & irq_bit, "IRQ 4 in service until EOI");
	ok &= check((inb(COM1 + IIR) & IIR_ID_MASK) == IIR_THRE, "COM1 IIR names the THRE interrupt");
	outb(PIC1, PIC_EOI);
	ok &= check(!(pic_read(PIC_OCW3_READ_ISR) & irq_bit), "EOI ends IRQ 4's service");

	outb(COM1 + THR, '\n');
	__asm__ volatile("sti; hlt; cli");
	ok &= check(guest_irq_count[COM1_VECTOR] == 2, "HLT woken by COM1's transmit interrupt");
	inb(COM1 + IIR);
	outb(PIC1, PIC_EOI);

	outb(PIC1 + 1, 0xff);
	outb(COM1 + THR, '\n');
	wait_sent();
	__asm__ volatile("sti; nop; cli");
	ok &= check(guest_irq_count[COM1_VECTOR] == 2, "masked IRQ 4 not delivered");
	outb(PIC1 + 1, (uint8_t)~irq_bit);
	__asm__ volatile("sti; nop; cli");
	ok &= check(guest_irq_count[COM1_VECTOR] == 3, "IRQ 4 delivered once unmasked");
	inb(COM1 + IIR);
	outb(PIC1, PIC_EOI);

	outb(COM1 + IER, 0);
	outb(COM1 + MCR, 0);
	return ok;
}

int guest_main(uint32_t magic, const void *info)
{
	bool ok = true;

	com1_puts("hello through COM1\n");
	outb(COM1 + SCR, 0x5a);
	ok &= check(inb(COM1 + SCR) == 0x5a, "COM1 scratch register");
	outb(COM1 + MCR, MCR_LOOP | MCR_DTR_RTS);
	ok &= check((inb(COM1 + MSR) & MSR_CTS_DSR) == MSR_CTS_DSR, "COM1 loopback modem lines follow MCR");
	outb(COM1 + THR, 'Q');
	ok &= check((inb(COM1 + LSR) & LSR_DR) && inb(COM1 + RBR) == 'Q', "COM1 loopback returns the byte");
	ok &= check(!(inb(COM1 + LSR) & LSR_DR), "COM1 receive buffer empty after the read");
	outb(COM1 + MCR, 0);
	ok &= interrupt_checks();
	return ok ? 0 : 1;
}
