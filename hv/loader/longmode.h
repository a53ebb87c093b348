/* What a 64-bit guest needs to start directly in long mode: page tables that
 * identity-map the first 4 GiB and a GDT, built in guest memory. */
#ifndef HV_LOADER_LONGMODE_H
#define HV_LOADER_LONGMODE_H

#include "hv/loader/guest_mem.h"
#include "hv/types.h"

/* The region the caller reserves, page-aligned, below 4 GiB and clear of the
 * kernel and its stack: PML4, PDPT, four page directories of 2 MiB pages, and a
 * page for the GDT, in that order. */
#define LONGMODE_REGION_SIZE (7 * PAGE_SIZE)
#define LONGMODE_IDENTITY_LIMIT (4 * GIB)

/* The selectors Linux's 64-bit boot protocol requires (boot.rst: __BOOT_CS
 * 0x10 and __BOOT_DS 0x18); other 64-bit guests take whatever they are given.
 * GDT entry 1 stays null. */
#define LONGMODE_CS 0x10 /* GDT entry 2: 64-bit code */
#define LONGMODE_DS 0x18 /* GDT entry 3: data, for DS, ES, SS (FS, GS too) */

/* Control registers on entry: paging with PAE in long mode (Intel SDM vol. 3A,
 * "IA-32e Mode Initialization"). CR0 = PE | ET | NE | PG, CR4 = PAE,
 * EFER = LME | LMA. */
#define LONGMODE_CR0 0x80000031ull
#define LONGMODE_CR4 0x20ull
#define LONGMODE_EFER 0x500ull

/* Guest state on entry, which the caller writes to the VMCS:
 *   CR0, CR4, EFER as above (plus whatever the VMX fixed bits demand), CR3 = cr3,
 *   the "IA-32e mode guest" VM-entry control set;
 *   CS = code_sel with base 0, limit 0xffffffff, access rights code_ar (L = 1);
 *   DS, ES, SS, FS, GS = data_sel with base 0, limit 0xffffffff, access rights data_ar;
 *   GDTR = gdt_base / gdt_limit; IDTR base 0, limit 0 (no handlers yet);
 *   LDTR unusable; TR a busy 64-bit TSS (type 11), which VM entry requires;
 *   RIP = elf_loaded.entry (physical, and through the identity map also linear,
 *   so below 4 GiB); RSP = the top of a 16-byte aligned stack in guest RAM below
 *   4 GiB that the caller reserves; RFLAGS = 0x2 (interrupts off). */
struct longmode_setup {
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t code_sel, data_sel;
	uint32_t code_ar, data_ar; /* the VMCS access-rights encoding of the two descriptors */
	uint64_t cr0, cr4, efer;
};

/* Writes the page tables and GDT into [region_gpa, region_gpa +
 * LONGMODE_REGION_SIZE), which must be 4 KiB aligned, in guest RAM and below
 * 4 GiB, and fills *out. Returns 0, or -1 with a message in err (always
 * NUL-terminated when errlen > 0), guest memory untouched. */
int longmode_build(struct guest_mem *gm, uint64_t region_gpa, struct longmode_setup *out, char *err,
		   size_t errlen);

#endif
