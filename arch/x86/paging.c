/* Builds the host page tables described in paging.h. Memory types come from
 * the page attributes with the default PAT (WB, or UC via PCD|PWT). */
#include "arch/x86/paging.h"
#include "arch/x86/cpu.h"
#include "hv/log.h"
#include "hv/memmap.h"
#include "hv/mm.h"

#define PTE_NX (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define KERNEL_VMA 0xffffffff80000000ull
/* The AP trampoline runs from a page below 1 MiB through the identity map:
 * that much must stay executable. */
#define EXEC_LOW_LIMIT (2 * MIB)

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _image_end[];

static uint64_t *pml4;
static uint64_t nx_bit;
static bool have_1g_pages;
static struct memmap cacheable;
static paddr_t identity_top;
static bool out_of_memory;

static uint64_t *table_alloc(void)
{
	paddr_t pa = mm_alloc_pages(1);
	if (pa == PADDR_INVALID) {
		out_of_memory = true;
		return NULL;
	}
	return phys_to_virt(pa);
}

/* The next-level table under entry, created on first use. */
static uint64_t *next_level(uint64_t *entry)
{
	if (!(*entry & PTE_P)) {
		uint64_t *t = table_alloc();
		if (!t)
			return NULL;
		*entry = virt_to_phys(t) | PTE_P | PTE_W;
	}
	return phys_to_virt(*entry & PTE_ADDR_MASK);
}

/* Attributes for identity-mapped [pa, pa + size): the region must be all RAM
 * or all non-RAM for WB; mixed regions are the caller's to split. */
static uint64_t identity_attrs(paddr_t pa, uint64_t size)
{
	uint64_t attrs = PTE_P | PTE_W;
	if (!memmap_contains(&cacheable, pa, pa + size))
		attrs |= PTE_PCD | PTE_PWT;
	if (pa + size > EXEC_LOW_LIMIT)
		attrs |= nx_bit;
	return attrs;
}

static bool uniform(paddr_t pa, uint64_t size)
{
	bool crosses_exec_limit = pa < EXEC_LOW_LIMIT && pa + size > EXEC_LOW_LIMIT;
	return !crosses_exec_limit && (memmap_contains(&cacheable, pa, pa + size) ||
				       !memmap_overlaps(&cacheable, pa, pa + size));
}

static void map_identity_2m(uint64_t *pd, paddr_t base)
{
	for (int i = 0; i < 512; i++) {
		paddr_t pa = base + (uint64_t)i * 2 * MIB;
		if (uniform(pa, 2 * MIB)) {
			pd[i] = pa | identity_attrs(pa, 2 * MIB) | PTE_PS;
			continue;
		}
		uint64_t *pt = next_level(&pd[i]);
		if (!pt)
			return;
		for (int j = 0; j < 512; j++) {
			paddr_t p = pa + (uint64_t)j * PAGE_SIZE;
			pt[j] = p | identity_attrs(p, PAGE_SIZE);
		}
	}
}

static void map_identity(paddr_t top)
{
	for (paddr_t gb = 0; gb < top && !out_of_memory; gb += GIB) {
		uint64_t *pdpt = next_level(&pml4[(gb >> 39) & 511]);
		if (!pdpt)
			return;
		uint64_t *entry = &pdpt[(gb >> 30) & 511];
		if (have_1g_pages && uniform(gb, GIB)) {
			*entry = gb | identity_attrs(gb, GIB) | PTE_PS;
			continue;
		}
		uint64_t *pd = next_level(entry);
		if (pd)
			map_identity_2m(pd, gb);
	}
}

static void map_image_range(const char *start, const char *end, uint64_t attrs)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end && !out_of_memory; va += PAGE_SIZE) {
		uint64_t *pdpt = next_level(&pml4[(va >> 39) & 511]);
		uint64_t *pd = pdpt ? next_level(&pdpt[(va >> 30) & 511]) : NULL;
		uint64_t *pt = pd ? next_level(&pd[(va >> 21) & 511]) : NULL;
		if (pt)
			pt[(va >> 12) & 511] = (va - KERNEL_VMA) | attrs;
	}
}

/* Up to the end of RAM, and at least 4 GiB so the MMIO hole below 4 GiB
 * (LAPIC, IOAPIC, firmware) is covered. Reserved ranges far above RAM (QEMU
 * lists one just below 1 TiB) are device space, mapped when a driver needs it. */
static paddr_t top_of_memory(void)
{
	paddr_t top = 4 * GIB;
	if (cacheable.n && cacheable.r[cacheable.n - 1].end > top)
		top = cacheable.r[cacheable.n - 1].end;
	return ALIGN_UP(top, GIB);
}

int paging_init(const struct mb2_info *mb)
{
	memmap_init(&cacheable);
	for (uint32_t i = 0; i < mb->mmap_count; i++) {
		const struct mb2_mmap_entry *e = mb2_mmap_entry(mb, i);
		if (e->type == MB2_MEM_AVAILABLE || e->type == MB2_MEM_ACPI_RECLAIMABLE ||
		    e->type == MB2_MEM_NVS)
			memmap_add(&cacheable, ALIGN_DOWN(e->base_addr, PAGE_SIZE),
				   ALIGN_UP(e->base_addr + e->length, PAGE_SIZE));
	}
	struct cpuid_regs ext = cpuid(0x80000001);
	nx_bit = (ext.edx & CPUID80000001_EDX_NX) ? PTE_NX : 0;
	have_1g_pages = ext.edx & CPUID80000001_EDX_PDPE1GB;

	pml4 = table_alloc();
	if (!pml4 || virt_to_phys(pml4) >= 4 * GIB) {
		log_err("paging: no page for the top-level table below 4 GiB");
		return -1;
	}
	paddr_t top = top_of_memory();
	map_identity(top);
	identity_top = top;
	map_image_range(_text_start, _text_end, PTE_P);
	map_image_range(_rodata_start, _rodata_end, PTE_P | nx_bit);
	map_image_range(_data_start, _image_end, PTE_P | PTE_W | nx_bit);
	if (out_of_memory) {
		log_err("paging: out of memory building the page tables");
		return -1;
	}
	write_cr3(virt_to_phys(pml4));
	log_info("paging: identity map up to %lu GiB (%s pages), image W^X, nx=%s", top / GIB,
		 have_1g_pages ? "1 GiB" : "2 MiB", nx_bit ? "yes" : "no");
	return 0;
}

paddr_t paging_root(void)
{
	return virt_to_phys(pml4);
}

paddr_t paging_identity_top(void)
{
	return identity_top;
}
