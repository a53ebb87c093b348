/* Halts with interrupts off: nothing can ever wake it, so the hypervisor
 * must end the domain as stuck instead of hanging the machine. */
#include "hvtest.h"

int guest_main(uint32_t magic, const void *info)
{
	con_puts("cli; hlt\n");
	__asm__ volatile("cli; hlt");
	return check(false, "woke from cli; hlt") ? 0 : 1;
}
