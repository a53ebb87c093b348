/* Unit tests for the range sets: merging, splitting, overflow accounting, queries,
 * conversion of Multiboot2 memory maps, and a random run against a simple model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/memmap.h"
#include "hv/multiboot2.h"

/* The invariants every function must preserve. */
static void check(const struct memmap *m)
{
	assert_true(m->n <= MEMMAP_MAX);
	for (unsigned i = 0; i < m->n; i++) {
		assert_true(m->r[i].start < m->r[i].end);
		if (i)
			assert_true(m->r[i - 1].end < m->r[i].start);
	}
}

static void expect(const struct memmap *m, const struct mem_range *want, unsigned n)
{
	check(m);
	assert_int_equal(m->n, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(m->r[i].start, want[i].start);
		assert_int_equal(m->r[i].end, want[i].end);
	}
}

static struct memmap *new_map(void)
{
	struct memmap *m = malloc(sizeof(*m));
	assert_non_null(m);
	memset(m, 0xa5, sizeof(*m));
	memmap_init(m);
	return m;
}

static void test_init(void **state)
{
	struct memmap *m = new_map();
	assert_int_equal(m->n, 0);
	assert_int_equal(m->dropped, 0);
	assert_int_equal(memmap_total(m), 0);
	free(m);
}

static void test_add_sorted(void **state)
{
	struct memmap *m = new_map();
	memmap_add(m, 0x5000, 0x6000);
	memmap_add(m, 0x1000, 0x2000);
	memmap_add(m, 0x9000, 0xa000);
	memmap_add(m, 0x3000, 0x4000);
	const struct mem_range want[] = {
		{ 0x1000, 0x2000 }, { 0x3000, 0x4000 }, { 0x5000, 0x6000 }, { 0x9000, 0xa000 }
	};
	expect(m, want, 4);
	assert_int_equal(memmap_total(m), 0x4000);
	free(m);
}

static void test_add_merges(void **state)
{
	struct memmap *m = new_map();
	memmap_add(m, 0x1000, 0x2000);
	memmap_add(m, 0x2000, 0x3000); /* adjacent above */
	memmap_add(m, 0x800, 0x1000);  /* adjacent below */
	memmap_add(m, 0x1800, 0x2800); /* inside */
	memmap_add(m, 0x2fff, 0x3100); /* overlapping the end */
	const struct mem_range want[] = { { 0x800, 0x3100 } };
	expect(m, want, 1);
	free(m);
}

static void test_add_bridges_many(void **state)
{
	struct memmap *m = new_map();
	for (paddr_t a = 0x10000; a < 0x20000; a += 0x2000)
		memmap_add(m, a, a + 0x1000);
	memmap_add(m, 0x40000, 0x41000);
	assert_int_equal(m->n, 9);
	memmap_add(m, 0x10800, 0x1e001);
	const struct mem_range want[] = { { 0x10000, 0x1f000 }, { 0x40000, 0x41000 } };
	expect(m, want, 2);
	memmap_add(m, 0, UINT64_MAX);
	const struct mem_range all[] = { { 0, UINT64_MAX } };
	expect(m, all, 1);
	free(m);
}

static void test_add_empty_ignored(void **state)
{
	struct memmap *m = new_map();
	memmap_add(m, 0x1000, 0x1000);
	memmap_add(m, 0x2000, 0x1000);
	assert_int_equal(m->n, 0);
	assert_int_equal(m->dropped, 0);
	free(m);
}

