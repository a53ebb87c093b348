/* Boot-time memory plan: what is free below and above 1 MiB once the firmware's
 * reservations, the caller's ranges and the modules are taken out, and where the
 * main pool's bitmap goes. Pure: it only reads descriptions. */
#include "hv/mm_plan.h"
#include "hv/format.h"

static int fail(char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		fmt_snprintf(err, errlen, "memory plan: %s", what);
	return -1;
}

/* Reservations round outward: a page holding any reserved byte is not free. */
static void reserve(struct memmap *m, paddr_t start, paddr_t end)
{
	memmap_add(m, ALIGN_DOWN(start, PAGE_SIZE), page_round_up(end));
}

int mm_plan_make(const struct mb2_info *info, const struct mem_range *extra_reserved,
		 unsigned nextra, struct mm_plan *out, char *err, size_t errlen)
{
	if (!info->mmap_count)
		return fail(err, errlen, "the boot information has no memory map");

	memmap_from_mb2(info, &out->usable, &out->reserved);
	for (unsigned i = 0; i < nextra; i++)
		reserve(&out->reserved, extra_reserved[i].start, extra_reserved[i].end);
	for (unsigned i = 0; i < info->nmodules; i++)
		reserve(&out->reserved, info->modules[i].start, info->modules[i].end);
	if (out->reserved.dropped)
		return fail(err, errlen, "too many reserved ranges to track");

	out->ram_bytes = memmap_total(&out->usable);
	if (!out->ram_bytes)
		return fail(err, errlen, "no usable memory");
	paddr_t top = out->usable.r[out->usable.n - 1].end;
	if (top <= MM_LOW_LIMIT)
		return fail(err, errlen, "no usable memory above 1 MiB");

	out->main_free = out->usable;
	memmap_subtract(&out->main_free, &out->reserved);
	out->low_free = out->main_free;
	memmap_remove(&out->low_free, 0, PAGE_SIZE);
	memmap_remove(&out->low_free, MM_LOW_LIMIT, UINT64_MAX);
	memmap_remove(&out->main_free, 0, MM_LOW_LIMIT);

	out->main_base = MM_LOW_LIMIT;
	out->main_npages = (top - MM_LOW_LIMIT) / PAGE_SIZE;
	out->bitmap_bytes = page_pool_bitmap_bytes(out->main_npages);
	uint64_t span = ALIGN_UP((uint64_t)out->bitmap_bytes, PAGE_SIZE);
	if (memmap_find_free(&out->main_free, span, PAGE_SIZE, MM_LOW_LIMIT, &out->bitmap_pa))
		return fail(err, errlen, "no free range above 1 MiB is large enough for the page bitmap");
	memmap_remove(&out->main_free, out->bitmap_pa, out->bitmap_pa + span);
	return 0;
}

static void release_all(struct page_pool *p, const struct memmap *ranges)
{
	for (unsigned i = 0; i < ranges->n; i++)
		page_pool_release_range(p, ranges->r[i].start, ranges->r[i].end);
}

void mm_plan_init_pools(const struct mm_plan *plan, struct page_pool *low_pool,
			uint64_t low_bitmap[MM_LOW_BITMAP_WORDS], struct page_pool *main_pool,
			uint64_t *main_bitmap)
{
	page_pool_init(low_pool, 0, MM_LOW_PAGES, low_bitmap);
	release_all(low_pool, &plan->low_free);
	page_pool_init(main_pool, plan->main_base, plan->main_npages, main_bitmap);
	release_all(main_pool, &plan->main_free);
}
