/* Unit tests for the bitmap page allocator: range rounding, reservations, alignment,
 * exhaustion, double-free detection, and exact-once hand-out checked against a model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/page_pool.h"

/* A pool with its bitmap in a heap block of exactly the advertised size, so ASan
 * flags any access past it. */
static struct page_pool *new_pool(paddr_t base, uint64_t npages)
{
	struct page_pool *p = malloc(sizeof(*p));
	assert_non_null(p);
	size_t bytes = page_pool_bitmap_bytes(npages);
	uint64_t *bm = malloc(bytes ? bytes : 1);
	assert_non_null(bm);
	memset(bm, 0, bytes);
	page_pool_init(p, base, npages, bm);
	return p;
}

static void free_pool(struct page_pool *p)
{
	free(p->bitmap);
	free(p);
}

static bool page_used(const struct page_pool *p, uint64_t i)
{
	return (p->bitmap[i / 64] >> (i % 64)) & 1;
}

static uint64_t count_free(const struct page_pool *p)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < p->npages; i++)
		n += !page_used(p, i);
	return n;
}

static void test_bitmap_bytes(void **state)
{
	assert_int_equal(page_pool_bitmap_bytes(0), 0);
	assert_int_equal(page_pool_bitmap_bytes(1), 8);
	assert_int_equal(page_pool_bitmap_bytes(64), 8);
	assert_int_equal(page_pool_bitmap_bytes(65), 16);
	assert_int_equal(page_pool_bitmap_bytes(256), 32);
	assert_int_equal(page_pool_bitmap_bytes(1 << 20), 1 << 17);
}

static void test_init_all_used(void **state)
{
	struct page_pool *p = new_pool(0x100000, 100);
	assert_int_equal(p->base, 0x100000);
	assert_int_equal(p->npages, 100);
	assert_int_equal(p->nfree, 0);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(p->bitmap[i], ~0ull);
	assert_int_equal(page_pool_alloc(p, 1, 1), PADDR_INVALID);
	free_pool(p);
}

static void test_release_rounds_inward(void **state)
{
	struct page_pool *p = new_pool(0x100000, 100);
	page_pool_release_range(p, 0x101001, 0x105fff);
	assert_int_equal(p->nfree, 3); /* pages 2, 3, 4 */
	assert_true(page_used(p, 1));
	assert_false(page_used(p, 2));
	assert_false(page_used(p, 4));
	assert_true(page_used(p, 5));
	/* Releasing again changes nothing, and is not counted twice. */
	page_pool_release_range(p, 0x100000, 0x105000);
	assert_int_equal(p->nfree, 5);
	/* Within one page: nothing. */
	page_pool_release_range(p, 0x110001, 0x110fff);
	assert_int_equal(p->nfree, 5);
	assert_int_equal(count_free(p), 5);
	free_pool(p);
}

static void test_reserve_rounds_outward(void **state)
{
	struct page_pool *p = new_pool(0x100000, 100);
	page_pool_release_range(p, 0, UINT64_MAX);
	assert_int_equal(p->nfree, 100);
	page_pool_reserve_range(p, 0x103fff, 0x104001); /* touches pages 3 and 4 */
	assert_int_equal(p->nfree, 98);
	assert_true(page_used(p, 3));
	assert_true(page_used(p, 4));
	assert_false(page_used(p, 5));
	page_pool_reserve_range(p, 0x103000, 0x105000); /* already used: not counted */
	assert_int_equal(p->nfree, 98);
	page_pool_reserve_range(p, 0x120000, 0x120000); /* empty */
	assert_int_equal(p->nfree, 98);
	free_pool(p);
}

