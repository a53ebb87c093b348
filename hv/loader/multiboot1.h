/* Multiboot v1 (spec 0.6.96): loading a kernel image (section 3.1), placing its
 * modules and building the boot information it reads (section 3.3). */
#ifndef HV_LOADER_MULTIBOOT1_H
#define HV_LOADER_MULTIBOOT1_H

#include "hv/loader/guest_mem.h"
#include "hv/types.h"

/* Machine state on entry (3.2), which the caller sets in the VMCS:
 *   EAX = MB1_BOOTLOADER_MAGIC, EBX = the address mb1_build_info() returns,
 *   EIP = mb1_kernel.entry;
 *   CS: 32-bit code, execute/read, base 0, limit 0xffffffff;
 *   DS, ES, FS, GS, SS: 32-bit data, read/write, base 0, limit 0xffffffff;
 *   CR0: PE set, PG clear (paging off); EFLAGS: VM and IF clear; A20 enabled;
 *   ESP, GDTR, IDTR: undefined, the kernel sets up its own. */
#define MB1_BOOTLOADER_MAGIC 0x2BADB002u

/* 3.1.1 and 3.1.2: the header is 32-bit aligned and lies completely within the
 * first MB1_SEARCH_LIMIT bytes; magic + flags + checksum == 0 (mod 2^32). */
#define MB1_HEADER_MAGIC 0x1BADB002u
#define MB1_SEARCH_LIMIT 8192
#define MB1_HEADER_ALIGN 4
#define MB1_HEADER_MIN_SIZE 12	/* magic, flags, checksum */
#define MB1_HEADER_ADDR_SIZE 32 /* ... and the address fields of flags bit 16 */

/* Header flags (3.1.2). Bits 0-15 are requirements: a loader must refuse an image
 * that sets one it cannot meet. Bits 16-31 are optional features. */
#define MB1_HF_PAGE_ALIGN (1u << 0)  /* modules on 4 KiB boundaries */
#define MB1_HF_MEMORY_INFO (1u << 1) /* mem_lower/mem_upper (and the map) wanted */
#define MB1_HF_VIDEO_MODE (1u << 2)  /* video mode table wanted: not supported */
#define MB1_HF_ADDRESS (1u << 16)    /* the header's address fields say where to load */
#define MB1_HF_REQUIRED 0x0000ffffu
#define MB1_HF_SUPPORTED (MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO)

/* Boot information flags (3.3): which fields are valid. */
#define MB1_INFO_MEMORY (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_BOOT_LOADER_NAME (1u << 9)

/* The boot information structure through the framebuffer fields of 0.6.96 (3.3),
 * one mmap entry (a 4-byte size field, then 20 bytes) and one module entry. */
#define MB1_INFO_SIZE 116
#define MB1_MMAP_ENTRY_SIZE 24
#define MB1_MOD_ENTRY_SIZE 16

/* Memory map types (3.3); every value but AVAILABLE is memory to leave alone. */
#define MB1_MEM_AVAILABLE 1
#define MB1_MEM_RESERVED 2
#define MB1_MEM_ACPI_RECLAIMABLE 3
#define MB1_MEM_NVS 4
#define MB1_MEM_BADRAM 5

#define MB1_BOOT_LOADER_NAME "hv"

/* The header as found in the image (3.1.1). */
struct mb1_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum;
	/* Valid only with MB1_HF_ADDRESS (3.1.3); all guest-physical. */
	uint32_t header_addr;	/* where the header's first byte is loaded */
	uint32_t load_addr;	/* where loading starts */
	uint32_t load_end_addr; /* where the loaded bytes end; 0: the rest of the file */
	uint32_t bss_end_addr;	/* end of the zeroed bss after them; 0: no bss */
	uint32_t entry_addr;
};

struct mb1_kernel {
	struct mb1_header header;
	uint32_t header_offset; /* in the image */
	uint32_t entry;		/* guest-physical EIP */
	uint64_t lowest;	/* first guest-physical byte loaded */
	uint64_t highest;	/* last guest-physical byte loaded, bss included */
};

struct mb1_mmap_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* MB1_MEM_* */
};

struct mb1_module {
	uint64_t start, end; /* guest-physical [start, end), below 4 GiB */
	const char *cmdline; /* NULL: empty */
};

struct mb1_boot_params {
	uint32_t mem_lower_kib; /* RAM from 0, at most 640 */
	uint32_t mem_upper_kib; /* RAM from 1 MiB up to the first hole */
	const struct mb1_mmap_entry *mmap;
	size_t mmap_count;   /* 0: no memory map (MB1_INFO_MMAP clear) */
	const char *cmdline; /* the kernel's; NULL: empty */
	const struct mb1_module *mods;
	size_t mods_count;
};

/* Finds the first header in the image that is 4-byte aligned, carries the magic
 * and a valid checksum, and lies (with its address fields, when flags bit 16 asks
 * for them) within the first 8192 bytes of the image. Returns 0 with *hdr and
 * *offset, or -1 with a message that says what was found instead: a magic with a
 * bad checksum, a header beyond 8192 bytes, or nothing. */
int mb1_find_header(const void *img, size_t len, struct mb1_header *hdr, uint32_t *offset,
		    char *err, size_t errlen);

/* Loads a Multiboot v1 kernel: finds the header, refuses required flags other than
 * MB1_HF_SUPPORTED, and then with flags bit 16 loads [load_addr, load_end_addr)
 * from the file and zeroes up to bss_end_addr (3.1.3; entry_addr must be in the
 * loaded bytes), else loads the image as ELF32 with elf_load(). Everything is
 * checked before guest memory is written. Returns 0, or -1 with a message in err
 * (always NUL-terminated when errlen > 0). */
int mb1_load(const void *img, size_t len, struct guest_mem *gm, struct mb1_kernel *out, char *err,
	     size_t errlen);

/* Picks where the next module of len bytes goes: the first page boundary at or
 * above *cursor, then moves *cursor to the module's end. Starting *cursor at
 * mb1_kernel.highest + 1 puts modules after the kernel and each other, page-aligned
 * as flags bit 0 asks (always, which every kernel accepts). Writes nothing; fails
 * when the module would end beyond guest RAM or 4 GiB. */
int mb1_place_module(uint64_t ram_size, uint64_t *cursor, uint64_t len, uint64_t *start, char *err,
		     size_t errlen);

/* Builds the boot information with the fields QEMU's -kernel gives a multiboot
 * kernel, less boot_device (guests boot from no BIOS disk), inside [region_gpa,
 * region_gpa + region_size) (8-byte aligned, in guest RAM, below 4 GiB): the
 * structure first, then the memory map, the module list and the strings (boot
 * loader name MB1_BOOT_LOADER_NAME, command line, module command lines). Flags:
 * MEMORY, CMDLINE, MODS, BOOT_LOADER_NAME, and MMAP when a map is given. Modules
 * must lie in guest RAM below 4 GiB, outside the region. Fails, writing nothing,
 * when any check fails or the information does not fit; else returns 0 with the
 * structure's address (for EBX) in *info_gpa. */
int mb1_build_info(struct guest_mem *gm, uint64_t region_gpa, uint64_t region_size,
		   const struct mb1_boot_params *p, uint32_t *info_gpa, char *err, size_t errlen);

#endif
