/* Unit tests for the Linux loader's bzImage side: setup header validation with
 * every error message, truncation at every length, and where the kernel is placed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/loader/linux.h"
#include "tests/fixtures/loader/elf_build.h"
#include "tests/fixtures/loader/linux_build.h"

#define RAM_SIZE 0x1000000u /* 16 MiB */
#define IMG_CAP 0x10000u
#define UNTOUCHED 0xaa
#define ZERO_PAGE 0x7000u
#define CMDLINE 0x20000u

static uint8_t img[IMG_CAP];
static struct guest_mem gm;

static struct linux_e820 e820[4];

static int setup(void **state)
{
	gm = (struct guest_mem){ malloc(RAM_SIZE), RAM_SIZE };
	return gm.base ? 0 : -1;
}

static int teardown(void **state)
{
	free(gm.base);
	return 0;
}

/* A PC-like map: low RAM, the EBDA/BIOS hole, RAM from 1 MiB, ACPI tables at the top. */
static struct linux_params params(void)
{
	e820[0] = (struct linux_e820){ 0, 0x9fc00, LINUX_E820_RAM };
	e820[1] = (struct linux_e820){ 0x9fc00, 0x60400, LINUX_E820_RESERVED };
	e820[2] = (struct linux_e820){ 0x100000, RAM_SIZE - 0x110000, LINUX_E820_RAM };
	e820[3] = (struct linux_e820){ RAM_SIZE - 0x10000, 0x10000, LINUX_E820_ACPI };
	return (struct linux_params){ .e820 = e820, .e820_count = 4, .cmdline = "console=ttyS0",
				      .zero_page_gpa = ZERO_PAGE, .cmdline_gpa = CMDLINE };
}

static void ram_reset(void)
{
	memset(gm.base, UNTOUCHED, RAM_SIZE);
}

static void assert_untouched(uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a++)
		if (gm.base[a] != UNTOUCHED)
			fail_msg("guest byte 0x%llx was written", (unsigned long long)a);
}

static struct linux_boot load_ok(size_t len, const struct linux_params *p)
{
	struct linux_boot b;
	char err[256] = "";
	ram_reset();
	if (linux_load(img, len, &gm, p, &b, err, sizeof(err)))
		fail_msg("refused: %s", err);
	return b;
}

/* Refused with exactly msg, and guest memory left as it was (the places the
 * loader would write: low memory with the zero page and command line, the kernel). */
