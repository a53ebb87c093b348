/* Multiboot v1 boot information (spec 0.6.96, section 3.3) built in guest memory,
 * and where boot modules go. Every address the kernel gets is 32 bits, so all of
 * it stays below 4 GiB. */
#include "hv/loader/loader_msg.h"
#include "hv/loader/multiboot1.h"
#include "hv/string.h"

/* Field offsets in the boot information structure (3.3). */
enum {
	MBI_FLAGS = 0,
	MBI_MEM_LOWER = 4,
	MBI_MEM_UPPER = 8,
	MBI_CMDLINE = 16,
	MBI_MODS_COUNT = 20,
	MBI_MODS_ADDR = 24,
	MBI_MMAP_LENGTH = 44,
	MBI_MMAP_ADDR = 48,
	MBI_BOOT_LOADER_NAME = 64,
};

/* 3.3: "The maximum possible value for lower memory is 640 kilobytes." */
#define MB1_MEM_LOWER_MAX_KIB 640

/* Where each part goes, as offsets from the start of the region. */
struct layout {
	uint64_t mmap, mods, strings, end;
};

static uint64_t str_size(const char *s)
{
	return (s ? strlen(s) : 0) + 1;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* Sizes are summed in 64 bits from counts the caller holds in memory, so they
 * cannot wrap before exceeding any region. */
static struct layout plan(const struct mb1_boot_params *p)
{
	struct layout l;
	l.mmap = ALIGN_UP(MB1_INFO_SIZE, 8);
	l.mods = l.mmap + (uint64_t)p->mmap_count * MB1_MMAP_ENTRY_SIZE;
	l.strings = l.mods + (uint64_t)p->mods_count * MB1_MOD_ENTRY_SIZE;
	l.end = l.strings + str_size(MB1_BOOT_LOADER_NAME) + str_size(p->cmdline);
	for (size_t i = 0; i < p->mods_count; i++)
		l.end += str_size(p->mods[i].cmdline);
	return l;
}

static int check_region(const struct guest_mem *gm, uint64_t gpa, uint64_t size, char *err,
			size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];

	/* The 64-bit fields of the memory map entries stay 8-byte aligned. */
	if (gpa % 8)
		return loader_fail(
			err, errlen,
			"multiboot1: boot information region 0x%llx is not 8-byte aligned",
			(unsigned long long)gpa);
	if (!span_within(gpa, size, 4 * GIB))
		return loader_fail(
			err, errlen,
			"multiboot1: boot information region 0x%llx (%s) extends past 4 GiB",
			(unsigned long long)gpa, loader_size_str(sz, size));
	if (!span_within(gpa, size, gm->size)) {
		char ram[LOADER_SIZE_STR_LEN];
		return loader_fail(err, errlen,
				   "multiboot1: boot information region [0x%llx, 0x%llx) beyond "
				   "guest RAM (%s)",
				   (unsigned long long)gpa, (unsigned long long)(gpa + size),
				   loader_size_str(ram, gm->size));
	}
	return 0;
}

static int check_modules(const struct guest_mem *gm, uint64_t region, uint64_t region_size,
			 const struct mb1_boot_params *p, char *err, size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];

	for (size_t i = 0; i < p->mods_count; i++) {
		const struct mb1_module *m = &p->mods[i];
		if (m->end < m->start)
			return loader_fail(
				err, errlen,
				"multiboot1: module %zu ends (0x%llx) before it starts (0x%llx)", i,
				(unsigned long long)m->end, (unsigned long long)m->start);
		if (m->end > 4 * GIB)
			return loader_fail(
				err, errlen,
				"multiboot1: module %zu [0x%llx, 0x%llx) extends past 4 GiB", i,
				(unsigned long long)m->start, (unsigned long long)m->end);
		if (m->end > gm->size)
			return loader_fail(
				err, errlen,
				"multiboot1: module %zu [0x%llx, 0x%llx) beyond guest RAM (%s)", i,
				(unsigned long long)m->start, (unsigned long long)m->end,
				loader_size_str(sz, gm->size));
		if (m->start < region + region_size && region < m->end)
			return loader_fail(err, errlen,
					   "multiboot1: module %zu [0x%llx, 0x%llx) overlaps the "
					   "boot information region [0x%llx, 0x%llx)",
					   i, (unsigned long long)m->start,
					   (unsigned long long)m->end, (unsigned long long)region,
					   (unsigned long long)(region + region_size));
	}
	return 0;
}

