/* Inside the Linux loader: what reading a bzImage or a vmlinux yields, so that
 * placement, copying and the zero page treat both kinds the same way. */
#ifndef HV_LOADER_LINUX_KERNEL_H
#define HV_LOADER_LINUX_KERNEL_H

#include "hv/loader/linux.h"

struct linux_kernel {
	bool bzimage;
	uint16_t version;	  /* boot protocol the zero page claims */
	uint32_t initrd_addr_max; /* highest byte the initrd may occupy */
	uint32_t cmdline_size;	  /* longest command line, NUL excluded */
	/* bzImage: the setup header, file bytes [0x1f1, hdr_end), copied to the
	 * same offsets of the zero page; vmlinux: hdr_end 0. */
	const uint8_t *image;
	size_t image_len;
	size_t hdr_end;
	/* Placement: a fixed kernel goes exactly at start; a relocatable one at the
	 * lowest multiple of align at or above start. span is the memory it claims. */
	bool fixed;
	uint64_t start, align, span;
	uint64_t entry_offset; /* entry - load address */
	/* bzImage: the protected-mode kernel, copied to the load address. */
	const uint8_t *code;
	size_t code_len;
};

/* Read and check the image, writing nothing; -1 with a message on error. */
int linux_read_bzimage(const uint8_t *img, size_t len, struct linux_kernel *k, char *err,
		       size_t errlen);
int linux_read_vmlinux(const uint8_t *img, size_t len, struct linux_kernel *k, char *err,
		       size_t errlen);

/* Copies a checked vmlinux's PT_LOAD segments to their p_paddr, zeroing the bss. */
void linux_copy_vmlinux(const struct linux_kernel *k, struct guest_mem *gm);

/* Where everything goes, chosen by linux_layout() before anything is written. */
struct linux_layout {
	uint64_t kernel, kernel_end;
	uint64_t initrd, initrd_end;
	size_t cmdline_len; /* NUL excluded */
};

/* Checks the caller's map and addresses against guest RAM and the kernel's
 * limits, and places the kernel and the initrd. */
int linux_layout(const struct linux_kernel *k, const struct guest_mem *gm,
		 const struct linux_params *p, struct linux_layout *lay, char *err, size_t errlen);

/* Writes the zero page at p->zero_page_gpa for the placed kernel. */
void linux_write_zero_page(const struct linux_kernel *k, const struct linux_layout *lay,
			   const struct linux_params *p, struct guest_mem *gm);

#endif
