/* Unit tests for the Multiboot2 parser, on boot information built tag by tag in
 * the test, including malformed tags a buggy or hostile loader could produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/multiboot2.h"

struct mbi {
	_Alignas(8) uint8_t buf[8192];
	uint32_t pos;
};

static void put32(struct mbi *b, uint32_t off, uint32_t v)
{
	memcpy(b->buf + off, &v, sizeof(v));
}

static void mbi_begin(struct mbi *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->pos = 8;
}

/* Appends a tag of header + len payload bytes, padded to 8; returns its offset. */
static uint32_t mbi_tag(struct mbi *b, uint32_t type, const void *payload, uint32_t len)
{
	uint32_t off = b->pos;
	put32(b, off, type);
	put32(b, off + 4, 8 + len);
	if (len)
		memcpy(b->buf + off + 8, payload, len);
	b->pos = (off + 8 + len + 7) & ~7u;
	return off;
}

static uint32_t mbi_string(struct mbi *b, uint32_t type, const char *s)
{
	return mbi_tag(b, type, s, (uint32_t)strlen(s) + 1);
}

static uint32_t mbi_module(struct mbi *b, uint32_t start, uint32_t end, const char *s)
{
	uint8_t p[256];
	uint32_t n = (uint32_t)strlen(s) + 1;
	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, s, n);
	return mbi_tag(b, MB2_TAG_MODULE, p, 8 + n);
}

/* Entries are written entry_size apart, any bytes past the standard 24 set to 0xee
 * so a parser that steps by 24 would read garbage. */
static uint32_t mbi_mmap(struct mbi *b, uint32_t entry_size, const struct mb2_mmap_entry *e,
			 unsigned n)
{
	uint8_t p[4096];
	uint32_t hdr[2] = { entry_size, 0 };
	memcpy(p, hdr, 8);
	for (unsigned i = 0; i < n; i++) {
		memset(p + 8 + i * entry_size, 0xee, entry_size);
		memcpy(p + 8 + i * entry_size, &e[i], sizeof(e[i]));
	}
	return mbi_tag(b, MB2_TAG_MMAP, p, 8 + n * entry_size);
}

static void mbi_end(struct mbi *b)
{
	mbi_tag(b, MB2_TAG_END, NULL, 0);
	put32(b, 0, b->pos);
}

static const struct mb2_mmap_entry bochs_map[] = {
	{ 0x0, 0x9f000, MB2_MEM_AVAILABLE, 0 },
	{ 0x9f000, 0x61000, MB2_MEM_RESERVED, 0 },
	{ 0x100000, 0x1fef0000, MB2_MEM_AVAILABLE, 0 },
	{ 0x1fff0000, 0x10000, MB2_MEM_ACPI_RECLAIMABLE, 0 },
	{ 0xfffc0000, 0x40000, MB2_MEM_RESERVED, 0 },
};

static void assert_error(struct mbi *b, const char *part1, const char *part2)
{
	struct mb2_info info;
	char err[160];
	assert_int_equal(mb2_parse(b->buf, &info, err, sizeof(err)), -1);
	if (!strstr(err, part1) || (part2 && !strstr(err, part2)))
		fail_msg("error '%s' lacks '%s' / '%s'", err, part1, part2 ? part2 : "");
}

static void test_minimal(void **state)
{
	struct mbi b;
	struct mb2_info info;
	mbi_begin(&b);
	mbi_end(&b);
	assert_int_equal(mb2_parse(b.buf, &info, NULL, 0), 0);
	assert_int_equal(info.total_size, 16);
	assert_null(info.cmdline);
	assert_null(info.bootloader_name);
	assert_int_equal(info.mmap_count, 0);
	assert_int_equal(info.nmodules, 0);
	assert_null(info.rsdp_v1);
	assert_null(info.rsdp_v2);
	assert_int_equal(info.efi64_systab, 0);
	assert_false(info.efi_boot_services);
}

