/* A domain's ACPI tables (ACPI 6.5 chapter 5), built into its guest memory for
 * an unmodified OS: RSDP, XSDT, FADT with FACS, MADT, and a DSDT whose only
 * object is \_S5. Pure logic, unit-tested against the hypervisor's parser. */
#ifndef HV_VDEV_ACPI_TABLES_H
#define HV_VDEV_ACPI_TABLES_H

#include "hv/loader/guest_mem.h"
#include "hv/types.h"

/* The SLP_TYP value \_S5 names for both PM1 control registers: a write of
 * SLP_EN with this SLP_TYP is the guest's request to power off (§7.4.2.6). */
#define ACPI_TABLES_SLP_TYP_S5 5

/* xAPIC IDs are 8 bits and 0xFF is the broadcast ID. */
#define ACPI_TABLES_MAX_CPUS 255

/* §5.2.5.1: an OS without another way to find the RSDP scans this area. */
#define ACPI_TABLES_RSDP_AREA_START 0xe0000ull
#define ACPI_TABLES_RSDP_AREA_END 0x100000ull /* exclusive */

/* The PM register blocks' widths in ports (§4.8.3): PM1 event is the 2-byte
 * status then the 2-byte enable register; PM1 control is 2 bytes; the timer 4. */
#define ACPI_TABLES_PM1_EVT_LEN 4
#define ACPI_TABLES_PM1_CNT_LEN 2
#define ACPI_TABLES_PM_TMR_LEN 4

struct acpi_tables_config {
	uint32_t ncpus;          /* 1 .. ACPI_TABLES_MAX_CPUS */
	const uint8_t *apic_ids; /* ncpus distinct xAPIC IDs, vCPU order; none 0xFF */
	uint8_t ioapic_id;       /* 0-15: what the I/O APIC's ID register holds */
	uint16_t pm1a_evt;       /* first port of each PM block; the blocks may */
	uint16_t pm1a_cnt;       /* not overlap or run past port 0xFFFF */
	uint16_t pm_tmr;
	bool pm_tmr_32bit;       /* the PM timer counts 32 bits, else 24 */
	uint8_t sci_irq;         /* ISA IRQ of the SCI: 1-15 but not 2 (the cascade) */
};

/* Where one structure went in guest memory. */
struct acpi_tables_span {
	uint64_t gpa;
	uint32_t len;
};

struct acpi_tables_layout {
	struct acpi_tables_span rsdp, xsdt, fadt, facs, madt, dsdt;
	uint64_t end; /* first byte past the last table in the tables region */
};

/* Writes the RSDP at rsdp_gpa (16-byte aligned, inside the RSDP area) and the
 * other tables into [tables_gpa, tables_gpa + tables_size), which must lie
 * below 4 GiB (the FADT's 32-bit fields point into it), inside gm, and apart
 * from the RSDP. The caller reports that region to the guest as ACPI NVS (it
 * holds the FACS, §5.2.10) and the RSDP's as reserved. Returns 0 and fills
 * *out, or -1 with the reason in err (NUL-terminated when errlen > 0) without
 * writing guest memory. */
int acpi_tables_build(struct guest_mem *gm, uint64_t rsdp_gpa, uint64_t tables_gpa,
		      uint64_t tables_size, const struct acpi_tables_config *cfg,
		      struct acpi_tables_layout *out, char *err, size_t errlen);

#endif
