/* Unit tests for what the Linux loader hands the kernel: the zero page read back
 * at zero-page.rst's literal offsets, the e820 map, command line, initrd and RSDP,
 * the vmlinux ELF64 path, and a real bzImage when one is installed. */
#include <glob.h>
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

#define RAM_SIZE 0x2000000u /* 32 MiB */
#define IMG_CAP 0x10000u
#define UNTOUCHED 0xaa
#define ZERO_PAGE 0x7000u
#define CMDLINE 0x20000u
#define ACPI_BASE (RAM_SIZE - 0x10000)

static uint8_t img[IMG_CAP];
static uint8_t initrd[0x5000];
static struct guest_mem gm;
static struct linux_e820 e820[130];

static int setup(void **state)
{
	gm = (struct guest_mem){ malloc(RAM_SIZE), RAM_SIZE };
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 7 + 3);
	return gm.base ? 0 : -1;
}

static int teardown(void **state)
{
	free(gm.base);
	return 0;
}

static struct linux_params params(void)
{
	e820[0] = (struct linux_e820){ 0, 0x9fc00, LINUX_E820_RAM };
	e820[1] = (struct linux_e820){ 0x9fc00, 0x60400, LINUX_E820_RESERVED };
	e820[2] = (struct linux_e820){ 0x100000, ACPI_BASE - 0x100000, LINUX_E820_RAM };
	e820[3] = (struct linux_e820){ ACPI_BASE, 0x10000, LINUX_E820_ACPI };
	return (struct linux_params){ .e820 = e820, .e820_count = 4, .cmdline = "root=/dev/vda",
				      .acpi_rsdp = 0xe0000, .zero_page_gpa = ZERO_PAGE,
				      .cmdline_gpa = CMDLINE };
}

static const uint8_t *zp(void)
{
	return gm.base + ZERO_PAGE;
}

static int load(size_t len, const struct linux_params *p, struct linux_boot *b, char *err)
{
	memset(gm.base, UNTOUCHED, RAM_SIZE);
	strcpy(err, "");
	return linux_load(img, len, &gm, p, b, err, 256);
}

static struct linux_boot load_ok(size_t len, const struct linux_params *p)
{
	struct linux_boot b;
	char err[256];
	if (load(len, p, &b, err))
		fail_msg("refused: %s", err);
	return b;
}

static void assert_refused(size_t len, const struct linux_params *p, const char *msg)
{
	struct linux_boot b;
	char err[256];
	assert_int_equal(load(len, p, &b, err), -1);
	assert_string_equal(err, msg);
	for (uint64_t a = 0; a < RAM_SIZE; a += 1)
		if (gm.base[a] != UNTOUCHED)
			fail_msg("guest byte 0x%llx was written", (unsigned long long)a);
}

static size_t default_image(void)
{
	struct lb_spec s = lb_default();
	return lb_build(img, sizeof(img), &s);
}

/* Every byte of the zero page: the setup header copied from the file with the
 * loader's fields over it, the loader's other fields, zero everywhere else. */
static void test_zero_page_fields(void **state)
{
	size_t len = default_image();
	struct linux_params p = params();
	p.initrd = initrd;
	p.initrd_len = sizeof(initrd);
	struct linux_boot b = load_ok(len, &p);
	const uint8_t *z = zp();

	assert_int_equal(b.initrd_end - b.initrd_start, sizeof(initrd));
	assert_int_equal(lb_get64(z, 0x070), 0xe0000);			/* acpi_rsdp_addr */
	assert_int_equal(lb_get32(z, 0x0c0), 0);			/* ext_ramdisk_image */
	assert_int_equal(lb_get32(z, 0x0c4), 0);			/* ext_ramdisk_size */
	assert_int_equal(lb_get32(z, 0x0c8), 0);			/* ext_cmd_line_ptr */
	assert_int_equal(z[0x1e8], 4);					/* e820_entries */
	assert_int_equal(z[0x210], 0xff);				/* type_of_loader */
	assert_int_equal(lb_get32(z, 0x218), b.initrd_start);		/* ramdisk_image */
	assert_int_equal(lb_get32(z, 0x21c), sizeof(initrd));		/* ramdisk_size */
	assert_int_equal(lb_get32(z, 0x228), CMDLINE);			/* cmd_line_ptr */
	assert_int_equal(lb_get32(z, 0x23c), 0);			/* hardware_subarch */

	for (size_t off = 0; off < 4096; off++) {
		bool loader = (off >= 0x070 && off < 0x078) || (off >= 0x0c0 && off < 0x0cc) ||
			      off == 0x1e8 || off == 0x210 || (off >= 0x218 && off < 0x220) ||
			      (off >= 0x228 && off < 0x22c) || (off >= 0x23c && off < 0x240) ||
			      (off >= 0x2d0 && off < 0x2d0 + 4 * 20);
		if (loader)
			continue;
		uint8_t want = off >= 0x1f1 && off < 0x26c ? img[off] : 0;
		if (z[off] != want)
			fail_msg("zero page byte 0x%zx: 0x%02x, expected 0x%02x", off, z[off],
				 want);
	}
	/* The header the kernel reads back is the file's. */
	assert_memory_equal(z + 0x202, "HdrS", 4);
	assert_int_equal(lb_get16(z, 0x206), 0x020f);
	assert_int_equal(z[0x1ef], 0); /* sentinel */
}

