/* Scans all the RAM it was given for the marker memfill wrote: a domain that
 * runs after memfill must never find it (pages are scrubbed between domains). */
#include "hvtest.h"
#include "memmarker.h"

extern char _end[];

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper;
};

int guest_main(uint32_t magic, const struct mb1_info *info)
{
	const uint64_t *p = (const uint64_t *)(((uintptr_t)_end + 4095) & ~(uintptr_t)4095);
	const uint64_t *end = (const uint64_t *)(uintptr_t)(0x100000 + (uint64_t)info->mem_upper * 1024);
	uint32_t found = 0, words = 0;

	for (; p < end; p++, words++)
		if (*p == MEMORY_MARKER)
			found++;
	con_puts("scanned words: ");
	con_put_hex(words);
	con_puts("\n");
	check(words > 0, "RAM scanned");
	return check(found == 0, "no marker from an earlier domain") ? 0 : 1;
}
