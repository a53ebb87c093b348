/* Range-set operations on struct memmap: insertion with merging, removal with
 * splitting, queries, and the conversion of the Multiboot2 memory map. */
#include "hv/memmap.h"
#include "hv/multiboot2.h"
#include "hv/string.h"

void memmap_init(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
}

void memmap_add(struct memmap *m, paddr_t start, paddr_t end)
{
	unsigned i, j;

	if (start >= end)
		return;
	/* r[i..j) are the ranges that overlap or touch [start, end). */
	for (i = 0; i < m->n && m->r[i].end < start; i++)
		;
	for (j = i; j < m->n && m->r[j].start <= end; j++)
		;
	if (i == j) {
		if (m->n == MEMMAP_MAX) {
			m->dropped++;
			return;
		}
		memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof(m->r[0]));
		m->r[i] = (struct mem_range){ start, end };
		m->n++;
		return;
	}
	m->r[i].start = MIN(start, m->r[i].start);
	m->r[i].end = MAX(end, m->r[j - 1].end);
	memmove(&m->r[i + 1], &m->r[j], (m->n - j) * sizeof(m->r[0]));
	m->n -= j - i - 1;
}

/* Punches [start, end) out of r[i], which extends past it on both sides. */
static void split(struct memmap *m, unsigned i, paddr_t start, paddr_t end)
{
	struct mem_range *r = &m->r[i];

	if (m->n == MEMMAP_MAX) {
		if (start - r->start < r->end - end)
			r->start = end;
		else
			r->end = start;
		m->dropped++;
		return;
	}
	memmove(&m->r[i + 2], &m->r[i + 1], (m->n - i - 1) * sizeof(m->r[0]));
	m->r[i + 1] = (struct mem_range){ end, r->end };
	r->end = start;
	m->n++;
}

void memmap_remove(struct memmap *m, paddr_t start, paddr_t end)
{
	if (start >= end)
		return;
	for (unsigned i = 0; i < m->n && m->r[i].start < end;) {
		struct mem_range *r = &m->r[i];
		bool keep_low = r->start < start, keep_high = r->end > end;

		if (r->end <= start) {
			i++;
		} else if (keep_low && keep_high) {
			/* Only one range can contain the hole, so nothing else overlaps. */
			split(m, i, start, end);
			return;
		} else if (keep_low) {
			r->end = start;
			i++;
		} else if (keep_high) {
			r->start = end;
			i++;
		} else {
			memmove(r, r + 1, (m->n - i - 1) * sizeof(m->r[0]));
			m->n--;
		}
	}
}

void memmap_subtract(struct memmap *m, const struct memmap *other)
{
	for (unsigned i = 0; i < other->n; i++)
		memmap_remove(m, other->r[i].start, other->r[i].end);
}

uint64_t memmap_total(const struct memmap *m)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < m->n; i++)
		total += m->r[i].end - m->r[i].start;
	return total;
}

int memmap_find_free(const struct memmap *m, uint64_t size, uint64_t align, paddr_t min,
		     paddr_t *out)
{
	if (!size || !align || (align & (align - 1)))
		return -1;
	for (unsigned i = 0; i < m->n; i++) {
		paddr_t lo = MAX(m->r[i].start, min);
		if (lo >= m->r[i].end)
			continue;
		if (lo > UINT64_MAX - (align - 1))
			return -1;
		paddr_t s = ALIGN_UP(lo, align);
		if (s < m->r[i].end && m->r[i].end - s >= size) {
			*out = s;
			return 0;
		}
	}
	return -1;
}

bool memmap_contains(const struct memmap *m, paddr_t start, paddr_t end)
{
	if (start >= end)
		return false;
	for (unsigned i = 0; i < m->n; i++)
		if (m->r[i].start <= start && end <= m->r[i].end)
			return true;
	return false;
}

bool memmap_overlaps(const struct memmap *m, paddr_t start, paddr_t end)
{
	if (start >= end)
		return false;
	for (unsigned i = 0; i < m->n; i++)
		if (m->r[i].start < end && start < m->r[i].end)
			return true;
	return false;
}

void memmap_from_mb2(const struct mb2_info *info, struct memmap *usable, struct memmap *reserved)
{
	memmap_init(usable);
	memmap_init(reserved);
	for (uint32_t i = 0; i < info->mmap_count; i++) {
		const struct mb2_mmap_entry *e = mb2_mmap_entry(info, i);
		paddr_t end = e->length > UINT64_MAX - e->base_addr ? UINT64_MAX
								     : e->base_addr + e->length;
		if (e->type == MB2_MEM_AVAILABLE)
			memmap_add(usable, page_round_up(e->base_addr), ALIGN_DOWN(end, PAGE_SIZE));
		else
			memmap_add(reserved, ALIGN_DOWN(e->base_addr, PAGE_SIZE), page_round_up(end));
	}
	memmap_subtract(usable, reserved);
}
