/* Unit tests for the boot-time memory plan on firmware-like memory maps: nothing
 * reserved is ever free, the bitmap overlaps nothing, and the pools built from the
 * plan hand out exactly the free pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/mm_plan.h"

#define AVAIL MB2_MEM_AVAILABLE
#define RES MB2_MEM_RESERVED
#define ACPI MB2_MEM_ACPI_RECLAIMABLE
#define NVS MB2_MEM_NVS

static const struct mb2_mmap_entry bochs_map[] = {
	{ 0x0, 0x9f000, AVAIL, 0 },
	{ 0x9f000, 0x61000, RES, 0 },
	{ 0x100000, 0x1fef0000, AVAIL, 0 },
	{ 0x1fff0000, 0x10000, ACPI, 0 },
	{ 0xfffc0000, 0x40000, RES, 0 },
};

/* After OVMF on QEMU q35 with 4 GiB: RAM split around the PCI hole, NVS islands
 * in low memory, and the rest of RAM above 4 GiB. */
static const struct mb2_mmap_entry ovmf_map[] = {
	{ 0x0, 0xa0000, AVAIL, 0 },
	{ 0x100000, 0x700000, AVAIL, 0 },
	{ 0x800000, 0x8000, NVS, 0 },
	{ 0x808000, 0x3000, AVAIL, 0 },
	{ 0x80b000, 0x1000, NVS, 0 },
	{ 0x80c000, 0x5000, AVAIL, 0 },
	{ 0x811000, 0xef000, NVS, 0 },
	{ 0x900000, 0x7e6ec000, AVAIL, 0 },
	{ 0x7efec000, 0x80000, RES, 0 },
	{ 0x7f06c000, 0xb000, ACPI, 0 },
	{ 0x7f077000, 0x4000, NVS, 0 },
	{ 0x7f07b000, 0xe85000, AVAIL, 0 },
	{ 0x7ff00000, 0x100000, RES, 0 },
	{ 0xb0000000, 0x10000000, RES, 0 },
	{ 0xfeffc000, 0x4000, RES, 0 },
	{ 0xffc00000, 0x400000, RES, 0 },
	{ 0x100000000, 0x80000000, AVAIL, 0 },
};

static struct mb2_info *new_info(const struct mb2_mmap_entry *e, unsigned n)
{
	struct mb2_info *info = calloc(1, sizeof(*info));
	assert_non_null(info);
	info->mmap_entries = e;
	info->mmap_entry_size = sizeof(*e);
	info->mmap_count = n;
	return info;
}

static void add_module(struct mb2_info *info, uint64_t start, uint64_t end)
{
	info->modules[info->nmodules++] = (struct mb2_module){ start, end, "" };
}

static bool page_aligned(const struct memmap *m)
{
	for (unsigned i = 0; i < m->n; i++)
		if (m->r[i].start % PAGE_SIZE || m->r[i].end % PAGE_SIZE)
			return false;
	return true;
}

/* Every claim the plan makes, checked against the raw inputs, not the plan's own
 * reserved list, so a bug there cannot hide itself. */
static void check_plan(const struct mm_plan *p, const struct mb2_info *info,
		       const struct mem_range *extra, unsigned nextra)
{
	const struct memmap *frees[] = { &p->low_free, &p->main_free };
	paddr_t bm_end = p->bitmap_pa + p->bitmap_bytes;

	for (unsigned f = 0; f < 2; f++) {
		const struct memmap *m = frees[f];
		assert_true(page_aligned(m));
		for (unsigned i = 0; i < m->n; i++)
			assert_true(memmap_contains(&p->usable, m->r[i].start, m->r[i].end));
		for (uint32_t i = 0; i < info->mmap_count; i++) {
			const struct mb2_mmap_entry *e = mb2_mmap_entry(info, i);
			if (e->type != AVAIL)
				assert_false(memmap_overlaps(m, e->base_addr, e->base_addr + e->length));
		}
		for (unsigned i = 0; i < nextra; i++)
			assert_false(memmap_overlaps(m, extra[i].start, extra[i].end));
		for (unsigned i = 0; i < info->nmodules; i++)
			assert_false(memmap_overlaps(m, info->modules[i].start, info->modules[i].end));
		assert_false(memmap_overlaps(m, p->bitmap_pa, bm_end));
	}
	assert_false(memmap_overlaps(&p->low_free, 0, PAGE_SIZE));
	assert_false(memmap_overlaps(&p->low_free, MM_LOW_LIMIT, UINT64_MAX));
	assert_false(memmap_overlaps(&p->main_free, 0, MM_LOW_LIMIT));

	assert_int_equal(p->ram_bytes, memmap_total(&p->usable));
	assert_int_equal(p->main_base, MM_LOW_LIMIT);
	assert_int_equal(p->main_base + p->main_npages * PAGE_SIZE, p->usable.r[p->usable.n - 1].end);
	assert_int_equal(p->bitmap_bytes, (p->main_npages + 63) / 64 * 8);
	assert_int_equal(p->bitmap_pa % PAGE_SIZE, 0);
	assert_true(p->bitmap_pa >= MM_LOW_LIMIT);
	assert_true(memmap_contains(&p->usable, p->bitmap_pa, bm_end));
	for (uint32_t i = 0; i < info->mmap_count; i++) {
		const struct mb2_mmap_entry *e = mb2_mmap_entry(info, i);
		if (e->type != AVAIL)
			assert_false(e->base_addr < bm_end && p->bitmap_pa < e->base_addr + e->length);
	}
	for (unsigned i = 0; i < nextra; i++)
		assert_false(extra[i].start < bm_end && p->bitmap_pa < extra[i].end);
	for (unsigned i = 0; i < info->nmodules; i++)
		assert_false(info->modules[i].start < bm_end && p->bitmap_pa < info->modules[i].end);
}

