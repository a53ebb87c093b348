/* Putting a domain's kernel (and ramdisk) into its RAM and choosing the
 * state its first vCPU starts in, from the domain's configuration. */
#ifndef HV_DOMAIN_BOOT_H
#define HV_DOMAIN_BOOT_H

#include "hv/domain.h"
#include "hv/multiboot2.h"

/* Returns 0, or -1 with err naming what is wrong with which image. */
int domain_boot_load(struct domain *d, const struct mb2_info *mb, struct vcpu_boot_state *boot,
		     char *err, size_t errlen);

#endif
