/* Unit tests for the raw real-mode loader: where CS:IP puts the image, the 1 MiB
 * and guest RAM limits, and the empty image. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/loader/raw16.h"

#define RAM_SIZE 0x200000u
#define UNTOUCHED 0xaa

static uint8_t img[0x10000];

static struct guest_mem ram_new(uint64_t size)
{
	struct guest_mem gm = { malloc(size), size };
	assert_non_null(gm.base);
	memset(gm.base, UNTOUCHED, size);
	return gm;
}

static void assert_untouched(const struct guest_mem *gm, uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a++)
		if (gm->base[a] != UNTOUCHED)
			fail_msg("guest byte 0x%llx was written", (unsigned long long)a);
}

static int setup(void **state)
{
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 31 + 5);
	return 0;
}

/* Loads len bytes at cs:ip and checks they landed at want and nowhere else. */
static void assert_loaded_at(uint16_t cs, uint16_t ip, size_t len, uint64_t want)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	char err[160] = "";

	assert_int_equal(raw16_load(img, len, &gm, cs, ip, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_memory_equal(gm.base + want, img, len);
	assert_untouched(&gm, 0, want);
	assert_untouched(&gm, want + len, RAM_SIZE);
	free(gm.base);
}

static void test_boot_sector(void **state)
{
	assert_loaded_at(0x07c0, 0x0000, 512, 0x7c00);
	assert_loaded_at(0x0000, 0x7c00, 512, 0x7c00);
}

static void test_segment_and_offset_add(void **state)
{
	assert_loaded_at(0x1234, 0x5678, 0x1000, 0x179b8);
	assert_loaded_at(0x0000, 0x0000, 1, 0);
	/* The last 16 bytes below 1 MiB, where a reset vector lives. */
	assert_loaded_at(0xf000, 0xfff0, 16, 0xffff0);
	assert_loaded_at(0x9000, 0x0000, sizeof(img), 0x90000);
}

static void assert_refused(size_t len, uint64_t ram, uint16_t cs, uint16_t ip, const char *msg)
{
	struct guest_mem gm = ram_new(ram);
	char err[200] = "";

	assert_int_equal(raw16_load(img, len, &gm, cs, ip, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_untouched(&gm, 0, ram);
	free(gm.base);
}

static void test_past_1mib(void **state)
{
	assert_refused(17, RAM_SIZE, 0xf000, 0xfff0,
		       "raw16: 17-byte image at f000:fff0 (0xffff0) extends past 1 MiB, "
		       "the real-mode address space");
	/* The highest CS:IP is above 1 MiB (0x10ffef) even for one byte. */
	assert_refused(1, RAM_SIZE, 0xffff, 0xffff,
		       "raw16: 1-byte image at ffff:ffff (0x10ffef) extends past 1 MiB, "
		       "the real-mode address space");
}

static void test_beyond_ram(void **state)
{
	assert_refused(1, 0x80000, 0x8000, 0x0000,
		       "raw16: image [0x80000, 0x80001) at 8000:0000 beyond guest RAM (512 KiB)");
	assert_refused(0x200, 0x7dff, 0x07c0, 0x0000,
		       "raw16: image [0x7c00, 0x7e00) at 07c0:0000 beyond guest RAM (32255 bytes)");
}

static void test_empty(void **state)
{
	assert_refused(0, RAM_SIZE, 0x07c0, 0, "raw16: empty image");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_sector), cmocka_unit_test(test_segment_and_offset_add),
		cmocka_unit_test(test_past_1mib),   cmocka_unit_test(test_beyond_ram),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
