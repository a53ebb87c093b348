/* Finding and reading the host's ACPI tables (see acpi_host.h). */
#include "drivers/acpi/acpi_host.h"
#include "arch/x86/paging.h"
#include "hv/log.h"
#include "hv/mm.h"

#define EBDA_SEGMENT_PTR 0x40e
#define BIOS_AREA_START 0xe0000
#define BIOS_AREA_END 0x100000

static const void *identity_map(paddr_t pa, size_t len, void *ctx)
{
	/* A corrupt table pointer must give an error, not a page fault. */
	if (pa + len < pa || pa + len > paging_identity_top())
		return NULL;
	return phys_to_virt(pa);
}

/* The BIOS data area sits at a tiny physical address, which gcc takes for a
 * null-pointer offset: launder the address so it is read as memory. */
static uint16_t bios_data_word(paddr_t pa)
{
	uintptr_t addr = (uintptr_t)phys_to_virt(pa);
	__asm__("" : "+r"(addr));
	return *(const volatile uint16_t *)addr;
}

static const void *find_rsdp(const struct mb2_info *mb, const char **source)
{
	if (mb->rsdp_v2 && acpi_rsdp_valid(mb->rsdp_v2, mb->rsdp_v2_len)) {
		*source = "multiboot2 tag 15";
		return mb->rsdp_v2;
	}
	if (mb->rsdp_v1 && acpi_rsdp_valid(mb->rsdp_v1, mb->rsdp_v1_len)) {
		*source = "multiboot2 tag 14";
		return mb->rsdp_v1;
	}
	/* ACPI 6.5 5.2.5.1: the first KiB of the EBDA, then 0xE0000-0xFFFFF. */
	paddr_t ebda = (paddr_t)bios_data_word(EBDA_SEGMENT_PTR) << 4;
	const void *rsdp = NULL;
	if (ebda >= 0x80000 && ebda < BIOS_AREA_START)
		rsdp = acpi_rsdp_scan(phys_to_virt(ebda), 1024);
	if (!rsdp)
		rsdp = acpi_rsdp_scan(phys_to_virt(BIOS_AREA_START), BIOS_AREA_END - BIOS_AREA_START);
	*source = "BIOS area scan";
	return rsdp;
}

int acpi_host_init(const struct mb2_info *mb, struct acpi_info *out)
{
	const char *source = "";
	const void *rsdp = find_rsdp(mb, &source);
	char problems[256];

	if (!rsdp) {
		log_err("acpi: no RSDP in the multiboot2 tags or the BIOS areas");
		return -1;
	}
	if (acpi_parse(rsdp, identity_map, NULL, out, problems, sizeof(problems)) != ACPI_OK) {
		log_err("acpi: %s", problems);
		return -1;
	}
	if (problems[0])
		log_warn("acpi: %s", problems);
	log_info("acpi: rsdp from %s, oem=%s, %s, %u cpus, %u ioapics, pm1a_cnt=%#x pm_tmr=%#x%s",
		 source, out->oem_id, out->xsdt ? "xsdt" : "rsdt", out->ncpus, out->nioapics,
		 out->pm1a_cnt, out->pm_tmr, out->pm_tmr_32bit ? " (32-bit)" : "");
	if (out->have_s5)
		log_info("acpi: \\_S5 slp_typa=%u slp_typb=%u", out->slp_typa, out->slp_typb);
	else
		log_warn("acpi: no \\_S5 object: ACPI power-off unavailable");
	if (out->cpus_overflow)
		log_warn("acpi: %u CPUs beyond the first %u ignored", out->cpus_overflow, ACPI_MAX_CPUS);
	return 0;
}
