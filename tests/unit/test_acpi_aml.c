/* Unit tests for the \_S5 AML scanner (every PkgLength size and integer
 * encoding, malformed and truncated input, the iasl fixture) and for the PM1
 * control value built from SLP_TYP. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/acpi.h"
#include "tests/fixtures/acpi/s5_dsdt.h"

#define SDT_HEADER 36

/* Runs the scanner on a heap copy of exactly len bytes, so ASan flags any
 * read past the end. Outputs start as 0xEE to show whether they were set. */
static bool scan(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, aml, len);
	*a = *b = 0xEE;
	bool found = acpi_aml_find_s5(copy, len, a, b);
	free(copy);
	return found;
}

static void expect_s5(const uint8_t *aml, size_t len, uint8_t typa, uint8_t typb)
{
	uint8_t a, b;
	assert_true(scan(aml, len, &a, &b));
	assert_int_equal(a, typa);
	assert_int_equal(b, typb);
}

static void expect_none(const uint8_t *aml, size_t len)
{
	uint8_t a, b;
	assert_false(scan(aml, len, &a, &b));
	assert_int_equal(a, 0xEE);
	assert_int_equal(b, 0xEE);
}

/* ZeroOp elements, as QEMU's and SeaBIOS's tables have them. */
static void test_zero_package(void **state)
{
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				       0x00, 0x00, 0x00, 0x00 };
	expect_s5(aml, sizeof(aml), 0, 0);
}

/* BytePrefix elements, as in many hardware DSDTs: Package(){0x07, 0x07, 0, 0}. */
static void test_byte_prefix_package(void **state)
{
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				       0x0A, 0x07, 0x0A, 0x07, 0x00, 0x00 };
	expect_s5(aml, sizeof(aml), 7, 7);
}

static void test_every_integer_encoding(void **state)
{
	/* OneOp, then WordPrefix 0x0105 */
	static const uint8_t one_word[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
					    0x01, 0x0B, 0x05, 0x01 };
	/* DWordPrefix 0x80000006, then QWordPrefix 0xFFFFFFFF00000003 */
	static const uint8_t dword_qword[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x10, 0x02,
					       0x0C, 0x06, 0x00, 0x00, 0x80,
					       0x0E, 0x03, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
					       0xFF };
	/* BytePrefix 0x0F: SLP_TYP keeps the low 3 bits */
	static const uint8_t masked[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
					  0x0A, 0x0F, 0x0A, 0x09 };
	expect_s5(one_word, sizeof(one_word), 1, 5);
	expect_s5(dword_qword, sizeof(dword_qword), 6, 3);
	expect_s5(masked, sizeof(masked), 7, 1);
}

/* One integer holding SLP_TYPa in bits 0-7 and SLP_TYPb in bits 8-15. */
static void test_single_element_package(void **state)
{
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01,
				       0x0B, 0x05, 0x06 };
	expect_s5(aml, sizeof(aml), 5, 6);
}

static void test_name_prefixes(void **state)
{
	static const uint8_t root[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x04, 0x02,
					0x01, 0x00 };
	static const uint8_t parents[] = { 0x08, '^', '^', '_', 'S', '5', '_', 0x12, 0x04, 0x02,
					   0x00, 0x01 };
	/* A root prefix followed by parent prefixes is no NameString. */
	static const uint8_t both[] = { 0x08, '\\', '^', '_', 'S', '5', '_', 0x12, 0x04, 0x02,
					0x00, 0x01 };
	/* Another object's name, and a multi-segment path ending in _S5_. */
	static const uint8_t s4[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x01 };
	static const uint8_t dual[] = { 0x08, 0x2E, '_', 'S', 'B', '_', '_', 'S', '5', '_',
					0x12, 0x04, 0x02, 0x00, 0x01 };
	expect_s5(root, sizeof(root), 1, 0);
	expect_s5(parents, sizeof(parents), 0, 1);
	expect_none(both, sizeof(both));
	expect_none(s4, sizeof(s4));
	expect_none(dual, sizeof(dual));
}

/* Writes PkgLength value v in exactly nbytes bytes (ACPI 6.5 §20.2.4). */
static size_t put_pkglen(uint8_t *p, uint32_t v, size_t nbytes)
{
	if (nbytes == 1) {
		p[0] = (uint8_t)v;
		return 1;
	}
	p[0] = (uint8_t)(((nbytes - 1) << 6) | (v & 0x0F));
	for (size_t i = 1; i < nbytes; i++)
		p[i] = (uint8_t)(v >> (4 + 8 * (i - 1)));
	return nbytes;
}

/* Name(_S5, Package(){typa, typb}) whose package is padded to total bytes and
 * whose PkgLength takes nbytes bytes; returns the AML length. */
