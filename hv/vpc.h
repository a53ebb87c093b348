/* The virtual PC every domain gets: the 8259 pair, the I/O APIC, the 8254
 * PIT, the CMOS RTC, the ACPI PM block, PCI configuration with a host bridge,
 * the reset sources, COM1, the ACPI tables in the BIOS area, and each vCPU's
 * local APIC; and the wiring between them (ISA IRQs to both interrupt
 * controllers, IRQ 0 on I/O APIC pin 2, the SCI active low on IRQ 9). */
#ifndef HV_VPC_H
#define HV_VPC_H

#include "hv/vdev/acpi_pm.h"
#include "hv/vdev/acpi_tables.h"
#include "hv/vdev/ioapic.h"
#include "hv/vdev/pci_host.h"
#include "hv/vdev/pic8259.h"
#include "hv/vdev/pit8254.h"
#include "hv/vdev/reset.h"
#include "hv/vdev/rtc.h"
#include "hv/vdev/uart16550.h"
#include "hv/vdev_timer.h"

struct domain;
struct vcpu;

/* Port and IRQ choices, as on QEMU's i440FX/PIIX4 PC that Linux knows well. */
#define VPC_PM_BASE 0x600
#define VPC_SCI_IRQ 9
#define VPC_IOAPIC_ID 0
/* The legacy BIOS area: read-only to the guest, reserved in its memory map;
 * the ACPI tables live in it, the RSDP first so the §5.2.5.1 scan finds it. */
#define VPC_BIOS_START 0xa0000ull
#define VPC_BIOS_END 0x100000ull
#define VPC_ACPI_RSDP 0xe0000ull
#define VPC_ACPI_TABLES 0xe0040ull
#define VPC_ACPI_TABLES_END 0xf0000ull
/* Low RAM ends where a PC's extended BIOS data area starts. */
#define VPC_LOW_RAM_END 0x9fc00ull

struct vpc {
	struct pic pic;
	struct ioapic ioapic;
	struct pit pit;
	struct rtc rtc;
	struct acpi_pm pm;
	struct pci_host pci;
	struct reset reset;
	struct uart com1;
	struct vdev_host_timer pit_timer, rtc_timer, pm_timer, com1_timer;
	struct acpi_tables_layout acpi;
	uint16_t isa_irq_asserted; /* bit n: ISA IRQ n is asserted (the RTC_STS edge) */
};

/* Build the domain's virtual PC (its RAM exists: the ACPI tables go there)
 * and every vCPU's local APIC; 0, or -1 with the reason in err. */
int vpc_init(struct domain *d, char *err, size_t errlen);
/* Stop every device timer (the domain ended). */
void vpc_stop(struct domain *d);

/* A device drives ISA IRQ irq (0-15) to level (true: asserted). */
void vpc_isa_irq(struct domain *d, unsigned irq, bool level);

/* Whether an interrupt waits for the vCPU: a vector raised straight into it
 * (the test source), an accepted vector in its LAPIC above the processor
 * priority, or the PIC's output where the LAPIC passes it (LINT0 ExtINT, or
 * the LAPIC disabled). Called with host interrupts off. */
bool vcpu_irq_waiting(const struct vcpu *v);
/* The vector to inject now for what vcpu_irq_waiting found: moves it from
 * IRR to ISR, or runs the PIC's INTA cycle. -1 if nothing waits. */
int vcpu_irq_ack(struct vcpu *v);

/* Whether a device timer that can end in an interrupt is armed. */
bool vpc_timer_armed(const struct domain *d);

/* Whether gpa lies in the read-only BIOS area. */
static inline bool vpc_gpa_is_rom(uint64_t gpa)
{
	return gpa >= VPC_BIOS_START && gpa < VPC_BIOS_END;
}

#endif
