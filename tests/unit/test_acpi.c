/* Unit tests for RSDP recognition and acpi_parse: RSDT and XSDT walks, table
 * validation, error reporting, and where \_S5 comes from. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/acpi.h"
#include "tests/fixtures/acpi/acpi_fixture.h"

static struct acpi_info info;
static char err[512];

/* --- RSDP ------------------------------------------------------------------ */

static void test_rsdp_v1_valid(void **state)
{
	uint8_t r[20];
	make_rsdp(r, 0, "BOCHS ", FX_RSDT, 0);
	assert_true(acpi_rsdp_valid(r, sizeof(r)));
	assert_false(acpi_rsdp_valid(r, sizeof(r) - 1));
	r[8]++;
	assert_false(acpi_rsdp_valid(r, sizeof(r)));
	r[8]--;
	r[7] = 'X'; /* "RSD PTRX" with a matching checksum */
	fix_sum(r, 20, 8);
	assert_false(acpi_rsdp_valid(r, sizeof(r)));
}

static void test_rsdp_v2_valid(void **state)
{
	uint8_t r[40] = { 0 };
	make_rsdp(r, 2, "HVTEST", FX_RSDT, FX_XSDT);
	assert_true(acpi_rsdp_valid(r, 36));
	assert_false(acpi_rsdp_valid(r, 35)); /* the extended part is missing */

	r[33] = 1; /* reserved byte: only the extended checksum covers it */
	assert_false(acpi_rsdp_valid(r, 36));
	fix_sum(r, 36, 32);
	assert_true(acpi_rsdp_valid(r, 36));

	r[20] = 20; /* length field shorter than a revision 2 RSDP */
	fix_sum(r, 36, 32);
	assert_false(acpi_rsdp_valid(r, 36));

	r[20] = 40; /* longer: checked over 40 bytes when 40 are there */
	fix_sum(r, 40, 32);
	assert_false(acpi_rsdp_valid(r, 36));
	assert_true(acpi_rsdp_valid(r, 40));
}

static void test_rsdp_scan(void **state)
{
	const size_t len = 1024; /* like the EBDA's first KiB */
	uint8_t *area = calloc(1, len);
	assert_non_null(area);

	make_rsdp(area + 0x20, 0, "BAD   ", FX_RSDT, 0);
	area[0x20 + 8]++;                                  /* wrong checksum */
	make_rsdp(area + 0x48, 0, "UNALGN", FX_RSDT, 0);   /* not on a 16-byte boundary */
	make_rsdp(area + 0x100, 2, "GOOD  ", FX_RSDT, FX_XSDT);
	assert_ptr_equal(acpi_rsdp_scan(area, len), area + 0x100);

	memset(area + 0x100, 0, 36);
	assert_null(acpi_rsdp_scan(area, len));
	free(area);
}

static void test_rsdp_scan_area_end(void **state)
{
	uint8_t *area = calloc(1, 0x100);
	assert_non_null(area);

	/* A revision 0 RSDP filling the last 20 bytes is found... */
	make_rsdp(area + 0x40, 0, "EDGE  ", FX_RSDT, 0);
	assert_ptr_equal(acpi_rsdp_scan(area, 0x40 + 20), area + 0x40);
	assert_null(acpi_rsdp_scan(area, 0x40 + 19));

	/* ...a revision 2 one cut by the end of the area is not. */
	make_rsdp(area + 0x40, 2, "EDGE  ", FX_RSDT, FX_XSDT);
	assert_null(acpi_rsdp_scan(area, 0x40 + 30));
	assert_ptr_equal(acpi_rsdp_scan(area, 0x40 + 36), area + 0x40);
	assert_null(acpi_rsdp_scan(area, 0));
	free(area);
}

/* --- Root table walk -------------------------------------------------------- */

static void test_rsdt_only(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_MADT, FX_FADT };
	uint8_t r[20];

	put_machine(m);
	put_rsdt(m, FX_RSDT, e, 2);
	make_rsdp(r, 0, "BOCHS ", FX_RSDT, 0);
	assert_int_equal(acpi_parse(r, fake_map, m, &info, err, sizeof(err)), ACPI_OK);
	assert_string_equal(err, "");
	assert_int_equal(info.problems, 0);
	assert_string_equal(info.oem_id, "BOCHS ");
	assert_false(info.xsdt);
	assert_int_equal(info.tables, 3);
	assert_int_equal(info.bad_tables, 0);
	assert_int_equal(info.madt.pa, FX_MADT);
	assert_int_equal(info.fadt.pa, FX_FADT);
	assert_int_equal(info.fadt.len, FADT_V6_LEN);
	assert_int_equal(info.dsdt.pa, FX_DSDT);
	assert_int_equal(info.dsdt.len, s5_dsdt_aml_len);
	assert_int_equal(info.ncpus, 1);
	assert_true(info.have_s5);
	assert_int_equal(info.slp_typa, 5);
	assert_int_equal(info.slp_typb, 6);
}

