/* Where the Linux x86 boot protocol keeps things: setup header fields in the
 * bzImage file and in the zero page (boot.rst "The real-mode kernel header",
 * zero-page.rst), offsets from the start of the file or of struct boot_params. */
#ifndef HV_LOADER_LINUX_BOOT_PARAMS_H
#define HV_LOADER_LINUX_BOOT_PARAMS_H

/* The setup header sits at the same offsets in the file and in boot_params,
 * which is what lets a loader copy it across (boot.rst, "64-bit BOOT PROTOCOL"). */
#define LX_SETUP_SECTS 0x1f1	 /* 1 byte; 0 means 4 */
#define LX_SYSSIZE 0x1f4	 /* 4: protected-mode code in 16-byte paragraphs (2.04+) */
#define LX_BOOT_FLAG 0x1fe	 /* 2: 0xaa55 */
#define LX_JUMP 0x200		 /* 0xeb, then the header's end minus 0x202 */
#define LX_HEADER 0x202		 /* 4: "HdrS" */
#define LX_VERSION 0x206	 /* 2: major << 8 | minor */
#define LX_TYPE_OF_LOADER 0x210	 /* 1 */
#define LX_LOADFLAGS 0x211	 /* 1 */
#define LX_RAMDISK_IMAGE 0x218	 /* 4 */
#define LX_RAMDISK_SIZE 0x21c	 /* 4 */
#define LX_CMD_LINE_PTR 0x228	 /* 4 (2.02+) */
#define LX_INITRD_ADDR_MAX 0x22c /* 4 (2.03+): highest byte the initrd may occupy */
#define LX_KERNEL_ALIGNMENT 0x230 /* 4 (2.05+) */
#define LX_RELOCATABLE 0x234	 /* 1 (2.05+) */
#define LX_XLOADFLAGS 0x236	 /* 2 (2.12+) */
#define LX_CMDLINE_SIZE 0x238	 /* 4 (2.06+): longest command line, NUL excluded */
#define LX_HARDWARE_SUBARCH 0x23c /* 4 (2.07+) */
#define LX_PREF_ADDRESS 0x258	 /* 8 (2.10+) */
#define LX_INIT_SIZE 0x260	 /* 4 (2.10+) */
/* The last header byte this loader reads: init_size ends here. */
#define LX_HEADER_NEEDED_END 0x264

/* Fields of boot_params outside the setup header (zero-page.rst). */
#define LX_ACPI_RSDP_ADDR 0x070	  /* 8 (2.14+) */
#define LX_EXT_RAMDISK_IMAGE 0x0c0 /* 4: bits 63-32 of ramdisk_image */
#define LX_EXT_RAMDISK_SIZE 0x0c4  /* 4 */
#define LX_EXT_CMD_LINE_PTR 0x0c8  /* 4 */
#define LX_E820_ENTRIES 0x1e8	  /* 1 */
#define LX_E820_TABLE 0x2d0	  /* 128 entries of 20 bytes: addr, size (8 each), type (4) */
#define LX_E820_ENTRY_SIZE 20
#define LX_E820_MAX 128
#define LX_ZERO_PAGE_SIZE 4096

#define LX_MAGIC 0x53726448u /* "HdrS" read little-endian */
#define LX_BOOT_FLAG_MAGIC 0xaa55
#define LX_JUMP_OPCODE 0xeb
#define LX_SECTOR 512
#define LX_DEFAULT_SETUP_SECTS 4 /* what setup_sects 0 means */

#define LX_LOADED_HIGH 0x01 /* loadflags bit 0: protected-mode code at 0x100000 or above */
#define LX_XLF_KERNEL_64 0x01 /* xloadflags bit 0: a 64-bit entry at offset 0x200 */
#define LX_LOADER_UNDEFINED 0xff /* type_of_loader for a loader with no assigned ID */
#define LX_SUBARCH_PC 0		 /* hardware_subarch: a normal PC */

/* The 64-bit entry is this far into the loaded protected-mode kernel. */
#define LX_ENTRY64_OFFSET 0x200

#define LX_VERSION_64BIT 0x020c /* 2.12: xloadflags, hence XLF_KERNEL_64 */
#define LX_VERSION_RSDP 0x020e	/* 2.14: acpi_rsdp_addr */
#define LX_VERSION_WRITTEN 0x020f /* 2.15: what the vmlinux zero page claims */

#endif