static void test_full(void **state)
{
	struct mbi b;
	struct mb2_info info;
	char err[128] = "";
	uint8_t rsdp1[20], rsdp2[36], fb[21];
	uint64_t systab = 0x7fb5e018;

	memset(rsdp1, 0x11, sizeof(rsdp1));
	memset(rsdp2, 0x22, sizeof(rsdp2));
	memset(fb, 0x33, sizeof(fb));
	mbi_begin(&b);
	uint32_t cmd = mbi_string(&b, MB2_TAG_CMDLINE, "console=com1 cpus=2");
	uint32_t name = mbi_string(&b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
	uint32_t m0 = mbi_module(&b, 0x600000, 0x700123, "/boot/dom0 arg");
	mbi_tag(&b, 8, fb, sizeof(fb)); /* framebuffer: odd size, so the next tag is padded */
	uint32_t m1 = mbi_module(&b, 0x800000, 0x800800, "");
	uint32_t mm = mbi_mmap(&b, 24, bochs_map, 5);
	uint32_t r1 = mbi_tag(&b, MB2_TAG_ACPI_OLD, rsdp1, sizeof(rsdp1));
	uint32_t r2 = mbi_tag(&b, MB2_TAG_ACPI_NEW, rsdp2, sizeof(rsdp2));
	mbi_tag(&b, MB2_TAG_EFI64, &systab, sizeof(systab));
	mbi_tag(&b, MB2_TAG_EFI_BS, NULL, 0);
	mbi_tag(&b, 9999, "future", 6);
	mbi_end(&b);

	assert_int_equal(mb2_parse(b.buf, &info, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(info.total_size, b.pos);
	assert_ptr_equal(info.cmdline, (const char *)b.buf + cmd + 8);
	assert_string_equal(info.cmdline, "console=com1 cpus=2");
	assert_ptr_equal(info.bootloader_name, (const char *)b.buf + name + 8);
	assert_string_equal(info.bootloader_name, "GRUB 2.06");
	assert_int_equal(info.nmodules, 2);
	assert_int_equal(info.modules_dropped, 0);
	assert_int_equal(info.modules[0].start, 0x600000);
	assert_int_equal(info.modules[0].end, 0x700123);
	assert_ptr_equal(info.modules[0].string, (const char *)b.buf + m0 + 16);
	assert_string_equal(info.modules[0].string, "/boot/dom0 arg");
	assert_int_equal(info.modules[1].start, 0x800000);
	assert_int_equal(info.modules[1].end, 0x800800);
	assert_ptr_equal(info.modules[1].string, (const char *)b.buf + m1 + 16);
	assert_string_equal(info.modules[1].string, "");
	assert_ptr_equal(info.mmap_entries, b.buf + mm + 16);
	assert_int_equal(info.mmap_entry_size, 24);
	assert_int_equal(info.mmap_count, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_memory_equal(mb2_mmap_entry(&info, i), &bochs_map[i], 24);
	assert_ptr_equal(info.rsdp_v1, b.buf + r1 + 8);
	assert_int_equal(info.rsdp_v1_len, 20);
	assert_ptr_equal(info.rsdp_v2, b.buf + r2 + 8);
	assert_int_equal(info.rsdp_v2_len, 36);
	assert_int_equal(info.efi64_systab, systab);
	assert_true(info.efi_boot_services);
}

static void test_mmap_entry_size_32(void **state)
{
	struct mbi b;
	struct mb2_info info;
	mbi_begin(&b);
	mbi_mmap(&b, 32, bochs_map, 5);
	mbi_end(&b);
	assert_int_equal(mb2_parse(b.buf, &info, NULL, 0), 0);
	assert_int_equal(info.mmap_entry_size, 32);
	assert_int_equal(info.mmap_count, 5);
	for (unsigned i = 0; i < 5; i++) {
		const struct mb2_mmap_entry *e = mb2_mmap_entry(&info, i);
		assert_int_equal(e->base_addr, bochs_map[i].base_addr);
		assert_int_equal(e->length, bochs_map[i].length);
		assert_int_equal(e->type, bochs_map[i].type);
	}
}

static void test_mmap_empty(void **state)
{
	struct mbi b;
	struct mb2_info info;
	mbi_begin(&b);
	mbi_mmap(&b, 24, NULL, 0);
	mbi_end(&b);
	assert_int_equal(mb2_parse(b.buf, &info, NULL, 0), 0);
	assert_int_equal(info.mmap_count, 0);
}

static void test_mmap_bad_entry_size(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_mmap(&b, 16, bochs_map, 1);
	mbi_end(&b);
	assert_error(&b, "tag type 6 at offset 0x8", "entry_size");

	mbi_begin(&b);
	mbi_mmap(&b, 28, bochs_map, 2);
	mbi_end(&b);
	assert_error(&b, "tag type 6 at offset 0x8", "entry_size");
}

static void test_mmap_partial_entry(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_tag(&b, 1, "x", 2);
	uint32_t off = mbi_mmap(&b, 24, bochs_map, 2);
	put32(&b, off + 4, 16 + 24 + 8);
	mbi_end(&b);
	assert_error(&b, "tag type 6 at offset 0x18", "partial entry");
}

static void test_mmap_too_small(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_MMAP, "\x18\0\0\0", 4);
	mbi_end(&b);
	assert_error(&b, "tag type 6 at offset 0x8", "too small");
}

static void test_modules_overflow(void **state)
{
	struct mbi b;
	struct mb2_info info;
	char name[16];
	mbi_begin(&b);
	for (unsigned i = 0; i < MB2_MAX_MODULES + 3; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		mbi_module(&b, 0x1000000 + i * 0x1000, 0x1000800 + i * 0x1000, name);
	}
	mbi_end(&b);
	assert_int_equal(mb2_parse(b.buf, &info, NULL, 0), 0);
	assert_int_equal(info.nmodules, MB2_MAX_MODULES);
	assert_int_equal(info.modules_dropped, 3);
	snprintf(name, sizeof(name), "m%u", MB2_MAX_MODULES - 1);
	assert_string_equal(info.modules[MB2_MAX_MODULES - 1].string, name);
	assert_int_equal(info.modules[MB2_MAX_MODULES - 1].start, 0x1000000 + (MB2_MAX_MODULES - 1) * 0x1000);
}

static void test_module_errors(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_module(&b, 0x2000, 0x1000, "backwards");
	mbi_end(&b);
	assert_error(&b, "tag type 3 at offset 0x8", "ends before it starts");

	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_MODULE, "\0\0\x10\0\0\0\x20\0", 8);
	mbi_end(&b);
	assert_error(&b, "tag type 3 at offset 0x8", "NUL");

	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_MODULE, "\0\0\x10\0", 4);
	mbi_end(&b);
	assert_error(&b, "tag type 3 at offset 0x8", "too small");
}

static void test_string_not_terminated(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_CMDLINE, "abc", 3);
	mbi_end(&b);
	assert_error(&b, "tag type 1 at offset 0x8", "NUL");

	mbi_begin(&b);
	mbi_string(&b, MB2_TAG_CMDLINE, "ok");
	mbi_tag(&b, MB2_TAG_BOOTLOADER_NAME, NULL, 0);
	mbi_end(&b);
	assert_error(&b, "tag type 2 at offset 0x18", "NUL");
}

