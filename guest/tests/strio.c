/* String I/O from inside: REP OUTSB to the console port, REP INSB from it,
 * the same backwards with DF=1, INSW from an unclaimed port, and the
 * registers left as the architecture says (RCX 0, RSI/RDI moved). Run once
 * with the CPU's INS/OUTS information and once with the hypervisor decoding
 * the instruction itself (vmx_mask_ins_outs_info). */
#include "hvtest.h"

static unsigned int failures;

static void expect(bool ok, const char *name)
{
	failures += !check(ok, name);
}

int guest_main(uint32_t magic, const void *info)
{
	static const char line[] = "written by rep outsb\n";
	static uint8_t buf[64];
	const char *src = line;
	uint8_t *dst = buf;
	uint32_t count = sizeof(line) - 1;

	__asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(count) : "d"(HVTEST_CONSOLE_PORT) : "memory");
	expect(count == 0 && src == line + sizeof(line) - 1, "rep outsb moves ESI and clears ECX");

	count = 16;
	__asm__ volatile("cld; rep insb" : "+D"(dst), "+c"(count) : "d"(HVTEST_CONSOLE_PORT) : "memory");
	bool all = count == 0 && dst == buf + 16;
	for (int i = 0; i < 16; i++)
		all &= buf[i] == 0xe9;
	expect(all && buf[16] == 0, "rep insb fills the buffer from the port");

	dst = buf + 31;
	count = 8;
	__asm__ volatile("std; rep insb; cld" : "+D"(dst), "+c"(count) : "d"(HVTEST_CONSOLE_PORT) : "memory");
	expect(count == 0 && dst == buf + 23 && buf[31] == 0xe9 && buf[24] == 0xe9 && buf[23] == 0,
	       "rep insb with DF=1 runs downwards");

	uint16_t word = 0;
	uint16_t *wdst = &word;
	__asm__ volatile("insw" : "+D"(wdst) : "d"(0x80) : "memory");
	expect(word == 0xffff && wdst == &word + 1, "insw from an unclaimed port reads all ones");
	return failures ? 1 : 0;
}
