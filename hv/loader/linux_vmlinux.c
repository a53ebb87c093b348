/* Reading an uncompressed vmlinux (ELF64, as scripts/extract-vmlinux gives it):
 * its PT_LOAD segments go to their physical addresses (p_paddr, e.g. 0x1000000)
 * and it starts at startup_64 directly, with no decompressor and no setup header. */
#include "hv/loader/elf.h"
#include "hv/loader/linux_boot_params.h"
#include "hv/loader/linux_kernel.h"
#include "hv/loader/loader_msg.h"
#include "hv/string.h"

/* With no setup header to say so, the values a 64-bit kernel's own header
 * carries (boot.rst: initrd_addr_max; cmdline_size is COMMAND_LINE_SIZE - 1). */
#define VMLINUX_INITRD_ADDR_MAX 0x7fffffffu
#define VMLINUX_CMDLINE_SIZE 2047u

/* The ELF rules for a vmlinux: x86-64 only, every segment below the 4 GiB
 * that the boot protocol's identity map covers (linux_layout() then checks
 * the kernel against guest RAM and the e820 map), and an e_entry that is
 * physical (the kernel's linker script says ENTRY(phys_startup_64)) or
 * virtual. */
static const struct elf_rules vmlinux_rules = {
	.who = "vmlinux",
	.only64 = true,
	.limit = LINUX_ADDR_LIMIT,
	.limit_name = "4 GiB",
	.entry_may_be_physical = true,
};

int linux_read_vmlinux(const uint8_t *img, size_t len, struct linux_kernel *k, char *err,
		       size_t errlen)
{
	struct elf_loaded elf;

	if (elf_check_rules(img, len, &vmlinux_rules, &elf, err, errlen))
		return -1;
	*k = (struct linux_kernel){
		.version = LX_VERSION_WRITTEN,
		.initrd_addr_max = VMLINUX_INITRD_ADDR_MAX,
		.cmdline_size = VMLINUX_CMDLINE_SIZE,
		.image = img,
		.image_len = len,
		.fixed = true,
		.start = elf.lowest,
		.align = 1,
		.span = elf.highest + 1 - elf.lowest,
		.entry_offset = elf.entry - elf.lowest,
	};
	return 0;
}

void linux_copy_vmlinux(const struct linux_kernel *k, struct guest_mem *gm)
{
	elf_copy(k->image, k->image_len, gm);
}

/* A vmlinux carries notes named "Linux" (init/version.c's build salt, in
 * every kernel since 5.0): that tells it from other 64-bit ELF kernels,
 * which the ELF loader runs as they are. */
bool linux_is_vmlinux(const void *img, size_t len)
{
	return elf_has_note(img, len, "Linux");
}
