/* Prints the full register state of a trap frame (and the control registers
 * of the CPU it happened on) for the panic path. */
#ifndef ARCH_X86_REGDUMP_H
#define ARCH_X86_REGDUMP_H

#include "arch/x86/trap.h"

void regdump_print(const struct trap_frame *f);

#endif
