/* The soft-off (S5) encoding: reads SLP_TYPa/SLP_TYPb from the AML definition
 * of \_S5 without an interpreter, and builds the PM1 control value to write. */
#include "drivers/acpi/acpi.h"
#include "hv/string.h"

#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR '\\'
#define AML_PARENT_PREFIX '^'

#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN (1u << 13)

/* ACPI 6.5 §20.2.4: bits 7-6 of the lead byte count the bytes that follow (0-3).
 * With none, bits 5-0 are the length; otherwise bits 3-0 are its low nibble,
 * bits 5-4 must be zero, and each following byte adds the next 8 bits. The
 * length counts the PkgLength bytes themselves. */
static bool pkg_length(const uint8_t *p, size_t avail, uint32_t *len, size_t *used)
{
	if (avail < 1)
		return false;
	size_t follow = p[0] >> 6;
	if (follow == 0) {
		*len = p[0] & 0x3F;
		*used = 1;
		return true;
	}
	if ((p[0] & 0x30) || avail < 1 + follow)
		return false;
	uint32_t v = p[0] & 0x0F;
	for (size_t i = 0; i < follow; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*len = v;
	*used = 1 + follow;
	return true;
}

/* ACPI 6.5 §20.2.3: an integer constant as ZeroOp, OneOp or a Byte/Word/DWord/
 * QWord prefix followed by that many little-endian bytes. */
static bool integer(const uint8_t *p, size_t avail, uint64_t *v, size_t *used)
{
	size_t n;

	if (avail < 1)
		return false;
	switch (p[0]) {
	case AML_ZERO_OP:
	case AML_ONE_OP:
		*v = p[0];
		*used = 1;
		return true;
	case AML_BYTE_PREFIX:
		n = 1;
		break;
	case AML_WORD_PREFIX:
		n = 2;
		break;
	case AML_DWORD_PREFIX:
		n = 4;
		break;
	case AML_QWORD_PREFIX:
		n = 8;
		break;
	default:
		return false;
	}
	if (avail < 1 + n)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v |= (uint64_t)p[1 + i] << (8 * i);
	*used = 1 + n;
	return true;
}

/* p follows a NameOp. Accepts NameString "_S5_" with an optional root or parent
 * prefixes (§20.2.2), then DefPackage: PackageOp PkgLength NumElements
 * PackageElementList (§20.2.5.4). */
static bool s5_package(const uint8_t *p, size_t n, uint8_t *typa, uint8_t *typb)
{
	size_t i = 0, used;
	uint32_t plen;
	uint64_t a, b;

	if (i < n && p[i] == AML_ROOT_CHAR)
		i++;
	else
		while (i < n && p[i] == AML_PARENT_PREFIX)
			i++;
	if (n - i < 5 || memcmp(p + i, "_S5_", 4) != 0 || p[i + 4] != AML_PACKAGE_OP)
		return false;
	i += 5;
	if (!pkg_length(p + i, n - i, &plen, &used) || plen > n - i || plen < used + 1)
		return false;
	size_t end = i + plen;
	i += used;
	uint8_t count = p[i++];
	if (count == 0 || !integer(p + i, end - i, &a, &used))
		return false;
	i += used;
	/* ACPI 6.5 §7.4.2: the package holds SLP_TYPa then SLP_TYPb. Old firmware
	 * packs both into one integer (a in bits 0-7, b in bits 8-15), a form
	 * ACPICA accepts too. SLP_TYP is a 3-bit field. */
	if (count == 1) {
		b = a >> 8;
	} else if (!integer(p + i, end - i, &b, &used)) {
		return false;
	}
	*typa = (uint8_t)(a & 7);
	*typb = (uint8_t)(b & 7);
	return true;
}

bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb)
{
	/* Only a NameOp defines the object; "_S5_" elsewhere (say, read by a
	 * method) is a reference and has no NameOp right before it. */
	for (size_t i = 0; i < len; i++)
		if (aml[i] == AML_NAME_OP && s5_package(aml + i + 1, len - i - 1, typa, typb))
			return true;
	return false;
}

uint16_t acpi_pm1_cnt_s5(uint16_t current, uint8_t slp_typ)
{
	/* ACPI 6.5 §4.8.3.2.1: SLP_TYPx is bits 10-12 and SLP_EN bit 13 of PM1x_CNT;
	 * the other bits (SCI_EN among them) keep their value. */
	uint16_t v = current & (uint16_t)~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
	return (uint16_t)(v | ((slp_typ & 7u) << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
}