static void test_xsdt_preferred(void **state)
{
	struct fake_mem *m = *state;
	paddr_t via_rsdt[] = { FX_SPARE };
	paddr_t via_xsdt[] = { FX_MADT, FX_FADT };
	uint8_t r[36];

	put_machine(m);
	put_small_madt(m, FX_SPARE);
	put_rsdt(m, FX_RSDT, via_rsdt, 1);
	put_xsdt(m, FX_XSDT, via_xsdt, 2);
	make_rsdp(r, 2, "HVTEST", FX_RSDT, FX_XSDT);
	assert_int_equal(acpi_parse(r, fake_map, m, &info, err, sizeof(err)), ACPI_OK);
	assert_true(info.xsdt);
	assert_int_equal(info.madt.pa, FX_MADT);
	assert_int_equal(info.fadt.pa, FX_FADT);
	assert_string_equal(info.oem_id, "HVTEST");
}

static void test_revision2_without_xsdt_uses_rsdt(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_MADT };
	uint8_t r[36];

	put_small_madt(m, FX_MADT);
	put_rsdt(m, FX_RSDT, e, 1);
	make_rsdp(r, 2, "HVTEST", FX_RSDT, 0);
	assert_int_equal(acpi_parse(r, fake_map, m, &info, err, sizeof(err)), ACPI_OK);
	assert_false(info.xsdt);
	assert_int_equal(info.madt.pa, FX_MADT);
}

static void test_xsdt_entry_above_4g(void **state)
{
	struct fake_mem hi;
	const paddr_t xsdt = 0xFFFF0000u, madt = 0x100002000ull;
	paddr_t e[] = { madt };
	uint8_t r[36];

	fake_mem_init(&hi, xsdt, 0x10000 + 0x3000);
	put_small_madt(&hi, madt);
	put_xsdt(&hi, xsdt, e, 1);
	make_rsdp(r, 2, "HVTEST", 0, xsdt);
	assert_int_equal(acpi_parse(r, fake_map, &hi, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.madt.pa, madt);
	assert_int_equal(info.ncpus, 1);
	fake_mem_free(&hi);
}

static void test_bad_rsdp(void **state)
{
	struct fake_mem *m = *state;
	uint8_t r[36];

	make_rsdp(r, 0, "HVTEST", FX_RSDT, 0);
	r[8]++;
	assert_int_equal(acpi_parse(r, fake_map, m, &info, err, sizeof(err)), ACPI_ERR_RSDP);
	assert_string_equal(err, "RSDP signature or checksum bad");

	make_rsdp(r, 2, "HVTEST", FX_RSDT, FX_XSDT);
	r[35]++; /* extended checksum only */
	assert_int_equal(acpi_parse(r, fake_map, m, &info, err, sizeof(err)), ACPI_ERR_RSDP);

	assert_int_equal(acpi_parse(NULL, fake_map, m, &info, err, sizeof(err)), ACPI_ERR_RSDP);

	make_rsdp(r, 0, "HVTEST", 0, 0);
	assert_int_equal(acpi_parse(r, fake_map, m, &info, err, sizeof(err)), ACPI_ERR_RSDP);
	assert_string_equal(err, "RSDP gives no RSDT address");
}

static int parse_rsdp_to(struct fake_mem *m, paddr_t xsdt)
{
	uint8_t r[36];
	make_rsdp(r, 2, "HVTEST", 0, (uint32_t)xsdt);
	return acpi_parse(r, fake_map, m, &info, err, sizeof(err));
}

static void test_root_errors(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_MADT };
	struct tbuf body = { .len = 0 };

	assert_int_equal(parse_rsdp_to(m, 0x1000), ACPI_ERR_ROOT_MAP);
	assert_string_equal(err, "XSDT header not readable at 0x1000");

	put_xsdt(m, FX_XSDT, e, 1);
	fake_at(m, FX_XSDT)[40]++;
	assert_int_equal(parse_rsdp_to(m, FX_XSDT), ACPI_ERR_ROOT_BAD);
	assert_string_equal(err, "XSDT checksum bad at 0x7fe2000");

	put_rsdt(m, FX_XSDT, e, 1);
	assert_int_equal(parse_rsdp_to(m, FX_XSDT), ACPI_ERR_ROOT_BAD);
	assert_string_equal(err, "XSDT signature bad (found RSDT) at 0x7fe2000");

	put_xsdt(m, FX_XSDT, e, 1);
	fake_at(m, FX_XSDT)[4] = 20;
	assert_int_equal(parse_rsdp_to(m, FX_XSDT), ACPI_ERR_ROOT_BAD);
	assert_string_equal(err, "XSDT length 20 too short at 0x7fe2000");

	/* A length reaching past readable memory. */
	const paddr_t near_end = FX_BASE + FX_SIZE - 64;
	put_table(m, near_end, "XSDT", 1, &body);
	fake_at(m, near_end)[5] = 1; /* length 0x124 */
	assert_int_equal(parse_rsdp_to(m, near_end), ACPI_ERR_ROOT_MAP);
	assert_string_equal(err, "XSDT not readable (length 292) at 0x7ffffc0");
}

