/* Throws away its IDT and takes an exception: the CPU shuts down (a triple
 * fault), and the hypervisor must end only this domain. */
#include "hvtest.h"

int guest_main(uint32_t magic, const void *info)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) no_idt = {0, 0};

	con_puts("loading an empty IDT, then int3\n");
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	return check(false, "survived an exception with no IDT") ? 0 : 1;
}
