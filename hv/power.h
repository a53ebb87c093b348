/* Ending the machine: the deliberate power-off after a run, and the stop
 * after a panic. */
#ifndef HV_POWER_H
#define HV_POWER_H

#include "drivers/acpi/acpi.h"
#include "drivers/emulator.h"

void power_init(const struct acpi_info *acpi, enum emulator emu);
/* Logs "poweroff" as the last line, stops the other CPUs, then ACPI S5, then
 * (in an emulator only) the emulator's exit port, then halts. */
__attribute__((noreturn)) void power_off(void);
/* After a panic dump: leave the emulator if there is one, else halt so the
 * dump stays on the screen. */
__attribute__((noreturn)) void power_stop_after_panic(void);

#endif
