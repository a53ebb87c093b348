/* Sorted, non-overlapping sets of physical ranges [start, end): the bookkeeping for
 * which memory is usable, reserved or free while the boot-time plan is made. */
#ifndef HV_MEMMAP_H
#define HV_MEMMAP_H

#include "hv/types.h"

struct mb2_info;

#define MEMMAP_MAX 128

/* Rounds up to a page boundary, saturating: the last page of the address space has
 * no representable end. */
static inline paddr_t page_round_up(paddr_t x)
{
	return x > UINT64_MAX - (PAGE_SIZE - 1) ? UINT64_MAX : ALIGN_UP(x, PAGE_SIZE);
}

struct mem_range {
	paddr_t start, end; /* [start, end) */
};

/* r[0..n) is sorted, and no two ranges overlap or touch (they are merged). A range
 * that had no slot is counted in `dropped` and lost: harmless for a free list (it
 * only loses memory), fatal for a reserved list, so the caller must check. */
struct memmap {
	struct mem_range r[MEMMAP_MAX];
	unsigned n;
	unsigned dropped;
};

void memmap_init(struct memmap *m);

/* Adds [start, end), merging with ranges it overlaps or touches. Empty ranges
 * (start >= end) are ignored by every function here. */
void memmap_add(struct memmap *m, paddr_t start, paddr_t end);

/* Removes [start, end), splitting a range it falls inside. If a split needs a slot
 * there is not, the smaller piece is dropped (and counted) rather than kept, so a
 * removed byte never stays in the map. */
void memmap_remove(struct memmap *m, paddr_t start, paddr_t end);

/* Removes every range of `other` from m. */
void memmap_subtract(struct memmap *m, const struct memmap *other);

uint64_t memmap_total(const struct memmap *m);

/* First fit: the lowest address >= min, aligned to align (a power of two), where
 * size bytes lie inside one range. Returns 0 and sets *out, or -1. */
int memmap_find_free(const struct memmap *m, uint64_t size, uint64_t align, paddr_t min,
		     paddr_t *out);

/* Whether every byte of the non-empty [start, end) is in the map. */
bool memmap_contains(const struct memmap *m, paddr_t start, paddr_t end);

/* Whether any byte of [start, end) is in the map (never, for an empty range). */
bool memmap_overlaps(const struct memmap *m, paddr_t start, paddr_t end);

/* Splits the boot loader's memory map: AVAILABLE entries trimmed inward to whole
 * pages go to usable, all others rounded outward to whole pages go to reserved, and
 * usable then loses whatever reserved covers, because firmware maps can list
 * overlapping entries and such memory must never be handed out. */
void memmap_from_mb2(const struct mb2_info *info, struct memmap *usable, struct memmap *reserved);

#endif
