/* Reading an uncompressed vmlinux (ELF64, as scripts/extract-vmlinux gives it):
 * its PT_LOAD segments go to their physical addresses (p_paddr, e.g. 0x1000000)
 * and it starts at startup_64 directly, with no decompressor and no setup header. */
#include "hv/loader/elf.h"
#include "hv/loader/elf_format.h"
#include "hv/loader/linux_boot_params.h"
#include "hv/loader/linux_kernel.h"
#include "hv/loader/loader_msg.h"
#include "hv/string.h"

/* With no setup header to say so, the values a 64-bit kernel's own header
 * carries (boot.rst: initrd_addr_max; cmdline_size is COMMAND_LINE_SIZE - 1). */
#define VMLINUX_INITRD_ADDR_MAX 0x7fffffffu
#define VMLINUX_CMDLINE_SIZE 2047u

static struct elf64_phdr phdr(const uint8_t *img, const struct elf64_ehdr *eh, unsigned i)
{
	struct elf64_phdr ph;
	memcpy(&ph, img + eh->e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
	return ph;
}

static bool loadable(const struct elf64_phdr *ph)
{
	return ph->p_type == PT_LOAD && ph->p_memsz;
}

/* The ELF header (System V gABI 4): a little-endian x86-64 executable whose
 * program header table lies inside the image. */
static int read_ehdr(const uint8_t *img, size_t len, struct elf64_ehdr *eh, char *err,
		     size_t errlen)
{
	if (len < sizeof(*eh))
		return loader_fail(err, errlen,
				   "vmlinux: truncated: the image is %zu bytes, the ELF64 header "
				   "needs %zu",
				   len, sizeof(*eh));
	memcpy(eh, img, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return loader_fail(err, errlen,
				   "vmlinux: EI_CLASS %u is not ELFCLASS64 (2): a 64-bit kernel is "
				   "an ELF64 image",
				   eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return loader_fail(err, errlen, "vmlinux: EI_DATA %u is not ELFDATA2LSB (1)",
				   eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return loader_fail(err, errlen,
				   "vmlinux: EI_VERSION %u / e_version %u is not EV_CURRENT (1)",
				   eh->e_ident[EI_VERSION], eh->e_version);
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64)
		return loader_fail(err, errlen,
				   "vmlinux: e_type %u / e_machine %u is not an x86-64 executable "
				   "(ET_EXEC 2 / EM_X86_64 62)",
				   eh->e_type, eh->e_machine);
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return loader_fail(err, errlen, "vmlinux: e_phentsize %u, expected %zu",
				   eh->e_phentsize, sizeof(struct elf64_phdr));
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return loader_fail(err, errlen, "vmlinux: e_phnum %u is not 1 to %d",
				   eh->e_phnum, ELF_MAX_PHDRS);
	if (!span_within(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize, len))
		return loader_fail(err, errlen,
				   "vmlinux: truncated: program headers (offset 0x%llx, %u x %u "
				   "bytes) end beyond the %zu-byte image",
				   (unsigned long long)eh->e_phoff, eh->e_phnum, eh->e_phentsize,
				   len);
	return 0;
}

/* One program header (gABI 5): its file bytes in the image, its memory image
 * representable. */
static int check_segment(unsigned i, const struct elf64_phdr *ph, size_t len, char *err,
			 size_t errlen)
{
	if (ph->p_type != PT_LOAD)
		return 0;
	if (ph->p_filesz > ph->p_memsz)
		return loader_fail(err, errlen,
				   "vmlinux: segment %u p_filesz 0x%llx exceeds p_memsz 0x%llx", i,
				   (unsigned long long)ph->p_filesz,
				   (unsigned long long)ph->p_memsz);
	if (!span_within(ph->p_offset, ph->p_filesz, len))
		return loader_fail(err, errlen,
				   "vmlinux: truncated: segment %u file bytes (offset 0x%llx, size "
				   "0x%llx) end beyond the %zu-byte image",
				   i, (unsigned long long)ph->p_offset,
				   (unsigned long long)ph->p_filesz, len);
	if (ph->p_memsz && !span_within(ph->p_paddr, ph->p_memsz, LINUX_ADDR_LIMIT))
		return loader_fail(err, errlen,
				   "vmlinux: segment %u p_paddr 0x%llx + p_memsz 0x%llx ends past "
				   "4 GiB",
				   i, (unsigned long long)ph->p_paddr,
				   (unsigned long long)ph->p_memsz);
	return 0;
}

/* Segments are copied one after another; an overlap would let one overwrite another. */
static int check_overlaps(const uint8_t *img, const struct elf64_ehdr *eh, char *err,
			  size_t errlen)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr a = phdr(img, eh, i);
		for (unsigned j = i + 1; j < eh->e_phnum && loadable(&a); j++) {
			struct elf64_phdr b = phdr(img, eh, j);
			if (loadable(&b) && a.p_paddr < b.p_paddr + b.p_memsz &&
			    b.p_paddr < a.p_paddr + a.p_memsz)
				return loader_fail(err, errlen,
						   "vmlinux: segments %u and %u overlap at physical "
						   "0x%llx",
						   i, j,
						   (unsigned long long)MAX(a.p_paddr, b.p_paddr));
		}
	}
	return 0;
}

/* vmlinux's e_entry is phys_startup_64, already physical (the kernel's linker
 * script says ENTRY(phys_startup_64)); a virtual one is translated too. */
static bool find_entry(const uint8_t *img, const struct elf64_ehdr *eh, uint64_t *entry)
{
	for (int virt = 0; virt < 2; virt++) {
		for (unsigned i = 0; i < eh->e_phnum; i++) {
			struct elf64_phdr ph = phdr(img, eh, i);
			uint64_t base = virt ? ph.p_vaddr : ph.p_paddr;
			if (loadable(&ph) && (ph.p_flags & PF_X) && eh->e_entry >= base &&
			    eh->e_entry - base < ph.p_filesz) {
				*entry = ph.p_paddr + (eh->e_entry - base);
				return true;
			}
		}
	}
	return false;
}

int linux_read_vmlinux(const uint8_t *img, size_t len, struct linux_kernel *k, char *err,
		       size_t errlen)
{
	struct elf64_ehdr eh;
	if (read_ehdr(img, len, &eh, err, errlen))
		return -1;

	uint64_t lo = UINT64_MAX, hi = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph = phdr(img, &eh, i);
		if (check_segment(i, &ph, len, err, errlen))
			return -1;
		if (loadable(&ph)) {
			lo = MIN(lo, ph.p_paddr);
			hi = MAX(hi, ph.p_paddr + ph.p_memsz);
		}
	}
	if (lo == UINT64_MAX)
		return loader_fail(err, errlen, "vmlinux: no PT_LOAD segment with bytes to load");
	if (check_overlaps(img, &eh, err, errlen))
		return -1;
	uint64_t entry;
	if (!find_entry(img, &eh, &entry))
		return loader_fail(err, errlen,
				   "vmlinux: e_entry 0x%llx is in the file bytes of no executable "
				   "(PF_X) PT_LOAD segment, by physical or virtual address",
				   (unsigned long long)eh.e_entry);
	*k = (struct linux_kernel){
		.version = LX_VERSION_WRITTEN,
		.initrd_addr_max = VMLINUX_INITRD_ADDR_MAX,
		.cmdline_size = VMLINUX_CMDLINE_SIZE,
		.image = img,
		.image_len = len,
		.fixed = true,
		.start = lo,
		.align = 1,
		.span = hi - lo,
		.entry_offset = entry - lo,
	};
	return 0;
}