static void test_bad_tables_skipped(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f, tiny = { .len = 0 };
	paddr_t e[] = { FX_MADT, 0x1000, 0, FX_SPARE, FX_FADT };

	put_small_madt(m, FX_MADT);
	fake_at(m, FX_MADT)[44] = 1; /* breaks its checksum */
	put_table(m, FX_SPARE, "HPET", 1, &tiny);
	fake_at(m, FX_SPARE)[4] = 10; /* length under the header's own size */
	fadt_body(&f);
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_plain_table(m, FX_DSDT, "DSDT");

	assert_int_equal(parse_xsdt(m, e, 5, &info, err, sizeof(err)), ACPI_OK);
	assert_string_equal(err, "APIC checksum bad at 0x7fe3000; "
				 "table header not readable at 0x1000; "
				 "HPET length 10 too short at 0x7fe8000");
	assert_int_equal(info.problems, 3);
	assert_int_equal(info.bad_tables, 3);
	assert_int_equal(info.tables, 2); /* FADT and DSDT */
	assert_int_equal(info.madt.len, 0);
	assert_int_equal(info.ncpus, 0);
	assert_int_equal(info.fadt.pa, FX_FADT);
	assert_int_equal(info.pm1a_cnt, 0x604);
}

static void test_unknown_signatures_garbled(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf empty = { .len = 0 };
	paddr_t e[] = { FX_SPARE };

	put_table(m, FX_SPARE, "\x01Q\xffZ", 1, &empty);
	fake_at(m, FX_SPARE)[20]++;
	assert_int_equal(parse_xsdt(m, e, 1, &info, err, sizeof(err)), ACPI_OK);
	assert_string_equal(err, "?Q?Z checksum bad at 0x7fe8000");
}

static void test_duplicate_tables(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_MADT, FX_SPARE, FX_FADT, FX_FADT };
	struct tbuf f;

	put_small_madt(m, FX_MADT);
	put_small_madt(m, FX_SPARE);
	fadt_body(&f);
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_raw(m, FX_DSDT, s5_dsdt_aml, s5_dsdt_aml_len);
	assert_int_equal(parse_xsdt(m, e, 4, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.madt.pa, FX_MADT);
	assert_int_equal(info.ncpus, 1);
	assert_string_equal(err, "APIC listed again at 0x7fe8000; ignored; "
				 "FACP listed again at 0x7fe4000; ignored");
}

