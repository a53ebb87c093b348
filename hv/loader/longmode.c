/* Page tables and GDT for entering a 64-bit guest straight in long mode. Layouts
 * follow the Intel SDM vol. 3A: 4-level paging entries ("Paging"), segment
 * descriptors ("Segment Descriptors"); access rights follow vol. 3C's VMCS
 * "Guest Register State". */
#include "hv/loader/longmode.h"
#include "hv/loader/loader_msg.h"
#include "hv/string.h"

/* Paging-structure entry bits. */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7) /* in a PDE: maps a 2 MiB page */

#define PD_COUNT 4 /* one page directory per GiB */
#define ENTRIES_PER_TABLE 512

/* Where each table sits in the region, in pages. */
enum { PAGE_PML4, PAGE_PDPT, PAGE_PD0, PAGE_GDT = PAGE_PD0 + PD_COUNT };
_Static_assert((PAGE_GDT + 1) * PAGE_SIZE == LONGMODE_REGION_SIZE, "region layout");

/* Descriptor access byte: type in bits 0-3, then S (code/data), DPL 0, P. Both are
 * marked accessed, as VM entry demands of every usable segment in the VMCS, so
 * the GDT and the VMCS agree. */
#define AR_CODE64 0x9b	 /* execute/read, accessed */
#define AR_DATA 0x93	 /* read/write, accessed */
#define FLAGS_CODE64 0xa /* G, L: 4 KiB granularity, 64-bit code */
#define FLAGS_DATA 0xc	 /* G, D/B */

/* A flat descriptor: base 0, limit 0xfffff pages, so 4 GiB. */
static uint64_t flat_descriptor(unsigned access, unsigned flags)
{
	return 0xffffull | (uint64_t)access << 40 | 0xfull << 48 | (uint64_t)flags << 52;
}

/* The VMCS access-rights field holds the descriptor's access byte in bits 0-7 and
 * its flags nibble in bits 12-15. */
static uint32_t vmcs_access_rights(unsigned access, unsigned flags)
{
	return access | flags << 12;
}

static int check_region(const struct guest_mem *gm, uint64_t region, char *err, size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];

	if (region % PAGE_SIZE)
		return loader_fail(err, errlen, "longmode: region 0x%llx is not 4 KiB aligned",
				   (unsigned long long)region);
	/* The guest reaches its GDT through the identity map once it runs. */
	if (!span_within(region, LONGMODE_REGION_SIZE, LONGMODE_IDENTITY_LIMIT))
		return loader_fail(
			err, errlen,
			"longmode: region 0x%llx (%s) extends past the 4 GiB identity map",
			(unsigned long long)region, loader_size_str(sz, LONGMODE_REGION_SIZE));
	if (!span_within(region, LONGMODE_REGION_SIZE, gm->size))
		return loader_fail(err, errlen,
				   "longmode: region [0x%llx, 0x%llx) beyond guest RAM (%s)",
				   (unsigned long long)region,
				   (unsigned long long)(region + LONGMODE_REGION_SIZE),
				   loader_size_str(sz, gm->size));
	return 0;
}

int longmode_build(struct guest_mem *gm, uint64_t region_gpa, struct longmode_setup *out, char *err,
		   size_t errlen)
{
	if (check_region(gm, region_gpa, err, errlen))
		return -1;

	uint64_t pml4 = region_gpa + PAGE_PML4 * PAGE_SIZE;
	uint64_t pdpt = region_gpa + PAGE_PDPT * PAGE_SIZE;
	uint64_t gdt = region_gpa + PAGE_GDT * PAGE_SIZE;

	/* Entries not written stay zero: not present. */
	memset(gm->base + region_gpa, 0, LONGMODE_REGION_SIZE);
	guest_put64(gm, pml4, pdpt | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < PD_COUNT; i++) {
		uint64_t pd = region_gpa + (PAGE_PD0 + i) * PAGE_SIZE;
		guest_put64(gm, pdpt + i * 8, pd | PTE_P | PTE_RW);
		for (uint64_t j = 0; j < ENTRIES_PER_TABLE; j++)
			guest_put64(gm, pd + j * 8,
				    (i * GIB + j * 2 * MIB) | PTE_P | PTE_RW | PTE_PS);
	}

	guest_put64(gm, gdt + LONGMODE_CS, flat_descriptor(AR_CODE64, FLAGS_CODE64));
	guest_put64(gm, gdt + LONGMODE_DS, flat_descriptor(AR_DATA, FLAGS_DATA));

	*out = (struct longmode_setup){
		.cr3 = pml4,
		.gdt_base = gdt,
		.gdt_limit = LONGMODE_DS + 8 - 1,
		.code_sel = LONGMODE_CS,
		.data_sel = LONGMODE_DS,
		.code_ar = vmcs_access_rights(AR_CODE64, FLAGS_CODE64),
		.data_ar = vmcs_access_rights(AR_DATA, FLAGS_DATA),
		.cr0 = LONGMODE_CR0,
		.cr4 = LONGMODE_CR4,
		.efer = LONGMODE_EFER,
	};
	return 0;
}
