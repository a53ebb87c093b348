/* The zero page (struct boot_params, zero-page.rst) a Linux kernel finds through
 * RSI at its 64-bit entry: built from all zeroes, so that every field this loader
 * does not set, the sentinel at 0x1ef included, reads as "not provided". */
#include "hv/loader/linux_boot_params.h"
#include "hv/loader/linux_kernel.h"
#include "hv/string.h"

/* A vmlinux has no setup header, so the fields the kernel reads from one are
 * written as a 2.15 header would carry them (boot.rst, "Details of header fields"). */
#define VMLINUX_KERNEL_ALIGNMENT (2 * MIB) /* x86-64's smallest CONFIG_PHYSICAL_ALIGN */

static void write_vmlinux_header(const struct linux_kernel *k, struct guest_mem *gm,
				 uint64_t zp)
{
	guest_put16(gm, zp + LX_BOOT_FLAG, LX_BOOT_FLAG_MAGIC);
	guest_put32(gm, zp + LX_HEADER, LX_MAGIC);
	guest_put16(gm, zp + LX_VERSION, k->version);
	guest_put8(gm, zp + LX_LOADFLAGS, LX_LOADED_HIGH);
	guest_put32(gm, zp + LX_INITRD_ADDR_MAX, k->initrd_addr_max);
	guest_put32(gm, zp + LX_KERNEL_ALIGNMENT, VMLINUX_KERNEL_ALIGNMENT);
	guest_put32(gm, zp + LX_CMDLINE_SIZE, k->cmdline_size);
}

/* e820_entries and e820_table: 20-byte entries, address, size, type. */
static void write_e820(const struct linux_params *p, struct guest_mem *gm, uint64_t zp)
{
	guest_put8(gm, zp + LX_E820_ENTRIES, (uint8_t)p->e820_count);
	for (size_t i = 0; i < p->e820_count; i++) {
		uint64_t at = zp + LX_E820_TABLE + i * LX_E820_ENTRY_SIZE;
		guest_put64(gm, at, p->e820[i].addr);
		guest_put64(gm, at + 8, p->e820[i].size);
		guest_put32(gm, at + 16, p->e820[i].type);
	}
}

void linux_write_zero_page(const struct linux_kernel *k, const struct linux_layout *lay,
			   const struct linux_params *p, struct guest_mem *gm)
{
	uint64_t zp = p->zero_page_gpa;
	uint64_t initrd_size = lay->initrd_end - lay->initrd;

	memset(gm->base + zp, 0, LX_ZERO_PAGE_SIZE);
	/* 64-bit boot protocol: the setup header, [0x1f1, 0x202 + the byte at 0x201)
	 * of the image, goes to the same offsets of boot_params. */
	if (k->bzimage)
		memcpy(gm->base + zp + LX_SETUP_SECTS, k->image + LX_SETUP_SECTS,
		       k->hdr_end - LX_SETUP_SECTS);
	else
		write_vmlinux_header(k, gm, zp);

	guest_put8(gm, zp + LX_TYPE_OF_LOADER, LX_LOADER_UNDEFINED);
	guest_put32(gm, zp + LX_HARDWARE_SUBARCH, LX_SUBARCH_PC);
	/* Pointers wider than the header's 32-bit fields keep their high halves in
	 * the ext_ fields of boot_params. */
	guest_put32(gm, zp + LX_CMD_LINE_PTR, (uint32_t)p->cmdline_gpa);
	guest_put32(gm, zp + LX_EXT_CMD_LINE_PTR, (uint32_t)(p->cmdline_gpa >> 32));
	guest_put32(gm, zp + LX_RAMDISK_IMAGE, (uint32_t)lay->initrd);
	guest_put32(gm, zp + LX_EXT_RAMDISK_IMAGE, (uint32_t)(lay->initrd >> 32));
	guest_put32(gm, zp + LX_RAMDISK_SIZE, (uint32_t)initrd_size);
	guest_put32(gm, zp + LX_EXT_RAMDISK_SIZE, (uint32_t)(initrd_size >> 32));
	write_e820(p, gm, zp);
	/* A kernel older than 2.14 has no acpi_rsdp_addr and scans for the RSDP. */
	if (k->version >= LX_VERSION_RSDP)
		guest_put64(gm, zp + LX_ACPI_RSDP_ADDR, p->acpi_rsdp);
}