static size_t build_padded(uint8_t *buf, size_t nbytes, uint32_t total, uint8_t typa,
			   uint8_t typb)
{
	size_t n = 0;
	buf[n++] = 0x08;
	memcpy(buf + n, "_S5_", 4);
	n += 4;
	buf[n++] = 0x12;
	size_t pkg_start = n;
	n += put_pkglen(buf + n, total, nbytes);
	buf[n++] = 2;
	buf[n++] = 0x0A;
	buf[n++] = typa;
	buf[n++] = 0x0A;
	buf[n++] = typb;
	assert_true(pkg_start + total >= n);
	memset(buf + n, 0, pkg_start + total - n);
	return pkg_start + total;
}

static void test_every_pkglength_size(void **state)
{
	/* The largest length each size holds: 6, 12, 20 and 28 bits. */
	static const uint32_t totals[] = { 63, 4095, 0xFFFFF, 0x100010 };
	uint8_t *buf = malloc(0x100100);
	assert_non_null(buf);

	for (size_t nbytes = 1; nbytes <= 4; nbytes++) {
		size_t len = build_padded(buf, nbytes, totals[nbytes - 1], 3, 4);
		expect_s5(buf, len, 3, 4);
		/* One byte short of the package: out of bounds, not found. */
		expect_none(buf, len - 1);
	}
	/* A small length in a longer encoding than needed is still valid. */
	for (size_t nbytes = 2; nbytes <= 4; nbytes++) {
		size_t len = build_padded(buf, nbytes, 20, 5, 2);
		expect_s5(buf, len, 5, 2);
	}
	free(buf);
}

static void test_malformed_packages(void **state)
{
	/* PkgLength with bits 5-4 set in a multi-byte encoding (else it would be 5) */
	static const uint8_t reserved_bits[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x75, 0x00, 0x02,
						 0x00, 0x00 };
	/* PkgLength 1 leaves no room for NumElements */
	static const uint8_t no_count[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x02,
					    0x00, 0x00 };
	/* PkgLength 3 ends inside the second element */
	static const uint8_t short_pkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x00,
					     0x0A, 0x05 };
	/* PkgLength 3 ends inside the first element's BytePrefix data */
	static const uint8_t cut_prefix[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0A,
					      0x05, 0x00 };
	/* PkgLength past the end of the AML */
	static const uint8_t past_end[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x20, 0x02,
					    0x00, 0x00 };
	/* NumElements 0 */
	static const uint8_t empty[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
	/* A String element (StringPrefix 0x0D) is no integer */
	static const uint8_t string_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
					       0x0D, 'a', 0x00, 0x00 };
	/* OnesOp is not among the accepted encodings */
	static const uint8_t ones_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
					     0xFF, 0x00 };
	/* Name(_S5_, 5): an integer, not a package */
	static const uint8_t not_pkg[] = { 0x08, '_', 'S', '5', '_', 0x0A, 0x05 };

	expect_none(reserved_bits, sizeof(reserved_bits));
	expect_none(no_count, sizeof(no_count));
	expect_none(short_pkg, sizeof(short_pkg));
	expect_none(cut_prefix, sizeof(cut_prefix));
	expect_none(past_end, sizeof(past_end));
	expect_none(empty, sizeof(empty));
	expect_none(string_elem, sizeof(string_elem));
	expect_none(ones_elem, sizeof(ones_elem));
	expect_none(not_pkg, sizeof(not_pkg));
	expect_none(NULL, 0);
}

/* Every strict prefix of a valid definition is rejected without reading past
 * its end. */
static void test_every_truncation(void **state)
{
	static const uint8_t aml[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0E, 0x04,
				       0x0C, 0x05, 0x00, 0x00, 0x00, 0x0B, 0x06, 0x00,
				       0x00, 0x00, 0x00, 0x00 };
	for (size_t len = 0; len < sizeof(aml); len++)
		expect_none(aml, len);
	expect_s5(aml, sizeof(aml), 5, 6);
}

static void test_reference_is_not_definition(void **state)
{
	/* Method(DCOY){ Return(DerefOf(Index(\_S5_, Zero))) }: the name appears
	 * after IndexOp (0x88), and the bytes after it happen to look like a
	 * package, yet nothing defines it. */
	static const uint8_t method_only[] = { 0x14, 0x12, 'D', 'C', 'O', 'Y', 0x00, 0xA4, 0x83,
					       0x88, '\\', '_', 'S', '5', '_', 0x12, 0x04, 0x02,
					       0x01, 0x01 };
	/* The same method, then the real definition with other values. */
	static const uint8_t method_then_name[] = {
		0x14, 0x12, 'D', 'C', 'O', 'Y', 0x00, 0xA4, 0x83, 0x88, '\\', '_', 'S',
		'5', '_', 0x12, 0x04, 0x02, 0x01, 0x01, 0x08, '_', 'S', '5', '_', 0x12,
		0x06, 0x02, 0x0A, 0x03, 0x0A, 0x04
	};
	/* A NameOp byte that is not followed by _S5_ stays harmless. */
	static const uint8_t stray_nameop[] = { 0x08, 0x08, 0x08, '_', 'S', '5', '_', 0x12, 0x04,
						0x02, 0x00, 0x01, 0x08 };
	expect_none(method_only, sizeof(method_only));
	expect_s5(method_then_name, sizeof(method_then_name), 3, 4);
	expect_s5(stray_nameop, sizeof(stray_nameop), 0, 1);
}

