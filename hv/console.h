/* The hypervisor console: COM1, mirrored to the emulator's debug port 0xE9
 * once an emulator has been detected. Writers hold the console lock per line. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "hv/types.h"

void console_init(void);
void console_enable_debug_port(void);
bool console_has_uart(void);

uint64_t console_lock(void);
void console_unlock(uint64_t flags);
/* For the panic path: take the console even if a stopped CPU holds it. */
void console_lock_force(void);
void console_putc_locked(char c);

/* A received character, or -1 when none is waiting. */
int console_getc(void);

#endif
