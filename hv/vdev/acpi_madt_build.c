/* The domain's MADT (ACPI 6.5 §5.2.12): its LAPICs, its one I/O APIC, the
 * ISA interrupt overrides and LINT1 as NMI. */
#include "hv/vdev/acpi_tables_internal.h"
#include "hv/vdev/ioapic.h"

#define LAPIC_BASE 0xfee00000u
#define MADT_REV 5

/* MPS INTI flags (§5.2.12.5, table "MPS INTI Flags"): polarity in bits 1:0,
 * trigger mode in bits 3:2. */
#define INTI_ACTIVE_HIGH 0x1
#define INTI_ACTIVE_LOW 0x3
#define INTI_EDGE (0x1 << 2)
#define INTI_LEVEL (0x3 << 2)

#define ISA_IRQ_PIT 0
#define GSI_PIT 2
#define LINT1 1
#define UID_ALL_PROCESSORS 0xff

uint32_t acpi_madt_len(uint32_t ncpus)
{
	return (uint32_t)(sizeof(struct acpi_madt) + ncpus * sizeof(struct acpi_madt_lapic) +
			  sizeof(struct acpi_madt_ioapic) + 2 * sizeof(struct acpi_madt_override) +
			  sizeof(struct acpi_madt_lapic_nmi));
}

static uint64_t put_override(struct guest_mem *gm, uint64_t at, uint8_t irq, uint32_t gsi,
			     uint16_t flags)
{
	struct acpi_madt_override o = {
		.h = {ACPI_MADT_OVERRIDE, sizeof(o)},
		.bus = 0, /* ISA */
		.source_irq = irq,
		.gsi = gsi,
		.flags = flags,
	};
	return acpi_build_put(gm, at, &o, sizeof(o));
}

void acpi_madt_write(struct guest_mem *gm, uint64_t gpa, const struct acpi_tables_config *cfg)
{
	uint32_t len = acpi_madt_len(cfg->ncpus);
	struct acpi_madt m = {.lapic_addr = LAPIC_BASE, .flags = ACPI_MADT_PCAT_COMPAT};

	/* PCAT_COMPAT: the domain also has the dual 8259s, which an OS masks
	 * before it switches to the APICs. */
	acpi_build_header(&m.hdr, "APIC", len, MADT_REV);
	uint64_t at = acpi_build_put(gm, gpa, &m, sizeof(m));

	/* §5.2.12.2: one enabled entry per vCPU, UIDs 0 .. ncpus - 1, in vCPU
	 * order: the first is the boot processor. */
	for (uint32_t i = 0; i < cfg->ncpus; i++) {
		struct acpi_madt_lapic l = {
			.h = {ACPI_MADT_LAPIC, sizeof(l)},
			.uid = (uint8_t)i,
			.apic_id = cfg->apic_ids[i],
			.flags = ACPI_LAPIC_ENABLED,
		};
		at = acpi_build_put(gm, at, &l, sizeof(l));
	}

	/* §5.2.12.3: the I/O APIC's 24 inputs are GSIs 0-23. */
	struct acpi_madt_ioapic io = {
		.h = {ACPI_MADT_IOAPIC, sizeof(io)},
		.id = cfg->ioapic_id,
		.addr = (uint32_t)IOAPIC_BASE,
		.gsi_base = 0,
	};
	at = acpi_build_put(gm, at, &io, sizeof(io));

	/* §5.2.12.5: ISA IRQs are identity-mapped to GSIs except where an
	 * override says otherwise. The PIT's IRQ 0 comes in on pin 2, as on PC
	 * chipsets; the SCI keeps its pin but is level-triggered, active-low,
	 * the way §5.2.9 (SCI_INT) says OSPM treats it. */
	at = put_override(gm, at, ISA_IRQ_PIT, GSI_PIT, INTI_ACTIVE_HIGH | INTI_EDGE);
	at = put_override(gm, at, cfg->sci_irq, cfg->sci_irq, INTI_ACTIVE_LOW | INTI_LEVEL);

	/* §5.2.12.7: LINT1 of every processor is wired to NMI, edge, high. */
	struct acpi_madt_lapic_nmi nmi = {
		.h = {ACPI_MADT_LAPIC_NMI, sizeof(nmi)},
		.uid = UID_ALL_PROCESSORS,
		.flags = INTI_ACTIVE_HIGH | INTI_EDGE,
		.lint = LINT1,
	};
	acpi_build_put(gm, at, &nmi, sizeof(nmi));
	acpi_build_checksum(gm, gpa, len, offsetof(struct acpi_sdt_header, checksum));
}
