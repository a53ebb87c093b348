/* Emulator detection (see emulator.h). Each probe is gated so that real
 * hardware never sees a write to a port it might own:
 *  QEMU:  CPUID hypervisor leaf says TCG or KVM, then fw_cfg answers "QEMU";
 *  Bochs: no hypervisor bit, firmware OEM "BOCHS ", and port 0xE9 reads back
 *         0xE9 (Bochs' port_e9_hack; a real bus floats to 0xFF). */
#include "drivers/emulator.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "hv/string.h"

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define BOCHS_SHUTDOWN_PORT 0x8900
#define QEMU_DEBUG_EXIT_PORT 0xf4
#define DEBUG_PORT 0xe9

static bool cpuid_hypervisor_is(const char *sig12)
{
	if (!(cpuid(1).ecx & CPUID1_ECX_HYPERVISOR))
		return false;
	struct cpuid_regs r = cpuid(0x40000000);
	char sig[12];
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	return !memcmp(sig, sig12, 12);
}

static bool qemu_fw_cfg_present(void)
{
	char sig[4];
	outw(FW_CFG_SELECTOR, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_DATA);
	return !memcmp(sig, "QEMU", 4);
}

enum emulator emulator_detect(const char *acpi_oem_id)
{
	if (cpuid_hypervisor_is("TCGTCGTCGTCG") || cpuid_hypervisor_is("KVMKVMKVM\0\0\0"))
		return qemu_fw_cfg_present() ? EMULATOR_QEMU : EMULATOR_NONE;
	if (cpuid(1).ecx & CPUID1_ECX_HYPERVISOR)
		return EMULATOR_NONE;
	if (acpi_oem_id && !strncmp(acpi_oem_id, "BOCHS", 5) && inb(DEBUG_PORT) == DEBUG_PORT)
		return EMULATOR_BOCHS;
	return EMULATOR_NONE;
}

const char *emulator_name(enum emulator e)
{
	switch (e) {
	case EMULATOR_BOCHS:
		return "bochs";
	case EMULATOR_QEMU:
		return "qemu";
	default:
		return "none";
	}
}

void emulator_exit(enum emulator e, uint8_t status)
{
	if (e == EMULATOR_BOCHS) {
		for (const char *p = "Shutdown"; *p; p++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
	} else if (e == EMULATOR_QEMU) {
		/* isa-debug-exit: QEMU exits with status (value << 1) | 1, if the
		 * launcher added the device (tools/hvrun does). */
		outb(QEMU_DEBUG_EXIT_PORT, status);
	}
}
