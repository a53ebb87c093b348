/* Running the domains named on the command line (domains=a.cfg,b.cfg), one
 * after another on the boot CPU, each from creation to a scrubbed end. */
#ifndef HV_DOMAINS_H
#define HV_DOMAINS_H

#include "hv/multiboot2.h"

void domains_run(const struct mb2_info *mb, const char *cmdline);

#endif
