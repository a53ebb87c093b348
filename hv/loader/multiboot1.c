/* Multiboot v1 kernel images (spec 0.6.96, section 3.1): finds and checks the
 * header, then loads the kernel by the header's address fields or as ELF32. */
#include "hv/loader/multiboot1.h"
#include "hv/loader/elf.h"
#include "hv/loader/loader_msg.h"
#include "hv/string.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t header_sum(const uint8_t *p)
{
	return rd32(p) + rd32(p + 4) + rd32(p + 8);
}

static bool header_at(const uint8_t *img, size_t off)
{
	return rd32(img + off) == MB1_HEADER_MAGIC && header_sum(img + off) == 0;
}

static size_t header_size(uint32_t flags)
{
	return flags & MB1_HF_ADDRESS ? MB1_HEADER_ADDR_SIZE : MB1_HEADER_MIN_SIZE;
}

/* Nothing valid in the first 8192 bytes: say what is there instead, since a
 * checksum slip or a header pushed too far by the linker are the usual causes. */
static int not_found(const uint8_t *img, size_t len, char *err, size_t errlen)
{
	size_t limit = MIN(len, (size_t)MB1_SEARCH_LIMIT);
	for (size_t off = 0; off + MB1_HEADER_MIN_SIZE <= limit; off += MB1_HEADER_ALIGN)
		if (rd32(img + off) == MB1_HEADER_MAGIC)
			return loader_fail(err, errlen,
					   "multiboot1: header at offset 0x%zx has a bad checksum "
					   "(magic + flags + checksum = 0x%08x, not 0)",
					   off, header_sum(img + off));
	for (size_t off = 0; off + MB1_HEADER_MIN_SIZE <= len; off += MB1_HEADER_ALIGN)
		if (header_at(img, off))
			return loader_fail(err, errlen,
					   "multiboot1: header at offset 0x%zx is not within the "
					   "first %d bytes",
					   off, MB1_SEARCH_LIMIT);
	return loader_fail(err, errlen,
			   "multiboot1: no header (magic 0x%08x) in the first %d bytes",
			   MB1_HEADER_MAGIC, MB1_SEARCH_LIMIT);
}

int mb1_find_header(const void *img, size_t len, struct mb1_header *hdr, uint32_t *offset,
		    char *err, size_t errlen)
{
	const uint8_t *bytes = img;
	size_t limit = MIN(len, (size_t)MB1_SEARCH_LIMIT);

	for (size_t off = 0; off + MB1_HEADER_MIN_SIZE <= limit; off += MB1_HEADER_ALIGN) {
		if (!header_at(bytes, off))
			continue;
		struct mb1_header h = { 0 };
		h.magic = rd32(bytes + off);
		h.flags = rd32(bytes + off + 4);
		h.checksum = rd32(bytes + off + 8);
		/* 3.1.1: the whole header, address fields included, is in the window. */
		if (off + header_size(h.flags) > limit)
			return loader_fail(err, errlen,
					   "multiboot1: header at offset 0x%zx: its address fields "
					   "(flags bit 16) end past the first %d bytes or the "
					   "%zu-byte image",
					   off, MB1_SEARCH_LIMIT, len);
		if (h.flags & MB1_HF_ADDRESS) {
			h.header_addr = rd32(bytes + off + 12);
			h.load_addr = rd32(bytes + off + 16);
			h.load_end_addr = rd32(bytes + off + 20);
			h.bss_end_addr = rd32(bytes + off + 24);
			h.entry_addr = rd32(bytes + off + 28);
		}
		*hdr = h;
		*offset = (uint32_t)off;
		return 0;
	}
	return not_found(bytes, len, err, errlen);
}

/* 3.1.2: a required bit the loader cannot honour must stop the load, named. */
static int check_flags(uint32_t flags, char *err, size_t errlen)
{
	uint32_t unmet = flags & MB1_HF_REQUIRED & ~MB1_HF_SUPPORTED;
	if (!unmet)
		return 0;
	if (unmet & MB1_HF_VIDEO_MODE)
		return loader_fail(
			err, errlen,
			"multiboot1: flags 0x%08x require video mode information (bit 2), "
			"which this loader does not provide",
			flags);
	return loader_fail(err, errlen,
			   "multiboot1: flags 0x%08x require unknown feature bit %u, "
			   "which this loader does not support",
			   flags, (unsigned)__builtin_ctz(unmet));
}

/* Flags bit 16 (3.1.3): header_addr ties the header's file offset to an address,
 * so loading starts (header_addr - load_addr) bytes before the header. */
