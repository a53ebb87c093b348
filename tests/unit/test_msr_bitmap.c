/* The VMX MSR bitmap layout (SDM Vol. 3C 25.6.9): the four quarters, every
 * range boundary, read and write halves apart, bit order within a byte,
 * and MSRs outside both ranges, which always exit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/msr_bitmap.h"

static uint8_t bitmap[MSR_BITMAP_SIZE];

/* The bitmap differs from all ones in exactly one bit: byte, bit. */
static void assert_only_clear(size_t byte, unsigned bit)
{
	for (size_t i = 0; i < MSR_BITMAP_SIZE; i++)
		assert_int_equal(bitmap[i], i == byte ? (uint8_t)~(1u << bit) : 0xff);
}

static void assert_all_ones(void)
{
	for (size_t i = 0; i < MSR_BITMAP_SIZE; i++)
		assert_int_equal(bitmap[i], 0xff);
}

static void init_all_exit(void **state)
{
	memset(bitmap, 0, sizeof(bitmap));
	msr_bitmap_init_all_exit(bitmap);
	assert_all_ones();
	assert_true(msr_bitmap_exits(bitmap, 0x0, false));
	assert_true(msr_bitmap_exits(bitmap, 0x1fff, true));
	assert_true(msr_bitmap_exits(bitmap, 0xc0000000, false));
	assert_true(msr_bitmap_exits(bitmap, 0xc0001fff, true));
}

/* Each boundary MSR lands in its quarter's first or last bit: read-low at
 * 0x000, read-high 0x400, write-low 0x800, write-high 0xc00. */
static void range_boundaries(void **state)
{
	static const struct {
		uint32_t msr;
		size_t read_byte;
		unsigned bit;
	} cases[] = {
		{ 0x0, 0x000, 0 },        { 0x1fff, 0x3ff, 7 },
		{ 0xc0000000, 0x400, 0 }, { 0xc0001fff, 0x7ff, 7 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msr_bitmap_init_all_exit(bitmap);
		assert_true(msr_bitmap_pass(bitmap, cases[i].msr, true, false));
		assert_only_clear(cases[i].read_byte, cases[i].bit);
		assert_false(msr_bitmap_exits(bitmap, cases[i].msr, false));
		assert_true(msr_bitmap_exits(bitmap, cases[i].msr, true));

		msr_bitmap_init_all_exit(bitmap);
		assert_true(msr_bitmap_pass(bitmap, cases[i].msr, false, true));
		assert_only_clear(cases[i].read_byte + 0x800, cases[i].bit);
		assert_true(msr_bitmap_exits(bitmap, cases[i].msr, false));
		assert_false(msr_bitmap_exits(bitmap, cases[i].msr, true));
	}
}

/* Just outside each range: refused, the bitmap untouched, always exits,
 * even with a bitmap of zeros. */
static void outside_ranges(void **state)
{
	static const uint32_t outside[] = { 0x2000, 0x2001, 0xbfffffff, 0xc0002000, 0xffffffff, 0x40000000 };

	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		msr_bitmap_init_all_exit(bitmap);
		assert_false(msr_bitmap_pass(bitmap, outside[i], true, true));
		assert_all_ones();
		memset(bitmap, 0, sizeof(bitmap));
		assert_true(msr_bitmap_exits(bitmap, outside[i], false));
		assert_true(msr_bitmap_exits(bitmap, outside[i], true));
	}
	memset(bitmap, 0, sizeof(bitmap));
	assert_false(msr_bitmap_exits(bitmap, 0x1fff, false));
	assert_false(msr_bitmap_exits(bitmap, 0xc0000000, true));
}

