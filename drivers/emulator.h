/* Recognising the emulators this project is tested in, so that their
 * debug-only ports (0xE9 console, Bochs 0x8900, QEMU isa-debug-exit) are
 * touched only where they exist. */
#ifndef DRIVERS_EMULATOR_H
#define DRIVERS_EMULATOR_H

#include "hv/types.h"

enum emulator { EMULATOR_NONE, EMULATOR_BOCHS, EMULATOR_QEMU };

/* acpi_oem_id: the RSDP's OEM ID (both emulators' firmware say "BOCHS "). */
enum emulator emulator_detect(const char *acpi_oem_id);
const char *emulator_name(enum emulator e);
/* Leave the emulator; returns only if that did not work. */
void emulator_exit(enum emulator e, uint8_t status);

#endif
