/* The domain's COM1 (a 16550A model), used polled as early consoles do:
 * output reaches the console, the scratch register holds a value, and in
 * loopback mode sent bytes come back and the modem lines follow MCR. */
#include "hvtest.h"

#define COM1 0x3f8
#define THR 0
#define RBR 0
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define MCR_DTR_RTS 0x03
#define MCR_LOOP 0x10
#define MSR_CTS_DSR 0x30

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void com1_puts(const char *s)
{
	for (; *s; s++) {
		while (!(inb(COM1 + LSR) & LSR_THRE))
			;
		outb(COM1 + THR, (uint8_t)*s);
	}
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
	return ok ? 0 : 1;
}
