/* The machine's ACPI tables as the hypervisor finds them at boot, and the
 * ACPI way of powering off. */
#ifndef DRIVERS_ACPI_ACPI_HOST_H
#define DRIVERS_ACPI_ACPI_HOST_H

#include "drivers/acpi/acpi.h"
#include "hv/multiboot2.h"

/* Finds the RSDP (multiboot2 tags first, then the BIOS areas) and parses
 * the tables; returns 0 or -1 after logging why. */
int acpi_host_init(const struct mb2_info *mb, struct acpi_info *out);

/* Enter S5 through PM1a/PM1b, enabling ACPI mode first if the firmware left
 * it off. Returns only if the machine is still running afterwards. */
void acpi_power_off(const struct acpi_info *acpi);

#endif
