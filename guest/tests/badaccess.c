/* Reads guest-physical memory far beyond its RAM: the hypervisor must end
 * this domain with bad-access (and nothing else may notice). */
#include "hvtest.h"

#define OUTSIDE_RAM 0xc0000000u

int guest_main(uint32_t magic, const void *info)
{
	con_puts("reading outside my RAM\n");
	volatile uint32_t v = *(volatile const uint32_t *)(uintptr_t)OUTSIDE_RAM;
	(void)v;
	return check(false, "the read outside RAM was not stopped") ? 0 : 1;
}