static int load_by_address(const uint8_t *img, size_t len, uint32_t off, const struct mb1_header *h,
			   struct guest_mem *gm, struct mb1_kernel *out, char *err, size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];

	if (h->load_addr > h->header_addr)
		return loader_fail(err, errlen,
				   "multiboot1: load_addr 0x%08x is above header_addr 0x%08x",
				   h->load_addr, h->header_addr);
	uint32_t before = h->header_addr - h->load_addr;
	if (before > off)
		return loader_fail(
			err, errlen,
			"multiboot1: header_addr 0x%08x - load_addr 0x%08x reaches 0x%x bytes "
			"before the header at offset 0x%x, past the start of the image",
			h->header_addr, h->load_addr, before, off);
	size_t start = off - before;

	uint64_t size;
	if (h->load_end_addr == 0) {
		size = len - start; /* text and data are the rest of the file */
	} else {
		if (h->load_end_addr <= h->load_addr)
			return loader_fail(
				err, errlen,
				"multiboot1: load_end_addr 0x%08x is not above load_addr 0x%08x",
				h->load_end_addr, h->load_addr);
		size = h->load_end_addr - h->load_addr;
		if (size > len - start)
			return loader_fail(err, errlen,
					   "multiboot1: [load_addr, load_end_addr) needs 0x%llx "
					   "bytes from file offset 0x%zx, past the end of the "
					   "%zu-byte image",
					   (unsigned long long)size, start, len);
	}
	uint64_t load_end = (uint64_t)h->load_addr + size;
	uint64_t mem_end = load_end;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < load_end)
			return loader_fail(err, errlen,
					   "multiboot1: bss_end_addr 0x%08x is below the end of "
					   "the loaded bytes 0x%llx",
					   h->bss_end_addr, (unsigned long long)load_end);
		mem_end = h->bss_end_addr;
	}
	if (mem_end > 4 * GIB)
		return loader_fail(err, errlen,
				   "multiboot1: kernel [0x%08x, 0x%llx) extends past 4 GiB",
				   h->load_addr, (unsigned long long)mem_end);
	if (mem_end > gm->size)
		return loader_fail(
			err, errlen, "multiboot1: kernel [0x%08x, 0x%llx) beyond guest RAM (%s)",
			h->load_addr, (unsigned long long)mem_end, loader_size_str(sz, gm->size));
	if (h->entry_addr < h->load_addr || h->entry_addr >= load_end)
		return loader_fail(err, errlen,
				   "multiboot1: entry_addr 0x%08x is outside the loaded bytes "
				   "[0x%08x, 0x%llx)",
				   h->entry_addr, h->load_addr, (unsigned long long)load_end);

	memcpy(gm->base + h->load_addr, img + start, (size_t)size);
	memset(gm->base + load_end, 0, (size_t)(mem_end - load_end));
	out->entry = h->entry_addr;
	out->lowest = h->load_addr;
	out->highest = mem_end - 1;
	return 0;
}

/* Without flags bit 16 the image must be ELF (3.1.3), and Multiboot v1 enters
 * it in 32-bit protected mode, so ELF32. */
static int load_elf32(const void *img, size_t len, struct guest_mem *gm, struct mb1_kernel *out,
		      char *err, size_t errlen)
{
	struct elf_loaded el;
	if (elf_check(img, len, gm->size, &el, err, errlen))
		return -1;
	if (el.is64)
		return loader_fail(err, errlen,
				   "multiboot1: ELFCLASS64 image: Multiboot v1 loads ELF32 kernels "
				   "(or any image with flags bit 16 and address fields)");
	if (elf_load(img, len, gm, &el, err, errlen))
		return -1;
	out->entry = (uint32_t)el.entry;
	out->lowest = el.lowest;
	out->highest = el.highest;
	return 0;
}

int mb1_load(const void *img, size_t len, struct guest_mem *gm, struct mb1_kernel *out, char *err,
	     size_t errlen)
{
	struct mb1_kernel k = { 0 };
	if (mb1_find_header(img, len, &k.header, &k.header_offset, err, errlen))
		return -1;
	if (check_flags(k.header.flags, err, errlen))
		return -1;
	int rc = k.header.flags & MB1_HF_ADDRESS ? load_by_address(img, len, k.header_offset,
								   &k.header, gm, &k, err, errlen)
						 : load_elf32(img, len, gm, &k, err, errlen);
	if (rc)
		return -1;
	*out = k;
	return 0;
}