static void assert_refused_len(size_t len, const struct linux_params *p, const char *msg)
{
	struct linux_boot b;
	char err[256] = "";
	memset(gm.base, UNTOUCHED, 0x800000);
	assert_int_equal(linux_load(img, len, &gm, p, &b, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_untouched(0, 0x800000);
}

static void assert_refused(const struct lb_spec *s, const char *msg)
{
	struct linux_params p = params();
	assert_refused_len(lb_build(img, sizeof(img), s), &p, msg);
}

static void assert_code_at(uint64_t at, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (gm.base[at + k] != lb_code_byte(k))
			fail_msg("kernel byte 0x%zx at 0x%llx wrong", k, (unsigned long long)at);
}

static void test_default_loads(void **state)
{
	struct lb_spec s = lb_default();
	struct linux_params p = params();
	struct linux_boot b = load_ok(lb_build(img, sizeof(img), &s), &p);

	assert_true(b.bzimage);
	assert_int_equal(b.version, 0x020f);
	assert_int_equal(b.kernel_start, 0x400000);
	assert_int_equal(b.kernel_end, 0x600000);
	assert_int_equal(b.entry, 0x400200);
	assert_int_equal(b.zero_page, ZERO_PAGE);
	assert_int_equal(b.initrd_start, 0);
	assert_int_equal(b.initrd_end, 0);
	assert_code_at(0x400000, 0x3000);
	/* Only the code is copied: the rest of init_size is the kernel's to use. */
	assert_untouched(0x403000, 0x600000);
	assert_untouched(0x100000, 0x400000);
	assert_untouched(ZERO_PAGE + 0x1000, CMDLINE);
	assert_untouched(CMDLINE + 14, 0x9fc00);
	assert_untouched(0x600000, RAM_SIZE);
}

static void test_is_bzimage(void **state)
{
	struct lb_spec s = lb_default();
	size_t len = lb_build(img, sizeof(img), &s);
	assert_true(linux_is_bzimage(img, len));
	assert_true(linux_is_bzimage(img, 0x206));
	assert_false(linux_is_bzimage(img, 0x205));
	img[0x203] = 'x';
	assert_false(linux_is_bzimage(img, len));
}

static void test_header_errors(void **state)
{
	struct lb_spec s = lb_default();
	size_t len = lb_build(img, sizeof(img), &s);
	struct linux_params p = params();

	eb_put16(img, 0x1fe, 0x55aa);
	assert_refused_len(len, &p, "bzImage: boot_flag 0x55aa at 0x1fe is not 0xaa55");
	lb_build(img, sizeof(img), &s);
	img[0x205] = 's';
	assert_refused_len(len, &p,
			   "bzImage: no \"HdrS\" magic at 0x202: not a Linux kernel, or one older "
			   "than boot protocol 2.00");
	lb_build(img, sizeof(img), &s);
	img[0x200] = 0xe9;
	assert_refused_len(len, &p,
			   "bzImage: 0xe9 at 0x200 is not the short jump (0xeb) whose offset gives "
			   "the setup header's end");

	s.version = 0x0206;
	assert_refused(&s, "bzImage: boot protocol 2.06 is too old for the 64-bit entry (needs "
			   "2.12 and XLF_KERNEL_64)");
	s.version = 0x020b;
	assert_refused(&s, "bzImage: boot protocol 2.11 is too old for the 64-bit entry (needs "
			   "2.12 and XLF_KERNEL_64)");
	s = lb_default();
	s.jump_disp = 0x61;
	assert_refused(&s, "bzImage: the setup header ends at 0x263 (jump at 0x200), before the "
			   "end of init_size (0x264) that protocol 2.12 has");
	s.jump_disp = 0xfe; /* a jump backwards */
	assert_refused(&s, "bzImage: the setup header ends at 0x200 (jump at 0x200), before the "
			   "end of init_size (0x264) that protocol 2.12 has");
	s = lb_default();
	s.xloadflags = 0x02;
	assert_refused(&s, "bzImage: xloadflags 0x2 lacks XLF_KERNEL_64 (bit 0): the kernel has "
			   "no 64-bit entry point");
	s = lb_default();
	s.loadflags = 0x80;
	assert_refused(&s, "bzImage: loadflags 0x80 lacks LOADED_HIGH (bit 0): a zImage, loaded "
			   "at 0x10000, is not supported");
	s = lb_default();
	s.kernel_alignment = 0x300000;
	assert_refused(&s, "bzImage: kernel_alignment 0x300000 is not a power of two of at least "
			   "4 KiB");
	s.kernel_alignment = 0x800;
	assert_refused(&s, "bzImage: kernel_alignment 0x800 is not a power of two of at least "
			   "4 KiB");
	s.kernel_alignment = 0;
	assert_refused(&s, "bzImage: kernel_alignment 0x0 is not a power of two of at least "
			   "4 KiB");
	s = lb_default();
	s.init_size = 0x2fff;
	assert_refused(&s, "bzImage: init_size 0x2fff is smaller than the 0x3000-byte "
			   "protected-mode kernel");
	s = lb_default();
	s.syssize = 0x301;
	assert_refused(&s, "bzImage: truncated: syssize says the protected-mode kernel is 0x3010 "
			   "bytes, the file has 0x3000 after the setup sectors");
}

/* The example of the issue: a header that claims 31 setup sectors in a 5-sector file. */
static void test_setup_sects(void **state)
{
	struct lb_spec s = lb_default();
	struct linux_params p = params();
	size_t len = lb_build(img, sizeof(img), &s);

	img[0x1f1] = 31;
	assert_refused_len(0xa00, &p,
			   "bzImage: truncated: setup_sects says 31 sectors, the file has 4 after "
			   "the boot sector");
	/* 0 means 4: the same image with setup_sects 0 loads the same way. */
	img[0x1f1] = 0;
	struct linux_boot b = load_ok(len, &p);
	assert_int_equal(b.kernel_start, 0x400000);
	assert_code_at(0x400000, 0x3000);
	/* A larger setup: the code starts after it. */
	s.setup_sects = 27;
	b = load_ok(lb_build(img, sizeof(img), &s), &p);
	assert_code_at(0x400000, 0x3000);
	assert_int_equal(gm.base[ZERO_PAGE + 0x1f1], 27);
}

/* Every prefix of a valid image is refused, with the message for the part cut. */
static void test_truncated_every_length(void **state)
{
	struct lb_spec s = lb_default();
	size_t full = lb_build(img, sizeof(img), &s);
	struct linux_params p = params();
	char msg[256];

	ram_reset();
	for (size_t len = 0; len < full; len++) {
		if (len < 0x208)
			snprintf(msg, sizeof(msg),
				 "bzImage: truncated: the image is %zu bytes, the setup header's "
				 "\"HdrS\" magic and version end at 0x208",
				 len);
		else if (len < 0x26c)
			snprintf(msg, sizeof(msg),
				 "bzImage: truncated: the setup header ends at 0x26c, the image is "
				 "%zu bytes",
				 len);
		else if (len < 0xa00)
			snprintf(msg, sizeof(msg),
				 "bzImage: truncated: setup_sects says 4 sectors, the file has %zu "
				 "after the boot sector",
				 len / 512 - 1);
		else if (len == 0xa00)
			snprintf(msg, sizeof(msg),
				 "bzImage: truncated: no protected-mode kernel after the 4 setup "
				 "sectors");
		else
			snprintf(msg, sizeof(msg),
				 "bzImage: truncated: syssize says the protected-mode kernel is "
				 "0x3000 bytes, the file has 0x%zx after the setup sectors",
				 len - 0xa00);
		struct linux_boot b;
		char err[256] = "";
		assert_int_equal(linux_load(img, len, &gm, &p, &b, err, sizeof(err)), -1);
		assert_string_equal(err, msg);
	}
	assert_untouched(0, 0x800000);
}

static void test_pref_address_and_alignment(void **state)
{
	struct lb_spec s = lb_default();
	struct linux_params p = params();
	struct linux_boot b;

	/* An unaligned pref_address: the next multiple of kernel_alignment. */
	s.pref_address = 0x480000;
	b = load_ok(lb_build(img, sizeof(img), &s), &p);
	assert_int_equal(b.kernel_start, 0x600000);
	assert_int_equal(b.entry, 0x600200);
	assert_code_at(0x600000, 0x3000);

	/* pref_address 0: the traditional 1 MiB, aligned up. */
	s.pref_address = 0;
	b = load_ok(lb_build(img, sizeof(img), &s), &p);
	assert_int_equal(b.kernel_start, 0x200000);

	/* A smaller alignment lets the kernel sit right at pref_address. */
	s.pref_address = 0x481000;
	s.kernel_alignment = 0x1000;
	b = load_ok(lb_build(img, sizeof(img), &s), &p);
	assert_int_equal(b.kernel_start, 0x481000);
	assert_int_equal(b.kernel_end, 0x681000);
}

/* A relocatable kernel moves up past what is in the way at pref_address; a fixed
 * one is refused. */
static void test_placement_around_obstacles(void **state)
{
	struct lb_spec s = lb_default();
	struct linux_params p = params();
	size_t len = lb_build(img, sizeof(img), &s);
	struct linux_boot b;

	p.zero_page_gpa = 0x500000;
	b = load_ok(len, &p);
	assert_int_equal(b.kernel_start, 0x600000);
	p = params();
	p.cmdline_gpa = 0x5ffff8; /* its NUL at 0x600005 */
	b = load_ok(len, &p);
	assert_int_equal(b.kernel_start, 0x800000);

	/* A reserved hole at pref_address: the next RAM entry. */
	p = params();
	struct linux_e820 map[] = {
		{ 0, 0x9fc00, LINUX_E820_RAM },
		{ 0x100000, 0x380000, LINUX_E820_RAM },
		{ 0x480000, 0x100000, LINUX_E820_RESERVED },
		{ 0x580000, RAM_SIZE - 0x580000, LINUX_E820_RAM },
	};
	p.e820 = map;
	p.e820_count = 4;
	b = load_ok(len, &p);
	assert_int_equal(b.kernel_start, 0x600000);

	/* Not relocatable: exactly pref_address, or nothing. */
	s.relocatable = 0;
	s.kernel_alignment = 0x300000; /* ignored without relocation */
	len = lb_build(img, sizeof(img), &s);
	p = params();
	b = load_ok(len, &p);
	assert_int_equal(b.kernel_start, 0x400000);
	p.e820 = map;
	assert_refused_len(len, &p,
			   "bzImage: kernel (not relocatable: pref_address, init_size) [0x400000, "
			   "0x600000) is not inside one RAM entry of the e820 map below 4 GiB");
	p = params();
	p.zero_page_gpa = 0x5ff000;
	assert_refused_len(len, &p,
			   "bzImage: kernel (not relocatable: pref_address, init_size) [0x400000, "
			   "0x600000) overlaps the zero page at 0x5ff000");
	p = params();
	p.cmdline_gpa = 0x3ffff8;
	assert_refused_len(len, &p,
			   "bzImage: kernel (not relocatable: pref_address, init_size) [0x400000, "
			   "0x600000) overlaps the command line at 0x3ffff8");
}

/* init_size must fit in RAM: exactly up to the ACPI range, and not a page more. */
static void test_init_size_fits(void **state)
{
	struct lb_spec s = lb_default();
	struct linux_params p = params();
	struct linux_boot b;

	s.init_size = RAM_SIZE - 0x10000 - 0x400000;
	b = load_ok(lb_build(img, sizeof(img), &s), &p);
	assert_int_equal(b.kernel_end, RAM_SIZE - 0x10000);
	s.init_size += 0x1000;
	assert_refused(&s, "bzImage: no room for init_size 12228 KiB at a 0x200000-aligned "
			   "address from pref_address 0x400000 in e820 RAM below 4 GiB, clear of "
			   "the zero page and command line");
	s = lb_default();
	s.relocatable = 0;
	s.init_size = RAM_SIZE;
	assert_refused(&s, "bzImage: kernel (not relocatable: pref_address, init_size) [0x400000, "
			   "0x1400000) is not inside one RAM entry of the e820 map below 4 GiB");
	s.pref_address = 0xfffffffffffff000ull;
	s.init_size = 0x2000000;
	assert_refused(&s, "bzImage: kernel (not relocatable: pref_address, init_size) "
			   "[0xfffffffffffff000, 0x1fff000) is not inside one RAM entry of the "
			   "e820 map below 4 GiB");
	s.relocatable = 1;
	assert_refused(&s, "bzImage: no room for init_size 32 MiB at a 0x200000-aligned address "
			   "from pref_address 0xfffffffffffff000 in e820 RAM below 4 GiB, clear "
			   "of the zero page and command line");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_loads),
		cmocka_unit_test(test_is_bzimage),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_setup_sects),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_pref_address_and_alignment),
		cmocka_unit_test(test_placement_around_obstacles),
		cmocka_unit_test(test_init_size_fits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