static void test_remove(void **state)
{
	struct memmap *m = new_map();
	memmap_add(m, 0x1000, 0x9000);
	memmap_remove(m, 0x3000, 0x4000); /* split */
	const struct mem_range a[] = { { 0x1000, 0x3000 }, { 0x4000, 0x9000 } };
	expect(m, a, 2);
	memmap_remove(m, 0x0, 0x1800); /* low edge */
	memmap_remove(m, 0x8000, 0x10000); /* high edge */
	const struct mem_range b[] = { { 0x1800, 0x3000 }, { 0x4000, 0x8000 } };
	expect(m, b, 2);
	memmap_remove(m, 0x3000, 0x4000); /* exactly the hole: nothing */
	expect(m, b, 2);
	memmap_remove(m, 0x2000, 0x5000); /* across two ranges */
	const struct mem_range c[] = { { 0x1800, 0x2000 }, { 0x5000, 0x8000 } };
	expect(m, c, 2);
	memmap_remove(m, 0x1800, 0x2000); /* exactly one range */
	const struct mem_range d[] = { { 0x5000, 0x8000 } };
	expect(m, d, 1);
	memmap_remove(m, 0x6000, 0x5000); /* empty: nothing */
	expect(m, d, 1);
	memmap_remove(m, 0, UINT64_MAX);
	expect(m, NULL, 0);
	assert_int_equal(m->dropped, 0);
	free(m);
}

static void test_remove_spanning_many(void **state)
{
	struct memmap *m = new_map();
	for (paddr_t a = 0; a < 0x20000; a += 0x2000)
		memmap_add(m, a, a + 0x1000);
	memmap_remove(m, 0x2800, 0x1c800);
	const struct mem_range want[] = {
		{ 0x0, 0x1000 }, { 0x2000, 0x2800 }, { 0x1c800, 0x1d000 }, { 0x1e000, 0x1f000 }
	};
	expect(m, want, 4);
	free(m);
}

static void fill_full(struct memmap *m)
{
	for (unsigned i = 0; i < MEMMAP_MAX; i++)
		memmap_add(m, (paddr_t)i * 0x10000, (paddr_t)i * 0x10000 + 0x8000);
	assert_int_equal(m->n, MEMMAP_MAX);
	assert_int_equal(m->dropped, 0);
}

static void test_add_overflow(void **state)
{
	struct memmap *m = new_map();
	fill_full(m);
	memmap_add(m, 0x9000000, 0x9001000); /* past the last: no slot */
	memmap_add(m, 0x9000, 0xa000);       /* in a gap: no slot */
	assert_int_equal(m->n, MEMMAP_MAX);
	assert_int_equal(m->dropped, 2);
	check(m);
	for (unsigned i = 0; i < MEMMAP_MAX; i++) {
		assert_int_equal(m->r[i].start, (paddr_t)i * 0x10000);
		assert_int_equal(m->r[i].end, (paddr_t)i * 0x10000 + 0x8000);
	}
	/* Merging needs no slot, and frees some for later additions. */
	memmap_add(m, 0x8000, 0x20000);
	assert_int_equal(m->n, MEMMAP_MAX - 2);
	assert_int_equal(m->r[0].end, 0x28000);
	memmap_add(m, 0x9000000, 0x9001000);
	assert_int_equal(m->n, MEMMAP_MAX - 1);
	assert_int_equal(m->dropped, 2);
	check(m);
	free(m);
}

static void test_remove_split_overflow(void **state)
{
	struct memmap *m = new_map();
	fill_full(m);
	/* Range 5 is [0x50000, 0x58000): the low piece is smaller and goes. */
	memmap_remove(m, 0x51000, 0x52000);
	assert_int_equal(m->n, MEMMAP_MAX);
	assert_int_equal(m->dropped, 1);
	assert_int_equal(m->r[5].start, 0x52000);
	assert_int_equal(m->r[5].end, 0x58000);
	/* Range 6 is [0x60000, 0x68000): the high piece is smaller and goes. */
	memmap_remove(m, 0x66000, 0x67000);
	assert_int_equal(m->dropped, 2);
	assert_int_equal(m->r[6].start, 0x60000);
	assert_int_equal(m->r[6].end, 0x66000);
	assert_false(memmap_overlaps(m, 0x51000, 0x52000));
	assert_false(memmap_overlaps(m, 0x66000, 0x67000));
	check(m);
	free(m);
}