static void test_ranges_outside_pool_ignored(void **state)
{
	struct page_pool *p = new_pool(0x100000, 100); /* [1 MiB, 1 MiB + 400 KiB) */
	page_pool_release_range(p, 0, 0x100000);
	page_pool_release_range(p, 0x164000, 0x200000);
	assert_int_equal(p->nfree, 0);
	page_pool_release_range(p, 0x50000, 0x102000); /* straddles the base */
	page_pool_release_range(p, 0x162000, UINT64_MAX); /* straddles the end */
	assert_int_equal(p->nfree, 4);
	page_pool_reserve_range(p, 0, 0x101000);
	page_pool_reserve_range(p, 0x163fff, UINT64_MAX);
	assert_int_equal(p->nfree, 2);
	assert_false(page_used(p, 1));
	assert_false(page_used(p, 98));
	/* The tail bits past npages stay set. */
	assert_int_equal(p->bitmap[1] >> 36, (1ull << 28) - 1);
	free_pool(p);
}

static void test_reservations_respected(void **state)
{
	struct page_pool *p = new_pool(0x100000, 1000);
	page_pool_release_range(p, 0x100000, 0x100000 + 1000 * 0x1000);
	page_pool_reserve_range(p, 0x200000, 0x300000);    /* pages 256..511 */
	page_pool_reserve_range(p, 0x100000, 0x101800);    /* pages 0, 1 */
	page_pool_reserve_range(p, 0x4e7fff, 0x4e8001);   /* pages 999 and 1000 (outside) */
	uint64_t expect_free = 1000 - 256 - 2 - 1;
	assert_int_equal(p->nfree, expect_free);
	for (uint64_t n = 0; n < expect_free; n++) {
		paddr_t pa = page_pool_alloc(p, 1, 1);
		assert_int_not_equal(pa, PADDR_INVALID);
		assert_false(pa >= 0x200000 && pa < 0x300000);
		assert_false(pa < 0x102000);
		assert_true(pa < 0x4e7000);
	}
	assert_int_equal(p->nfree, 0);
	assert_int_equal(page_pool_alloc(p, 1, 1), PADDR_INVALID);
	free_pool(p);
}

static void test_exhaustion(void **state)
{
	struct page_pool *p = new_pool(0x1000000, 130);
	page_pool_release_range(p, 0, UINT64_MAX);
	assert_int_equal(page_pool_alloc(p, 131, 1), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 100, 1), 0x1000000);
	assert_int_equal(page_pool_alloc(p, 31, 1), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 30, 1), 0x1000000 + 100 * 0x1000);
	assert_int_equal(p->nfree, 0);
	assert_int_equal(page_pool_alloc(p, 1, 1), PADDR_INVALID);
	assert_int_equal(page_pool_free(p, 0x1000000 + 50 * 0x1000, 2), 0);
	/* Two pages free but not three in a row. */
	assert_int_equal(page_pool_alloc(p, 3, 1), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 2, 2), 0x1000000 + 50 * 0x1000);
	assert_int_equal(page_pool_alloc(p, 1, 1), PADDR_INVALID);
	free_pool(p);
}

static void test_invalid_alloc_args(void **state)
{
	struct page_pool *p = new_pool(0, 64);
	page_pool_release_range(p, 0, UINT64_MAX);
	assert_int_equal(page_pool_alloc(p, 0, 1), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 1, 0), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 1, 3), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 1, 6), PADDR_INVALID);
	assert_int_equal(p->nfree, 64);
	/* A pool at address 0 hands out page 0: 0 is a valid address, not a failure. */
	assert_int_equal(page_pool_alloc(p, 1, 1), 0);
	free_pool(p);
}

