/* Linux loader entry point: tells a vmlinux from a bzImage, checks and places
 * everything, and only then writes the kernel, initrd, command line and zero page. */
#include "hv/loader/linux.h"
#include "hv/loader/linux_kernel.h"
#include "hv/string.h"

static bool is_elf(const uint8_t *img, size_t len)
{
	return len >= 4 && !memcmp(img, "\x7f" "ELF", 4);
}

int linux_load(const void *img, size_t len, struct guest_mem *gm, const struct linux_params *p,
	       struct linux_boot *out, char *err, size_t errlen)
{
	const uint8_t *bytes = img;
	struct linux_kernel k;
	struct linux_layout lay;

	if (is_elf(bytes, len) ? linux_read_vmlinux(bytes, len, &k, err, errlen)
			       : linux_read_bzimage(bytes, len, &k, err, errlen))
		return -1;
	if (linux_layout(&k, gm, p, &lay, err, errlen))
		return -1;

	if (k.bzimage)
		memcpy(gm->base + lay.kernel, k.code, k.code_len);
	else
		linux_copy_vmlinux(&k, gm);
	if (p->initrd_len)
		memcpy(gm->base + lay.initrd, p->initrd, p->initrd_len);
	memcpy(gm->base + p->cmdline_gpa, p->cmdline ? p->cmdline : "", lay.cmdline_len + 1);
	linux_write_zero_page(&k, &lay, p, gm);

	*out = (struct linux_boot){
		.entry = lay.kernel + k.entry_offset,
		.zero_page = p->zero_page_gpa,
		.kernel_start = lay.kernel,
		.kernel_end = lay.kernel_end,
		.initrd_start = lay.initrd,
		.initrd_end = lay.initrd_end,
		.version = k.version,
		.bzimage = k.bzimage,
	};
	return 0;
}