/* Builds both pools and drains them a page at a time: each page comes out once,
 * from its own free list, and the counts match the plan. */
static void drain_pools(const struct mm_plan *p)
{
	struct page_pool low, main_pool;
	uint64_t low_bitmap[MM_LOW_BITMAP_WORDS];
	uint64_t *main_bitmap = malloc(p->bitmap_bytes);
	uint8_t *seen = calloc(p->main_npages, 1);
	uint8_t low_seen[MM_LOW_PAGES] = { 0 };
	assert_non_null(main_bitmap);
	assert_non_null(seen);

	assert_int_equal(sizeof(low_bitmap), 32);
	mm_plan_init_pools(p, &low, low_bitmap, &main_pool, main_bitmap);
	assert_int_equal(low.nfree * PAGE_SIZE, memmap_total(&p->low_free));
	assert_int_equal(main_pool.nfree * PAGE_SIZE, memmap_total(&p->main_free));

	uint64_t n = 0;
	for (paddr_t pa; (pa = page_pool_alloc(&low, 1, 1)) != PADDR_INVALID; n++) {
		assert_true(pa >= PAGE_SIZE && pa < MM_LOW_LIMIT);
		assert_true(memmap_contains(&p->low_free, pa, pa + PAGE_SIZE));
		assert_false(low_seen[pa / PAGE_SIZE]);
		low_seen[pa / PAGE_SIZE] = 1;
	}
	assert_int_equal(n * PAGE_SIZE, memmap_total(&p->low_free));

	n = 0;
	for (paddr_t pa; (pa = page_pool_alloc(&main_pool, 1, 1)) != PADDR_INVALID; n++) {
		uint64_t i = (pa - p->main_base) / PAGE_SIZE;
		assert_true(pa >= MM_LOW_LIMIT && i < p->main_npages);
		assert_true(memmap_contains(&p->main_free, pa, pa + PAGE_SIZE));
		assert_false(seen[i]);
		seen[i] = 1;
	}
	assert_int_equal(n * PAGE_SIZE, memmap_total(&p->main_free));
	free(seen);
	free(main_bitmap);
}

static void expect_ranges(const struct memmap *m, const struct mem_range *want, unsigned n)
{
	assert_int_equal(m->n, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(m->r[i].start, want[i].start);
		assert_int_equal(m->r[i].end, want[i].end);
	}
}

