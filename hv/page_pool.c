/* Bitmap page allocator. Scans work a 64-bit word at a time so pools of millions of
 * pages stay cheap, and start at the hint so single-page allocation rarely scans. */
#include "hv/page_pool.h"
#include "hv/string.h"

#define WORD_BITS 64

/* SWAR popcount: the builtin would call into libgcc without -mpopcnt. */
static uint64_t popcount(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

static paddr_t page_up(paddr_t x)
{
	return x > UINT64_MAX - (PAGE_SIZE - 1) ? UINT64_MAX : ALIGN_UP(x, PAGE_SIZE);
}

/* Bits [lo, hi) of a word, 0 <= lo < hi <= 64. */
static uint64_t word_mask(uint64_t lo, uint64_t hi)
{
	uint64_t below_hi = hi == WORD_BITS ? ~0ull : (1ull << hi) - 1;
	return below_hi & ~((1ull << lo) - 1);
}

/* Marks pages [a, b) used or free and returns how many actually changed. */
static uint64_t set_pages(struct page_pool *p, uint64_t a, uint64_t b, bool used)
{
	uint64_t changed = 0;

	while (a < b) {
		uint64_t w = a / WORD_BITS;
		uint64_t mask = word_mask(a % WORD_BITS, MIN(b - w * WORD_BITS, WORD_BITS));
		uint64_t old = p->bitmap[w];

		p->bitmap[w] = used ? old | mask : old & ~mask;
		changed += popcount(old ^ p->bitmap[w]);
		a = (w + 1) * WORD_BITS;
	}
	return changed;
}

/* First page in [from, limit) whose bit equals `used`, or limit. */
static uint64_t find_page(const struct page_pool *p, uint64_t from, uint64_t limit, bool used)
{
	while (from < limit) {
		uint64_t w = from / WORD_BITS;
		uint64_t bits = (used ? p->bitmap[w] : ~p->bitmap[w]) & (~0ull << (from % WORD_BITS));

		if (bits)
			return MIN(w * WORD_BITS + (uint64_t)__builtin_ctzll(bits), limit);
		from = (w + 1) * WORD_BITS;
	}
	return limit;
}

/* Clips the page-aligned [start, end) to the pool as page indices [*a, *b). */
static bool clip(const struct page_pool *p, paddr_t start, paddr_t end, uint64_t *a, uint64_t *b)
{
	paddr_t pool_end = p->base + p->npages * PAGE_SIZE;

	start = MAX(start, p->base);
	end = MIN(end, pool_end);
	if (start >= end)
		return false;
	*a = (start - p->base) >> PAGE_SHIFT;
	*b = (end - p->base) >> PAGE_SHIFT;
	return true;
}

size_t page_pool_bitmap_bytes(uint64_t npages)
{
	return (size_t)((npages + WORD_BITS - 1) / WORD_BITS * sizeof(uint64_t));
}

void page_pool_init(struct page_pool *p, paddr_t base, uint64_t npages, uint64_t *bitmap)
{
	p->base = base;
	p->npages = npages;
	p->nfree = 0;
	p->hint = npages;
	p->bitmap = bitmap;
	memset(bitmap, 0xff, page_pool_bitmap_bytes(npages));
}

void page_pool_release_range(struct page_pool *p, paddr_t start, paddr_t end)
{
	uint64_t a, b;

	if (!clip(p, page_up(start), ALIGN_DOWN(end, PAGE_SIZE), &a, &b))
		return;
	p->nfree += set_pages(p, a, b, false);
	p->hint = MIN(p->hint, a);
}

void page_pool_reserve_range(struct page_pool *p, paddr_t start, paddr_t end)
{
	uint64_t a, b;

	if (!clip(p, ALIGN_DOWN(start, PAGE_SIZE), page_up(end), &a, &b))
		return;
	p->nfree -= set_pages(p, a, b, true);
}

paddr_t page_pool_alloc(struct page_pool *p, uint64_t npages, uint64_t align_pages)
{
	if (!npages || !align_pages || (align_pages & (align_pages - 1)) || npages > p->nfree)
		return PADDR_INVALID;

	uint64_t pfn0 = p->base >> PAGE_SHIFT;
	uint64_t first = find_page(p, p->hint, p->npages, false);

	p->hint = first;
	for (uint64_t i = first; i < p->npages;) {
		/* The alignment is physical, and base need not be aligned to it. */
		uint64_t a = ALIGN_UP(pfn0 + i, align_pages) - pfn0;
		if (a > p->npages - npages)
			break;
		uint64_t used = find_page(p, a, a + npages, true);
		if (used == a + npages) {
			set_pages(p, a, a + npages, true);
			p->nfree -= npages;
			if (a == first)
				p->hint = a + npages;
			return p->base + a * PAGE_SIZE;
		}
		i = find_page(p, used + 1, p->npages, false);
	}
	return PADDR_INVALID;
}

int page_pool_free(struct page_pool *p, paddr_t pa, uint64_t npages)
{
	if (!npages || pa % PAGE_SIZE || pa < p->base)
		return -1;
	uint64_t i = (pa - p->base) >> PAGE_SHIFT;
	if (i >= p->npages || npages > p->npages - i)
		return -1;
	if (find_page(p, i, i + npages, false) != i + npages)
		return -1;
	set_pages(p, i, i + npages, false);
	p->nfree += npages;
	p->hint = MIN(p->hint, i);
	return 0;
}
