/* Lays out a domain's ACPI tables, checks the request, and writes the RSDP,
 * XSDT and FACS around the tables the other acpi_*.c files build. */
#include "hv/format.h"
#include "hv/string.h"
#include "hv/vdev/acpi_tables_internal.h"

#define RSDP_REV 2 /* ACPI 2.0 and later: has the XSDT address */
#define XSDT_REV 1
#define XSDT_ENTRIES 2 /* FADT, MADT; the FADT leads to the FACS and DSDT */
#define FACS_VERSION 2
#define TABLE_ALIGN 16
#define GPA_4G (4 * GIB)

/* Creator of every table: this builder, version 1. */
#define CREATOR_ID 0x20205648u /* "HV  " */
#define CREATOR_REV 1

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						       ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errlen > 0)
		fmt_vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void acpi_build_header(struct acpi_sdt_header *h, const char sig[4], uint32_t len, uint8_t rev)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_BUILD_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_BUILD_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	h->creator_id = CREATOR_ID;
	h->creator_revision = CREATOR_REV;
}

void acpi_build_checksum(struct guest_mem *gm, uint64_t gpa, uint32_t len, uint32_t sum_off)
{
	uint8_t sum = 0;

	gm->base[gpa + sum_off] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + gm->base[gpa + i]);
	gm->base[gpa + sum_off] = (uint8_t)-sum;
}

uint64_t acpi_build_put(struct guest_mem *gm, uint64_t gpa, const void *p, size_t n)
{
	memcpy(gm->base + gpa, p, n);
	return gpa + n;
}

static bool ports_overlap(uint16_t a, unsigned alen, uint16_t b, unsigned blen)
{
	return a < b + blen && b < a + alen;
}

static int check_config(const struct acpi_tables_config *cfg, char *err, size_t errlen)
{
	if (cfg->ncpus == 0 || cfg->ncpus > ACPI_TABLES_MAX_CPUS)
		return fail(err, errlen, "acpi: %u vCPUs (1-%u)", cfg->ncpus, ACPI_TABLES_MAX_CPUS);
	for (uint32_t i = 0; i < cfg->ncpus; i++) {
		if (cfg->apic_ids[i] == 0xff)
			return fail(err, errlen, "acpi: vCPU %u has the broadcast APIC ID 0xff", i);
		for (uint32_t j = 0; j < i; j++)
			if (cfg->apic_ids[j] == cfg->apic_ids[i])
				return fail(err, errlen, "acpi: vCPUs %u and %u share APIC ID %u", j,
					    i, cfg->apic_ids[i]);
	}
	if (cfg->ioapic_id > 0xf)
		return fail(err, errlen, "acpi: I/O APIC ID %u (0-15)", cfg->ioapic_id);
	if (cfg->sci_irq == 0 || cfg->sci_irq == 2 || cfg->sci_irq > 15)
		return fail(err, errlen, "acpi: SCI on ISA IRQ %u (1-15, not 2)", cfg->sci_irq);

	const struct {
		const char *name;
		uint16_t port;
		unsigned len;
	} blk[] = {
		{"PM1a_EVT_BLK", cfg->pm1a_evt, ACPI_TABLES_PM1_EVT_LEN},
		{"PM1a_CNT_BLK", cfg->pm1a_cnt, ACPI_TABLES_PM1_CNT_LEN},
		{"PM_TMR_BLK", cfg->pm_tmr, ACPI_TABLES_PM_TMR_LEN},
	};
	for (size_t i = 0; i < ARRAY_SIZE(blk); i++) {
		/* §5.2.9: a zero block address means the block is absent, and
		 * every non-reduced system has these three. */
		if (blk[i].port == 0 || blk[i].port + blk[i].len > 0x10000)
			return fail(err, errlen, "acpi: %s at port 0x%x", blk[i].name, blk[i].port);
		for (size_t j = 0; j < i; j++)
			if (ports_overlap(blk[i].port, blk[i].len, blk[j].port, blk[j].len))
				return fail(err, errlen, "acpi: %s overlaps %s", blk[i].name,
					    blk[j].name);
	}
	return 0;
}

/* Places the tables from tables_gpa on; returns the end of the last one. */
static uint64_t place(uint64_t tables_gpa, uint32_t ncpus, struct acpi_tables_layout *l)
{
	/* §5.2.10: the FACS is 64-byte aligned. The rest need no alignment;
	 * 16 bytes keeps each table's start easy to read in a dump. */
	l->facs = (struct acpi_tables_span){ALIGN_UP(tables_gpa, ACPI_BUILD_FACS_ALIGN),
					    ACPI_BUILD_FACS_LEN};
	l->dsdt = (struct acpi_tables_span){ALIGN_UP(l->facs.gpa + l->facs.len, TABLE_ALIGN),
					    acpi_dsdt_len()};
	l->fadt = (struct acpi_tables_span){ALIGN_UP(l->dsdt.gpa + l->dsdt.len, TABLE_ALIGN),
					    ACPI_BUILD_FADT_LEN};
	l->madt = (struct acpi_tables_span){ALIGN_UP(l->fadt.gpa + l->fadt.len, TABLE_ALIGN),
					    acpi_madt_len(ncpus)};
	l->xsdt = (struct acpi_tables_span){
		ALIGN_UP(l->madt.gpa + l->madt.len, TABLE_ALIGN),
		(uint32_t)(sizeof(struct acpi_sdt_header) + XSDT_ENTRIES * sizeof(uint64_t))};
	return l->xsdt.gpa + l->xsdt.len;
}

