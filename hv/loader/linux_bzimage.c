/* Reading a bzImage's setup header (boot.rst, "The real-mode kernel header" and
 * "Details of header fields"): every field the 64-bit entry relies on is checked,
 * and every way the file can be cut short is named. */
#include "hv/loader/linux_boot_params.h"
#include "hv/loader/linux_kernel.h"
#include "hv/loader/loader_msg.h"

/* A bzImage's traditional protected-mode load address (boot.rst, code32_start),
 * the floor when pref_address is 0. */
#define LOAD_HIGH_DEFAULT 0x100000u

static uint32_t get(const uint8_t *img, size_t off, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | img[off + i];
	return v;
}

static uint64_t get64(const uint8_t *img, size_t off)
{
	return (uint64_t)get(img, off + 4, 4) << 32 | get(img, off, 4);
}

bool linux_is_bzimage(const void *img, size_t len)
{
	return len >= LX_HEADER + 4 && get(img, LX_HEADER, 4) == LX_MAGIC;
}

/* The fixed part of the header: magic, version, and the jump at 0x200 whose
 * displacement says where the header ends ("0x0202 + byte value at offset 0x0201"). */
static int read_header(const uint8_t *img, size_t len, struct linux_kernel *k, char *err,
		       size_t errlen)
{
	if (len < LX_VERSION + 2)
		return loader_fail(err, errlen,
				   "bzImage: truncated: the image is %zu bytes, the setup header's "
				   "\"HdrS\" magic and version end at 0x%x",
				   len, LX_VERSION + 2);
	if (get(img, LX_BOOT_FLAG, 2) != LX_BOOT_FLAG_MAGIC)
		return loader_fail(err, errlen, "bzImage: boot_flag 0x%04x at 0x1fe is not 0xaa55",
				   get(img, LX_BOOT_FLAG, 2));
	if (get(img, LX_HEADER, 4) != LX_MAGIC)
		return loader_fail(err, errlen,
				   "bzImage: no \"HdrS\" magic at 0x202: not a Linux kernel, or one "
				   "older than boot protocol 2.00");
	k->version = (uint16_t)get(img, LX_VERSION, 2);
	if (k->version < LX_VERSION_64BIT)
		return loader_fail(err, errlen,
				   "bzImage: boot protocol %u.%02u is too old for the 64-bit entry "
				   "(needs 2.12 and XLF_KERNEL_64)",
				   k->version >> 8, k->version & 0xff);
	if (img[LX_JUMP] != LX_JUMP_OPCODE)
		return loader_fail(err, errlen,
				   "bzImage: 0x%02x at 0x200 is not the short jump (0xeb) whose "
				   "offset gives the setup header's end",
				   img[LX_JUMP]);
	long end = LX_HEADER + (long)(int8_t)img[LX_JUMP + 1];
	if (end < LX_HEADER_NEEDED_END)
		return loader_fail(err, errlen,
				   "bzImage: the setup header ends at 0x%lx (jump at 0x200), before "
				   "the end of init_size (0x%x) that protocol 2.12 has",
				   end, LX_HEADER_NEEDED_END);
	if (len < (size_t)end)
		return loader_fail(err, errlen,
				   "bzImage: truncated: the setup header ends at 0x%lx, the image is "
				   "%zu bytes",
				   end, len);
	k->hdr_end = (size_t)end;
	return 0;
}

/* The protected-mode kernel: the bytes after the setup sectors (boot.rst,
 * "Loading the rest of the kernel"), at least syssize paragraphs of them. */
static int read_code(const uint8_t *img, size_t len, struct linux_kernel *k, char *err,
		     size_t errlen)
{
	unsigned sects = img[LX_SETUP_SECTS] ? img[LX_SETUP_SECTS] : LX_DEFAULT_SETUP_SECTS;
	size_t setup = (size_t)(sects + 1) * LX_SECTOR;

	if (len < setup)
		return loader_fail(err, errlen,
				   "bzImage: truncated: setup_sects says %u sectors, the file has "
				   "%zu after the boot sector",
				   sects, len / LX_SECTOR - 1);
	if (len == setup)
		return loader_fail(err, errlen,
				   "bzImage: truncated: no protected-mode kernel after the %u setup "
				   "sectors",
				   sects);
	k->code = img + setup;
	k->code_len = len - setup;
	uint64_t syssize = (uint64_t)get(img, LX_SYSSIZE, 4) * 16;
	if (k->code_len < syssize)
		return loader_fail(err, errlen,
				   "bzImage: truncated: syssize says the protected-mode kernel is "
				   "0x%llx bytes, the file has 0x%zx after the setup sectors",
				   (unsigned long long)syssize, k->code_len);
	return 0;
}

/* Where the kernel may go (boot.rst: relocatable_kernel, kernel_alignment,
 * pref_address, init_size). A relocatable kernel loaded below pref_address (its
 * LOAD_PHYSICAL_ADDR) decompresses to pref_address anyway, so the search starts
 * there; a fixed one is loaded where it runs. */
static int read_placement(const uint8_t *img, struct linux_kernel *k, char *err, size_t errlen)
{
	uint32_t align = get(img, LX_KERNEL_ALIGNMENT, 4);
	uint32_t init_size = get(img, LX_INIT_SIZE, 4);
	uint64_t pref = get64(img, LX_PREF_ADDRESS);

	k->fixed = !img[LX_RELOCATABLE];
	if (!k->fixed && (align < PAGE_SIZE || (align & (align - 1))))
		return loader_fail(err, errlen,
				   "bzImage: kernel_alignment 0x%x is not a power of two of at "
				   "least 4 KiB",
				   align);
	if (init_size < k->code_len)
		return loader_fail(err, errlen,
				   "bzImage: init_size 0x%x is smaller than the 0x%zx-byte "
				   "protected-mode kernel",
				   init_size, k->code_len);
	k->start = pref ? pref : LOAD_HIGH_DEFAULT;
	k->align = k->fixed ? 1 : align;
	k->span = init_size;
	k->entry_offset = LX_ENTRY64_OFFSET;
	return 0;
}

int linux_read_bzimage(const uint8_t *img, size_t len, struct linux_kernel *k, char *err,
		       size_t errlen)
{
	*k = (struct linux_kernel){ .bzimage = true, .image = img, .image_len = len };
	if (read_header(img, len, k, err, errlen))
		return -1;
	unsigned xloadflags = get(img, LX_XLOADFLAGS, 2);
	if (!(xloadflags & LX_XLF_KERNEL_64))
		return loader_fail(err, errlen,
				   "bzImage: xloadflags 0x%x lacks XLF_KERNEL_64 (bit 0): the "
				   "kernel has no 64-bit entry point",
				   xloadflags);
	if (!(img[LX_LOADFLAGS] & LX_LOADED_HIGH))
		return loader_fail(err, errlen,
				   "bzImage: loadflags 0x%02x lacks LOADED_HIGH (bit 0): a zImage, "
				   "loaded at 0x10000, is not supported",
				   img[LX_LOADFLAGS]);
	if (read_code(img, len, k, err, errlen) || read_placement(img, k, err, errlen))
		return -1;
	k->initrd_addr_max = get(img, LX_INITRD_ADDR_MAX, 4);
	k->cmdline_size = get(img, LX_CMDLINE_SIZE, 4);
	return 0;
}
