/* Linux kernels through the x86 boot protocol's 64-bit entry (boot.rst, "64-bit
 * BOOT PROTOCOL"): a bzImage, or an uncompressed vmlinux ELF64, plus its zero page. */
#ifndef HV_LOADER_LINUX_H
#define HV_LOADER_LINUX_H

#include "hv/loader/guest_mem.h"
#include "hv/types.h"

/* e820 types (zero-page.rst's e820_table; the ACPI specification's address
 * range types). */
#define LINUX_E820_RAM 1
#define LINUX_E820_RESERVED 2
#define LINUX_E820_ACPI 3 /* ACPI tables, reclaimable once read */
#define LINUX_E820_NVS 4
#define LINUX_E820_UNUSABLE 5

/* Everything linux_load() places (kernel, zero page, command line, initrd) lies
 * below this, inside the identity map longmode_build() writes. */
#define LINUX_ADDR_LIMIT (4 * GIB)

struct linux_e820 {
	uint64_t addr, size;
	uint32_t type; /* LINUX_E820_* */
};

/* Guest RAM is gm->size bytes; the e820 map says which of it the kernel may use. */
struct linux_params {
	/* The caller's map, copied into the zero page as it is: RAM, reserved (e.g.
	 * 0x9fc00-0x100000, the EBDA and BIOS area), ACPI ranges. 1-128 entries,
	 * disjoint; RAM entries inside guest RAM. The kernel and the initrd go only
	 * into RAM entries. */
	const struct linux_e820 *e820;
	size_t e820_count;
	uint64_t acpi_rsdp;   /* guest-physical RSDP; 0: the kernel scans for it */
	const char *cmdline;  /* NULL: empty */
	const void *initrd;   /* NULL (with initrd_len 0): none */
	size_t initrd_len;
	/* Where the zero page (4 KiB) and the command line (with its NUL) go:
	 * caller-chosen, in guest RAM below 4 GiB, clear of each other; the kernel
	 * is placed around them. */
	uint64_t zero_page_gpa, cmdline_gpa;
};

struct linux_boot {
	uint64_t entry;	    /* RIP: startup_64, load address + 0x200 for a bzImage */
	uint64_t zero_page; /* RSI */
	/* The memory the kernel claims: [load address, + init_size) for a bzImage,
	 * the PT_LOAD segments' extent for a vmlinux. */
	uint64_t kernel_start, kernel_end;
	uint64_t initrd_start, initrd_end; /* both 0 without an initrd */
	uint16_t version; /* boot protocol in the zero page, e.g. 0x020f for 2.15 */
	bool bzimage;	  /* else a vmlinux ELF64 */
};

/* Whether img carries a bzImage setup header: "HdrS" at 0x202 (boot.rst). */
bool linux_is_bzimage(const void *img, size_t len);

/* Whether img is an x86-64 vmlinux: an ELF64 with a note named "Linux". */
bool linux_is_vmlinux(const void *img, size_t len);

/* Loads a Linux kernel for the 64-bit entry. An image starting with the ELF magic
 * is a vmlinux (its PT_LOAD segments go to their p_paddr, the entry is e_entry as
 * a physical address, or translated from virtual); anything else must be a bzImage
 * with boot protocol 2.12+, XLF_KERNEL_64 and LOADED_HIGH, whose protected-mode
 * kernel goes to pref_address or, when relocatable and that is taken, the lowest
 * kernel_alignment-aligned address above it with room for init_size. The initrd
 * goes page-aligned as high as it fits in a RAM entry, above the kernel and at or
 * below initrd_addr_max. The zero page gets the bzImage's setup header (a vmlinux
 * has none: the fields the kernel reads are written), type_of_loader 0xff, the
 * command line and initrd pointers, the e820 map and, for protocol 2.14+,
 * acpi_rsdp_addr. Everything is checked before guest memory is written. Returns
 * 0, or -1 with a message in err (always NUL-terminated when errlen > 0).
 *
 * Entry state, which the caller sets in the VMCS (boot.rst, "64-bit BOOT
 * PROTOCOL"): long mode with paging, through page tables that identity-map the
 * kernel [kernel_start, kernel_end), the zero page and the command line (the
 * initrd too, for the kernel's first look at it): longmode_build(), which maps the
 * first 4 GiB, covers all of them (see LINUX_ADDR_LIMIT). The protocol asks for a
 * GDT with 4 GiB flat descriptors at __BOOT_CS 0x10 (execute/read) and __BOOT_DS
 * 0x18 (read/write), CS = __BOOT_CS and DS, ES, SS = __BOOT_DS; longmode_build()'s
 * GDT has them at LONGMODE_CS 0x08 and LONGMODE_DS 0x10 instead (its limit 0x17
 * ends before 0x18): outside the letter of the protocol, though it is how
 * Firecracker enters, and startup_64 reloads the data segments, its own GDT and CS
 * before relying on them. Interrupts off (RFLAGS 0x2), RSI = zero_page,
 * RIP = entry; RSP any scratch stack in RAM, startup_64 sets its own. */
int linux_load(const void *img, size_t len, struct guest_mem *gm, const struct linux_params *p,
	       struct linux_boot *out, char *err, size_t errlen);

#endif
