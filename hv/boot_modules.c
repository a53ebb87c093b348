/* Boot module lookup (see boot_modules.h). mkiso.sh gives each module its
 * path in the image as its string: "module2 /guests/x.elf /guests/x.elf". */
#include "hv/boot_modules.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/string.h"

bool boot_module_find(const struct mb2_info *mb, const char *name, struct boot_module *out)
{
	for (unsigned i = 0; i < mb->nmodules; i++) {
		const struct mb2_module *m = &mb->modules[i];
		if (m->string && !strcmp(m->string, name)) {
			out->data = phys_to_virt(m->start);
			out->len = (size_t)(m->end - m->start);
			out->name = m->string;
			return true;
		}
	}
	return false;
}

void boot_modules_log(const struct mb2_info *mb)
{
	for (unsigned i = 0; i < mb->nmodules; i++)
		log_info("module %u: %s (%lu bytes at %#lx)", i,
			 mb->modules[i].string ? mb->modules[i].string : "", mb->modules[i].end - mb->modules[i].start,
			 mb->modules[i].start);
}