void linux_copy_vmlinux(const struct linux_kernel *k, struct guest_mem *gm)
{
	struct elf64_ehdr eh;
	memcpy(&eh, k->image, sizeof(eh));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph = phdr(k->image, &eh, i);
		if (!loadable(&ph))
			continue;
		memcpy(gm->base + ph.p_paddr, k->image + ph.p_offset, (size_t)ph.p_filesz);
		memset(gm->base + ph.p_paddr + ph.p_filesz, 0, (size_t)(ph.p_memsz - ph.p_filesz));
	}
}

/* Whether the note segment [off, off + size) of img holds a note named
 * "Linux" (the ELF note format of the System V gABI: namesz, descsz, type,
 * then the name and descriptor, each padded to 4 bytes). */
static bool has_linux_note(const uint8_t *img, size_t len, uint64_t off, uint64_t size)
{
	static const char name[] = "Linux";

	if (off > len || size > len - off)
		return false;
	for (uint64_t pos = off, end = off + size; end - pos >= 12;) {
		uint32_t hdr[3];
		memcpy(hdr, img + pos, sizeof(hdr));
		uint64_t name_len = (hdr[0] + 3ull) & ~3ull, desc_len = (hdr[1] + 3ull) & ~3ull;
		if (name_len + desc_len > end - pos - 12)
			return false;
		if (hdr[0] == sizeof(name) && !memcmp(img + pos + 12, name, sizeof(name)))
			return true;
		pos += 12 + name_len + desc_len;
	}
	return false;
}

/* A vmlinux carries notes named "Linux" (init/version.c's build salt, in
 * every kernel since 5.0): that tells it from other 64-bit ELF kernels,
 * which the ELF loader runs as they are. */
bool linux_is_vmlinux(const void *img, size_t len)
{
	const uint8_t *bytes = img;
	struct elf64_ehdr eh;
	char why[8];

	if (len < 4 || memcmp(bytes, "\x7f" "ELF", 4) || read_ehdr(bytes, len, &eh, why, sizeof(why)))
		return false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph = phdr(bytes, &eh, i);
		if (ph.p_type == PT_NOTE && has_linux_note(bytes, len, ph.p_offset, ph.p_filesz))
			return true;
	}
	return false;
}
