/* Physical page allocator over one span [base, base + npages * 4 KiB): one bit per
 * page, 1 = in use, in bitmap storage the caller provides. */
#ifndef HV_PAGE_POOL_H
#define HV_PAGE_POOL_H

#include "hv/types.h"

/* Bits past npages in the last bitmap word stay 1, so scans never return them. */
struct page_pool {
	paddr_t base; /* page aligned */
	uint64_t npages;
	uint64_t nfree;
	uint64_t hint;     /* every page below this index is in use: scans start here */
	uint64_t *bitmap; /* page_pool_bitmap_bytes(npages) bytes */
};

size_t page_pool_bitmap_bytes(uint64_t npages);

/* Everything starts in use; the caller then releases the memory that is free. */
void page_pool_init(struct page_pool *p, paddr_t base, uint64_t npages, uint64_t *bitmap);

/* Marks free the pages lying wholly inside [start, end) (rounded inward), so a
 * partial page is never handed out; parts outside the pool are ignored. */
void page_pool_release_range(struct page_pool *p, paddr_t start, paddr_t end);

/* Marks in use every page [start, end) touches (rounded outward); parts outside the
 * pool are ignored. */
void page_pool_reserve_range(struct page_pool *p, paddr_t start, paddr_t end);

/* Allocates npages contiguous pages whose physical address is a multiple of
 * align_pages * 4 KiB (align_pages a power of two >= 1). Returns PADDR_INVALID when
 * no such run is free or the arguments are invalid. */
paddr_t page_pool_alloc(struct page_pool *p, uint64_t npages, uint64_t align_pages);

/* Frees npages pages at pa. Returns -1 and changes nothing if pa is not page
 * aligned, the run is not wholly inside the pool, or any page of it is already free
 * (a double free); 0 otherwise. */
int page_pool_free(struct page_pool *p, paddr_t pa, uint64_t npages);

#endif
