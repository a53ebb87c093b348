/* The VMX MSR bitmap (SDM Vol. 3C 25.6.9): one 4 KiB page saying, per MSR and
 * per direction, whether RDMSR/WRMSR exits. Pure: the caller owns the page. */
#ifndef ARCH_X86_MSR_BITMAP_H
#define ARCH_X86_MSR_BITMAP_H

#include "hv/types.h"

#define MSR_BITMAP_SIZE 4096

/* One MSR that may run without exits, per direction. */
struct msr_bitmap_pass {
	uint32_t msr;
	bool read, write;
};

/* Every bit 1: every RDMSR and WRMSR exits. */
void msr_bitmap_init_all_exit(uint8_t bitmap[MSR_BITMAP_SIZE]);

/* Sets both exit bits of msr: read (write) true lets RDMSR (WRMSR) run
 * without an exit, false makes it exit. Returns false and leaves the bitmap
 * alone for an MSR outside 0x0-0x1fff and 0xc0000000-0xc0001fff: accesses
 * to those always exit (SDM 3C 26.1.3). */
bool msr_bitmap_pass(uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool read, bool write);

/* Whether RDMSR (write false) or WRMSR (write true) of msr exits. */
bool msr_bitmap_exits(const uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool write);

/* All exits, then every entry of pass[0..n) applied; false if an entry
 * names an MSR the bitmap cannot cover (the others are still applied). */
bool msr_bitmap_build(uint8_t bitmap[MSR_BITMAP_SIZE], const struct msr_bitmap_pass *pass, size_t n);

#endif