static void test_e820_copied_exactly(void **state)
{
	size_t len = default_image();
	struct linux_params p = params();

	/* 128 entries, the most the zero page holds: 124 one-page reserved ranges
	 * at the top of the 4 GiB hole besides the PC map. */
	for (size_t i = 4; i < 128; i++)
		e820[i] = (struct linux_e820){ 0xfec00000 + i * 0x1000, 0x1000,
					       i % 2 ? LINUX_E820_NVS : LINUX_E820_RESERVED };
	p.e820_count = 128;
	load_ok(len, &p);
	assert_int_equal(zp()[0x1e8], 128);
	for (size_t i = 0; i < 128; i++) {
		const uint8_t *e = zp() + 0x2d0 + i * 20;
		assert_int_equal(lb_get64(e, 0), e820[i].addr);
		assert_int_equal(lb_get64(e, 8), e820[i].size);
		assert_int_equal(lb_get32(e, 16), e820[i].type);
	}
	/* Right after the table: eddbuf at 0xd00, untouched zero. */
	assert_int_equal(zp()[0x2d0 + 128 * 20], 0);

	p.e820_count = 129;
	e820[128] = (struct linux_e820){ 0xff000000, 0x1000, LINUX_E820_RESERVED };
	assert_refused(len, &p, "e820: 129 entries, more than the 128 of the zero page's e820_table");
	p = params();
	p.e820_count = 0;
	assert_refused(len, &p, "e820: the map is empty");
	p = params();
	e820[1].size = 0;
	assert_refused(len, &p, "e820: entry 1 at 0x9fc00 is empty");
	p = params();
	e820[3].addr = 0xfffffffffffff000ull;
	assert_refused(len, &p, "e820: entry 3 base 0xfffffffffffff000 + size 0x10000 overflows");
	p = params();
	e820[3].type = 0;
	assert_refused(len, &p, "e820: entry 3 has type 0, not RAM (1), reserved (2), ACPI (3), "
				"NVS (4) or unusable (5)");
	p = params();
	e820[2].size = RAM_SIZE;
	assert_refused(len, &p, "e820: RAM entry 2 [0x100000, 0x2100000) extends beyond guest RAM "
				"(32 MiB)");
	p = params();
	e820[1].size = 0x61000;
	assert_refused(len, &p, "e820: entries 1 and 2 overlap");
	/* Non-RAM ranges may lie beyond guest RAM (MMIO holes, firmware). */
	p = params();
	e820[3] = (struct linux_e820){ 0xfee00000, 0x1000, LINUX_E820_RESERVED };
	load_ok(len, &p);
}

