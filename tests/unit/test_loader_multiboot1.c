/* Unit tests for the Multiboot v1 loader: the real mb1_min kernel, headers found
 * and refused, the address-field (a.out kludge) load, module placement, and the
 * boot information read back at the offsets spec 0.6.96 section 3.3 gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/loader/multiboot1.h"
#include "tests/fixtures/loader/elf_build.h"
#include "tests/fixtures/loader/mb1_min.h"

#define RAM_SIZE 0x400000u
#define UNTOUCHED 0xaa
#define INFO_GPA 0x9000u
#define INFO_REGION 0x10000u

static uint8_t img[0x4000];

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

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t file_byte(size_t i)
{
	return (uint8_t)(i * 13 + 1);
}

/* A non-ELF image of len patterned bytes with a header at off: magic, flags, a
 * checksum that makes the sum 0, then h's address fields. */
static size_t raw_image(size_t len, size_t off, uint32_t flags, const struct mb1_header *h)
{
	assert_true(len <= sizeof(img));
	for (size_t i = 0; i < len; i++)
		img[i] = file_byte(i);
	eb_put32(img, off, MB1_HEADER_MAGIC);
	eb_put32(img, off + 4, flags);
	eb_put32(img, off + 8, 0u - MB1_HEADER_MAGIC - flags);
	if (h) {
		eb_put32(img, off + 12, h->header_addr);
		eb_put32(img, off + 16, h->load_addr);
		eb_put32(img, off + 20, h->load_end_addr);
		eb_put32(img, off + 24, h->bss_end_addr);
		eb_put32(img, off + 28, h->entry_addr);
	}
	return len;
}

