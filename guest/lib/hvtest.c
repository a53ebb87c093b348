/* Test-guest runtime (see hvtest.h). */
#include "hvtest.h"

void con_puts(const char *s)
{
	while (*s)
		outb(HVTEST_CONSOLE_PORT, (uint8_t)*s++);
}

void con_put_hex(uint64_t v)
{
	char buf[19] = "0x";
	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = '\0';
	con_puts(buf);
}

bool check(bool ok, const char *name)
{
	con_puts(ok ? "PASS: " : "FAIL: ");
	con_puts(name);
	con_puts("\n");
	return ok;
}

void hv_exit(uint32_t status)
{
	outl(HVTEST_EXIT_PORT, status);
	for (;;)
		__asm__ volatile("cli; hlt");
}