static void test_cmdline(void **state)
{
	size_t len = default_image();
	struct linux_params p = params();
	char line[2049];

	load_ok(len, &p);
	assert_string_equal((char *)gm.base + CMDLINE, "root=/dev/vda");
	assert_int_equal(gm.base[CMDLINE + 14], UNTOUCHED);

	p.cmdline = NULL;
	load_ok(len, &p);
	assert_int_equal(gm.base[CMDLINE], 0);
	assert_int_equal(lb_get32(zp(), 0x228), CMDLINE);

	/* cmdline_size counts the characters, not the NUL. */
	memset(line, 'x', 2047);
	line[2047] = '\0';
	p.cmdline = line;
	load_ok(len, &p);
	assert_int_equal(strlen((char *)gm.base + CMDLINE), 2047);
	line[2047] = 'x';
	line[2048] = '\0';
	assert_refused(len, &p, "command line of 2048 bytes exceeds the kernel's cmdline_size 2047");
	struct lb_spec s = lb_default();
	s.cmdline_size = 255;
	size_t len255 = lb_build(img, sizeof(img), &s);
	line[256] = '\0';
	assert_refused(len255, &p, "command line of 256 bytes exceeds the kernel's cmdline_size 255");
	line[255] = '\0';
	load_ok(len255, &p);

	len = default_image();
	p = params();
	p.cmdline_gpa = RAM_SIZE - 10;
	assert_refused(len, &p, "command line at 0x1fffff6 (14 bytes) is not in guest RAM (32 MiB) "
				"below 4 GiB");
	p.cmdline_gpa = RAM_SIZE - 14;
	load_ok(len, &p);
	p = params();
	p.zero_page_gpa = RAM_SIZE - 0x800;
	assert_refused(len, &p, "zero page at 0x1fff800 (4096 bytes) is not in guest RAM (32 MiB) "
				"below 4 GiB");
	p.zero_page_gpa = CMDLINE - 0x1000 + 1;
	assert_refused(len, &p, "zero page [0x1f001, 0x20001) and command line [0x20000, 0x2000e) "
				"overlap");
	p = params();
	p.acpi_rsdp = RAM_SIZE;
	assert_refused(len, &p, "acpi_rsdp 0x2000000 is beyond guest RAM (32 MiB)");
}

static void assert_initrd_at(const struct linux_boot *b, uint64_t at, size_t n)
{
	assert_int_equal(b->initrd_start, at);
	assert_int_equal(b->initrd_end, at + n);
	assert_memory_equal(gm.base + at, initrd, n);
	assert_int_equal(lb_get32(gm.base + b->zero_page, 0x218), at);
	assert_int_equal(lb_get32(gm.base + b->zero_page, 0x21c), n);
}

static void test_initrd_placement(void **state)
{
	struct lb_spec s = lb_default();
	size_t len = lb_build(img, sizeof(img), &s);
	struct linux_params p = params();
	struct linux_boot b;

	/* As high as it goes in RAM: below the ACPI tables, page-aligned. */
	p.initrd = initrd;
	p.initrd_len = 0x4321;
	b = load_ok(len, &p);
	assert_initrd_at(&b, ACPI_BASE - 0x5000, 0x4321);

	/* initrd_addr_max is the highest byte it may occupy. */
	s.initrd_addr_max = 0xffffff;
	len = lb_build(img, sizeof(img), &s);
	b = load_ok(len, &p);
	assert_initrd_at(&b, 0x1000000 - 0x5000, 0x4321);
	p.initrd_len = 0x5000;
	b = load_ok(len, &p);
	assert_initrd_at(&b, 0x1000000 - 0x5000, 0x5000);

	/* Clear of a zero page or command line placed high. */
	p.zero_page_gpa = 0xffe000;
	b = load_ok(len, &p);
	assert_initrd_at(&b, 0xffe000 - 0x5000, 0x5000);

	/* Above the kernel: with initrd_addr_max right at its end there is no room. */
	p = params();
	p.initrd = initrd;
	p.initrd_len = 0x1000;
	s.initrd_addr_max = 0x600fff;
	len = lb_build(img, sizeof(img), &s);
	b = load_ok(len, &p);
	assert_initrd_at(&b, 0x600000, 0x1000);
	s.initrd_addr_max = 0x600ffe;
	len = lb_build(img, sizeof(img), &s);
	assert_refused(len, &p, "initrd of 4 KiB does not fit below initrd_addr_max 0x600ffe and "
				"the end of RAM 0x1ff0000, above the kernel's end 0x600000");

	/* Bigger than RAM. */
	len = default_image();
	p.initrd_len = 80 * 1024 * 1024;
	assert_refused(len, &p, "initrd of 80 MiB does not fit below initrd_addr_max 0x7fffffff and "
				"the end of RAM 0x1ff0000, above the kernel's end 0x600000");
}

