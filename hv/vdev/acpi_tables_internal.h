/* What the ACPI table builder's files (acpi_tables.c, acpi_fadt_build.c,
 * acpi_madt_build.c, acpi_dsdt.c) share: table sizes, writers, the header. */
#ifndef HV_VDEV_ACPI_TABLES_INTERNAL_H
#define HV_VDEV_ACPI_TABLES_INTERNAL_H

#include "drivers/acpi/tables.h"
#include "hv/vdev/acpi_tables.h"

#define ACPI_BUILD_OEM_ID "HV    "
#define ACPI_BUILD_OEM_TABLE_ID "HVDOMAIN"

/* ACPI 6.5 FADT: revision 6, 276 bytes up to the hypervisor vendor identity. */
#define ACPI_BUILD_FADT_REV 6
#define ACPI_BUILD_FADT_MINOR 5
#define ACPI_BUILD_FADT_LEN 276

#define ACPI_BUILD_FACS_LEN 64
#define ACPI_BUILD_FACS_ALIGN 64

/* Each writer below stores only its non-zero fields: acpi_tables_build has
 * zeroed the region first. */

/* Fills a table header (§5.2.6) with checksum 0; acpi_build_checksum sets it
 * once the whole table is in guest memory. */
void acpi_build_header(struct acpi_sdt_header *h, const char sig[4], uint32_t len, uint8_t rev);

/* Sets the byte at gpa + sum_off so that the len bytes at gpa sum to zero. */
void acpi_build_checksum(struct guest_mem *gm, uint64_t gpa, uint32_t len, uint32_t sum_off);

/* Copies n bytes to gpa and returns the address just past them. */
uint64_t acpi_build_put(struct guest_mem *gm, uint64_t gpa, const void *p, size_t n);

uint32_t acpi_madt_len(uint32_t ncpus);
void acpi_madt_write(struct guest_mem *gm, uint64_t gpa, const struct acpi_tables_config *cfg);

void acpi_fadt_write(struct guest_mem *gm, uint64_t gpa, const struct acpi_tables_config *cfg,
		     uint64_t facs_gpa, uint64_t dsdt_gpa);

uint32_t acpi_dsdt_len(void);
void acpi_dsdt_write(struct guest_mem *gm, uint64_t gpa);

#endif