static void test_bochs(void **state)
{
	struct mb2_info *info = new_info(bochs_map, ARRAY_SIZE(bochs_map));
	struct mm_plan *p = malloc(sizeof(*p));
	char err[128] = "";
	const struct mem_range extra[] = {
		{ 0x200000, 0x2a5123 }, /* the image at 2 MiB */
		{ 0x3c5008, 0x3c5400 }, /* the boot information */
	};
	add_module(info, 0x3c6000, 0x7d2345);
	add_module(info, 0x7d3000, 0x7d3800);

	assert_int_equal(mm_plan_make(info, extra, 2, p, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	check_plan(p, info, extra, 2);

	const struct mem_range usable[] = { { 0x0, 0x9f000 }, { 0x100000, 0x1fff0000 } };
	expect_ranges(&p->usable, usable, 2);
	assert_int_equal(p->ram_bytes, 0x9f000 + 0x1fef0000);
	const struct mem_range low[] = { { 0x1000, 0x9f000 } };
	expect_ranges(&p->low_free, low, 1);
	assert_int_equal(p->main_npages, (0x1fff0000 - 0x100000) / 0x1000);
	assert_int_equal(p->bitmap_bytes, 16352);
	assert_int_equal(p->bitmap_pa, 0x100000);
	const struct mem_range main_free[] = {
		{ 0x104000, 0x200000 }, { 0x2a6000, 0x3c5000 }, { 0x7d4000, 0x1fff0000 }
	};
	expect_ranges(&p->main_free, main_free, 3);
	drain_pools(p);
	free(p);
	free(info);
}

static void test_ovmf_above_4g(void **state)
{
	struct mb2_info *info = new_info(ovmf_map, ARRAY_SIZE(ovmf_map));
	struct mm_plan *p = malloc(sizeof(*p));
	char err[128] = "";
	const struct mem_range extra[] = {
		{ 0x200000, 0x2a5123 },
		{ 0x7e9c1000, 0x7e9c11a8 },
	};
	add_module(info, 0x7d000000, 0x7d400000);

	assert_int_equal(mm_plan_make(info, extra, 2, p, err, sizeof(err)), 0);
	check_plan(p, info, extra, 2);
	assert_int_equal(p->ram_bytes, 0xa0000 + 0x700000 + 0x3000 + 0x5000 + 0x7e6ec000 + 0xe85000 +
						0x80000000);
	assert_int_equal(p->main_npages, (0x180000000 - 0x100000) / 0x1000);
	assert_int_equal(p->bitmap_pa, 0x100000);
	assert_true(memmap_contains(&p->main_free, 0x100000000, 0x180000000));
	assert_false(memmap_overlaps(&p->main_free, 0x80000000, 0x100000000));
	assert_true(memmap_contains(&p->main_free, 0x808000, 0x80b000));
	const struct mem_range low[] = { { 0x1000, 0xa0000 } };
	expect_ranges(&p->low_free, low, 1);
	drain_pools(p);
	free(p);
	free(info);
}

static const struct mb2_mmap_entry small_first_map[] = {
	{ 0x0, 0x9f000, AVAIL, 0 },
	{ 0x9f000, 0x61000, RES, 0 },
	{ 0x100000, 0x10000, AVAIL, 0 },    /* 64 KiB */
	{ 0x110000, 0xef0000, RES, 0 },
	{ 0x1000000, 0xfff000000, AVAIL, 0 }, /* up to 64 GiB: a 2 MiB bitmap */
};

static void test_first_region_too_small_for_bitmap(void **state)
{
	struct mb2_info *info = new_info(small_first_map, ARRAY_SIZE(small_first_map));
	struct mm_plan *p = malloc(sizeof(*p));
	char err[128];
	const struct mem_range extra[] = { { 0x1000000, 0x1200000 } };

	assert_int_equal(mm_plan_make(info, extra, 1, p, err, sizeof(err)), 0);
	check_plan(p, info, extra, 1);
	assert_int_equal(p->main_npages, (0x1000000000 - 0x100000) / 0x1000);
	assert_int_equal(p->bitmap_bytes, 0x1fffe0);
	assert_int_equal(p->bitmap_pa, 0x1200000);
	assert_true(memmap_contains(&p->main_free, 0x100000, 0x110000));
	assert_true(memmap_contains(&p->main_free, 0x1400000, 0x1000000000));
	free(p);
	free(info);
}

static void test_no_room_for_bitmap(void **state)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x0, 0x9f000, AVAIL, 0 },
		{ 0x100000, 0x10000, AVAIL, 0 },
		{ 0x1000000, 0x100000, AVAIL, 0 },
		{ 0x1000000000, 0x1ff000, AVAIL, 0 }, /* top 64 GiB + 2044 KiB: 2 MiB bitmap */
	};
	struct mb2_info *info = new_info(e, ARRAY_SIZE(e));
	struct mm_plan *p = malloc(sizeof(*p));
	char err[128] = "";

	assert_int_equal(mm_plan_make(info, NULL, 0, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bitmap"));

	/* The same when the caller's reservations leave no room. */
	const struct mem_range all[] = { { 0x100000, 0x1001000000 } };
	info->mmap_count = 2;
	assert_int_equal(mm_plan_make(info, all, 1, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bitmap"));
	free(p);
	free(info);
}

static void test_no_usable_memory(void **state)
{
	static const struct mb2_mmap_entry res_only[] = { { 0x0, 0x100000000, RES, 0 } };
	static const struct mb2_mmap_entry low_only[] = { { 0x0, 0x9f000, AVAIL, 0 },
							  { 0x100000, 0x800, AVAIL, 0 } };
	static const struct mb2_mmap_entry overlapped[] = { { 0x100000, 0x100000, AVAIL, 0 },
							    { 0x0, 0x300000, RES, 0 } };
	struct mm_plan *p = malloc(sizeof(*p));
	char err[128];
	struct mb2_info *info = new_info(res_only, 0);

	assert_int_equal(mm_plan_make(info, NULL, 0, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no memory map"));
	info->mmap_count = 1;
	assert_int_equal(mm_plan_make(info, NULL, 0, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no usable memory"));
	info->mmap_entries = overlapped;
	info->mmap_count = 2;
	assert_int_equal(mm_plan_make(info, NULL, 0, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no usable memory"));
	info->mmap_entries = low_only;
	assert_int_equal(mm_plan_make(info, NULL, 0, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "above 1 MiB"));
	assert_int_equal(mm_plan_make(info, NULL, 0, p, NULL, 0), -1);
	free(p);
	free(info);
}

static void test_too_many_reserved_ranges(void **state)
{
	enum { N = MEMMAP_MAX + 2 };
	struct mb2_mmap_entry *e = calloc(N, sizeof(*e));
	assert_non_null(e);
	e[0] = (struct mb2_mmap_entry){ 0x0, 0x40000000, AVAIL, 0 };
	for (unsigned i = 1; i < N; i++)
		e[i] = (struct mb2_mmap_entry){ 0x100000 + i * 0x2000, 0x800, RES, 0 };
	struct mb2_info *info = new_info(e, N);
	struct mm_plan *p = malloc(sizeof(*p));
	char err[128];

	assert_int_equal(mm_plan_make(info, NULL, 0, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many reserved"));
	/* Within the limit, every one of them is honoured. */
	info->mmap_count = MEMMAP_MAX;
	assert_int_equal(mm_plan_make(info, NULL, 0, p, err, sizeof(err)), 0);
	check_plan(p, info, NULL, 0);
	/* And the caller's extras count towards it. */
	const struct mem_range extra[] = { { 0x30000000, 0x30000001 }, { 0x30002000, 0x30002001 } };
	assert_int_equal(mm_plan_make(info, extra, 1, p, err, sizeof(err)), 0);
	assert_int_equal(mm_plan_make(info, extra, 2, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many reserved"));
	free(p);
	free(info);
	free(e);
}

static void test_extras_in_low_memory_and_unaligned(void **state)
{
	struct mb2_info *info = new_info(bochs_map, ARRAY_SIZE(bochs_map));
	struct mm_plan *p = malloc(sizeof(*p));
	char err[128];
	const struct mem_range extra[] = {
		{ 0x8000, 0x8001 },     /* e.g. the boot information below 1 MiB */
		{ 0x9e001, 0x9e002 },   /* the last low page */
		{ 0x100fff, 0x101001 }, /* straddles two pages at 1 MiB */
		{ 0x1ffef000, 0x20000000 }, /* overlaps the ACPI region */
	};
	add_module(info, 0x10000, 0x10000); /* empty module: nothing to reserve */

	assert_int_equal(mm_plan_make(info, extra, ARRAY_SIZE(extra), p, err, sizeof(err)), 0);
	check_plan(p, info, extra, ARRAY_SIZE(extra));
	const struct mem_range low[] = { { 0x1000, 0x8000 }, { 0x9000, 0x9e000 } };
	expect_ranges(&p->low_free, low, 2);
	assert_int_equal(p->bitmap_pa, 0x100000 + 0x2000);
	assert_false(memmap_overlaps(&p->main_free, 0x100000, 0x106000));
	assert_true(memmap_contains(&p->main_free, 0x106000, 0x1ffef000));
	drain_pools(p);
	free(p);
	free(info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bochs),
		cmocka_unit_test(test_ovmf_above_4g),
		cmocka_unit_test(test_first_region_too_small_for_bitmap),
		cmocka_unit_test(test_no_room_for_bitmap),
		cmocka_unit_test(test_no_usable_memory),
		cmocka_unit_test(test_too_many_reserved_ranges),
		cmocka_unit_test(test_extras_in_low_memory_and_unaligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
