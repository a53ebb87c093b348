/* Reads every I/O port and writes zero to every one no device claims (the
 * test devices, the 8259 pair and COM1 are skipped): unclaimed ports read all ones and
 * swallow writes, and the hypervisor keeps its own timer running throughout. */
#include "hvtest.h"

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define COM1 0x3f8
#define PIC1 0x20
#define PIC2 0xa0
#define PIC_ELCR 0x4d0

static bool claimed_port(uint32_t port)
{
	return port == HVTEST_CONSOLE_PORT || (port >= HVTEST_EXIT_PORT && port < HVTEST_EXIT_PORT + 4) ||
	       (port >= HVTEST_IRQ_PORT && port < HVTEST_IRQ_PORT + 8) || (port >= COM1 && port < COM1 + 8) ||
	       (port >= PIC1 && port < PIC1 + 2) || (port >= PIC2 && port < PIC2 + 2) ||
	       (port >= PIC_ELCR && port < PIC_ELCR + 2);
}

int guest_main(uint32_t magic, const void *info)
{
	uint32_t not_ones = 0;

	for (uint32_t port = 0; port <= 0xffff; port++) {
		if (claimed_port(port))
			continue;
		not_ones += inb((uint16_t)port) != 0xff;
		outb((uint16_t)port, 0);
	}
	bool ok = check(not_ones == 0, "every unclaimed port reads all ones");
	ok &= check(inb(HVTEST_CONSOLE_PORT) == 0xe9, "the console port still answers");
	return ok ? 0 : 1;
}