static void test_root_partial_entry_ignored(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf b = { .len = 0 };
	uint8_t r[36];

	put_small_madt(m, FX_MADT);
	tb_u64(&b, FX_MADT);
	tb_u32(&b, FX_MADT); /* half an entry */
	put_table(m, FX_XSDT, "XSDT", 1, &b);
	make_rsdp(r, 2, "HVTEST", 0, FX_XSDT);
	assert_int_equal(acpi_parse(r, fake_map, m, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.tables, 1);
	assert_int_equal(info.problems, 0);
}

static void test_ssdt_overflow(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[ACPI_MAX_SSDTS + 2];

	for (size_t i = 0; i < ARRAY_SIZE(e); i++) {
		e[i] = FX_SPARE + i * 0x100;
		put_plain_table(m, e[i], "SSDT");
	}
	assert_int_equal(parse_xsdt(m, e, ARRAY_SIZE(e), &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.nssdts, ACPI_MAX_SSDTS);
	assert_int_equal(info.ssdts_overflow, 2);
	assert_int_equal(info.ssdts[1].pa, FX_SPARE + 0x100);
	assert_int_equal(info.ssdts[1].len, 42);
}

static void test_err_buffer_bounds(void **state)
{
	struct fake_mem *m = *state;
	char small[12];
	uint8_t r[36];

	make_rsdp(r, 2, "HVTEST", 0, 0x1000); /* XSDT outside readable memory */
	memset(small, 'X', sizeof(small));
	assert_int_equal(acpi_parse(r, fake_map, m, &info, small, 8), ACPI_ERR_ROOT_MAP);
	assert_string_equal(small, "XSDT he");
	assert_int_equal(small[8], 'X');
	assert_int_equal(acpi_parse(r, fake_map, m, &info, small, 1), ACPI_ERR_ROOT_MAP);
	assert_string_equal(small, "");
	assert_int_equal(acpi_parse(r, fake_map, m, &info, NULL, 0), ACPI_ERR_ROOT_MAP);
}

/* --- Where \_S5 comes from ---------------------------------------------------- */

static void test_s5_from_ssdt(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f;
	paddr_t e[] = { FX_FADT, FX_SSDT, FX_SSDT2 };

	fadt_body(&f);
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_plain_table(m, FX_DSDT, "DSDT");
	put_plain_table(m, FX_SSDT, "SSDT");
	put_raw(m, FX_SSDT2, s5_ssdt_aml, s5_ssdt_aml_len);
	info.slp_typa = 9;

	assert_int_equal(parse_xsdt(m, e, 3, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.nssdts, 2);
	assert_int_equal(info.ssdts[1].pa, FX_SSDT2);
	assert_int_equal(info.ssdts[1].len, s5_ssdt_aml_len);
	assert_true(info.have_s5);
	assert_int_equal(info.slp_typa, 0);
	assert_int_equal(info.slp_typb, 0);
}

static void test_s5_dsdt_before_ssdt(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_SSDT, FX_MADT, FX_FADT };

	put_machine(m);
	put_raw(m, FX_SSDT, s5_ssdt_aml, s5_ssdt_aml_len);
	assert_int_equal(parse_xsdt(m, e, 3, &info, err, sizeof(err)), ACPI_OK);
	assert_true(info.have_s5);
	assert_int_equal(info.slp_typa, 5);
	assert_int_equal(info.slp_typb, 6);
}

static void test_bad_dsdt_falls_back_to_ssdt(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_MADT, FX_FADT, FX_SSDT };

	put_machine(m);
	fake_at(m, FX_DSDT)[40] ^= 0xFF;
	put_raw(m, FX_SSDT, s5_ssdt_aml, s5_ssdt_aml_len);
	assert_int_equal(parse_xsdt(m, e, 3, &info, err, sizeof(err)), ACPI_OK);
	assert_string_equal(err, "DSDT checksum bad at 0x7fe5000");
	assert_int_equal(info.bad_tables, 1);
	assert_int_equal(info.dsdt.len, 0);
	assert_true(info.have_s5);
	assert_int_equal(info.slp_typa, 0);
}

static void test_dsdt_wrong_signature(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_FADT };
	struct tbuf f;

	fadt_body(&f);
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_raw(m, FX_DSDT, s5_ssdt_aml, s5_ssdt_aml_len);
	assert_int_equal(parse_xsdt(m, e, 1, &info, err, sizeof(err)), ACPI_OK);
	assert_string_equal(err, "DSDT signature bad (found SSDT) at 0x7fe5000");
	assert_false(info.have_s5);
}

static void test_no_s5_anywhere(void **state)
{
	struct fake_mem *m = *state;
	paddr_t e[] = { FX_FADT, FX_SSDT };
	struct tbuf f;

	fadt_body(&f);
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_plain_table(m, FX_DSDT, "DSDT");
	put_plain_table(m, FX_SSDT, "SSDT");
	assert_int_equal(parse_xsdt(m, e, 2, &info, err, sizeof(err)), ACPI_OK);
	assert_string_equal(err, "");
	assert_false(info.have_s5);
	assert_int_equal(info.slp_typa + info.slp_typb, 0);
}