/* A definition that fails to parse does not end the scan. */
static void test_bad_definition_then_good(void **state)
{
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00,
				       0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00 };
	expect_s5(aml, sizeof(aml), 1, 0);
}

/* Returns the offset of the first occurrence of pat in hay, or hay_len. */
static size_t find(const uint8_t *hay, size_t hay_len, const uint8_t *pat, size_t pat_len)
{
	for (size_t i = 0; i + pat_len <= hay_len; i++)
		if (memcmp(hay + i, pat, pat_len) == 0)
			return i;
	return hay_len;
}

/* The iasl-compiled fixture: the decoy method's reference to \_S5 comes first
 * and is not preceded by NameOp. */
static void test_iasl_fixture(void **state)
{
	const uint8_t *aml = s5_dsdt_aml + SDT_HEADER;
	size_t len = s5_dsdt_aml_len - SDT_HEADER;
	static const uint8_t ref[] = { '\\', '_', 'S', '5', '_' };
	static const uint8_t def[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12 };

	size_t ref_at = find(aml, len, ref, sizeof(ref));
	size_t def_at = find(aml, len, def, sizeof(def));
	assert_true(ref_at > 0 && ref_at < def_at && def_at < len);
	assert_int_not_equal(aml[ref_at - 1], 0x08);
	expect_none(aml, def_at);
	expect_s5(aml, len, 5, 6);
}

/* This machine's DSDT, when the kernel exposes it: the scanner must not fault,
 * and must find \_S5 exactly when a NameOp definition of it is present. */
static void test_firmware_dsdt(void **state)
{
	FILE *f = fopen("/sys/firmware/acpi/tables/DSDT", "rb");
	if (!f)
		skip();
	size_t cap = 1 << 20, len = 0, n;
	uint8_t *buf = malloc(cap);
	assert_non_null(buf);
	while (len < cap && (n = fread(buf + len, 1, cap - len, f)) > 0)
		len += n;
	fclose(f);
	assert_true(len > SDT_HEADER && len < cap);

	bool defined = false;
	for (size_t i = SDT_HEADER; i + 6 <= len; i++) {
		size_t j = i + 1;
		if (buf[i] != 0x08)
			continue;
		if (j < len && buf[j] == '\\')
			j++;
		if (j + 5 <= len && memcmp(buf + j, "_S5_", 4) == 0 && buf[j + 4] == 0x12)
			defined = true;
	}
	uint8_t a, b;
	assert_int_equal(scan(buf + SDT_HEADER, len - SDT_HEADER, &a, &b), defined);
	if (defined)
		assert_true(a < 8 && b < 8);
	free(buf);
}

static void test_pm1_cnt_value(void **state)
{
	/* SCI_EN (bit 0) and other bits kept, SLP_TYP in 10-12, SLP_EN bit 13. */
	assert_int_equal(acpi_pm1_cnt_s5(0x0001, 5), 0x3401);
	assert_int_equal(acpi_pm1_cnt_s5(0x0000, 0), 0x2000);
	/* An old SLP_TYP is replaced, not ORed into. */
	assert_int_equal(acpi_pm1_cnt_s5(0x1C01, 2), 0x2801);
	/* Bits 14-15 and 1-9 are preserved. */
	assert_int_equal(acpi_pm1_cnt_s5(0xC3FF, 7), 0xFFFF);
	/* Only 3 bits of slp_typ fit the field. */
	assert_int_equal(acpi_pm1_cnt_s5(0x0000, 0x0D), 0x2000 | (5 << 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_package),
		cmocka_unit_test(test_byte_prefix_package),
		cmocka_unit_test(test_every_integer_encoding),
		cmocka_unit_test(test_single_element_package),
		cmocka_unit_test(test_name_prefixes),
		cmocka_unit_test(test_every_pkglength_size),
		cmocka_unit_test(test_malformed_packages),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_reference_is_not_definition),
		cmocka_unit_test(test_bad_definition_then_good),
		cmocka_unit_test(test_iasl_fixture),
		cmocka_unit_test(test_firmware_dsdt),
		cmocka_unit_test(test_pm1_cnt_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