static void test_zero_size_tag(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_string(&b, MB2_TAG_CMDLINE, "hello");
	uint32_t off = mbi_tag(&b, 5, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	put32(&b, off + 4, 0);
	mbi_end(&b);
	assert_error(&b, "tag type 5 at offset 0x18", "smaller than a tag header");
}

static void test_tag_smaller_than_header(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	uint32_t off = mbi_tag(&b, 7, NULL, 0);
	put32(&b, off + 4, 7);
	mbi_end(&b);
	assert_error(&b, "tag type 7 at offset 0x8", "smaller than a tag header");
}

static void test_overrunning_tag(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_string(&b, MB2_TAG_CMDLINE, "x");
	uint32_t off = mbi_tag(&b, 9, "12345678", 8);
	mbi_end(&b);
	put32(&b, off + 4, b.pos - off + 1);
	assert_error(&b, "tag type 9 at offset 0x18", "past total_size");

	/* A size near 4 GiB must be caught, not wrap the offset. */
	put32(&b, off + 4, 0xfffffff9u);
	assert_error(&b, "tag type 9 at offset 0x18", "past total_size");
}

static void test_truncated(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_string(&b, MB2_TAG_CMDLINE, "console=com1");
	uint32_t off = mbi_mmap(&b, 24, bochs_map, 5);
	mbi_end(&b);
	/* total_size cut inside the memory map tag */
	put32(&b, 0, off + 40);
	assert_error(&b, "tag type 6 at offset 0x20", "past total_size");
	/* total_size cut exactly before the END tag */
	put32(&b, 0, b.pos - 8);
	assert_error(&b, "no END tag", NULL);
	/* total_size cut inside the END tag */
	put32(&b, 0, b.pos - 4);
	assert_error(&b, "no END tag", NULL);
}

static void test_no_end_tag(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_string(&b, MB2_TAG_CMDLINE, "x");
	put32(&b, 0, b.pos);
	assert_error(&b, "no END tag", NULL);
}

static void test_bad_end_tag(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_END, "\0\0\0\0\0\0\0\0", 8);
	put32(&b, 0, b.pos);
	assert_error(&b, "tag type 0 at offset 0x8", "END tag size");
}

