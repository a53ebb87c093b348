/* Executes UD2: the test runtime's exception handler must report it and end
 * the domain with status 0x80 + 6, proving guest faults surface as named
 * failures rather than triple faults. */
#include "hvtest.h"

int guest_main(uint32_t magic, const void *info)
{
	con_puts("executing ud2\n");
	__asm__ volatile("ud2");
	return check(false, "ud2 did not fault") ? 0 : 1;
}
