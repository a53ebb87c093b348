/* Decodes the FADT fields the hypervisor uses: PM register ports, SCI and SMI
 * details, the reset register, CMOS century and IA-PC boot flags. */
#include "drivers/acpi/internal.h"

/* Whether a FADT of len bytes contains the field: tables written for older
 * ACPI versions are shorter (§5.2.9), and bytes past len are not ours to read. */
#define FADT_HAS(len, field) \
	(offsetof(struct acpi_fadt, field) + sizeof(((const struct acpi_fadt *)0)->field) <= (len))
#define FADT_GET(f, len, field) (FADT_HAS(len, field) ? (f)->field : 0)

static const struct acpi_gas no_gas;
#define FADT_GAS(f, len, field) (FADT_HAS(len, field) ? (f)->field : no_gas)

/* §5.2.9: an X_ block with a non-zero address supersedes the legacy 32-bit
 * field. The hypervisor drives PM registers by port I/O only, so an X_ block
 * in another address space falls back to the legacy port. */
static uint16_t pm_port(struct acpi_gas x, uint32_t legacy, const char *name,
			struct acpi_info *out, struct acpi_msg *msg)
{
	if (x.space_id == ACPI_GAS_SYSTEM_IO && x.address != 0) {
		if (x.address <= 0xFFFF)
			return (uint16_t)x.address;
		acpi_note(msg, out, "FADT X_%s port 0x%llx out of range", name,
			  (unsigned long long)x.address);
	}
	if (legacy <= 0xFFFF)
		return (uint16_t)legacy;
	acpi_note(msg, out, "FADT %s port 0x%x out of range", name, legacy);
	return 0;
}

paddr_t acpi_fadt_decode(const uint8_t *t, uint32_t len, struct acpi_info *out,
			 struct acpi_msg *msg)
{
	const struct acpi_fadt *f = (const void *)t;

	out->fadt_revision = f->hdr.revision;
	out->fadt_flags = FADT_GET(f, len, flags);
	out->pm_tmr_32bit = out->fadt_flags & ACPI_FADT_TMR_VAL_EXT;
	out->hw_reduced = out->fadt_flags & ACPI_FADT_HW_REDUCED;

	out->pm1a_evt = pm_port(FADT_GAS(f, len, x_pm1a_evt_blk), FADT_GET(f, len, pm1a_evt_blk),
				"PM1a_EVT_BLK", out, msg);
	out->pm1b_evt = pm_port(FADT_GAS(f, len, x_pm1b_evt_blk), FADT_GET(f, len, pm1b_evt_blk),
				"PM1b_EVT_BLK", out, msg);
	out->pm1a_cnt = pm_port(FADT_GAS(f, len, x_pm1a_cnt_blk), FADT_GET(f, len, pm1a_cnt_blk),
				"PM1a_CNT_BLK", out, msg);
	out->pm1b_cnt = pm_port(FADT_GAS(f, len, x_pm1b_cnt_blk), FADT_GET(f, len, pm1b_cnt_blk),
				"PM1b_CNT_BLK", out, msg);
	out->pm_tmr = pm_port(FADT_GAS(f, len, x_pm_tmr_blk), FADT_GET(f, len, pm_tmr_blk),
			      "PM_TMR_BLK", out, msg);
	out->smi_cmd = pm_port(no_gas, FADT_GET(f, len, smi_cmd), "SMI_CMD", out, msg);

	out->acpi_enable = FADT_GET(f, len, acpi_enable);
	out->acpi_disable = FADT_GET(f, len, acpi_disable);
	out->sci_int = FADT_GET(f, len, sci_int);
	out->century = FADT_GET(f, len, century);
	out->iapc_boot_arch = FADT_GET(f, len, iapc_boot_arch);

	/* RESET_REG and RESET_VALUE mean something only under RESET_REG_SUP. */
	if ((out->fadt_flags & ACPI_FADT_RESET_REG_SUP) && FADT_HAS(len, reset_value)) {
		out->have_reset = true;
		out->reset_reg = f->reset_reg;
		out->reset_value = f->reset_value;
	}

	/* §5.2.9: X_DSDT, when non-zero, is used instead of DSDT. */
	uint64_t x_dsdt = FADT_GET(f, len, x_dsdt);
	return x_dsdt ? x_dsdt : FADT_GET(f, len, dsdt);
}