static void test_total_size_too_small(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_end(&b);
	put32(&b, 0, 15);
	assert_error(&b, "total_size 15", NULL);
	put32(&b, 0, 0);
	assert_error(&b, "total_size 0", NULL);
}

static void test_bytes_after_end_ignored(void **state)
{
	struct mbi b;
	struct mb2_info info;
	mbi_begin(&b);
	mbi_end(&b);
	put32(&b, 0, 64); /* garbage after END stays unread */
	memset(b.buf + 16, 0xff, 48);
	assert_int_equal(mb2_parse(b.buf, &info, NULL, 0), 0);
	assert_int_equal(info.total_size, 64);
}

static void test_misaligned_and_null(void **state)
{
	struct mbi b;
	struct mb2_info info;
	char err[100];
	mbi_begin(&b);
	mbi_end(&b);
	memmove(b.buf + 4, b.buf, b.pos);
	assert_int_equal(mb2_parse(b.buf + 4, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "8-byte aligned"));
	assert_int_equal(mb2_parse(NULL, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no boot information"));
}

static void test_rsdp_too_small(void **state)
{
	struct mbi b;
	uint8_t rsdp[36] = { 0 };
	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_ACPI_OLD, rsdp, 19);
	mbi_end(&b);
	assert_error(&b, "tag type 14 at offset 0x8", "RSDP");

	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_ACPI_NEW, rsdp, 20);
	mbi_end(&b);
	assert_error(&b, "tag type 15 at offset 0x8", "RSDP");
}

static void test_efi64_too_small(void **state)
{
	struct mbi b;
	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_EFI64, "\1\2\3\4", 4);
	mbi_end(&b);
	assert_error(&b, "tag type 12 at offset 0x8", "too small");
}

static void test_error_truncated_to_buffer(void **state)
{
	struct mbi b;
	struct mb2_info info;
	char err[9];
	memset(err, 'X', sizeof(err));
	mbi_begin(&b);
	mbi_tag(&b, MB2_TAG_CMDLINE, "abc", 3);
	mbi_end(&b);
	assert_int_equal(mb2_parse(b.buf, &info, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(err[8], 'X');
	assert_int_equal(mb2_parse(b.buf, &info, err, 0), -1);
	assert_int_equal(mb2_parse(b.buf, &info, NULL, 100), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_mmap_entry_size_32),
		cmocka_unit_test(test_mmap_empty),
		cmocka_unit_test(test_mmap_bad_entry_size),
		cmocka_unit_test(test_mmap_partial_entry),
		cmocka_unit_test(test_mmap_too_small),
		cmocka_unit_test(test_modules_overflow),
		cmocka_unit_test(test_module_errors),
		cmocka_unit_test(test_string_not_terminated),
		cmocka_unit_test(test_zero_size_tag),
		cmocka_unit_test(test_tag_smaller_than_header),
		cmocka_unit_test(test_overrunning_tag),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_no_end_tag),
		cmocka_unit_test(test_bad_end_tag),
		cmocka_unit_test(test_total_size_too_small),
		cmocka_unit_test(test_bytes_after_end_ignored),
		cmocka_unit_test(test_misaligned_and_null),
		cmocka_unit_test(test_rsdp_too_small),
		cmocka_unit_test(test_efi64_too_small),
		cmocka_unit_test(test_error_truncated_to_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