static int check_placement(const struct guest_mem *gm, uint64_t rsdp_gpa, uint64_t tables_gpa,
			   uint64_t tables_size, uint64_t end, char *err, size_t errlen)
{
	/* §5.2.5.1: on a 16-byte boundary in the BIOS read-only area. */
	if (rsdp_gpa % 16 || rsdp_gpa < ACPI_TABLES_RSDP_AREA_START ||
	    !span_within(rsdp_gpa, ACPI_RSDP_V2_SIZE, ACPI_TABLES_RSDP_AREA_END))
		return fail(err, errlen, "acpi: RSDP at 0x%llx: not 16-byte aligned in 0xe0000-0xfffff",
			    (unsigned long long)rsdp_gpa);
	if (!span_within(rsdp_gpa, ACPI_RSDP_V2_SIZE, gm->size))
		return fail(err, errlen, "acpi: RSDP at 0x%llx is outside guest memory",
			    (unsigned long long)rsdp_gpa);
	if (!span_within(tables_gpa, tables_size, GPA_4G) ||
	    !span_within(tables_gpa, tables_size, gm->size))
		return fail(err, errlen,
			    "acpi: tables region 0x%llx+0x%llx is not in guest memory below 4 GiB",
			    (unsigned long long)tables_gpa, (unsigned long long)tables_size);
	if (end > tables_gpa + tables_size)
		return fail(err, errlen, "acpi: tables need 0x%llx bytes from 0x%llx, region has 0x%llx",
			    (unsigned long long)(end - tables_gpa), (unsigned long long)tables_gpa,
			    (unsigned long long)tables_size);
	if (rsdp_gpa < tables_gpa + tables_size && tables_gpa < rsdp_gpa + ACPI_RSDP_V2_SIZE)
		return fail(err, errlen, "acpi: RSDP at 0x%llx is inside the tables region",
			    (unsigned long long)rsdp_gpa);
	return 0;
}

/* §5.2.10: the FACS has no checksum; the OS fills in the waking vectors and
 * the global lock lives in it. The hardware signature stays 0: the domain's
 * hardware never changes across a sleep. */
static void write_facs(struct guest_mem *gm, uint64_t gpa)
{
	memcpy(gm->base + gpa, "FACS", 4);
	guest_put32(gm, gpa + 4, ACPI_BUILD_FACS_LEN);
	guest_put8(gm, gpa + 32, FACS_VERSION);
}

/* §5.2.8: the XSDT lists 64-bit table addresses after its header. */
static void write_xsdt(struct guest_mem *gm, const struct acpi_tables_layout *l)
{
	struct acpi_sdt_header h;

	acpi_build_header(&h, "XSDT", l->xsdt.len, XSDT_REV);
	uint64_t at = acpi_build_put(gm, l->xsdt.gpa, &h, sizeof(h));
	guest_put64(gm, at, l->fadt.gpa);
	guest_put64(gm, at + 8, l->madt.gpa);
	acpi_build_checksum(gm, l->xsdt.gpa, l->xsdt.len, offsetof(struct acpi_sdt_header, checksum));
}

/* §5.2.5.3: revision 2 with no RSDT, so OSPM takes the XSDT. The checksum
 * covers the first 20 bytes, the extended checksum all 36. */
static void write_rsdp(struct guest_mem *gm, uint64_t gpa, uint64_t xsdt_gpa)
{
	struct acpi_rsdp r = {.revision = RSDP_REV, .length = ACPI_RSDP_V2_SIZE, .xsdt_addr = xsdt_gpa};

	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, ACPI_BUILD_OEM_ID, 6);
	acpi_build_put(gm, gpa, &r, sizeof(r));
	acpi_build_checksum(gm, gpa, ACPI_RSDP_V1_SIZE, offsetof(struct acpi_rsdp, checksum));
	acpi_build_checksum(gm, gpa, ACPI_RSDP_V2_SIZE, offsetof(struct acpi_rsdp, ext_checksum));
}

int acpi_tables_build(struct guest_mem *gm, uint64_t rsdp_gpa, uint64_t tables_gpa,
		      uint64_t tables_size, const struct acpi_tables_config *cfg,
		      struct acpi_tables_layout *out, char *err, size_t errlen)
{
	struct acpi_tables_layout l;

	if (check_config(cfg, err, errlen) != 0)
		return -1;
	/* Placing only computes addresses; tables_gpa below 4 GiB is checked
	 * right after, before anything is written. */
	uint64_t end = place(MIN(tables_gpa, GPA_4G), cfg->ncpus, &l);
	if (check_placement(gm, rsdp_gpa, tables_gpa, tables_size, end, err, errlen) != 0)
		return -1;
	l.rsdp = (struct acpi_tables_span){rsdp_gpa, ACPI_RSDP_V2_SIZE};
	l.end = end;

	/* Zero first: padding, reserved fields and unused ones read 0. */
	memset(gm->base + tables_gpa, 0, end - tables_gpa);
	write_facs(gm, l.facs.gpa);
	acpi_dsdt_write(gm, l.dsdt.gpa);
	acpi_fadt_write(gm, l.fadt.gpa, cfg, l.facs.gpa, l.dsdt.gpa);
	acpi_madt_write(gm, l.madt.gpa, cfg);
	write_xsdt(gm, &l);
	write_rsdp(gm, rsdp_gpa, l.xsdt.gpa);
	*out = l;
	if (errlen > 0)
		err[0] = '\0';
	return 0;
}