static void test_subtract(void **state)
{
	struct memmap *m = new_map(), *o = new_map();
	memmap_add(m, 0x0, 0x10000);
	memmap_add(m, 0x20000, 0x30000);
	memmap_add(o, 0x1000, 0x2000);
	memmap_add(o, 0xf000, 0x21000);
	memmap_add(o, 0x2f000, 0x40000);
	memmap_subtract(m, o);
	const struct mem_range want[] = { { 0x0, 0x1000 }, { 0x2000, 0xf000 }, { 0x21000, 0x2f000 } };
	expect(m, want, 3);
	free(m);
	free(o);
}

static void test_find_free(void **state)
{
	struct memmap *m = new_map();
	paddr_t pa = 0;
	memmap_add(m, 0x1000, 0x3000);
	memmap_add(m, 0x101000, 0x300000);
	memmap_add(m, 0x400000, 0x800000);

	assert_int_equal(memmap_find_free(m, 0x2000, 0x1000, 0, &pa), 0);
	assert_int_equal(pa, 0x1000);
	assert_int_equal(memmap_find_free(m, 0x2001, 0x1000, 0, &pa), 0);
	assert_int_equal(pa, 0x101000);
	assert_int_equal(memmap_find_free(m, 0x1000, 0x100000, 0, &pa), 0);
	assert_int_equal(pa, 0x200000);
	assert_int_equal(memmap_find_free(m, 0x100000, 0x200000, 0, &pa), 0);
	assert_int_equal(pa, 0x200000);
	assert_int_equal(memmap_find_free(m, 0x100001, 0x200000, 0, &pa), 0);
	assert_int_equal(pa, 0x400000);
	assert_int_equal(memmap_find_free(m, 0x1000, 0x1000, 0x2800, &pa), 0);
	assert_int_equal(pa, 0x101000);
	assert_int_equal(memmap_find_free(m, 0x1000, 1, 0x2fff, &pa), 0);
	assert_int_equal(pa, 0x101000);
	assert_int_equal(memmap_find_free(m, 0x800, 1, 0x2800, &pa), 0);
	assert_int_equal(pa, 0x2800);
	assert_int_equal(memmap_find_free(m, 0x400000, 0x1000, 0, &pa), 0);
	assert_int_equal(pa, 0x400000);

	pa = 0x1234;
	assert_int_equal(memmap_find_free(m, 0x400001, 0x1000, 0, &pa), -1);
	assert_int_equal(memmap_find_free(m, 0x1000, 0x1000, 0x800000, &pa), -1);
	assert_int_equal(memmap_find_free(m, 0, 0x1000, 0, &pa), -1);
	assert_int_equal(memmap_find_free(m, 0x1000, 0, 0, &pa), -1);
	assert_int_equal(memmap_find_free(m, 0x1000, 0x3000, 0, &pa), -1);
	assert_int_equal(pa, 0x1234);

	/* Alignment near the top of the address space must not wrap. */
	memmap_add(m, UINT64_MAX - 0x10000, UINT64_MAX);
	assert_int_equal(memmap_find_free(m, 0x1000, 1ull << 63, 0x800000, &pa), -1);
	assert_int_equal(memmap_find_free(m, 0x1000, 0x1000, 0x800000, &pa), 0);
	assert_int_equal(pa, 0xffffffffffff0000ull);
	free(m);
}

static void test_contains_overlaps(void **state)
{
	struct memmap *m = new_map();
	memmap_add(m, 0x1000, 0x3000);
	memmap_add(m, 0x5000, 0x6000);

	assert_true(memmap_contains(m, 0x1000, 0x3000));
	assert_true(memmap_contains(m, 0x1800, 0x1801));
	assert_false(memmap_contains(m, 0x1000, 0x3001));
	assert_false(memmap_contains(m, 0x2000, 0x5800)); /* spans the gap */
	assert_false(memmap_contains(m, 0x1000, 0x1000)); /* empty */
	assert_false(memmap_contains(m, 0x0, 0x800));

	assert_true(memmap_overlaps(m, 0x0, 0x1001));
	assert_true(memmap_overlaps(m, 0x2fff, 0x5000));
	assert_true(memmap_overlaps(m, 0x0, UINT64_MAX));
	assert_false(memmap_overlaps(m, 0x0, 0x1000));
	assert_false(memmap_overlaps(m, 0x3000, 0x5000));
	assert_false(memmap_overlaps(m, 0x6000, UINT64_MAX));
	assert_false(memmap_overlaps(m, 0x2000, 0x2000));
	free(m);
}

