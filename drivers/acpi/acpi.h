/* ACPI table discovery and decoding: finds the RSDP, walks the RSDT/XSDT and
 * extracts what the hypervisor needs from the MADT, FADT and the \_S5 object.
 * Pure logic: physical memory is reached only through the caller's map callback. */
#ifndef DRIVERS_ACPI_ACPI_H
#define DRIVERS_ACPI_ACPI_H

#include "drivers/acpi/tables.h"
#include "hv/types.h"

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 16
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_NMIS ACPI_MAX_CPUS /* firmware may give one per processor */
#define ACPI_MAX_SSDTS 16

/* acpi_nmi.uid value meaning "every processor" (LAPIC NMI 0xFF is widened to it). */
#define ACPI_UID_ALL 0xFFFFFFFFu

/* Returns a pointer through which [pa, pa + len) can be read, or NULL if that
 * range is not readable. The parser uses a pointer only until its next call. */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len, void *ctx);

enum {
	ACPI_OK = 0,
	ACPI_ERR_RSDP = -1,     /* RSDP signature, checksum or root address bad */
	ACPI_ERR_ROOT_MAP = -2, /* RSDT/XSDT not readable through map */
	ACPI_ERR_ROOT_BAD = -3, /* RSDT/XSDT signature, length or checksum bad */
};

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid; /* ACPI processor UID, matches acpi_nmi.uid */
	bool enabled; /* false: online capable (hot-pluggable), not started */
	bool from_x2apic_entry;
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

struct acpi_irq_override {
	uint8_t bus;
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags; /* MPS INTI flags */
};

struct acpi_nmi {
	uint32_t uid; /* ACPI_UID_ALL: every processor */
	uint8_t lint; /* LINT0 or LINT1 */
	uint16_t flags; /* MPS INTI flags */
};

/* Where a validated table lives; len == 0 when the table was not found. */
struct acpi_table_ref {
	paddr_t pa;
	uint32_t len;
};

struct acpi_info {
	char oem_id[7]; /* the RSDP's, NUL-terminated */
	bool xsdt;      /* walked the XSDT (else the RSDT) */
	uint32_t tables;     /* listed tables and the DSDT that passed validation */
	uint32_t bad_tables; /* skipped: unreadable, bad signature, length or checksum */
	uint32_t problems;   /* non-fatal problems described in err */

	struct acpi_table_ref madt, fadt, dsdt;
	struct acpi_table_ref ssdts[ACPI_MAX_SSDTS];
	uint32_t nssdts, ssdts_overflow;

	/* MADT */
	paddr_t lapic_addr; /* after any Local APIC Address Override */
	bool pcat_compat;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	uint32_t ncpus, cpus_overflow, cpus_duplicate;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	uint32_t nioapics, ioapics_overflow;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	uint32_t noverrides, overrides_overflow;
	struct acpi_nmi nmis[ACPI_MAX_NMIS];
	uint32_t nnmis, nmis_overflow;

	/* FADT; fields the table is too short to hold read as 0 */
	uint8_t fadt_revision;
	uint32_t fadt_flags;
	uint16_t pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt, pm_tmr; /* I/O ports, 0: none */
	bool pm_tmr_32bit;
	bool hw_reduced;
	uint16_t smi_cmd;
	uint8_t acpi_enable, acpi_disable;
	uint16_t sci_int;
	bool have_reset;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint8_t century; /* CMOS index of the century, 0: none */
	uint16_t iapc_boot_arch;

	/* \_S5 from the DSDT, else the first SSDT that defines it */
	bool have_s5;
	uint8_t slp_typa, slp_typb;
};

/* Finds a valid RSDP on a 16-byte boundary of area, which must itself start
 * 16-byte aligned in physical memory (the EBDA's first KiB, 0xE0000-0xFFFFF). */
const void *acpi_rsdp_scan(const void *area, size_t len);

/* Whether the len bytes at p hold a valid RSDP (e.g. a multiboot2 tag's copy). */
bool acpi_rsdp_valid(const void *p, size_t len);

/* Walks the tables under rsdp (one acpi_rsdp_scan found or acpi_rsdp_valid
 * accepted) and fills *out. Returns ACPI_OK or a negative ACPI_ERR_*; err gets
 * the reason on failure, and on success the non-fatal problems ("; "-separated,
 * empty when none). err may be NULL when errlen is 0. */
int acpi_parse(const void *rsdp, acpi_map_fn map, void *ctx, struct acpi_info *out,
	       char *err, size_t errlen);

/* Finds Name(_S5, Package(){SLP_TYPa, SLP_TYPb, ...}) in AML bytes (a DSDT or
 * SSDT after its 36-byte header) and returns the two 3-bit SLP_TYP values. */
bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb);

/* The value to write to a PM1 control register to enter S5, from its current
 * value and that register's SLP_TYP. */
uint16_t acpi_pm1_cnt_s5(uint16_t current, uint8_t slp_typ);

#endif