static void test_alignment(void **state)
{
	/* base 1 MiB: physical 2 MiB alignment is 256 pages into the pool. */
	struct page_pool *p = new_pool(0x100000, 2048);
	page_pool_release_range(p, 0, UINT64_MAX);
	paddr_t one = page_pool_alloc(p, 1, 1);
	assert_int_equal(one, 0x100000);
	paddr_t big = page_pool_alloc(p, 512, 512);
	assert_int_equal(big, 0x200000);
	paddr_t sixteen = page_pool_alloc(p, 3, 16);
	assert_int_equal(sixteen, 0x110000);
	paddr_t two = page_pool_alloc(p, 1, 2);
	assert_int_equal(two, 0x102000);
	assert_int_equal(page_pool_alloc(p, 1, 1), 0x101000);
	assert_int_equal(page_pool_alloc(p, 1, 1), 0x103000);
	/* The next 2 MiB boundary with 512 free pages after it is 4 MiB. */
	assert_int_equal(page_pool_alloc(p, 1, 512), 0x400000);
	/* 8 MiB + 1 MiB is the pool's end: no 4 MiB-aligned run of 512 left. */
	assert_int_equal(page_pool_alloc(p, 512, 1024), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 256, 1024), 0x800000);
	for (int i = 0; i < 200; i++) {
		paddr_t pa = page_pool_alloc(p, 1, 8);
		if (pa == PADDR_INVALID)
			break;
		assert_int_equal(pa % 0x8000, 0);
	}
	free_pool(p);
}

static void test_double_free(void **state)
{
	struct page_pool *p = new_pool(0x100000, 200);
	page_pool_release_range(p, 0, UINT64_MAX);
	paddr_t pa = page_pool_alloc(p, 100, 1);
	assert_int_equal(pa, 0x100000);
	assert_int_equal(page_pool_free(p, pa + 70 * 0x1000, 1), 0);

	uint64_t before[4];
	memcpy(before, p->bitmap, sizeof(before));
	uint64_t nfree = p->nfree, hint = p->hint;
	assert_int_equal(page_pool_free(p, pa, 100), -1); /* page 70 is free already */
	assert_int_equal(page_pool_free(p, pa + 70 * 0x1000, 1), -1);
	assert_int_equal(page_pool_free(p, pa + 100 * 0x1000, 1), -1); /* never allocated */
	assert_memory_equal(before, p->bitmap, sizeof(before));
	assert_int_equal(p->nfree, nfree);
	assert_int_equal(p->hint, hint);

	assert_int_equal(page_pool_free(p, pa, 70), 0);
	assert_int_equal(page_pool_free(p, pa + 71 * 0x1000, 29), 0);
	assert_int_equal(p->nfree, 200);
	assert_int_equal(page_pool_free(p, pa, 1), -1);
	free_pool(p);
}

static void test_free_invalid(void **state)
{
	struct page_pool *p = new_pool(0x100000, 100);
	page_pool_release_range(p, 0, UINT64_MAX);
	assert_int_equal(page_pool_alloc(p, 100, 1), 0x100000);
	assert_int_equal(page_pool_free(p, 0x100800, 1), -1);               /* unaligned */
	assert_int_equal(page_pool_free(p, 0xff000, 1), -1);                /* below base */
	assert_int_equal(page_pool_free(p, 0x164000, 1), -1);               /* at the end */
	assert_int_equal(page_pool_free(p, 0x163000, 2), -1);               /* runs past it */
	assert_int_equal(page_pool_free(p, 0x163000, UINT64_MAX), -1);      /* wraps */
	assert_int_equal(page_pool_free(p, PADDR_INVALID & PAGE_MASK, 1), -1);
	assert_int_equal(page_pool_free(p, 0x100000, 0), -1);
	assert_int_equal(p->nfree, 0);
	assert_int_equal(page_pool_free(p, 0x163000, 1), 0);
	assert_int_equal(p->nfree, 1);
	free_pool(p);
}

static void test_hint_reuses_freed_pages(void **state)
{
	struct page_pool *p = new_pool(0x100000, 300);
	page_pool_release_range(p, 0, UINT64_MAX);
	for (unsigned i = 0; i < 200; i++)
		assert_int_equal(page_pool_alloc(p, 1, 1), 0x100000 + i * 0x1000);
	assert_int_equal(p->hint, 200);
	assert_int_equal(page_pool_free(p, 0x100000 + 130 * 0x1000, 1), 0);
	assert_int_equal(page_pool_free(p, 0x100000 + 3 * 0x1000, 1), 0);
	assert_int_equal(p->hint, 3);
	assert_int_equal(page_pool_alloc(p, 1, 1), 0x100000 + 3 * 0x1000);
	assert_int_equal(page_pool_alloc(p, 1, 1), 0x100000 + 130 * 0x1000);
	assert_int_equal(page_pool_alloc(p, 1, 1), 0x100000 + 200 * 0x1000);
	free_pool(p);
}