static struct mb2_info info_for(const struct mb2_mmap_entry *e, unsigned n)
{
	struct mb2_info info;
	memset(&info, 0, sizeof(info));
	info.mmap_entries = e;
	info.mmap_entry_size = sizeof(*e);
	info.mmap_count = n;
	return info;
}

static void test_from_mb2_bochs(void **state)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x0, 0x9f000, MB2_MEM_AVAILABLE, 0 },
		{ 0x9f000, 0x61000, MB2_MEM_RESERVED, 0 },
		{ 0x100000, 0x1fef0000, MB2_MEM_AVAILABLE, 0 },
		{ 0x1fff0000, 0x10000, MB2_MEM_ACPI_RECLAIMABLE, 0 },
		{ 0xfffc0000, 0x40000, MB2_MEM_RESERVED, 0 },
	};
	struct mb2_info info = info_for(e, 5);
	struct memmap *u = new_map(), *r = new_map();
	memmap_from_mb2(&info, u, r);
	const struct mem_range wu[] = { { 0x0, 0x9f000 }, { 0x100000, 0x1fff0000 } };
	const struct mem_range wr[] = { { 0x9f000, 0x100000 }, { 0x1fff0000, 0x20000000 },
					{ 0xfffc0000, 0x100000000 } };
	expect(u, wu, 2);
	expect(r, wr, 3);
	assert_int_equal(memmap_total(u), 0x9f000 + 0x1fef0000);
	free(u);
	free(r);
}

static void test_from_mb2_rounding_and_overlap(void **state)
{
	static const struct mb2_mmap_entry e[] = {
		/* unaligned available: trimmed inward */
		{ 0x800, 0x9f000, MB2_MEM_AVAILABLE, 0 },
		/* unaligned reserved: rounded outward */
		{ 0x9fc00, 0x400, MB2_MEM_RESERVED, 0 },
		/* firmware overlap: available, with reserved entries listed inside it */
		{ 0x100000, 0x1000000, MB2_MEM_AVAILABLE, 0 },
		{ 0x400000, 0x1000, MB2_MEM_NVS, 0 },
		{ 0x7ff800, 0x1000, MB2_MEM_BADRAM, 0 },
		/* an unknown type counts as reserved, even listed before the RAM */
		{ 0x1000000, 0x100000, 77, 0 },
		{ 0xf00000, 0x200000, MB2_MEM_AVAILABLE, 0 },
		/* zero length: nothing */
		{ 0x3000000, 0, MB2_MEM_AVAILABLE, 0 },
		{ 0x3000000, 0, MB2_MEM_RESERVED, 0 },
		/* an available page smaller than a page: nothing */
		{ 0x4000100, 0xf00, MB2_MEM_AVAILABLE, 0 },
	};
	struct mb2_info info = info_for(e, ARRAY_SIZE(e));
	struct memmap *u = new_map(), *r = new_map();
	memmap_from_mb2(&info, u, r);
	const struct mem_range wu[] = {
		{ 0x1000, 0x9f000 }, { 0x100000, 0x400000 }, { 0x401000, 0x7ff000 },
		{ 0x801000, 0x1000000 }
	};
	expect(u, wu, 4);
	const struct mem_range wr[] = {
		{ 0x9f000, 0xa0000 }, { 0x400000, 0x401000 }, { 0x7ff000, 0x801000 },
		{ 0x1000000, 0x1100000 }
	};
	expect(r, wr, 4);
	for (unsigned i = 0; i < r->n; i++)
		assert_false(memmap_overlaps(u, r->r[i].start, r->r[i].end));
	free(u);
	free(r);
}

