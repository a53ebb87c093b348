/* The domain's DSDT (ACPI 6.5 §5.2.11.1): hand-assembled AML whose only
 * object is \_S5, the soft-off sleep type the PM model acts on. */
#include "hv/vdev/acpi_tables_internal.h"

/* Revision 2: integers are 64 bits (§5.2.11.1, Compliance Revision). */
#define DSDT_REV 2

#define AML_NAME_OP 0x08
#define AML_ZERO_OP 0x00
#define AML_BYTE_PREFIX 0x0a
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR '\\'

/* The AML of (tests/fixtures/acpi_build/dsdt.asl, compiled with iasl -on):
 *
 *   DefinitionBlock ("", "DSDT", 2, "HV    ", "HVDOMAIN", 1)
 *   {
 *       Name (\_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })
 *   }
 *
 * DefName := NameOp NameString DataRefObject (§20.2.5.1); the package is
 * PackageOp PkgLength NumElements PackageElementList (§20.2.5.4), where the
 * one-byte PkgLength counts itself and the 7 bytes after it. §7.4.2 wants
 * SLP_TYPa then SLP_TYPb; the two reserved elements follow, as firmware
 * writes them. */
static const uint8_t s5_aml[] = {
	AML_NAME_OP, AML_ROOT_CHAR, '_', 'S', '5', '_',
	AML_PACKAGE_OP, 0x08, 0x04,
	AML_BYTE_PREFIX, ACPI_TABLES_SLP_TYP_S5,
	AML_BYTE_PREFIX, ACPI_TABLES_SLP_TYP_S5,
	AML_ZERO_OP, AML_ZERO_OP,
};

uint32_t acpi_dsdt_len(void)
{
	return (uint32_t)(sizeof(struct acpi_sdt_header) + sizeof(s5_aml));
}

void acpi_dsdt_write(struct guest_mem *gm, uint64_t gpa)
{
	struct acpi_sdt_header h;

	acpi_build_header(&h, "DSDT", acpi_dsdt_len(), DSDT_REV);
	acpi_build_put(gm, acpi_build_put(gm, gpa, &h, sizeof(h)), s5_aml, sizeof(s5_aml));
	acpi_build_checksum(gm, gpa, acpi_dsdt_len(), offsetof(struct acpi_sdt_header, checksum));
}
