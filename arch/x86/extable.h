/* Exception fix-ups: an instruction listed here may fault; the exception
 * handler then resumes at its fix-up address instead of panicking. */
#ifndef ARCH_X86_EXTABLE_H
#define ARCH_X86_EXTABLE_H

#include "hv/types.h"

struct extable_entry {
	uint64_t fault_rip;
	uint64_t fixup_rip;
};

/* Inline-asm fragment adding one entry (labels as strings, e.g. "1b"). */
#define EXTABLE_FIXUP(fault, fixup)                                          \
	".pushsection __extable, \"a\"\n"                                    \
	".balign 8\n"                                                        \
	".quad " fault ", " fixup "\n"                                       \
	".popsection\n"

/* The fix-up address for a faulting RIP, or 0 when there is none. */
uint64_t extable_find(uint64_t rip);

#endif
