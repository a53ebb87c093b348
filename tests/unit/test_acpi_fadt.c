/* Unit tests for FADT decoding through acpi_parse: X_ fields against legacy
 * ones, tables of every revision's length, flags, reset register, X_DSDT. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "drivers/acpi/acpi.h"
#include "tests/fixtures/acpi/acpi_fixture.h"

static struct acpi_info info;
static char err[512];

static int parse_fadt_only(struct fake_mem *m)
{
	paddr_t e[] = { FX_FADT };
	return parse_xsdt(m, e, 1, &info, err, sizeof(err));
}

static void test_fadt_full(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f;

	fadt_body(&f);
	/* X_ blocks at other ports than the legacy fields: the X_ ones win. */
	body_set_gas(&f, FADT_X_PM1A_EVT, 1, 0xB000);
	body_set_gas(&f, FADT_X_PM1B_EVT, 1, 0xB100);
	body_set_gas(&f, FADT_X_PM1A_CNT, 1, 0xB004);
	body_set_gas(&f, FADT_X_PM1B_CNT, 1, 0xB104);
	body_set_gas(&f, FADT_X_PM_TMR, 1, 0xB008);
	/* X_DSDT wins over a DSDT field pointing at nothing. */
	body_set32(&f, FADT_DSDT, 0x1000);
	body_set64(&f, FADT_X_DSDT, FX_DSDT);
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_raw(m, FX_DSDT, s5_dsdt_aml, s5_dsdt_aml_len);

	assert_int_equal(parse_fadt_only(m), ACPI_OK);
	assert_string_equal(err, "");
	assert_int_equal(info.fadt_revision, 6);
	assert_int_equal(info.fadt_flags, TMR_VAL_EXT | RESET_REG_SUP);
	assert_int_equal(info.pm1a_evt, 0xB000);
	assert_int_equal(info.pm1b_evt, 0xB100);
	assert_int_equal(info.pm1a_cnt, 0xB004);
	assert_int_equal(info.pm1b_cnt, 0xB104);
	assert_int_equal(info.pm_tmr, 0xB008);
	assert_true(info.pm_tmr_32bit);
	assert_false(info.hw_reduced);
	assert_int_equal(info.smi_cmd, 0xB2);
	assert_int_equal(info.acpi_enable, 0xF1);
	assert_int_equal(info.acpi_disable, 0xF0);
	assert_int_equal(info.sci_int, 9);
	assert_int_equal(info.century, 0x32);
	assert_int_equal(info.iapc_boot_arch, 3);
	assert_true(info.have_reset);
	assert_int_equal(info.reset_reg.space_id, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(info.reset_reg.bit_width, 16);
	assert_int_equal(info.reset_reg.access_size, 2);
	assert_int_equal(info.reset_reg.address, 0xCF9);
	assert_int_equal(info.reset_value, 6);
	assert_int_equal(info.dsdt.pa, FX_DSDT);
	assert_true(info.have_s5);
}

static void test_fadt_x_fallbacks(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f;

	fadt_body(&f);
	body_set32(&f, FADT_PM1B_CNT, 0x12345);                /* no 16-bit port */
	body_set_gas(&f, FADT_X_PM1A_EVT, 1, 0);                /* zero address: legacy */
	body_set_gas(&f, FADT_X_PM1A_CNT, 0, 0xFED00004);       /* memory space: legacy */
	body_set_gas(&f, FADT_X_PM_TMR, 1, 0x10008);            /* no 16-bit port: legacy */
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_plain_table(m, FX_DSDT, "DSDT");

	assert_int_equal(parse_fadt_only(m), ACPI_OK);
	assert_int_equal(info.pm1a_evt, 0x600);
	assert_int_equal(info.pm1a_cnt, 0x604);
	assert_int_equal(info.pm1b_cnt, 0);
	assert_int_equal(info.pm_tmr, 0x608);
	assert_string_equal(err, "FADT PM1b_CNT_BLK port 0x12345 out of range; "
				 "FADT X_PM_TMR_BLK port 0x10008 out of range");
}

