/* The hypervisor's own page tables: all physical memory identity-mapped (RAM
 * write-back, everything else uncached, nothing executable but the first
 * 2 MiB), and the image in the top 2 GiB with per-section permissions. */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include "hv/multiboot2.h"

/* Build and load the final tables; returns 0 or -1 after logging why. */
int paging_init(const struct mb2_info *mb);
/* Physical address of the top-level table (for the AP trampoline: < 4 GiB). */
paddr_t paging_root(void);
/* End of the identity map: physical addresses below it are reachable. */
paddr_t paging_identity_top(void);

#endif
