/* The panic path: for hypervisor bugs only. Stops every CPU, prints a full
 * register dump, then halts (or leaves the emulator). */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include "hv/types.h"

struct trap_frame;

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
__attribute__((noreturn)) void panic_exception(struct trap_frame *f);

#endif
