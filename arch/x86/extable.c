/* Looks up the fix-up table the linker collects from every EXTABLE_FIXUP. */
#include "arch/x86/extable.h"

extern const struct extable_entry __extable_start[], __extable_end[];

uint64_t extable_find(uint64_t rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->fault_rip == rip)
			return e->fixup_rip;
	return 0;
}