/* mb1_load() must fail with exactly msg and leave guest memory untouched. */
static void assert_load_refused(const void *image, size_t len, uint64_t ram, const char *msg)
{
	struct guest_mem gm = ram_new(ram);
	struct mb1_kernel k;
	char err[200] = "";
	assert_int_equal(mb1_load(image, len, &gm, &k, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_untouched(&gm, 0, ram);
	free(gm.base);
}

/* The real kernel: header first in .text at file offset 0xa0 (see test_loader_elf). */
static void test_real_kernel(void **state)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct mb1_kernel k;
	char err[160] = "";

	assert_int_equal(mb1_load(mb1_min_elf, mb1_min_elf_len, &gm, &k, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(k.header_offset, 0xa0);
	assert_int_equal(k.header.magic, MB1_HEADER_MAGIC);
	assert_int_equal(k.header.flags, MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO);
	assert_int_equal(k.entry, 0x10000c);
	assert_int_equal(k.lowest, 0x100000);
	assert_int_equal(k.highest, 0x10200e);
	assert_int_equal(get32(gm.base + 0x100000), MB1_HEADER_MAGIC);
	assert_memory_equal(gm.base + 0x101000, "hv mb1_min data", 15);
	assert_untouched(&gm, 0x10200f, RAM_SIZE);
	free(gm.base);
}

static void test_find_header(void **state)
{
	struct mb1_header h;
	uint32_t off;
	char err[160];

	/* The last 4-byte-aligned place a 12-byte header fits in 8192 bytes. */
	raw_image(0x3000, 8180, 0, NULL);
	assert_int_equal(mb1_find_header(img, 0x3000, &h, &off, err, sizeof(err)), 0);
	assert_int_equal(off, 8180);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.load_addr, 0);

	/* The first valid one wins; a magic with a bad checksum before it is skipped. */
	raw_image(0x100, 0x80, 0, NULL);
	eb_put32(img, 0x10, MB1_HEADER_MAGIC);
	eb_put32(img, 0x40, MB1_HEADER_MAGIC);
	eb_put32(img, 0x44, MB1_HF_PAGE_ALIGN);
	eb_put32(img, 0x48, 0u - MB1_HEADER_MAGIC - MB1_HF_PAGE_ALIGN);
	assert_int_equal(mb1_find_header(img, 0x100, &h, &off, err, sizeof(err)), 0);
	assert_int_equal(off, 0x40);
	assert_int_equal(h.flags, MB1_HF_PAGE_ALIGN);

	/* A header that ends exactly at the end of a short image. */
	raw_image(0x20, 0x14, 0, NULL);
	assert_int_equal(mb1_find_header(img, 0x20, &h, &off, err, sizeof(err)), 0);
	assert_int_equal(off, 0x14);
}

static void test_header_missing(void **state)
{
	memset(img, 0, sizeof(img));
	assert_load_refused(img, sizeof(img), RAM_SIZE,
			    "multiboot1: no header (magic 0x1badb002) in the first 8192 bytes");
	assert_load_refused(img, 0, RAM_SIZE,
			    "multiboot1: no header (magic 0x1badb002) in the first 8192 bytes");
	/* Not 4-byte aligned. */
	raw_image(0x100, 0x40, 0, NULL);
	memmove(img + 0x42, img + 0x40, 12);
	memset(img + 0x40, 0, 2);
	assert_load_refused(img, 0x100, RAM_SIZE,
			    "multiboot1: no header (magic 0x1badb002) in the first 8192 bytes");
	/* Cut short by the end of the image. */
	raw_image(0x104, 0xf8, 0, NULL);
	assert_load_refused(img, 0x103, RAM_SIZE,
			    "multiboot1: no header (magic 0x1badb002) in the first 8192 bytes");
}

static void test_bad_checksum(void **state)
{
	raw_image(0x100, 0x40, 0, NULL);
	eb_put32(img, 0x48, get32(img + 0x48) + 1);
	assert_load_refused(img, 0x100, RAM_SIZE,
			    "multiboot1: header at offset 0x40 has a bad checksum "
			    "(magic + flags + checksum = 0x00000001, not 0)");
}

static void test_header_beyond_8192(void **state)
{
	raw_image(0x3000, 8184, 0, NULL);
	assert_load_refused(
		img, 0x3000, RAM_SIZE,
		"multiboot1: header at offset 0x1ff8 is not within the first 8192 bytes");
	raw_image(0x3000, 0x2000, 0, NULL);
	assert_load_refused(
		img, 0x3000, RAM_SIZE,
		"multiboot1: header at offset 0x2000 is not within the first 8192 bytes");
	/* With flags bit 16 the address fields must be inside the window too. */
	struct mb1_header h = { .header_addr = 0x101fe0,
				.load_addr = 0x100000,
				.entry_addr = 0x100000 };
	raw_image(0x3000, 8160 + 4, MB1_HF_ADDRESS, &h);
	assert_load_refused(
		img, 0x3000, RAM_SIZE,
		"multiboot1: header at offset 0x1fe4: its address fields (flags bit 16) "
		"end past the first 8192 bytes or the 12288-byte image");
}

static void test_unsupported_flags(void **state)
{
	raw_image(0x100, 0, MB1_HF_PAGE_ALIGN | MB1_HF_VIDEO_MODE, NULL);
	assert_load_refused(img, 0x100, RAM_SIZE,
			    "multiboot1: flags 0x00000005 require video mode information (bit 2), "
			    "which this loader does not provide");
	raw_image(0x100, 0, MB1_HF_MEMORY_INFO | (1u << 5) | (1u << 15), NULL);
	assert_load_refused(img, 0x100, RAM_SIZE,
			    "multiboot1: flags 0x00008022 require unknown feature bit 5, "
			    "which this loader does not support");
	raw_image(0x100, 0, 1u << 15, NULL);
	assert_load_refused(img, 0x100, RAM_SIZE,
			    "multiboot1: flags 0x00008000 require unknown feature bit 15, "
			    "which this loader does not support");
}

/* Optional bits (16-31) the loader does not know are ignored (3.1.2): an ELF
 * kernel whose header sets bit 17 loads as ELF. */
static void test_unknown_optional_flag_ignored(void **state)
{
	struct eb_spec s = eb_kernel32();
	size_t len = eb_build(img, sizeof(img), &s);
	uint32_t flags = MB1_HF_MEMORY_INFO | (1u << 17);
	eb_put32(img, 0x1000, MB1_HEADER_MAGIC); /* start of the code segment */
	eb_put32(img, 0x1004, flags);
	eb_put32(img, 0x1008, 0u - MB1_HEADER_MAGIC - flags);

	struct guest_mem gm = ram_new(RAM_SIZE);
	struct mb1_kernel k;
	assert_int_equal(mb1_load(img, len, &gm, &k, NULL, 0), 0);
	assert_int_equal(k.header_offset, 0x1000);
	assert_int_equal(k.entry, 0x100010);
	assert_int_equal(k.lowest, 0x100000);
	assert_int_equal(k.highest, 0x102fff);
	assert_int_equal(get32(gm.base + 0x100000), MB1_HEADER_MAGIC);
	free(gm.base);
}

/* Without bit 16 the image must be ELF32. */
static void test_elf_required(void **state)
{
	raw_image(0x100, 0x40, 0, NULL);
	assert_load_refused(img, 0x100, RAM_SIZE,
			    "ELF: bad magic 01 0e 1b 28 (expected 7f 45 4c 46)");

	struct eb_spec s = eb_kernel64();
	size_t len = eb_build(img, sizeof(img), &s);
	eb_put32(img, 0x1000, MB1_HEADER_MAGIC);
	eb_put32(img, 0x1004, 0);
	eb_put32(img, 0x1008, 0u - MB1_HEADER_MAGIC);
	assert_load_refused(img, len, RAM_SIZE,
			    "multiboot1: ELFCLASS64 image: Multiboot v1 loads ELF32 kernels "
			    "(or any image with flags bit 16 and address fields)");

	/* The ELF loader's own checks apply, against guest RAM. */
	s = eb_kernel32();
	len = eb_build(img, sizeof(img), &s);
	eb_put32(img, 0x1000, MB1_HEADER_MAGIC);
	eb_put32(img, 0x1004, 0);
	eb_put32(img, 0x1008, 0u - MB1_HEADER_MAGIC);
	assert_load_refused(img, len, 0x102800,
			    "ELF: segment 1 [0x102000, 0x103000) beyond guest RAM (1034 KiB)");
}

/* Flags bit 16 (3.1.3): the header sits 0x40 bytes into the file and 0x20 bytes
 * after load_addr, so loading starts at file offset 0x20; 0x200 bytes are
 * loaded, then zeroes up to bss_end_addr. */
static void test_address_fields(void **state)
{
	struct mb1_header h = { .header_addr = 0x100020,
				.load_addr = 0x100000,
				.load_end_addr = 0x100200,
				.bss_end_addr = 0x102000,
				.entry_addr = 0x1001ff };
	size_t len = raw_image(0x400, 0x40, MB1_HF_ADDRESS | MB1_HF_PAGE_ALIGN, &h);
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct mb1_kernel k;
	char err[160] = "";

	/* The flags say ELF is not needed even though the file would not parse as one. */
	assert_int_equal(mb1_load(img, len, &gm, &k, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(k.header_offset, 0x40);
	assert_int_equal(k.header.load_end_addr, 0x100200);
	assert_int_equal(k.entry, 0x1001ff);
	assert_int_equal(k.lowest, 0x100000);
	assert_int_equal(k.highest, 0x101fff);
	assert_memory_equal(gm.base + 0x100000, img + 0x20, 0x200);
	assert_int_equal(get32(gm.base + 0x100020), MB1_HEADER_MAGIC);
	for (uint64_t a = 0x100200; a < 0x102000; a++)
		assert_int_equal(gm.base[a], 0);
	assert_untouched(&gm, 0, 0x100000);
	assert_untouched(&gm, 0x102000, RAM_SIZE);
	free(gm.base);
}

/* load_end_addr 0: the rest of the file; bss_end_addr 0: no bss. */
static void test_address_fields_whole_file(void **state)
{
	struct mb1_header h = { .header_addr = 0x200000,
				.load_addr = 0x200000,
				.entry_addr = 0x200020 };
	size_t len = raw_image(0x123, 0, MB1_HF_ADDRESS, &h);
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct mb1_kernel k;

	assert_int_equal(mb1_load(img, len, &gm, &k, NULL, 0), 0);
	assert_int_equal(k.lowest, 0x200000);
	assert_int_equal(k.highest, 0x200122);
	assert_memory_equal(gm.base + 0x200000, img, 0x123);
	assert_untouched(&gm, 0x200123, RAM_SIZE);
	free(gm.base);
}

static void assert_fields_refused(const struct mb1_header *h, uint64_t ram, const char *msg)
{
	size_t len = raw_image(0x400, 0x40, MB1_HF_ADDRESS, h);
	assert_load_refused(img, len, ram, msg);
}

static void test_address_fields_refused(void **state)
{
	struct mb1_header ok = { .header_addr = 0x100020,
				 .load_addr = 0x100000,
				 .load_end_addr = 0x100200,
				 .bss_end_addr = 0x102000,
				 .entry_addr = 0x100100 };
	struct mb1_header h;

	h = ok;
	h.load_addr = 0x100021;
	assert_fields_refused(&h, RAM_SIZE,
			      "multiboot1: load_addr 0x00100021 is above header_addr 0x00100020");
	h = ok;
	h.load_addr = 0x0fffdf;
	assert_fields_refused(
		&h, RAM_SIZE,
		"multiboot1: header_addr 0x00100020 - load_addr 0x000fffdf reaches 0x41 bytes "
		"before the header at offset 0x40, past the start of the image");
	h = ok;
	h.load_end_addr = 0x100000;
	assert_fields_refused(
		&h, RAM_SIZE,
		"multiboot1: load_end_addr 0x00100000 is not above load_addr 0x00100000");
	h = ok;
	h.load_end_addr = 0x1003e1;
	assert_fields_refused(
		&h, RAM_SIZE,
		"multiboot1: [load_addr, load_end_addr) needs 0x3e1 bytes from file offset "
		"0x20, past the end of the 1024-byte image");
	h = ok;
	h.bss_end_addr = 0x1001ff;
	assert_fields_refused(&h, RAM_SIZE,
			      "multiboot1: bss_end_addr 0x001001ff is below the end of the loaded "
			      "bytes 0x100200");
	h = ok;
	assert_fields_refused(
		&h, 0x101000,
		"multiboot1: kernel [0x00100000, 0x102000) beyond guest RAM (1028 KiB)");
	h = ok;
	h.bss_end_addr = 0;
	assert_fields_refused(
		&h, 0x1001ff,
		"multiboot1: kernel [0x00100000, 0x100200) beyond guest RAM (1049087 bytes)");
	/* load_end_addr 0 near the top: the rest of the file crosses 4 GiB. */
	h = (struct mb1_header){ .header_addr = 0xffffff20,
				 .load_addr = 0xffffff00,
				 .entry_addr = 0xffffff00 };
	assert_fields_refused(&h, RAM_SIZE,
			      "multiboot1: kernel [0xffffff00, 0x1000002e0) extends past 4 GiB");
	h = ok;
	h.entry_addr = 0x100200;
	assert_fields_refused(&h, RAM_SIZE,
			      "multiboot1: entry_addr 0x00100200 is outside the loaded bytes "
			      "[0x00100000, 0x100200)");
	h = ok;
	h.entry_addr = 0xfffff;
	assert_fields_refused(&h, RAM_SIZE,
			      "multiboot1: entry_addr 0x000fffff is outside the loaded bytes "
			      "[0x00100000, 0x100200)");
}

static void test_place_modules(void **state)
{
	uint64_t cursor = 0x10200e + 1, start;
	char err[160];

	assert_int_equal(mb1_place_module(RAM_SIZE, &cursor, 0x1234, &start, err, sizeof(err)), 0);
	assert_int_equal(start, 0x103000);
	assert_int_equal(cursor, 0x104234);
	assert_int_equal(mb1_place_module(RAM_SIZE, &cursor, 0, &start, err, sizeof(err)), 0);
	assert_int_equal(start, 0x105000);
	assert_int_equal(mb1_place_module(RAM_SIZE, &cursor, 0x1000, &start, err, sizeof(err)), 0);
	assert_int_equal(start, 0x105000);
	assert_int_equal(cursor, 0x106000);
	/* Already aligned: no gap; and a module may end exactly at the end of RAM. */
	assert_int_equal(
		mb1_place_module(RAM_SIZE, &cursor, RAM_SIZE - 0x106000, &start, err, sizeof(err)),
		0);
	assert_int_equal(start, 0x106000);
	assert_int_equal(cursor, RAM_SIZE);

	assert_int_equal(mb1_place_module(RAM_SIZE, &cursor, 1, &start, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "multiboot1: module [0x400000, 0x400001) beyond guest RAM (4 MiB)");
	/* Up to exactly 4 GiB, even with more RAM: the kernel gets 32-bit addresses. */
	cursor = 0xffffe001;
	assert_int_equal(mb1_place_module(8ull << 30, &cursor, 0x1000, &start, err, sizeof(err)),
			 0);
	assert_int_equal(start, 0xfffff000);
	assert_int_equal(cursor, 1ull << 32);
	cursor = 0xffffe001;
	assert_int_equal(mb1_place_module(8ull << 30, &cursor, 0x1001, &start, err, sizeof(err)),
			 -1);
	assert_string_equal(err,
			    "multiboot1: module of 0x1001 bytes at 0xfffff000 extends past 4 GiB");
	assert_int_equal(cursor, 0xffffe001);
	cursor = UINT64_MAX;
	assert_int_equal(mb1_place_module(8ull << 30, &cursor, 1, &start, err, sizeof(err)), -1);
	assert_string_equal(
		err, "multiboot1: module of 0x1 bytes at 0xffffffffffffffff extends past 4 GiB");
	assert_int_equal(cursor, UINT64_MAX);
}

static const struct mb1_mmap_entry mmap3[] = {
	{ 0x0, 0x9fc00, MB1_MEM_AVAILABLE },
	{ 0xf0000, 0x10000, MB1_MEM_RESERVED },
	{ 0x100000, 0x300000, MB1_MEM_AVAILABLE },
};

static const struct mb1_module mods2[] = {
	{ 0x103000, 0x104234, "initrd.img root=/dev/ram0" },
	{ 0x105000, 0x105000, NULL },
};

static const struct mb1_boot_params full_params = {
	.mem_lower_kib = 639,
	.mem_upper_kib = 3072,
	.mmap = mmap3,
	.mmap_count = 3,
	.cmdline = "console=ttyS0 loglevel=7",
	.mods = mods2,
	.mods_count = 2,
};

static const char *guest_str(const struct guest_mem *gm, uint32_t gpa)
{
	assert_true(gpa >= INFO_GPA && gpa < INFO_GPA + INFO_REGION);
	return (const char *)gm->base + gpa;
}

/* Read back at the offsets of spec 3.3, written out here rather than taken from
 * the builder. */
static void test_build_info(void **state)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	uint32_t info = 0;
	char err[160] = "";

	assert_int_equal(
		mb1_build_info(&gm, INFO_GPA, INFO_REGION, &full_params, &info, err, sizeof(err)),
		0);
	assert_string_equal(err, "");
	assert_int_equal(info, INFO_GPA);

	const uint8_t *mbi = gm.base + info;
	assert_int_equal(get32(mbi + 0), 0x24d); /* bits 0, 2, 3, 6, 9 */
	assert_int_equal(get32(mbi + 4), 639);
	assert_int_equal(get32(mbi + 8), 3072);
	assert_int_equal(get32(mbi + 12), 0); /* boot_device: flag clear */
	assert_string_equal(guest_str(&gm, get32(mbi + 16)), "console=ttyS0 loglevel=7");
	assert_string_equal(guest_str(&gm, get32(mbi + 64)), "hv");
	for (unsigned off = 28; off < 44; off += 4)
		assert_int_equal(get32(mbi + off), 0); /* syms */
	for (unsigned off = 52; off < 116; off += 4)
		if (off != 64)
			assert_int_equal(get32(mbi + off), 0);

	assert_int_equal(get32(mbi + 44), 3 * 24);
	uint32_t mmap = get32(mbi + 48);
	assert_true(mmap >= info + 116);
	assert_int_equal(mmap % 8, 0);
	for (unsigned i = 0; i < 3; i++) {
		const uint8_t *e = gm.base + mmap + i * 24;
		assert_int_equal(get32(e), 20);
		assert_int_equal(get64(e + 4), mmap3[i].base);
		assert_int_equal(get64(e + 12), mmap3[i].len);
		assert_int_equal(get32(e + 20), mmap3[i].type);
	}

	assert_int_equal(get32(mbi + 20), 2);
	uint32_t mods = get32(mbi + 24);
	const uint8_t *m0 = gm.base + mods, *m1 = m0 + 16;
	assert_int_equal(get32(m0), 0x103000);
	assert_int_equal(get32(m0 + 4), 0x104234);
	assert_string_equal(guest_str(&gm, get32(m0 + 8)), "initrd.img root=/dev/ram0");
	assert_int_equal(get32(m0 + 12), 0);
	assert_int_equal(get32(m1), 0x105000);
	assert_int_equal(get32(m1 + 4), 0x105000);
	assert_string_equal(guest_str(&gm, get32(m1 + 8)), "");

	/* Everything is in one block from the region start: 120 bytes of structure,
	 * the map, the module list, then the strings. */
	uint64_t used = 120 + 3 * 24 + 2 * 16 + 3 + 25 + 26 + 1;
	assert_int_equal(mmap, INFO_GPA + 120);
	assert_int_equal(mods, INFO_GPA + 120 + 72);
	assert_int_not_equal(gm.base[INFO_GPA + used - 1], UNTOUCHED);
	assert_untouched(&gm, 0, INFO_GPA);
	assert_untouched(&gm, INFO_GPA + used, RAM_SIZE);
	free(gm.base);
}

/* No map, no modules, no command line: MMAP clear, the rest still valid. */
static void test_build_info_minimal(void **state)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct mb1_boot_params p = { .mem_lower_kib = 640, .mem_upper_kib = 0 };
	uint32_t info;

	assert_int_equal(mb1_build_info(&gm, 0x1000, 120 + 3 + 1, &p, &info, NULL, 0), 0);
	const uint8_t *mbi = gm.base + info;
	assert_int_equal(get32(mbi + 0), 0x20d);
	assert_int_equal(get32(mbi + 4), 640);
	assert_int_equal(get32(mbi + 20), 0);
	assert_int_equal(get32(mbi + 44), 0);
	assert_int_equal(get32(mbi + 48), 0);
	assert_string_equal((const char *)gm.base + get32(mbi + 16), "");
	assert_string_equal((const char *)gm.base + get32(mbi + 64), "hv");
	assert_untouched(&gm, 0x1000 + 124, RAM_SIZE);
	free(gm.base);
}

/* gm may claim more RAM than base holds: a refused build writes nothing. */
static void assert_info_refused(uint64_t ram, uint64_t region, uint64_t size,
				const struct mb1_boot_params *p, const char *msg)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	uint32_t info = 0x5a5a;
	char err[200] = "";
	gm.size = ram;
	assert_int_equal(mb1_build_info(&gm, region, size, p, &info, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(info, 0x5a5a);
	assert_untouched(&gm, 0, RAM_SIZE);
	free(gm.base);
}

static void test_build_info_refused(void **state)
{
	struct mb1_boot_params p = full_params;
	struct mb1_module mods[2];

	assert_info_refused(RAM_SIZE, INFO_GPA, 278, &p,
			    "multiboot1: boot information needs 279 bytes, but the region at "
			    "0x9000 holds 278 bytes");
	assert_info_refused(RAM_SIZE, INFO_GPA + 4, INFO_REGION, &p,
			    "multiboot1: boot information region 0x9004 is not 8-byte aligned");
	assert_info_refused(RAM_SIZE, RAM_SIZE - 0x8000, INFO_REGION, &p,
			    "multiboot1: boot information region [0x3f8000, 0x408000) beyond guest "
			    "RAM (4 MiB)");
	assert_info_refused(
		8ull << 30, 0xffff8000, INFO_REGION, &p,
		"multiboot1: boot information region 0xffff8000 (64 KiB) extends past 4 GiB");
	p.mem_lower_kib = 641;
	assert_info_refused(RAM_SIZE, INFO_GPA, INFO_REGION, &p,
			    "multiboot1: mem_lower 641 KiB exceeds 640 KiB");

	p = full_params;
	p.mods = mods;
	memcpy(mods, mods2, sizeof(mods));
	mods[1].start = 0x105001;
	assert_info_refused(RAM_SIZE, INFO_GPA, INFO_REGION, &p,
			    "multiboot1: module 1 ends (0x105000) before it starts (0x105001)");
	memcpy(mods, mods2, sizeof(mods));
	mods[1].end = RAM_SIZE + 1;
	assert_info_refused(RAM_SIZE, INFO_GPA, INFO_REGION, &p,
			    "multiboot1: module 1 [0x105000, 0x400001) beyond guest RAM (4 MiB)");
	memcpy(mods, mods2, sizeof(mods));
	mods[0] = (struct mb1_module){ 0xfffff000, 0x100000000ull + 1, "" };
	assert_info_refused(8ull << 30, INFO_GPA, INFO_REGION, &p,
			    "multiboot1: module 0 [0xfffff000, 0x100000001) extends past 4 GiB");
	memcpy(mods, mods2, sizeof(mods));
	mods[1] = (struct mb1_module){ INFO_GPA + INFO_REGION - 1, INFO_GPA + INFO_REGION, "" };
	assert_info_refused(
		RAM_SIZE, INFO_GPA, INFO_REGION, &p,
		"multiboot1: module 1 [0x18fff, 0x19000) overlaps the boot information region "
		"[0x9000, 0x19000)");
	/* Touching the region is fine. */
	mods[1] = (struct mb1_module){ INFO_GPA + INFO_REGION, INFO_GPA + INFO_REGION + 1, "" };
	struct guest_mem gm = ram_new(RAM_SIZE);
	uint32_t info;
	assert_int_equal(mb1_build_info(&gm, INFO_GPA, INFO_REGION, &p, &info, NULL, 0), 0);
	free(gm.base);
}

/* Too many modules for 64 KiB: the count is reported with the exact need. */
static void test_build_info_too_big(void **state)
{
	static struct mb1_module many[4096];
	struct mb1_boot_params p = { .mods = many, .mods_count = 4096, .cmdline = "x" };
	for (size_t i = 0; i < 4096; i++)
		many[i] = (struct mb1_module){ 0x200000, 0x200000, NULL };
	/* 120 + 4096 * (16 + 1) + 3 + 2 */
	assert_info_refused(RAM_SIZE, INFO_GPA, INFO_REGION, &p,
			    "multiboot1: boot information needs 69757 bytes, but the region at "
			    "0x9000 holds 64 KiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_kernel),
		cmocka_unit_test(test_find_header),
		cmocka_unit_test(test_header_missing),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_header_beyond_8192),
		cmocka_unit_test(test_unsupported_flags),
		cmocka_unit_test(test_unknown_optional_flag_ignored),
		cmocka_unit_test(test_elf_required),
		cmocka_unit_test(test_address_fields),
		cmocka_unit_test(test_address_fields_whole_file),
		cmocka_unit_test(test_address_fields_refused),
		cmocka_unit_test(test_place_modules),
		cmocka_unit_test(test_build_info),
		cmocka_unit_test(test_build_info_minimal),
		cmocka_unit_test(test_build_info_refused),
		cmocka_unit_test(test_build_info_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
