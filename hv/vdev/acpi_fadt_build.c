/* The domain's FADT (ACPI 6.5 §5.2.9): a legacy PC with fixed-feature PM
 * registers at the caller's ports, always in ACPI mode, no SMM. */
#include "hv/vdev/acpi_tables_internal.h"

/* §5.2.9 Table "Fixed ACPI Description Table Fixed Feature Flags". */
#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_SLP_BUTTON (1u << 5)

/* §5.2.9.3 IA-PC Boot Architecture Flags. */
#define BOOT_ARCH_LEGACY_DEVICES (1u << 0)
#define BOOT_ARCH_8042 (1u << 1)

/* §5.2.9: a worst-case latency above 100 (C2) or 1000 (C3) microseconds says
 * the state is not supported. */
#define NO_C2_LATENCY 101
#define NO_C3_LATENCY 1001

/* §5.2.3.2 access sizes. */
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3

static struct acpi_gas io_gas(uint16_t port, unsigned ports, uint8_t access)
{
	return (struct acpi_gas){
		.space_id = ACPI_GAS_SYSTEM_IO,
		.bit_width = (uint8_t)(8 * ports),
		.bit_offset = 0,
		.access_size = access,
		.address = port,
	};
}

void acpi_fadt_write(struct guest_mem *gm, uint64_t gpa, const struct acpi_tables_config *cfg,
		     uint64_t facs_gpa, uint64_t dsdt_gpa)
{
	struct acpi_fadt f = {0};

	acpi_build_header(&f.hdr, "FACP", ACPI_BUILD_FADT_LEN, ACPI_BUILD_FADT_REV);
	f.minor_version = ACPI_BUILD_FADT_MINOR;

	/* Both the 32-bit and the X_ address of the FACS and the DSDT, the same
	 * value: the caller keeps the tables below 4 GiB. */
	f.firmware_ctrl = (uint32_t)facs_gpa;
	f.x_firmware_ctrl = facs_gpa;
	f.dsdt = (uint32_t)dsdt_gpa;
	f.x_dsdt = dsdt_gpa;

	f.sci_int = cfg->sci_irq;
	/* SMI_CMD zero: there is no SMM to hand over from (§5.2.9, SMI_CMD), so
	 * the OS takes the machine to be in ACPI mode already, and the PM model's
	 * PM1 control register must read SCI_EN as 1. */
	f.smi_cmd = 0;

	f.pm1a_evt_blk = cfg->pm1a_evt;
	f.pm1a_cnt_blk = cfg->pm1a_cnt;
	f.pm_tmr_blk = cfg->pm_tmr;
	f.pm1_evt_len = ACPI_TABLES_PM1_EVT_LEN;
	f.pm1_cnt_len = ACPI_TABLES_PM1_CNT_LEN;
	f.pm_tmr_len = ACPI_TABLES_PM_TMR_LEN;
	f.x_pm1a_evt_blk = io_gas(cfg->pm1a_evt, ACPI_TABLES_PM1_EVT_LEN, GAS_ACCESS_WORD);
	f.x_pm1a_cnt_blk = io_gas(cfg->pm1a_cnt, ACPI_TABLES_PM1_CNT_LEN, GAS_ACCESS_WORD);
	f.x_pm_tmr_blk = io_gas(cfg->pm_tmr, ACPI_TABLES_PM_TMR_LEN, GAS_ACCESS_DWORD);

	f.p_lvl2_lat = NO_C2_LATENCY;
	f.p_lvl3_lat = NO_C3_LATENCY;

	/* LEGACY_DEVICES: ISA devices (PIT, RTC, serial) are present though the
	 * DSDT does not describe them; 8042: so is a keyboard controller. */
	f.iapc_boot_arch = BOOT_ARCH_LEGACY_DEVICES | BOOT_ARCH_8042;

	/* WBINVD works (required by §5.2.9), C1 is HLT, there is no sleep
	 * button. PWR_BUTTON is clear: the power button is the fixed-feature
	 * one (PWRBTN_STS/PWRBTN_EN in PM1). TMR_VAL_EXT follows the timer's
	 * width. */
	f.flags = FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON;
	if (cfg->pm_tmr_32bit)
		f.flags |= ACPI_FADT_TMR_VAL_EXT;

	/* The fields past X_PM_TMR_BLK (GPE blocks, sleep registers of
	 * hardware-reduced systems, hypervisor vendor) stay zero. */
	acpi_build_put(gm, gpa, &f, sizeof(f));
	acpi_build_checksum(gm, gpa, ACPI_BUILD_FADT_LEN, offsetof(struct acpi_sdt_header, checksum));
}