/* acpi_rsdp_addr exists from protocol 2.14; an older kernel scans for the RSDP. */
static void test_rsdp_by_version(void **state)
{
	struct lb_spec s = lb_default();
	struct linux_params p = params();

	s.version = 0x020e;
	load_ok(lb_build(img, sizeof(img), &s), &p);
	assert_int_equal(lb_get64(zp(), 0x070), 0xe0000);
	s.version = 0x020d;
	load_ok(lb_build(img, sizeof(img), &s), &p);
	assert_int_equal(lb_get64(zp(), 0x070), 0);
	assert_int_equal(lb_get16(zp(), 0x206), 0x020d);
}

/* A vmlinux as the kernel links it: text at physical 16 MiB, virtual
 * 0xffffffff81000000; data with bss after it; a per-CPU segment at virtual 0. */
static struct eb_spec vmlinux_spec(void)
{
	const uint64_t high = 0xffffffff80000000ull;
	return (struct eb_spec){
		.is64 = 1,
		.entry = 0x1000000,
		.nseg = 3,
		.seg = {
			{ 1, 0x5, 0x1000, high + 0x1000000, 0x1000000, 0x2000, 0x2000 },
			{ 1, 0x6, 0x3000, high + 0x1002000, 0x1002000, 0x800, 0x3000 },
			{ 1, 0x6, 0x3800, 0, 0x1005000, 0x400, 0x1000 },
		},
	};
}

/* vmlinux_spec() plus a PT_NOTE segment at file offset 0x4000 holding one
 * note named name (namesz, descsz, type, name padded to 4, a 4-byte desc). */
static size_t build_with_note(const char *name, uint32_t filesz)
{
	struct eb_spec s = vmlinux_spec();
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	s.seg[s.nseg++] = (struct eb_seg){ 4, 0x4, 0x4000, 0, 0, filesz, filesz };
	size_t len = eb_build(img, sizeof(img), &s);
	eb_put32(img, 0x4000, namesz);
	eb_put32(img, 0x4004, 4);
	eb_put32(img, 0x4008, 0x100);
	memcpy(img + 0x400c, name, namesz);
	return len > 0x4000 + filesz ? len : 0x4000 + filesz;
}

static void test_is_vmlinux(void **state)
{
	size_t len = build_with_note("Linux", 24);
	assert_true(linux_is_vmlinux(img, len));
	/* The note must be there, named exactly so, and inside the file. */
	assert_false(linux_is_vmlinux(img, 0x4000 + 12));
	len = build_with_note("GNU", 24);
	assert_false(linux_is_vmlinux(img, len));
	len = build_with_note("Linux", 16); /* name runs past the segment */
	assert_false(linux_is_vmlinux(img, len));
	struct eb_spec s = vmlinux_spec();
	assert_false(linux_is_vmlinux(img, eb_build(img, sizeof(img), &s)));
	/* Another kernel linked in the high half is an ELF kernel, not Linux. */
	s = eb_kernel64();
	assert_false(linux_is_vmlinux(img, eb_build(img, sizeof(img), &s)));
	/* A namesz of ~0 must not wrap the walk. */
	len = build_with_note("Linux", 24);
	eb_put32(img, 0x4000, 0xffffffffu);
	assert_false(linux_is_vmlinux(img, len));
}

