/* Power-off policy (see power.h). */
#include "hv/power.h"
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "drivers/acpi/acpi_host.h"
#include "hv/log.h"

static const struct acpi_info *power_acpi;
static enum emulator power_emu = EMULATOR_NONE;

void power_init(const struct acpi_info *acpi, enum emulator emu)
{
	power_acpi = acpi;
	power_emu = emu;
}

void power_off(void)
{
	log_info("poweroff");
	smp_stop_other_cpus();
	irq_disable();
	if (power_acpi)
		acpi_power_off(power_acpi);
	emulator_exit(power_emu, 0);
	log_err("poweroff failed: halting");
	cpu_halt_forever();
}

void power_stop_after_panic(void)
{
	emulator_exit(power_emu, 1);
	cpu_halt_forever();
}
