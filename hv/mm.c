/* Boot-time memory set-up (see mm.h): the plan comes from mm_plan.c, this
 * file applies it and serializes allocation between CPUs. */
#include "hv/mm.h"
#include "arch/x86/spinlock.h"
#include "hv/log.h"
#include "hv/mm_plan.h"
#include "hv/page_pool.h"
#include "hv/panic.h"
#include "hv/string.h"

extern char _image_phys_start[], _image_phys_end[];

static struct mm_plan plan;
static struct page_pool low_pool, main_pool;
static uint64_t low_bitmap[MM_LOW_BITMAP_WORDS];
static spinlock_t mm_lock = SPINLOCK_INIT;

int mm_init(const struct mb2_info *mb, paddr_t mbi_pa)
{
	char err[128];
	struct mem_range occupied[] = {
		{(paddr_t)(uintptr_t)_image_phys_start, (paddr_t)(uintptr_t)_image_phys_end},
		{mbi_pa, mbi_pa + mb->total_size},
	};

	if (mb->modules_dropped)
		log_warn("mm: %u boot modules beyond the first %u are ignored", mb->modules_dropped,
			 MB2_MAX_MODULES);
	if (mm_plan_make(mb, occupied, ARRAY_SIZE(occupied), &plan, err, sizeof(err))) {
		log_err("mm: %s", err);
		return -1;
	}
	if (plan.bitmap_pa + plan.bitmap_bytes > 4 * GIB) {
		/* The boot page tables map only the first 4 GiB. */
		log_err("mm: no room for the page bitmap below 4 GiB");
		return -1;
	}
	mm_plan_init_pools(&plan, &low_pool, low_bitmap, &main_pool, phys_to_virt(plan.bitmap_pa));
	log_info("mm: ram %lu MiB, free %lu MiB, low pages %lu, bitmap %zu KiB at %#lx",
		 plan.ram_bytes / MIB, main_pool.nfree * PAGE_SIZE / MIB, low_pool.nfree,
		 plan.bitmap_bytes / KIB, plan.bitmap_pa);
	return 0;
}

static paddr_t alloc_from(struct page_pool *pool, uint64_t npages, uint64_t align_pages)
{
	uint64_t flags = spin_lock_irqsave(&mm_lock);
	paddr_t pa = page_pool_alloc(pool, npages, align_pages);
	spin_unlock_irqrestore(&mm_lock, flags);
	if (pa != PADDR_INVALID)
		memset(phys_to_virt(pa), 0, npages * PAGE_SIZE);
	return pa;
}

paddr_t mm_alloc_pages(uint64_t npages)
{
	return alloc_from(&main_pool, npages, 1);
}

paddr_t mm_alloc_pages_aligned(uint64_t npages, uint64_t align_pages)
{
	return alloc_from(&main_pool, npages, align_pages);
}

paddr_t mm_alloc_low_page(void)
{
	return alloc_from(&low_pool, 1, 1);
}

void mm_free_pages(paddr_t pa, uint64_t npages)
{
	struct page_pool *pool = pa < MM_LOW_LIMIT ? &low_pool : &main_pool;
	uint64_t flags = spin_lock_irqsave(&mm_lock);
	int err = page_pool_free(pool, pa, npages);
	spin_unlock_irqrestore(&mm_lock, flags);
	if (err)
		panic("mm: bad free of %lu pages at %#lx (double free or not allocated)", npages, pa);
}

uint64_t mm_ram_bytes(void)
{
	return plan.ram_bytes;
}

uint64_t mm_free_bytes(void)
{
	return main_pool.nfree * PAGE_SIZE;
}