static void test_vmlinux(void **state)
{
	struct eb_spec s = vmlinux_spec();
	size_t len = eb_build(img, sizeof(img), &s);
	struct linux_params p = params();
	p.initrd = initrd;
	p.initrd_len = 0x3000;
	struct linux_boot b = load_ok(len, &p);
	const uint8_t *z = zp();

	assert_false(b.bzimage);
	assert_int_equal(b.version, 0x020f);
	assert_int_equal(b.entry, 0x1000000);
	assert_int_equal(b.kernel_start, 0x1000000);
	assert_int_equal(b.kernel_end, 0x1006000);
	assert_int_equal(b.initrd_start, ACPI_BASE - 0x3000);
	for (unsigned i = 0; i < 3; i++)
		for (uint64_t k = 0; k < s.seg[i].memsz; k++)
			assert_int_equal(gm.base[s.seg[i].paddr + k],
					 k < s.seg[i].filesz ? eb_pattern(i, k) : 0);
	/* The header fields written from scratch. */
	assert_int_equal(lb_get16(z, 0x1fe), 0xaa55);
	assert_memory_equal(z + 0x202, "HdrS", 4);
	assert_int_equal(lb_get16(z, 0x206), 0x020f);
	assert_int_equal(z[0x210], 0xff);
	assert_int_equal(z[0x211], 0x01);
	assert_int_equal(lb_get32(z, 0x218), ACPI_BASE - 0x3000);
	assert_int_equal(lb_get32(z, 0x21c), 0x3000);
	assert_int_equal(lb_get32(z, 0x228), CMDLINE);
	assert_int_equal(lb_get32(z, 0x22c), 0x7fffffff);
	assert_int_equal(lb_get32(z, 0x230), 0x200000);
	assert_int_equal(lb_get32(z, 0x238), 2047);
	assert_int_equal(lb_get64(z, 0x070), 0xe0000);
	assert_int_equal(z[0x1e8], 4);
	assert_int_equal(z[0x1f1], 0);
	assert_int_equal(z[0x200], 0);

	/* A virtual e_entry is translated. */
	s.entry = 0xffffffff81000010ull;
	b = load_ok(eb_build(img, sizeof(img), &s), &p);
	assert_int_equal(b.entry, 0x1000010);
}

static void test_vmlinux_errors(void **state)
{
	struct eb_spec s = vmlinux_spec();
	struct linux_params p = params();
	size_t len;

	s.entry = 0x1002000; /* data, not code */
	assert_refused(eb_build(img, sizeof(img), &s), &p,
		       "vmlinux: entry point 0x1002000 is not in the file bytes of an executable "
		       "(PF_X) PT_LOAD segment");
	s = vmlinux_spec();
	s.seg[2].paddr = 0x1002800;
	assert_refused(eb_build(img, sizeof(img), &s), &p,
		       "vmlinux: segments 1 [0x1002000, 0x1005000) and 2 [0x1002800, 0x1003800) "
		       "overlap");
	s = vmlinux_spec();
	s.seg[1].filesz = 0x4000;
	assert_refused(eb_build(img, sizeof(img), &s), &p,
		       "vmlinux: segment 1 p_filesz 0x4000 exceeds p_memsz 0x3000");
	s = vmlinux_spec();
	s.seg[2].paddr = 0xfffff001;
	assert_refused(eb_build(img, sizeof(img), &s), &p,
		       "vmlinux: segment 2 [0xfffff001, 0x100000001) beyond 4 GiB");
	s = vmlinux_spec();
	s.seg[2].paddr = 0x1ff0000;
	assert_refused(eb_build(img, sizeof(img), &s), &p,
		       "vmlinux: kernel (its PT_LOAD segments) [0x1000000, 0x1ff1000) is not "
		       "inside one RAM entry of the e820 map below 4 GiB");
	s = vmlinux_spec();
	len = eb_build(img, sizeof(img), &s);
	p.cmdline_gpa = 0x1004000;
	assert_refused(len, &p, "vmlinux: kernel (its PT_LOAD segments) [0x1000000, 0x1006000) "
				"overlaps the command line at 0x1004000");
	p = params();
	img[4] = 1;
	assert_refused(len, &p, "vmlinux: EI_CLASS 1 is not ELFCLASS64 (2)");
	img[4] = 2;
	img[5] = 2;
	assert_refused(len, &p, "vmlinux: EI_DATA 2 is not ELFDATA2LSB (1): x86 images are "
				"little-endian");
	img[5] = 1;
	eb_put32(img, 20, 0);
	assert_refused(len, &p, "vmlinux: e_version 0 is not EV_CURRENT (1)");
	eb_put32(img, 20, 1);
	eb_put16(img, 18, 3);
	assert_refused(len, &p, "vmlinux: e_machine 3, expected 62 (EM_X86_64) for ELFCLASS64");
	eb_put16(img, 18, 62);
	eb_put16(img, 54, 32);
	assert_refused(len, &p, "vmlinux: e_phentsize 32, expected 56 for ELFCLASS64");
	eb_put16(img, 54, 56);
	eb_put16(img, 56, 0);
	assert_refused(len, &p, "vmlinux: no program headers (e_phnum 0)");
	eb_put16(img, 56, 3);
	eb_put32(img, 64, 4); /* every PT_LOAD turned into PT_NOTE */
	eb_put32(img, 64 + 56, 4);
	eb_put32(img, 64 + 112, 4);
	assert_refused(len, &p, "vmlinux: no PT_LOAD segment with bytes to load");
}

