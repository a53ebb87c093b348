/* Physical memory for the running hypervisor: the page pools built from the
 * boot plan, and the identity map through which all RAM is reached. */
#ifndef HV_MM_H
#define HV_MM_H

#include "hv/multiboot2.h"
#include "hv/types.h"

/* Host page tables identity-map physical memory. */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

/* Builds the pools; returns 0 or -1 after logging why. */
int mm_init(const struct mb2_info *mb, paddr_t mbi_pa);

/* Zeroed, contiguous pages; PADDR_INVALID when memory is exhausted. */
paddr_t mm_alloc_pages(uint64_t npages);
/* The same, physically aligned to align_pages pages (a power of two). */
paddr_t mm_alloc_pages_aligned(uint64_t npages, uint64_t align_pages);
void mm_free_pages(paddr_t pa, uint64_t npages);
/* A zeroed page below 1 MiB (real-mode reachable), or PADDR_INVALID. */
paddr_t mm_alloc_low_page(void);

uint64_t mm_ram_bytes(void);
uint64_t mm_free_bytes(void);

#endif
