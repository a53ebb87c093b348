/* The multiboot2 boot modules (domain configs, guest kernels, ramdisks),
 * found by the name GRUB gives them. */
#ifndef HV_BOOT_MODULES_H
#define HV_BOOT_MODULES_H

#include "hv/multiboot2.h"

struct boot_module {
	const void *data;
	size_t len;
	const char *name;
};

/* The module whose string is name; false when there is none. */
bool boot_module_find(const struct mb2_info *mb, const char *name, struct boot_module *out);
void boot_modules_log(const struct mb2_info *mb);

#endif