static void test_vmlinux_truncated_every_length(void **state)
{
	struct eb_spec s = vmlinux_spec();
	size_t full = eb_build(img, sizeof(img), &s);
	struct linux_params p = params();
	char msg[256];

	memset(gm.base, UNTOUCHED, RAM_SIZE);
	for (size_t len = 4; len < full; len++) {
		if (len < 16)
			snprintf(msg, sizeof(msg),
				 "vmlinux: image is %zu bytes, too short for e_ident (16)", len);
		else if (len < 64)
			snprintf(msg, sizeof(msg),
				 "vmlinux: image is %zu bytes, too short for the ELFCLASS64 header "
				 "(64)",
				 len);
		else if (len < 64 + 3 * 56)
			snprintf(msg, sizeof(msg),
				 "vmlinux: program headers (offset 0x40, 3 x 56 bytes) outside the "
				 "%zu-byte image",
				 len);
		else if (len < 0x3000)
			snprintf(msg, sizeof(msg),
				 "vmlinux: segment 0 file bytes (offset 0x1000, size 0x2000) outside "
				 "the %zu-byte image",
				 len);
		else if (len < 0x3800)
			snprintf(msg, sizeof(msg),
				 "vmlinux: segment 1 file bytes (offset 0x3000, size 0x800) outside "
				 "the %zu-byte image",
				 len);
		else
			snprintf(msg, sizeof(msg),
				 "vmlinux: segment 2 file bytes (offset 0x3800, size 0x400) outside "
				 "the %zu-byte image",
				 len);
		struct linux_boot b;
		char err[256] = "";
		assert_int_equal(linux_load(img, len, &gm, &p, &b, err, sizeof(err)), -1);
		assert_string_equal(err, msg);
	}
	for (uint64_t a = 0; a < RAM_SIZE; a++)
		if (gm.base[a] != UNTOUCHED)
			fail_msg("guest byte 0x%llx was written", (unsigned long long)a);
}

/* The installed distribution kernel, when there is one (linux-image-amd64):
 * its real header must pass, and the zero page carry its version. */
static void test_real_bzimage(void **state)
{
	glob_t g;
	if (glob("/boot/vmlinuz-*", 0, NULL, &g) || !g.gl_pathc) {
		globfree(&g);
		skip();
	}
	FILE *f = fopen(g.gl_pathv[0], "rb");
	globfree(&g);
	if (!f)
		skip();
	static uint8_t kernel[128 << 20];
	size_t len = fread(kernel, 1, sizeof(kernel), f);
	fclose(f);
	assert_true(linux_is_bzimage(kernel, len));

	const uint64_t ram = 512ull << 20;
	struct guest_mem big = { malloc(ram), ram };
	assert_non_null(big.base);
	struct linux_e820 map[] = { { 0, 0x9fc00, LINUX_E820_RAM },
				    { 0x100000, ram - 0x100000, LINUX_E820_RAM } };
	struct linux_params p = { .e820 = map, .e820_count = 2, .cmdline = "console=ttyS0",
				  .zero_page_gpa = ZERO_PAGE, .cmdline_gpa = CMDLINE };
	struct linux_boot b;
	char err[256] = "";
	if (linux_load(kernel, len, &big, &p, &b, err, sizeof(err)))
		fail_msg("real bzImage refused: %s", err);
	assert_true(b.bzimage);
	assert_int_equal(b.entry, b.kernel_start + 0x200);
	assert_int_equal(b.kernel_start, lb_get64(kernel, 0x258));
	assert_int_equal(lb_get16(big.base + ZERO_PAGE, 0x206), lb_get16(kernel, 0x206));
	free(big.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_page_fields),
		cmocka_unit_test(test_e820_copied_exactly),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_initrd_placement),
		cmocka_unit_test(test_rsdp_by_version),
		cmocka_unit_test(test_is_vmlinux),
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_vmlinux_errors),
		cmocka_unit_test(test_vmlinux_truncated_every_length),
		cmocka_unit_test(test_real_bzimage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
