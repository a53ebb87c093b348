/* One domain's EPT paging structures (4-level, SDM Vol. 3C 29.3) as pure logic:
 * table pages come from, go back to and are reached through caller callbacks. */
#ifndef ARCH_X86_VMX_EPT_H
#define ARCH_X86_VMX_EPT_H

#include "hv/types.h"
#include "arch/x86/vmx/vmx_caps.h"

/* Access rights, as bits 2:0 of an EPT entry. */
#define EPT_R 1u
#define EPT_W 2u
#define EPT_X 4u

/* A 4-level walk translates 48-bit guest-physical addresses (SDM 3C 29.3.2). */
#define EPT_GPA_LIMIT ((uint64_t)1 << 48)

struct ept_mem_ops {
	/* One 4 KiB page (ept zeroes it itself), or PADDR_INVALID. */
	paddr_t (*alloc_page)(void *ctx);
	void (*free_page)(paddr_t pa, void *ctx);
	void *(*phys_to_virt)(paddr_t pa, void *ctx);
	void *ctx;
};

struct ept {
	paddr_t pml4;
	struct ept_mem_ops ops;
	bool allow_2m, allow_1g; /* the CPU accepts 2 MiB / 1 GiB leaves */
	bool exec_only;          /* the CPU accepts execute-only entries */
	bool ad;                 /* A/D flags in the EPTP; may be cleared, never set */
	uint8_t memtype;         /* memory type of the paging structures: WB */
	uint64_t table_pages;    /* table pages in use, the PML4 included */
};

/* Every change below takes effect for certain only after the caller's INVEPT
 * (single-context on ept_eptp(), on every CPU running the domain): until then a
 * CPU may use translations it cached. That includes table pages this code has
 * already given back through free_page, so they must not be reused before then. */

/* Allocates an empty PML4. -1 if the CPU lacks EPT with a 4-level walk and
 * WB paging structures, or no page is free; ept_destroy is safe either way. */
int ept_init(struct ept *e, const struct ept_mem_ops *ops, const struct vmx_ept_caps *caps);

/* Maps [gpa, gpa + size) to [hpa, hpa + size) with perms (EPT_R/W/X) and the
 * leaf memory type VMX_MEMTYPE_WB or VMX_MEMTYPE_UC (UC also ignores the guest's
 * PAT: meant for MMIO). Uses the largest page size the CPU allows for which gpa
 * and hpa are aligned and the range is long enough. -1, nothing changed, if the
 * arguments are not page aligned or valid, any page of the range is mapped
 * already, or table pages run out. */
int ept_map(struct ept *e, uint64_t gpa, paddr_t hpa, uint64_t size, unsigned perms, uint8_t memtype);

/* Unmaps whatever is mapped in [gpa, gpa + size), splitting a large page that
 * lies only partly inside, and frees table pages left empty. -1, nothing
 * changed, on invalid arguments or if a split finds no free page. */
int ept_unmap(struct ept *e, uint64_t gpa, uint64_t size);

/* Sets the access rights of every page in [gpa, gpa + size), splitting large
 * pages at the edges. -1, nothing changed, on invalid arguments or perms, if
 * part of the range is not mapped, or if a split finds no free page. */
int ept_protect(struct ept *e, uint64_t gpa, uint64_t size, unsigned perms);

/* Walks the tables as the CPU would. False if gpa is not mapped; otherwise the
 * host-physical address, the access rights and the size of the page mapping it
 * (any output pointer may be NULL). */
bool ept_translate(const struct ept *e, uint64_t gpa, paddr_t *hpa, unsigned *perms, uint64_t *page_size);

/* The VMCS EPTP field for these tables. */
uint64_t ept_eptp(const struct ept *e);

/* Frees every table page (not the memory mapped through them). */
void ept_destroy(struct ept *e);

#endif
