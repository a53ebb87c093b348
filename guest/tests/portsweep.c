/* Reads every I/O port and writes zero to every one no device claims (the
 * test devices and the virtual PC's devices are skipped: a zero written to a
 * reset or control port would end the domain): unclaimed ports read all ones
 * and swallow writes, and the hypervisor keeps its own timer running
 * throughout. */
#include "hvtest.h"

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* The virtual PC's ports (hv/vpc.h): one range per device. */
static const struct {
	uint16_t first, count;
} pc_ports[] = {
	{0x20, 2},   /* master 8259 */
	{0x40, 4},   /* 8254 PIT */
	{0x60, 1},   /* 8042 data (reset model) */
	{0x61, 1},   /* port 61h: PIT channel 2 gate */
	{0x64, 1},   /* 8042 command: 0xFE resets */
	{0x70, 2},   /* CMOS RTC */
	{0x92, 1},   /* system control port A: fast reset */
	{0xa0, 2},   /* slave 8259 */
	{0x3f8, 8},  /* COM1 */
	{0x4d0, 2},  /* ELCR */
	{0x510, 4},  /* the marker port (include/public/marker.h) */
	{0x600, 12}, /* ACPI PM1a event/control, PM timer */
	{0xcf8, 8},  /* PCI configuration mechanism #1, 0xCF9 reset */
};

static bool claimed_port(uint32_t port)
{
	if (port == HVTEST_CONSOLE_PORT || (port >= HVTEST_EXIT_PORT && port < HVTEST_EXIT_PORT + 4) ||
	    (port >= HVTEST_IRQ_PORT && port < HVTEST_IRQ_PORT + 8))
		return true;
	for (unsigned i = 0; i < sizeof(pc_ports) / sizeof(pc_ports[0]); i++)
		if (port >= pc_ports[i].first && port < pc_ports[i].first + pc_ports[i].count)
			return true;
	return false;
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
