/* The boot-time memory plan: from the boot loader's memory map and the ranges
 * already occupied, decide what the low and main page pools may hand out. */
#ifndef HV_MM_PLAN_H
#define HV_MM_PLAN_H

#include "hv/memmap.h"
#include "hv/multiboot2.h"
#include "hv/page_pool.h"

/* The low pool spans [0, 1 MiB): real-mode reachable, for the AP start-up
 * trampoline. Its bitmap is small enough to be a static array of the caller's. */
#define MM_LOW_LIMIT MIB
#define MM_LOW_PAGES (MM_LOW_LIMIT / PAGE_SIZE)
#define MM_LOW_BITMAP_WORDS (MM_LOW_PAGES / 64)

struct mm_plan {
	struct memmap usable;   /* all available RAM, for reporting */
	struct memmap reserved; /* firmware-reserved, plus the caller's extras and the
				   modules, all rounded outward to whole pages */
	struct memmap low_free; /* usable, unreserved pages in [4 KiB, 1 MiB): page 0 holds
				   the real-mode IVT and BIOS data area */
	struct memmap main_free; /* usable, unreserved pages >= 1 MiB, minus the bitmap */
	paddr_t main_base;       /* the main pool spans [1 MiB, top of usable RAM) */
	uint64_t main_npages;
	paddr_t bitmap_pa; /* the main pool's bitmap: 4 KiB aligned, inside main memory */
	size_t bitmap_bytes;
	uint64_t ram_bytes; /* memmap_total(&usable) */
};

/* Makes the plan. extra_reserved lists what the caller already occupies (the
 * hypervisor image, the boot information); the modules come from info. Returns 0,
 * or -1 with a message in err (NUL-terminated when errlen > 0) when there is no
 * usable memory, no room for the bitmap, or too many reserved ranges to track
 * them all; *out is then incomplete and must not be used. */
int mm_plan_make(const struct mb2_info *info, const struct mem_range *extra_reserved,
		 unsigned nextra, struct mm_plan *out, char *err, size_t errlen);

/* Builds both pools from a plan: low over [0, 1 MiB) with low_bitmap, main over
 * [main_base, +main_npages pages) with main_bitmap (bitmap_bytes, at bitmap_pa as
 * the caller maps it), each releasing exactly its free list. */
void mm_plan_init_pools(const struct mm_plan *plan, struct page_pool *low_pool,
			uint64_t low_bitmap[MM_LOW_BITMAP_WORDS], struct page_pool *main_pool,
			uint64_t *main_bitmap);

#endif