/* MSR n is bit n % 8 of byte n / 8, least significant bit first. */
static void bit_order(void **state)
{
	for (uint32_t msr = 0; msr < 16; msr++) {
		msr_bitmap_init_all_exit(bitmap);
		assert_true(msr_bitmap_pass(bitmap, msr, true, false));
		assert_only_clear(msr / 8, msr % 8);
		msr_bitmap_init_all_exit(bitmap);
		assert_true(msr_bitmap_pass(bitmap, 0xc0000000 + msr, false, true));
		assert_only_clear(0xc00 + msr / 8, msr % 8);
	}
	msr_bitmap_init_all_exit(bitmap);
	assert_true(msr_bitmap_pass(bitmap, 0x1b, true, false)); /* IA32_APIC_BASE: byte 3, bit 3 */
	assert_only_clear(3, 3);
}

/* Every MSR of both ranges, both directions: one bit changes, and setting
 * it back to exit restores the all-ones page. */
static void every_msr_one_bit(void **state)
{
	msr_bitmap_init_all_exit(bitmap);
	for (uint32_t n = 0; n < 0x2000; n++) {
		for (int high = 0; high < 2; high++) {
			uint32_t msr = high ? 0xc0000000 + n : n;
			size_t byte = (high ? 0x400 : 0) + n / 8;
			uint8_t bit = (uint8_t)(1u << (n % 8));

			assert_true(msr_bitmap_pass(bitmap, msr, true, false));
			assert_int_equal(bitmap[byte], (uint8_t)~bit);
			assert_int_equal(bitmap[byte + 0x800], 0xff);
			assert_true(msr_bitmap_pass(bitmap, msr, false, true));
			assert_int_equal(bitmap[byte], 0xff);
			assert_int_equal(bitmap[byte + 0x800], (uint8_t)~bit);
			assert_true(msr_bitmap_pass(bitmap, msr, false, false));
			assert_int_equal(bitmap[byte + 0x800], 0xff);
		}
	}
	assert_all_ones();
}

/* Neighbours keep their bits: passing MSR 5 and 6, then re-arming 5. */
static void neighbours_independent(void **state)
{
	msr_bitmap_init_all_exit(bitmap);
	assert_true(msr_bitmap_pass(bitmap, 5, true, true));
	assert_true(msr_bitmap_pass(bitmap, 6, true, false));
	assert_int_equal(bitmap[0], 0x9f);
	assert_int_equal(bitmap[0x800], 0xdf);
	assert_true(msr_bitmap_pass(bitmap, 5, false, false));
	assert_int_equal(bitmap[0], 0xbf);
	assert_int_equal(bitmap[0x800], 0xff);
	assert_false(msr_bitmap_exits(bitmap, 6, false));
	assert_true(msr_bitmap_exits(bitmap, 6, true));
}

static void build_from_table(void **state)
{
	static const struct msr_bitmap_pass good[] = {
		{ 0xc0000100, true, true },
		{ 0x10, true, false },
	};
	static const struct msr_bitmap_pass bad[] = {
		{ 0x10, true, false },
		{ 0x40000000, true, true },
	};

	memset(bitmap, 0, sizeof(bitmap));
	assert_true(msr_bitmap_build(bitmap, good, 2));
	assert_false(msr_bitmap_exits(bitmap, 0xc0000100, false));
	assert_false(msr_bitmap_exits(bitmap, 0xc0000100, true));
	assert_false(msr_bitmap_exits(bitmap, 0x10, false));
	assert_true(msr_bitmap_exits(bitmap, 0x10, true));
	assert_true(msr_bitmap_exits(bitmap, 0xc0000101, false));

	assert_false(msr_bitmap_build(bitmap, bad, 2));
	assert_only_clear(0x10 / 8, 0x10 % 8);

	assert_true(msr_bitmap_build(bitmap, good, 0));
	assert_all_ones();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_all_exit),
		cmocka_unit_test(range_boundaries),
		cmocka_unit_test(outside_ranges),
		cmocka_unit_test(bit_order),
		cmocka_unit_test(every_msr_one_bit),
		cmocka_unit_test(neighbours_independent),
		cmocka_unit_test(build_from_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
