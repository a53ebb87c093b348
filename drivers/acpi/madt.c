/* Decodes the MADT's interrupt controller structures into acpi_info: processors,
 * I/O APICs, ISA interrupt overrides, LAPIC NMI wiring and the LAPIC address. */
#include "drivers/acpi/internal.h"

static void add_cpu(struct acpi_info *out, uint32_t apic_id, uint32_t uid, uint32_t flags,
		    bool x2apic)
{
	/* ACPI 6.5 §5.2.12.2: Enabled clear and Online Capable set means the
	 * processor can be brought up later (hot-plug); both clear means it is
	 * unusable and the entry is to be ignored. */
	if (!(flags & (ACPI_LAPIC_ENABLED | ACPI_LAPIC_ONLINE_CAPABLE)))
		return;
	/* Firmware may describe a processor by both structure types; the first
	 * description wins. */
	for (uint32_t i = 0; i < out->ncpus; i++) {
		if (out->cpus[i].apic_id == apic_id) {
			out->cpus_duplicate++;
			return;
		}
	}
	if (out->ncpus == ACPI_MAX_CPUS) {
		out->cpus_overflow++;
		return;
	}
	out->cpus[out->ncpus++] = (struct acpi_cpu){
		.apic_id = apic_id,
		.uid = uid,
		.enabled = flags & ACPI_LAPIC_ENABLED,
		.from_x2apic_entry = x2apic,
	};
}

static void add_nmi(struct acpi_info *out, uint32_t uid, uint8_t lint, uint16_t flags)
{
	if (out->nnmis == ACPI_MAX_NMIS) {
		out->nmis_overflow++;
		return;
	}
	out->nmis[out->nnmis++] = (struct acpi_nmi){ .uid = uid, .lint = lint, .flags = flags };
}

static void decode_entry(const uint8_t *e, struct acpi_info *out)
{
	switch (e[0]) {
	case ACPI_MADT_LAPIC: {
		const struct acpi_madt_lapic *l = (const void *)e;
		/* An xAPIC ID of 0xFF is the broadcast address, never a processor's:
		 * §5.2.12.12 has IDs from 255 up described by x2APIC structures. */
		if (l->apic_id != 0xFF)
			add_cpu(out, l->apic_id, l->uid, l->flags, false);
		break;
	}
	case ACPI_MADT_X2APIC: {
		const struct acpi_madt_x2apic *x = (const void *)e;
		add_cpu(out, x->x2apic_id, x->uid, x->flags, true);
		break;
	}
	case ACPI_MADT_IOAPIC: {
		const struct acpi_madt_ioapic *io = (const void *)e;
		if (out->nioapics == ACPI_MAX_IOAPICS) {
			out->ioapics_overflow++;
			break;
		}
		out->ioapics[out->nioapics++] = (struct acpi_ioapic){
			.id = io->id, .addr = io->addr, .gsi_base = io->gsi_base
		};
		break;
	}
	case ACPI_MADT_OVERRIDE: {
		const struct acpi_madt_override *o = (const void *)e;
		if (out->noverrides == ACPI_MAX_OVERRIDES) {
			out->overrides_overflow++;
			break;
		}
		out->overrides[out->noverrides++] = (struct acpi_irq_override){
			.bus = o->bus, .source_irq = o->source_irq, .gsi = o->gsi, .flags = o->flags
		};
		break;
	}
	case ACPI_MADT_LAPIC_NMI: {
		const struct acpi_madt_lapic_nmi *n = (const void *)e;
		add_nmi(out, n->uid == 0xFF ? ACPI_UID_ALL : n->uid, n->lint, n->flags);
		break;
	}
	case ACPI_MADT_X2APIC_NMI: {
		const struct acpi_madt_x2apic_nmi *n = (const void *)e;
		add_nmi(out, n->uid, n->lint, n->flags);
		break;
	}
	case ACPI_MADT_LAPIC_ADDR: {
		const struct acpi_madt_lapic_addr *a = (const void *)e;
		/* §5.2.12.8: when present, this 64-bit address replaces the MADT's. */
		out->lapic_addr = a->addr;
		break;
	}
	}
}

/* The smallest length an entry of this type may have; 0 for types not decoded. */
static size_t min_length(uint8_t type)
{
	switch (type) {
	case ACPI_MADT_LAPIC:
		return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_IOAPIC:
		return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_OVERRIDE:
		return sizeof(struct acpi_madt_override);
	case ACPI_MADT_LAPIC_NMI:
		return sizeof(struct acpi_madt_lapic_nmi);
	case ACPI_MADT_LAPIC_ADDR:
		return sizeof(struct acpi_madt_lapic_addr);
	case ACPI_MADT_X2APIC:
		return sizeof(struct acpi_madt_x2apic);
	case ACPI_MADT_X2APIC_NMI:
		return sizeof(struct acpi_madt_x2apic_nmi);
	default:
		return 0;
	}
}

static void note_entry(struct acpi_msg *msg, struct acpi_info *out, size_t off, uint8_t type,
		       uint8_t elen, const char *what)
{
	acpi_note(msg, out, "MADT entry type %u at offset %zu has length %u%s", type, off, elen,
		  what);
}

void acpi_madt_decode(const uint8_t *t, uint32_t len, struct acpi_info *out,
		      struct acpi_msg *msg)
{
	const struct acpi_madt *m = (const void *)t;

	out->lapic_addr = m->lapic_addr;
	out->pcat_compat = m->flags & ACPI_MADT_PCAT_COMPAT;

	/* §5.2.12: each structure starts with its type and its length in bytes. A
	 * length under 2 or past the table's end leaves no safe way to find the next
	 * one, so the walk stops; one too short for its type is skipped alone. */
	size_t off = sizeof(*m);
	while (len - off >= sizeof(struct acpi_madt_entry)) {
		uint8_t type = t[off], elen = t[off + 1];
		if (elen < sizeof(struct acpi_madt_entry)) {
			note_entry(msg, out, off, type, elen, "; rest of MADT ignored");
			return;
		}
		if (elen > len - off) {
			note_entry(msg, out, off, type, elen, ", past the MADT's end; ignored");
			return;
		}
		if (elen < min_length(type))
			note_entry(msg, out, off, type, elen, ", too short; skipped");
		else
			decode_entry(t + off, out);
		off += elen;
	}
	if (off != len)
		acpi_note(msg, out, "MADT has a stray byte at offset %zu", off);
}