/* Copies s with its NUL to *at and returns the address it went to. */
static uint32_t put_string(struct guest_mem *gm, uint64_t *at, const char *s)
{
	uint64_t n = str_size(s);
	uint32_t gpa = (uint32_t)*at;
	memcpy(gm->base + *at, str_or_empty(s), (size_t)n);
	*at += n;
	return gpa;
}

int mb1_build_info(struct guest_mem *gm, uint64_t region_gpa, uint64_t region_size,
		   const struct mb1_boot_params *p, uint32_t *info_gpa, char *err, size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];

	if (check_region(gm, region_gpa, region_size, err, errlen))
		return -1;
	if (p->mem_lower_kib > MB1_MEM_LOWER_MAX_KIB)
		return loader_fail(err, errlen, "multiboot1: mem_lower %u KiB exceeds %d KiB",
				   p->mem_lower_kib, MB1_MEM_LOWER_MAX_KIB);
	if (check_modules(gm, region_gpa, region_size, p, err, errlen))
		return -1;
	struct layout l = plan(p);
	if (l.end > region_size)
		return loader_fail(err, errlen,
				   "multiboot1: boot information needs %llu bytes, but the region "
				   "at 0x%llx holds %s",
				   (unsigned long long)l.end, (unsigned long long)region_gpa,
				   loader_size_str(sz, region_size));

	/* Fields for flags not set, and the reserved words, read as zero. */
	uint64_t base = region_gpa;
	memset(gm->base + base, 0, (size_t)l.end);

	uint32_t flags =
		MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | MB1_INFO_BOOT_LOADER_NAME;
	guest_put32(gm, base + MBI_MEM_LOWER, p->mem_lower_kib);
	guest_put32(gm, base + MBI_MEM_UPPER, p->mem_upper_kib);

	/* Each mmap entry's size field counts the bytes after it (3.3). */
	for (size_t i = 0; i < p->mmap_count; i++) {
		uint64_t e = base + l.mmap + i * MB1_MMAP_ENTRY_SIZE;
		guest_put32(gm, e, MB1_MMAP_ENTRY_SIZE - 4);
		guest_put64(gm, e + 4, p->mmap[i].base);
		guest_put64(gm, e + 12, p->mmap[i].len);
		guest_put32(gm, e + 20, p->mmap[i].type);
	}
	if (p->mmap_count) {
		flags |= MB1_INFO_MMAP;
		guest_put32(gm, base + MBI_MMAP_LENGTH, (uint32_t)(l.mods - l.mmap));
		guest_put32(gm, base + MBI_MMAP_ADDR, (uint32_t)(base + l.mmap));
	}

	uint64_t at = base + l.strings;
	guest_put32(gm, base + MBI_BOOT_LOADER_NAME, put_string(gm, &at, MB1_BOOT_LOADER_NAME));
	guest_put32(gm, base + MBI_CMDLINE, put_string(gm, &at, p->cmdline));

	guest_put32(gm, base + MBI_MODS_COUNT, (uint32_t)p->mods_count);
	guest_put32(gm, base + MBI_MODS_ADDR, (uint32_t)(base + l.mods));
	for (size_t i = 0; i < p->mods_count; i++) {
		uint64_t e = base + l.mods + i * MB1_MOD_ENTRY_SIZE;
		guest_put32(gm, e, (uint32_t)p->mods[i].start);
		guest_put32(gm, e + 4, (uint32_t)p->mods[i].end);
		guest_put32(gm, e + 8, put_string(gm, &at, p->mods[i].cmdline));
	}

	guest_put32(gm, base + MBI_FLAGS, flags);
	*info_gpa = (uint32_t)base;
	return 0;
}

int mb1_place_module(uint64_t ram_size, uint64_t *cursor, uint64_t len, uint64_t *start, char *err,
		     size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];

	/* Aligning a cursor near 2^64 would wrap to a small address; past 4 GiB it
	 * fails anyway, so it is left as it is. */
	uint64_t at = *cursor <= 4 * GIB ? ALIGN_UP(*cursor, PAGE_SIZE) : *cursor;
	if (!span_within(at, len, 4 * GIB))
		return loader_fail(
			err, errlen,
			"multiboot1: module of 0x%llx bytes at 0x%llx extends past 4 GiB",
			(unsigned long long)len, (unsigned long long)at);
	if (!span_within(at, len, ram_size))
		return loader_fail(err, errlen,
				   "multiboot1: module [0x%llx, 0x%llx) beyond guest RAM (%s)",
				   (unsigned long long)at, (unsigned long long)(at + len),
				   loader_size_str(sz, ram_size));
	*start = at;
	*cursor = at + len;
	return 0;
}