/* --- This machine's tables ---------------------------------------------------- */

/* Reads a table the kernel exposes; NULL when it cannot (not Linux, no ACPI,
 * not root). */
static uint8_t *read_firmware_table(const char *name, size_t *len)
{
	char path[64];
	snprintf(path, sizeof(path), "/sys/firmware/acpi/tables/%s", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4 << 20, n;
	uint8_t *buf = malloc(cap);
	assert_non_null(buf);
	*len = 0;
	while (*len < cap && (n = fread(buf + *len, 1, cap - *len, f)) > 0)
		*len += n;
	fclose(f);
	assert_true(*len >= 36 && *len < cap);
	return buf;
}

static bool sums_to_zero(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

/* The firmware's MADT, FADT and DSDT, relocated into fake memory (the FADT's
 * DSDT pointers patched), parse without error; a table whose own checksum is
 * bad is expected to be skipped. */
static void test_firmware_tables(void **state)
{
	size_t madt_len, fadt_len, dsdt_len;
	uint8_t *madt = read_firmware_table("APIC", &madt_len);
	uint8_t *fadt = read_firmware_table("FACP", &fadt_len);
	uint8_t *dsdt = read_firmware_table("DSDT", &dsdt_len);
	if (!madt || !fadt || !dsdt) {
		free(madt);
		free(fadt);
		free(dsdt);
		skip();
	}
	/* Laid out one after another from 1 MiB: XSDT, MADT, FADT, DSDT. */
	const paddr_t xsdt_pa = 0x100000, madt_pa = xsdt_pa + 0x1000;
	const paddr_t fadt_pa = madt_pa + ALIGN_UP(madt_len, 0x1000);
	const paddr_t dsdt_pa = fadt_pa + ALIGN_UP(fadt_len, 0x1000);
	struct fake_mem m;
	fake_mem_init(&m, xsdt_pa, dsdt_pa - xsdt_pa + dsdt_len);
	put_raw(&m, madt_pa, madt, madt_len);
	if (fadt_len >= FADT_DSDT + 4)
		memcpy(fadt + FADT_DSDT, &(uint32_t){ (uint32_t)dsdt_pa }, 4);
	if (fadt_len >= FADT_X_DSDT + 8)
		memcpy(fadt + FADT_X_DSDT, &(uint64_t){ dsdt_pa }, 8);
	fix_sum(fadt, fadt_len, 9);
	put_raw(&m, fadt_pa, fadt, fadt_len);
	put_raw(&m, dsdt_pa, dsdt, dsdt_len);

	paddr_t e[] = { madt_pa, fadt_pa };
	uint8_t r[36];
	put_xsdt(&m, xsdt_pa, e, 2);
	make_rsdp(r, 2, "HVTEST", 0, xsdt_pa);
	assert_int_equal(acpi_parse(r, fake_map, &m, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.madt.len, sums_to_zero(madt, madt_len) ? madt_len : 0);
	assert_int_equal(info.fadt.len, fadt_len);
	assert_int_equal(info.dsdt.len, sums_to_zero(dsdt, dsdt_len) ? dsdt_len : 0);
	fake_mem_free(&m);
	free(madt);
	free(fadt);
	free(dsdt);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_mem_setup, fake_mem_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_v1_valid),
		cmocka_unit_test(test_rsdp_v2_valid),
		cmocka_unit_test(test_rsdp_scan),
		cmocka_unit_test(test_rsdp_scan_area_end),
		T(test_rsdt_only),
		T(test_xsdt_preferred),
		T(test_revision2_without_xsdt_uses_rsdt),
		cmocka_unit_test(test_xsdt_entry_above_4g),
		T(test_bad_rsdp),
		T(test_root_errors),
		T(test_bad_tables_skipped),
		T(test_unknown_signatures_garbled),
		T(test_duplicate_tables),
		T(test_root_partial_entry_ignored),
		T(test_ssdt_overflow),
		T(test_err_buffer_bounds),
		T(test_s5_from_ssdt),
		T(test_s5_dsdt_before_ssdt),
		T(test_bad_dsdt_falls_back_to_ssdt),
		T(test_dsdt_wrong_signature),
		T(test_no_s5_anywhere),
		cmocka_unit_test(test_firmware_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
