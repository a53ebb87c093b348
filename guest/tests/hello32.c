/* The first guest: entered as a multiboot v1 kernel, it checks what the
 * loader handed over, takes a CPUID exit and I/O exits, and ends. */
#include "hvtest.h"

#define MB1_LOADER_MAGIC 0x2badb002
#define MB1_INFO_MEM (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MMAP (1u << 6)

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

int guest_main(uint32_t magic, const struct mb1_info *info)
{
	uint32_t a, b, c, d;
	bool ok = true;

	con_puts("hello from a multiboot guest\n");
	ok &= check(magic == MB1_LOADER_MAGIC, "multiboot magic in eax");
	ok &= check(info->flags & MB1_INFO_MEM, "memory information present");
	ok &= check(info->mem_upper >= 1024, "at least 1 MiB above 1 MiB");
	ok &= check(info->flags & MB1_INFO_MMAP, "memory map present");
	if (info->flags & MB1_INFO_CMDLINE) {
		con_puts("cmdline: ");
		con_puts((const char *)(uintptr_t)info->cmdline);
		con_puts("\n");
	}
	cpuid(0, &a, &b, &c, &d);
	ok &= check(a >= 1 && b != 0, "cpuid leaf 0");
	return ok ? 0 : 1;
}