/* An ACPI 1.0 FADT ends after the flags (116 bytes): no reset register, no
 * X_ fields. The fake map hands out exactly 116 bytes, so ASan would catch a
 * read of any later field. */
static void test_fadt_v1_short(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f;

	fadt_body(&f);
	body_set_gas(&f, FADT_X_PM1A_CNT, 1, 0xB004); /* past the end: never seen */
	put_fadt(m, &f, 1, FADT_V1_LEN);
	put_raw(m, FX_DSDT, s5_dsdt_aml, s5_dsdt_aml_len);

	assert_int_equal(parse_fadt_only(m), ACPI_OK);
	assert_string_equal(err, "");
	assert_int_equal(info.fadt.len, FADT_V1_LEN);
	assert_int_equal(info.fadt_revision, 1);
	assert_int_equal(info.pm1a_cnt, 0x604);
	assert_int_equal(info.pm1a_evt, 0x600);
	assert_int_equal(info.pm_tmr, 0x608);
	assert_int_equal(info.century, 0x32);
	assert_true(info.pm_tmr_32bit);
	assert_false(info.have_reset); /* RESET_REG_SUP set, but no RESET_REG */
	assert_int_equal(info.dsdt.pa, FX_DSDT);
	assert_true(info.have_s5);
}

/* Cut inside X_PM1a_EVT_BLK: X_DSDT (ends at 148) is read, the GAS is not. */
static void test_fadt_cut_inside_gas(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f;

	fadt_body(&f);
	body_set32(&f, FADT_DSDT, 0x1000);
	body_set64(&f, FADT_X_DSDT, FX_DSDT);
	body_set_gas(&f, FADT_X_PM1A_EVT, 1, 0xB000);
	put_fadt(m, &f, 3, 150);
	put_raw(m, FX_DSDT, s5_dsdt_aml, s5_dsdt_aml_len);

	assert_int_equal(parse_fadt_only(m), ACPI_OK);
	assert_int_equal(info.dsdt.pa, FX_DSDT);
	assert_int_equal(info.pm1a_evt, 0x600);
	assert_true(info.have_reset);
}

static void test_fadt_header_only(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f;

	fadt_body(&f);
	put_fadt(m, &f, 1, 36);
	assert_int_equal(parse_fadt_only(m), ACPI_OK);
	assert_int_equal(info.fadt.len, 36);
	assert_int_equal(info.pm1a_cnt + info.pm_tmr + info.sci_int + info.smi_cmd, 0);
	assert_false(info.have_reset || info.have_s5 || info.pm_tmr_32bit);
	assert_string_equal(err, "FACP names no DSDT");
}

static void test_fadt_hw_reduced_no_reset(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf f;

	fadt_body(&f);
	body_set32(&f, FADT_FLAGS, HW_REDUCED);
	body_set32(&f, FADT_PM1A_EVT, 0);
	body_set32(&f, FADT_PM1A_CNT, 0);
	body_set32(&f, FADT_PM_TMR, 0);
	body_set_gas(&f, FADT_X_PM1A_EVT, 0, 0);
	body_set_gas(&f, FADT_X_PM1A_CNT, 0, 0);
	body_set_gas(&f, FADT_X_PM_TMR, 0, 0);
	put_fadt(m, &f, 6, FADT_V6_LEN);
	put_plain_table(m, FX_DSDT, "DSDT");

	assert_int_equal(parse_fadt_only(m), ACPI_OK);
	assert_true(info.hw_reduced);
	assert_false(info.pm_tmr_32bit);
	assert_false(info.have_reset); /* RESET_REG filled in, RESET_REG_SUP clear */
	assert_int_equal(info.pm1a_cnt, 0);
	assert_int_equal(info.pm_tmr, 0);
	assert_false(info.have_s5);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_mem_setup, fake_mem_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fadt_full),
		T(test_fadt_x_fallbacks),
		T(test_fadt_v1_short),
		T(test_fadt_cut_inside_gas),
		T(test_fadt_header_only),
		T(test_fadt_hw_reduced_no_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