static void test_contiguous_across_words(void **state)
{
	struct page_pool *p = new_pool(0, 512);
	/* Free runs: [10, 50), [60, 140), [150, 400). */
	page_pool_release_range(p, 10 * 0x1000, 50 * 0x1000);
	page_pool_release_range(p, 60 * 0x1000, 140 * 0x1000);
	page_pool_release_range(p, 150 * 0x1000, 400 * 0x1000);
	assert_int_equal(page_pool_alloc(p, 80, 1), 60 * 0x1000);
	for (uint64_t i = 60; i < 140; i++)
		assert_true(page_used(p, i));
	assert_false(page_used(p, 10));
	assert_false(page_used(p, 150));
	assert_int_equal(page_pool_alloc(p, 200, 1), 150 * 0x1000);
	/* Left: [10, 50) and [350, 400). */
	assert_int_equal(page_pool_alloc(p, 51, 1), PADDR_INVALID);
	assert_int_equal(page_pool_alloc(p, 41, 1), 350 * 0x1000);
	assert_int_equal(page_pool_alloc(p, 40, 1), 10 * 0x1000);
	assert_int_equal(page_pool_alloc(p, 9, 1), 391 * 0x1000);
	assert_int_equal(p->nfree, 0);
	assert_int_equal(page_pool_free(p, 60 * 0x1000, 80), 0);
	assert_int_equal(page_pool_alloc(p, 64, 64), 64 * 0x1000);
	free_pool(p);
}

/* Every page handed out exactly once, none reserved, then all back and again. */
static void test_no_double_handout(void **state)
{
	enum { N = 20000 };
	const paddr_t base = 0x100000;
	struct page_pool *p = new_pool(base, N);
	uint8_t *seen = calloc(N, 1);
	paddr_t *got = calloc(N, sizeof(*got));
	assert_non_null(seen);
	assert_non_null(got);

	page_pool_release_range(p, base, base + (paddr_t)N * 0x1000);
	page_pool_reserve_range(p, base + 63 * 0x1000, base + 65 * 0x1000);
	page_pool_reserve_range(p, base + 5000 * 0x1000, base + 7000 * 0x1000);
	uint64_t avail = p->nfree;
	assert_int_equal(avail, N - 2 - 2000);

	for (int round = 0; round < 2; round++) {
		memset(seen, 0, N);
		uint64_t n = 0;
		for (;;) {
			paddr_t pa = page_pool_alloc(p, 1, 1);
			if (pa == PADDR_INVALID)
				break;
			uint64_t i = (pa - base) / 0x1000;
			assert_true(pa % 0x1000 == 0 && pa >= base && i < N);
			assert_false(seen[i]);
			assert_false(i == 63 || i == 64 || (i >= 5000 && i < 7000));
			seen[i] = 1;
			got[n++] = pa;
		}
		assert_int_equal(n, avail);
		assert_int_equal(p->nfree, 0);
		/* Free in a scrambled order so the hint moves around. */
		for (uint64_t k = 0; k < n; k++) {
			uint64_t j = (k * 7919) % n;
			paddr_t tmp = got[k];
			got[k] = got[j];
			got[j] = tmp;
		}
		for (uint64_t k = 0; k < n; k++)
			assert_int_equal(page_pool_free(p, got[k], 1), 0);
		assert_int_equal(p->nfree, avail);
	}
	free(seen);
	free(got);
	free_pool(p);
}

