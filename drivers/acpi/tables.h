/* Byte layouts of the ACPI tables the parser reads (ACPI 6.5 chapter 5.2), as
 * packed structs: firmware places them at any byte address, so no padding. */
#ifndef DRIVERS_ACPI_TABLES_H
#define DRIVERS_ACPI_TABLES_H

#include "hv/types.h"

#define ACPI_PACKED __attribute__((packed))

/* Root System Description Pointer, §5.2.5.3. Revision 0 (ACPI 1.0) ends after
 * rsdt_addr; revision 2 and later add the fields from length on. */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* covers the first 20 bytes */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_addr;
	uint32_t length; /* of the whole structure, revision >= 2 */
	uint64_t xsdt_addr;
	uint8_t ext_checksum; /* covers `length` bytes */
	uint8_t reserved[3];
} ACPI_PACKED;

#define ACPI_RSDP_V1_SIZE 20
#define ACPI_RSDP_V2_SIZE 36

/* System Description Table header shared by every table, §5.2.6. */
struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* all `length` bytes sum to zero */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} ACPI_PACKED;

/* Generic Address Structure, §5.2.3.2. */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} ACPI_PACKED;

#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO 1

/* Multiple APIC Description Table, §5.2.12: this fixed part, then a list of
 * variable-length interrupt controller structures up to the table's end. */
struct acpi_madt {
	struct acpi_sdt_header hdr;
	uint32_t lapic_addr;
	uint32_t flags;
} ACPI_PACKED;

#define ACPI_MADT_PCAT_COMPAT (1u << 0) /* dual 8259s are installed too */

struct acpi_madt_entry {
	uint8_t type;
	uint8_t length;
} ACPI_PACKED;

enum {
	ACPI_MADT_LAPIC = 0,
	ACPI_MADT_IOAPIC = 1,
	ACPI_MADT_OVERRIDE = 2,
	ACPI_MADT_LAPIC_NMI = 4,
	ACPI_MADT_LAPIC_ADDR = 5,
	ACPI_MADT_X2APIC = 9,
	ACPI_MADT_X2APIC_NMI = 0xA,
};

/* Local APIC flags, shared by the LAPIC and x2APIC structures. */
#define ACPI_LAPIC_ENABLED (1u << 0)
#define ACPI_LAPIC_ONLINE_CAPABLE (1u << 1)

struct acpi_madt_lapic {
	struct acpi_madt_entry h;
	uint8_t uid;
	uint8_t apic_id;
	uint32_t flags;
} ACPI_PACKED;

struct acpi_madt_ioapic {
	struct acpi_madt_entry h;
	uint8_t id;
	uint8_t reserved;
	uint32_t addr;
	uint32_t gsi_base;
} ACPI_PACKED;

struct acpi_madt_override {
	struct acpi_madt_entry h;
	uint8_t bus; /* 0: ISA */
	uint8_t source_irq;
	uint32_t gsi;
	uint16_t flags; /* MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3 */
} ACPI_PACKED;

struct acpi_madt_lapic_nmi {
	struct acpi_madt_entry h;
	uint8_t uid; /* 0xFF: all processors */
	uint16_t flags;
	uint8_t lint;
} ACPI_PACKED;

struct acpi_madt_lapic_addr {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint64_t addr;
} ACPI_PACKED;

struct acpi_madt_x2apic {
	struct acpi_madt_entry h;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t uid;
} ACPI_PACKED;

struct acpi_madt_x2apic_nmi {
	struct acpi_madt_entry h;
	uint16_t flags;
	uint32_t uid; /* 0xFFFFFFFF: all processors */
	uint8_t lint;
	uint8_t reserved[3];
} ACPI_PACKED;

/* Fixed ACPI Description Table, §5.2.9, up to the last field the parser uses
 * (X_PM_TMR_BLK). Firmware for older ACPI versions ends the table earlier
 * (116 bytes in ACPI 1.0), so every field is read only if the table's length
 * covers it; newer tables go on past the end of this struct. */
struct acpi_fadt {
	struct acpi_sdt_header hdr;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
} ACPI_PACKED;

/* FADT flags, §5.2.9 table "Fixed ACPI Description Table Fixed Feature Flags". */
#define ACPI_FADT_TMR_VAL_EXT (1u << 8)
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED (1u << 20)

_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_SIZE, "RSDP layout");
_Static_assert(offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_SIZE, "RSDP layout");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header layout");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS layout");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT layout");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC layout");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC layout");
_Static_assert(sizeof(struct acpi_madt_override) == 10, "MADT override layout");
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "MADT LAPIC NMI layout");
_Static_assert(sizeof(struct acpi_madt_lapic_addr) == 12, "MADT LAPIC address layout");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT x2APIC layout");
_Static_assert(sizeof(struct acpi_madt_x2apic_nmi) == 12, "MADT x2APIC NMI layout");
_Static_assert(offsetof(struct acpi_fadt, century) == 108, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 128, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT layout");
_Static_assert(sizeof(struct acpi_fadt) == 220, "FADT layout");

#endif
