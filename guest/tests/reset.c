/* Resets the PC the way its command line names, as an OS's reboot path
 * does: "cf9" (the reset control register, hard reset), "kbc" (the 8042's
 * pulse-reset command) or "port92" (system control port A's fast reset).
 * The hypervisor must end the domain with "reset"; coming back is a FAIL. */
#include "hvtest.h"

#define MB1_BOOTLOADER_MAGIC 0x2badb002u
#define MB1_INFO_CMDLINE (1u << 2) /* flags bit 2: cmdline at offset 16 */

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Whether word appears in s as a whole word. */
static bool has_word(const char *s, const char *word)
{
	for (const char *p = s; *p; p++) {
		if (p != s && p[-1] != ' ')
			continue;
		size_t n = 0;
		while (word[n] && p[n] == word[n])
			n++;
		if (!word[n] && (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

int guest_main(uint32_t magic, const void *info)
{
	const uint32_t *mbi = info;
	const char *cmdline = (magic == MB1_BOOTLOADER_MAGIC && (mbi[0] & MB1_INFO_CMDLINE))
				      ? (const char *)(uintptr_t)mbi[4]
				      : "";

	if (has_word(cmdline, "cf9")) {
		con_puts("reset through 0xCF9\n");
		outb(0xcf9, 0x02);	  /* SYS_RST: the next reset is a hard one */
		outb(0xcf9, 0x02 | 0x04); /* RST_CPU */
	} else if (has_word(cmdline, "kbc")) {
		con_puts("reset through the keyboard controller\n");
		while (inb(0x64) & 0x02) /* input buffer full: the 8042 is busy */
			;
		outb(0x64, 0xfe);
	} else if (has_word(cmdline, "port92")) {
		con_puts("reset through port 0x92\n");
		outb(0x92, inb(0x92) | 0x01);
	} else {
		return check(false, "the command line names a reset method") ? 0 : 1;
	}
	return check(false, "the reset ended the domain") ? 0 : 1;
}