/* 16 GiB of pages: a scan that did not skip whole words would be slow here. */
static void test_large_pool(void **state)
{
	const uint64_t n = 4ull << 20;
	struct page_pool *p = new_pool(0x100000, n);
	page_pool_release_range(p, 0x100000, 0x100000 + n * 0x1000);
	page_pool_reserve_range(p, 0x100000, 0x100000 + (n - 1000) * 0x1000);
	assert_int_equal(p->nfree, 1000);
	for (int i = 0; i < 1000; i++)
		assert_int_not_equal(page_pool_alloc(p, 1, 1), PADDR_INVALID);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(page_pool_alloc(p, 1, 1), PADDR_INVALID);

	page_pool_release_range(p, 0, UINT64_MAX);
	for (int i = 0; i < 200000; i++)
		assert_int_not_equal(page_pool_alloc(p, 1, 1), PADDR_INVALID);
	paddr_t gib = page_pool_alloc(p, 262144, 262144);
	assert_int_equal(gib, 0x40000000);
	assert_int_equal(page_pool_alloc(p, n, 1), PADDR_INVALID);
	free_pool(p);
}

/* The lowest aligned free run in the model, or -1. */
static int64_t model_fit(const uint8_t *used, uint64_t n, uint64_t pfn0, uint64_t len,
			 uint64_t align)
{
	for (uint64_t i = 0; i + len <= n; i++) {
		if ((pfn0 + i) % align)
			continue;
		uint64_t k = 0;
		while (k < len && !used[i + k])
			k++;
		if (k == len)
			return (int64_t)i;
	}
	return -1;
}

static void test_random_against_model(void **state)
{
	enum { N = 700, MAXA = 400 };
	const paddr_t base = 0x3000; /* deliberately not aligned to the larger alignments */
	struct page_pool *p = new_pool(base, N);
	uint8_t used[N];
	struct { paddr_t pa; uint64_t n; } live[MAXA];
	unsigned nlive = 0;
	uint32_t seed = 99;

	page_pool_release_range(p, base, base + N * 0x1000);
	memset(used, 0, sizeof(used));
	for (int step = 0; step < 30000; step++) {
		seed = seed * 1664525u + 1013904223u;
		bool do_alloc = nlive == 0 || (nlive < MAXA && (seed >> 31));
		if (do_alloc) {
			uint64_t len = 1 + (seed >> 8) % ((seed >> 20) % 4 == 0 ? 80 : 3);
			uint64_t align = 1ull << ((seed >> 16) % 7);
			int64_t want = model_fit(used, N, base / 0x1000, len, align);
			paddr_t pa = page_pool_alloc(p, len, align);
			if (want < 0) {
				assert_int_equal(pa, PADDR_INVALID);
				continue;
			}
			assert_int_equal(pa, base + (uint64_t)want * 0x1000);
			memset(used + want, 1, len);
			live[nlive].pa = pa;
			live[nlive++].n = len;
		} else {
			unsigned k = (seed >> 4) % nlive;
			assert_int_equal(page_pool_free(p, live[k].pa, live[k].n), 0);
			memset(used + (live[k].pa - base) / 0x1000, 0, live[k].n);
			live[k] = live[--nlive];
		}
		uint64_t model_free = 0;
		for (unsigned i = 0; i < N; i++)
			model_free += !used[i];
		assert_int_equal(p->nfree, model_free);
		if (step % 101 == 0)
			for (unsigned i = 0; i < N; i++)
				assert_int_equal(page_used(p, i), used[i]);
	}
	free_pool(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_bytes),
		cmocka_unit_test(test_init_all_used),
		cmocka_unit_test(test_release_rounds_inward),
		cmocka_unit_test(test_reserve_rounds_outward),
		cmocka_unit_test(test_ranges_outside_pool_ignored),
		cmocka_unit_test(test_reservations_respected),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_invalid_alloc_args),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_free_invalid),
		cmocka_unit_test(test_hint_reuses_freed_pages),
		cmocka_unit_test(test_contiguous_across_words),
		cmocka_unit_test(test_no_double_handout),
		cmocka_unit_test(test_large_pool),
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
