/* ACPI S5 entry through the fixed hardware PM1 control registers
 * (ACPI 6.5 4.8.3.2 and 16.1.7). */
#include "drivers/acpi/acpi_host.h"
#include "arch/x86/io.h"
#include "arch/x86/tsc.h"
#include "hv/log.h"

#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_EN 0x2000
#define ACPI_ENABLE_TIMEOUT_US 3000000
#define POWER_OFF_WAIT_US 1000000

static bool acpi_mode_enable(const struct acpi_info *a)
{
	if (inw(a->pm1a_cnt) & PM1_CNT_SCI_EN)
		return true;
	if (!a->smi_cmd || !a->acpi_enable)
		return false; /* no legacy mode to leave: ACPI-only hardware */
	outb(a->smi_cmd, a->acpi_enable);
	for (uint64_t waited = 0; waited < ACPI_ENABLE_TIMEOUT_US; waited += 1000) {
		if (inw(a->pm1a_cnt) & PM1_CNT_SCI_EN)
			return true;
		tsc_delay_us(1000);
	}
	return false;
}

static void write_slp(uint16_t port, uint8_t slp_typ, bool enable)
{
	uint16_t v = acpi_pm1_cnt_s5(inw(port), slp_typ);
	outw(port, enable ? v : (uint16_t)(v & ~PM1_CNT_SLP_EN));
}

void acpi_power_off(const struct acpi_info *a)
{
	if (!a->have_s5 || !a->pm1a_cnt)
		return;
	if (!acpi_mode_enable(a))
		log_warn("acpi: firmware did not enter ACPI mode; trying S5 anyway");
	/* SLP_TYP first, then SLP_EN, register A before B: as operating
	 * systems do, since some chipsets latch the type on the SLP_EN write. */
	write_slp(a->pm1a_cnt, a->slp_typa, false);
	if (a->pm1b_cnt)
		write_slp(a->pm1b_cnt, a->slp_typb, false);
	write_slp(a->pm1a_cnt, a->slp_typa, true);
	if (a->pm1b_cnt)
		write_slp(a->pm1b_cnt, a->slp_typb, true);
	tsc_delay_us(POWER_OFF_WAIT_US);
}
