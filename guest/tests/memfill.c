/* Fills all the RAM it was given (above its own image) with a marker, so the
 * next domain can check it never sees another domain's memory. */
#include "hvtest.h"
#include "memmarker.h"

extern char _end[];

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper;
};

int guest_main(uint32_t magic, const struct mb1_info *info)
{
	uint64_t *p = (uint64_t *)(((uintptr_t)_end + 4095) & ~(uintptr_t)4095);
	uint64_t *end = (uint64_t *)(uintptr_t)(0x100000 + (uint64_t)info->mem_upper * 1024);
	uint32_t words = 0;

	while (p < end) {
		*p++ = MEMORY_MARKER;
		words++;
	}
	con_puts("filled words: ");
	con_put_hex(words);
	con_puts("\n");
	return check(words > 0, "RAM filled with the marker") ? 0 : 1;
}