static void test_from_mb2_top_of_address_space(void **state)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0xfffffffffffff800ull, 0x1000, MB2_MEM_RESERVED, 0 },
		{ 0xffffffffffff0000ull, 0xffff, MB2_MEM_AVAILABLE, 0 },
		{ 0xfffffffffff00000ull, 0xffffffff, MB2_MEM_AVAILABLE, 0 },
	};
	struct mb2_info info = info_for(e, ARRAY_SIZE(e));
	struct memmap *u = new_map(), *r = new_map();
	memmap_from_mb2(&info, u, r);
	const struct mem_range wu[] = { { 0xfffffffffff00000ull, 0xfffffffffffff000ull } };
	const struct mem_range wr[] = { { 0xfffffffffffff000ull, UINT64_MAX } };
	expect(u, wu, 1);
	expect(r, wr, 1);
	free(u);
	free(r);
}

static void test_from_mb2_entry_stride(void **state)
{
	/* 32-byte entries: the parser's stride, not sizeof, decides where each is. */
	uint64_t raw[8] = { 0x0, 0x9f000, MB2_MEM_AVAILABLE, 0xdeadbeefdeadbeefull,
			    0x100000, 0x100000, MB2_MEM_AVAILABLE, 0xdeadbeefdeadbeefull };
	struct mb2_info info;
	memset(&info, 0, sizeof(info));
	info.mmap_entries = raw;
	info.mmap_entry_size = 32;
	info.mmap_count = 2;
	struct memmap *u = new_map(), *r = new_map();
	memmap_from_mb2(&info, u, r);
	const struct mem_range wu[] = { { 0x0, 0x9f000 }, { 0x100000, 0x200000 } };
	expect(u, wu, 2);
	assert_int_equal(r->n, 0);
	free(u);
	free(r);
}

/* Random adds and removes on a small space, checked unit by unit against a byte
 * array; 256 units hold at most 128 separated ranges, so nothing is dropped. */
static void test_random_against_model(void **state)
{
	enum { SPACE = 256 };
	uint8_t model[SPACE];
	struct memmap *m = new_map();
	uint32_t seed = 12345;

	memset(model, 0, sizeof(model));
	for (int step = 0; step < 20000; step++) {
		seed = seed * 1103515245u + 12345u;
		unsigned a = (seed >> 8) % SPACE, len = (seed >> 20) % 9;
		unsigned b = MIN(a + len, (unsigned)SPACE);
		bool add = (seed >> 30) & 1;
		if (add)
			memmap_add(m, a, b);
		else
			memmap_remove(m, a, b);
		memset(model + a, add, b - a);
		if (step % 97 == 0 || step > 19900) {
			check(m);
			assert_int_equal(m->dropped, 0);
			uint64_t total = 0;
			for (unsigned i = 0; i < SPACE; i++) {
				assert_int_equal(memmap_contains(m, i, i + 1), model[i]);
				total += model[i];
			}
			assert_int_equal(memmap_total(m), total);
		}
	}
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_add_sorted),
		cmocka_unit_test(test_add_merges),
		cmocka_unit_test(test_add_bridges_many),
		cmocka_unit_test(test_add_empty_ignored),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_remove_spanning_many),
		cmocka_unit_test(test_add_overflow),
		cmocka_unit_test(test_remove_split_overflow),
		cmocka_unit_test(test_subtract),
		cmocka_unit_test(test_find_free),
		cmocka_unit_test(test_contains_overlaps),
		cmocka_unit_test(test_from_mb2_bochs),
		cmocka_unit_test(test_from_mb2_rounding_and_overlap),
		cmocka_unit_test(test_from_mb2_top_of_address_space),
		cmocka_unit_test(test_from_mb2_entry_stride),
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
