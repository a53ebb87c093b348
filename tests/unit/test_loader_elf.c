/* Unit tests for the ELF loader: ELF32 and ELF64 kernels built in the test, the
 * real mb1_min fixture linked by binutils, and each malformed image it must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/loader/elf.h"
#include "hv/loader/loader_msg.h"
#include "tests/fixtures/loader/elf_build.h"
#include "tests/fixtures/loader/mb1_min.h"

#define RAM_SIZE 0x200000u
#define IMG_CAP 0x4000u
#define UNTOUCHED 0xaa

static uint8_t img[IMG_CAP];

/* Guest RAM filled with UNTOUCHED, so zero fill and stray writes both show. */
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

/* Both elf_check() and elf_load() must refuse img[0, len) with exactly msg, and
 * the failed load must leave guest memory as it was. */
static void assert_refused(size_t len, uint64_t ram, const char *msg)
{
	struct guest_mem gm = ram_new(ram);
	struct elf_loaded out;
	char err[200] = "";

	assert_int_equal(elf_check(img, len, ram, &out, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	strcpy(err, "");
	assert_int_equal(elf_load(img, len, &gm, &out, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_untouched(&gm, 0, ram);
	free(gm.base);
}

static void assert_spec_refused(const struct eb_spec *s, const char *msg)
{
	assert_refused(eb_build(img, sizeof(img), s), RAM_SIZE, msg);
}

/* Segment i of s loaded as ELF says: file bytes at p_paddr, then zeroes to p_memsz. */
static void assert_segment_loaded(const struct guest_mem *gm, const struct eb_spec *s, unsigned i)
{
	const struct eb_seg *g = &s->seg[i];
	for (uint64_t k = 0; k < g->memsz; k++) {
		uint8_t want = k < g->filesz ? eb_pattern(i, k) : 0;
		if (gm->base[g->paddr + k] != want)
			fail_msg("segment %u byte 0x%llx: 0x%02x, expected 0x%02x", i,
				 (unsigned long long)k, gm->base[g->paddr + k], want);
	}
}

static void test_load_elf32(void **state)
{
	struct eb_spec s = eb_kernel32();
	size_t len = eb_build(img, sizeof(img), &s);
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct elf_loaded out;
	char err[128] = "";

	assert_int_equal(elf_load(img, len, &gm, &out, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_false(out.is64);
	assert_int_equal(out.entry, 0x100010);
	assert_int_equal(out.lowest, 0x100000);
	assert_int_equal(out.highest, 0x102fff);
	assert_segment_loaded(&gm, &s, 0);
	assert_segment_loaded(&gm, &s, 1);
	assert_untouched(&gm, 0, 0x100000);
	assert_untouched(&gm, 0x100800, 0x102000);
	assert_untouched(&gm, 0x103000, RAM_SIZE);
	free(gm.base);
}

/* A kernel linked in the top 2 GiB is loaded by p_paddr and its entry translated. */
static void test_load_elf64_higher_half(void **state)
{
	struct eb_spec s = eb_kernel64();
	size_t len = eb_build(img, sizeof(img), &s);
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct elf_loaded out;

	assert_int_equal(elf_load(img, len, &gm, &out, NULL, 0), 0);
	assert_true(out.is64);
	assert_int_equal(out.entry, 0x100010);
	assert_int_equal(out.lowest, 0x100000);
	assert_int_equal(out.highest, 0x102fff);
	assert_segment_loaded(&gm, &s, 0);
	assert_segment_loaded(&gm, &s, 1);
	assert_untouched(&gm, 0x100800, 0x102000);
	free(gm.base);
}

/* elf_check() reports what elf_load() would, and writes nothing. */
static void test_check_matches_load(void **state)
{
	struct eb_spec s = eb_kernel64();
	size_t len = eb_build(img, sizeof(img), &s);
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct elf_loaded checked, loaded;

	assert_int_equal(elf_check(img, len, RAM_SIZE, &checked, NULL, 0), 0);
	assert_untouched(&gm, 0, RAM_SIZE);
	assert_int_equal(elf_load(img, len, &gm, &loaded, NULL, 0), 0);
	assert_memory_equal(&checked, &loaded, sizeof(checked));
	free(gm.base);
}

/* Non-PT_LOAD headers and empty PT_LOADs are skipped wherever they point, and
 * segments may abut, touch the end of RAM and come in any order. */
static void test_skips_and_edges(void **state)
{
	struct eb_spec s = {
		.is64 = 1,
		.entry = 0x1f0000,
		.nseg = 5,
		.seg = {
			{ 4, 0x4, 0xffff0000, 0, 0, 0x10000, 0x10000 },	 /* PT_NOTE */
			{ 1, 0x6, 0x2000, 0x1ff000, 0x1ff000, 0x800, 0x1000 },	 /* to RAM end */
			{ 1, 0x5, 0x1000, 0x1f0000, 0x1f0000, 0x1000, 0xf000 },	 /* abuts 1 */
			{ 1, 0x5, 0x3000, 0x900000, 0x900000, 0, 0 },		 /* empty */
			{ 0x6474e551, 0x6, 0, 0, 0, 0, 0 },			 /* PT_GNU_STACK */
		},
	};
	size_t len = eb_build(img, sizeof(img), &s);
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct elf_loaded out;

	assert_int_equal(elf_load(img, len, &gm, &out, NULL, 0), 0);
	assert_int_equal(out.lowest, 0x1f0000);
	assert_int_equal(out.highest, RAM_SIZE - 1);
	assert_int_equal(out.entry, 0x1f0000);
	assert_segment_loaded(&gm, &s, 1);
	assert_segment_loaded(&gm, &s, 2);
	assert_untouched(&gm, 0, 0x1f0000);
	free(gm.base);
}

/* The real kernel from mb1_min.S, as `readelf -l` shows it: code at 0x100000
 * from file offset 0xa0, data at 0x101000 (0xf bytes from 0xc0, then 0x1000 of
 * bss), a PT_GNU_STACK to skip, entry 0x10000c. */
static void test_real_image(void **state)
{
	static const uint8_t code[] = { 0x02, 0xb0, 0xad, 0x1b, 0x03, 0x00, 0x00, 0x00,
					0xfb, 0x4f, 0x52, 0xe4, 0xfa, 0xf4, 0xeb, 0xfd };
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct elf_loaded out;
	char err[128] = "";

	assert_int_equal(elf_load(mb1_min_elf, mb1_min_elf_len, &gm, &out, err, sizeof(err)), 0);
	assert_false(out.is64);
	assert_int_equal(out.entry, 0x10000c);
	assert_int_equal(out.lowest, 0x100000);
	assert_int_equal(out.highest, 0x10200e);
	assert_memory_equal(gm.base + 0x100000, mb1_min_elf + 0xa0, 0x10);
	assert_memory_equal(gm.base + 0x100000, code, sizeof(code));
	assert_memory_equal(gm.base + 0x101000, mb1_min_elf + 0xc0, 0xf);
	assert_memory_equal(gm.base + 0x101000, "hv mb1_min data", 0xf);
	for (uint64_t a = 0x10100f; a < 0x10200f; a++)
		assert_int_equal(gm.base[a], 0);
	assert_untouched(&gm, 0, 0x100000);
	assert_untouched(&gm, 0x100010, 0x101000);
	assert_untouched(&gm, 0x10200f, RAM_SIZE);
	free(gm.base);
}

static void test_truncated(void **state)
{
	struct eb_spec s32 = eb_kernel32(), s64 = eb_kernel64();

	eb_build(img, sizeof(img), &s32);
	assert_refused(0, RAM_SIZE, "ELF: image is 0 bytes, too short for e_ident (16)");
	assert_refused(15, RAM_SIZE, "ELF: image is 15 bytes, too short for e_ident (16)");
	assert_refused(51, RAM_SIZE,
		       "ELF: image is 51 bytes, too short for the ELFCLASS32 header (52)");
	eb_build(img, sizeof(img), &s64);
	assert_refused(63, RAM_SIZE,
		       "ELF: image is 63 bytes, too short for the ELFCLASS64 header (64)");
	/* Headers complete, program header table cut off. */
	assert_refused(
		64 + 56 + 55, RAM_SIZE,
		"ELF: program headers (offset 0x40, 2 x 56 bytes) outside the 175-byte image");
	/* Headers complete, segment 1's bytes cut off. */
	assert_refused(0x1850, RAM_SIZE,
		       "ELF: segment 1 file bytes (offset 0x1800, size 0x100) outside the "
		       "6224-byte image");
}

static void test_bad_ident(void **state)
{
	struct eb_spec s = eb_kernel32();
	size_t len;

	len = eb_build(img, sizeof(img), &s);
	img[3] = 'X';
	assert_refused(len, RAM_SIZE, "ELF: bad magic 7f 45 4c 58 (expected 7f 45 4c 46)");
	len = eb_build(img, sizeof(img), &s);
	img[EB_IDENT_CLASS] = 3;
	assert_refused(len, RAM_SIZE,
		       "ELF: EI_CLASS 3 is neither ELFCLASS32 (1) nor ELFCLASS64 (2)");
	len = eb_build(img, sizeof(img), &s);
	img[EB_IDENT_DATA] = 2;
	assert_refused(len, RAM_SIZE,
		       "ELF: EI_DATA 2 is not ELFDATA2LSB (1): x86 images are little-endian");
	len = eb_build(img, sizeof(img), &s);
	img[EB_IDENT_VERSION] = 0;
	assert_refused(len, RAM_SIZE, "ELF: EI_VERSION 0 is not EV_CURRENT (1)");
}

static void test_bad_type_machine_version(void **state)
{
	struct eb_spec s = eb_kernel32();
	size_t len;

	len = eb_build(img, sizeof(img), &s);
	eb_put16(img, EB_TYPE, 3);
	assert_refused(len, RAM_SIZE, "ELF: e_type 3 is not ET_EXEC (2)");

	s.machine = 62;
	assert_spec_refused(&s, "ELF: e_machine 62, expected 3 (EM_386) for ELFCLASS32");
	s = eb_kernel64();
	s.machine = 3;
	assert_spec_refused(&s, "ELF: e_machine 3, expected 62 (EM_X86_64) for ELFCLASS64");

	s = eb_kernel64();
	len = eb_build(img, sizeof(img), &s);
	eb_put32(img, EB_VERSION, 2);
	assert_refused(len, RAM_SIZE, "ELF: e_version 2 is not EV_CURRENT (1)");
}

static void test_bad_program_header_table(void **state)
{
	struct eb_spec s32 = eb_kernel32(), s64 = eb_kernel64();
	size_t len;

	len = eb_build(img, sizeof(img), &s32);
	eb_put16(img, EB32_PHENTSIZE, 56);
	assert_refused(len, RAM_SIZE, "ELF: e_phentsize 56, expected 32 for ELFCLASS32");
	len = eb_build(img, sizeof(img), &s64);
	eb_put16(img, EB64_PHENTSIZE, 32);
	assert_refused(len, RAM_SIZE, "ELF: e_phentsize 32, expected 56 for ELFCLASS64");

	len = eb_build(img, sizeof(img), &s32);
	eb_put16(img, EB32_PHNUM, 0);
	assert_refused(len, RAM_SIZE, "ELF: no program headers (e_phnum 0)");
	eb_put16(img, EB32_PHNUM, 0xffff);
	assert_refused(len, RAM_SIZE,
		       "ELF: e_phnum 65535, more than the 64 program headers supported");

	len = eb_build(img, sizeof(img), &s32);
	eb_put32(img, EB32_PHOFF, (uint32_t)len - 32);
	assert_refused(
		len, RAM_SIZE,
		"ELF: program headers (offset 0x18e0, 2 x 32 bytes) outside the 6400-byte image");
	eb_put32(img, EB32_PHOFF, 0xffffffff);
	assert_refused(len, RAM_SIZE,
		       "ELF: program headers (offset 0xffffffff, 2 x 32 bytes) outside the "
		       "6400-byte image");
	/* An offset near 2^64 must not wrap around to look in range. */
	len = eb_build(img, sizeof(img), &s64);
	eb_put64(img, EB64_PHOFF, 0xffffffffffffffc0ull);
	assert_refused(len, RAM_SIZE,
		       "ELF: program headers (offset 0xffffffffffffffc0, 2 x 56 bytes) outside the "
		       "6400-byte image");
}

static void test_segment_sizes(void **state)
{
	struct eb_spec s = eb_kernel32();
	s.seg[1].filesz = 0x1001;
	assert_spec_refused(&s, "ELF: segment 1 p_filesz 0x1001 exceeds p_memsz 0x1000");

	s = eb_kernel64();
	s.seg[0].offset = 0xfffffffffffff000ull;
	assert_spec_refused(&s, "ELF: segment 0 file bytes (offset 0xfffffffffffff000, size 0x800) "
				"outside the 6400-byte image");

	s = eb_kernel64();
	s.seg[1].paddr = 0xfffffffffffff000ull;
	assert_spec_refused(&s,
			    "ELF: segment 1 p_paddr 0xfffffffffffff000 + p_memsz 0x1000 overflows");

	/* 64-bit sums that do not wrap but are useless to a 32-bit guest. */
	s = eb_kernel32();
	s.seg[1].paddr = 0xfffff800;
	assert_spec_refused(&s, "ELF: segment 1 [0xfffff800, 0x100000800) extends past 4 GiB");
}

static void test_segment_beyond_ram(void **state)
{
	struct eb_spec s = eb_kernel32();
	s.seg[0].paddr = s.seg[0].vaddr = 0x10000;
	s.entry = 0x10010;
	s.seg[1].paddr = 0x100000;
	s.seg[1].memsz = 0x80000;
	assert_refused(eb_build(img, sizeof(img), &s), 0x100000,
		       "ELF: segment 1 [0x100000, 0x180000) beyond guest RAM (1 MiB)");

	/* One byte over, in an odd-sized RAM. */
	s = eb_kernel32();
	assert_refused(eb_build(img, sizeof(img), &s), 0x102fff,
		       "ELF: segment 1 [0x102000, 0x103000) beyond guest RAM (1060863 bytes)");
}

static void test_overlapping_segments(void **state)
{
	struct eb_spec s = eb_kernel32();
	s.seg[1].paddr = 0x1007ff;
	assert_spec_refused(
		&s, "ELF: segments 0 [0x100000, 0x100800) and 1 [0x1007ff, 0x1017ff) overlap");

	/* Overlap in the zero-filled part counts too, and containment. */
	s = eb_kernel32();
	s.seg[0].paddr = 0x102800;
	s.seg[0].memsz = s.seg[0].filesz = 0x100;
	s.entry = 0x100010;
	s.seg[0].vaddr = 0x100000;
	assert_spec_refused(
		&s, "ELF: segments 0 [0x102800, 0x102900) and 1 [0x102000, 0x103000) overlap");
}

static void test_entry_outside_code(void **state)
{
	struct eb_spec s = eb_kernel32();

	s.entry = 0x102000; /* the data segment: not PF_X */
	assert_spec_refused(&s,
			    "ELF: entry point 0x102000 is not in the file bytes of an executable "
			    "(PF_X) PT_LOAD segment");
	s.entry = 0x100800; /* one past the code */
	assert_spec_refused(&s,
			    "ELF: entry point 0x100800 is not in the file bytes of an executable "
			    "(PF_X) PT_LOAD segment");
	s.entry = 0xfffff;
	assert_spec_refused(&s,
			    "ELF: entry point 0xfffff is not in the file bytes of an executable "
			    "(PF_X) PT_LOAD segment");

	/* Zero fill of an executable segment is not code. */
	s = eb_kernel32();
	s.seg[0].memsz = 0x1000;
	s.entry = 0x100900;
	assert_spec_refused(&s,
			    "ELF: entry point 0x100900 is not in the file bytes of an executable "
			    "(PF_X) PT_LOAD segment");

	/* ELF64: the physical address of the code is not its entry address. */
	s = eb_kernel64();
	s.entry = 0x100010;
	assert_spec_refused(&s,
			    "ELF: entry point 0x100010 is not in the file bytes of an executable "
			    "(PF_X) PT_LOAD segment");
}

static void test_no_loadable_segment_and_interp(void **state)
{
	struct eb_spec s = eb_kernel32();
	s.seg[0].memsz = s.seg[0].filesz = 0;
	s.seg[1].type = 4;
	assert_spec_refused(&s, "ELF: no PT_LOAD segment with bytes to load");

	s = eb_kernel32();
	s.nseg = 3;
	s.seg[2] = (struct eb_seg){ 3, 0x4, 0x100, 0, 0, 0x10, 0x10 };
	assert_spec_refused(&s, "ELF: segment 2 is PT_INTERP: dynamically linked executables are "
				"not supported");
}

/* Messages are cut to the buffer and NUL-terminated; no buffer is fine too. */
static void test_error_buffer(void **state)
{
	struct elf_loaded out;
	char err[8];

	memset(err, 'x', sizeof(err));
	assert_int_equal(elf_check(img, 0, RAM_SIZE, &out, err, sizeof(err)), -1);
	assert_string_equal(err, "ELF: im");
	assert_int_equal(elf_check(img, 0, RAM_SIZE, &out, NULL, 0), -1);
}

static void test_size_str(void **state)
{
	char buf[LOADER_SIZE_STR_LEN];
	assert_string_equal(loader_size_str(buf, 1 << 20), "1 MiB");
	assert_string_equal(loader_size_str(buf, 4ull << 30), "4 GiB");
	assert_string_equal(loader_size_str(buf, 1536ull << 20), "1536 MiB");
	assert_string_equal(loader_size_str(buf, 0x9f000), "636 KiB");
	assert_string_equal(loader_size_str(buf, 100), "100 bytes");
	assert_string_equal(loader_size_str(buf, 0), "0 bytes");
	assert_string_equal(loader_size_str(buf, UINT64_MAX), "18446744073709551615 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_elf32),
		cmocka_unit_test(test_load_elf64_higher_half),
		cmocka_unit_test(test_check_matches_load),
		cmocka_unit_test(test_skips_and_edges),
		cmocka_unit_test(test_real_image),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_bad_type_machine_version),
		cmocka_unit_test(test_bad_program_header_table),
		cmocka_unit_test(test_segment_sizes),
		cmocka_unit_test(test_segment_beyond_ram),
		cmocka_unit_test(test_overlapping_segments),
		cmocka_unit_test(test_entry_outside_code),
		cmocka_unit_test(test_no_loadable_segment_and_interp),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_size_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
