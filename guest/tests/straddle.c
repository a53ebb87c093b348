/* Runs an instruction whose first bytes are the last bytes of its RAM and
 * whose rest lies beyond: the fetch leaves the domain's memory, which must
 * end this domain (bad-access), and only it. */
#include "hvtest.h"

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper;
};

int guest_main(uint32_t magic, const struct mb1_info *info)
{
	uint8_t *end = (uint8_t *)(uintptr_t)(0x100000 + (uint64_t)info->mem_upper * 1024);
	/* MOV EAX, imm32 is 5 bytes: B8 and two immediate bytes fit, two do not. */
	end[-3] = 0xb8;
	end[-2] = 0x44;
	end[-1] = 0x33;
	con_puts("jumping to an instruction that straddles the end of RAM\n");
	((void (*)(void))(end - 3))();
	return check(false, "the straddling instruction ran") ? 0 : 1;
}
