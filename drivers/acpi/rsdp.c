/* Recognises a Root System Description Pointer, either by scanning the BIOS
 * areas or as handed over by the boot loader. */
#include "drivers/acpi/internal.h"
#include "hv/string.h"

bool acpi_rsdp_valid(const void *p, size_t len)
{
	const struct acpi_rsdp *r = p;

	if (len < ACPI_RSDP_V1_SIZE || memcmp(r->signature, "RSD PTR ", 8) != 0 ||
	    !acpi_sum_ok(r, ACPI_RSDP_V1_SIZE))
		return false;
	if (r->revision < 2)
		return true;
	/* ACPI 6.5 §5.2.5.3: from revision 2 on, the extended checksum covers the
	 * whole structure, whose size the length field gives. */
	if (len < ACPI_RSDP_V2_SIZE)
		return false;
	uint32_t full = r->length;
	return full >= ACPI_RSDP_V2_SIZE && full <= len && acpi_sum_ok(r, full);
}

const void *acpi_rsdp_scan(const void *area, size_t len)
{
	const uint8_t *a = area;

	/* ACPI 6.5 §5.2.5.1: the RSDP sits on a 16-byte boundary in these areas. */
	for (size_t off = 0; off + ACPI_RSDP_V1_SIZE <= len; off += 16)
		if (acpi_rsdp_valid(a + off, len - off))
			return a + off;
	return NULL;
}
