/* ELF executable loader. The image comes from outside the hypervisor, so every
 * header field is checked before it is used, and guest memory is written only
 * once the whole image has passed. References are to the System V gABI. */
#include "hv/loader/elf.h"
#include "hv/loader/elf_format.h"
#include "hv/format.h"
#include "hv/loader/loader_msg.h"
#include "hv/string.h"

/* The ELF header fields the loader uses, widened to the ELF64 sizes. */
struct ehdr {
	bool is64;
	uint64_t entry;
	uint64_t phoff;
	uint16_t phentsize;
	uint16_t phnum;
};

/* One program header, widened the same way. */
struct phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
};

static const char *class_name(bool is64)
{
	return is64 ? "ELFCLASS64" : "ELFCLASS32";
}

/* e_ident (gABI 4, "ELF Identification"): checked first, because the class
 * decides the size and layout of everything after it. */
static int read_ident(const uint8_t *img, size_t len, const struct elf_rules *r, bool *is64,
		      char *err, size_t errlen)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (len < EI_NIDENT)
		return loader_fail(err, errlen,
				   "%s: image is %zu bytes, too short for e_ident (%d)", r->who, len,
				   EI_NIDENT);
	if (memcmp(img + EI_MAG0, magic, sizeof(magic)))
		return loader_fail(err, errlen,
				   "%s: bad magic %02x %02x %02x %02x (expected 7f 45 4c 46)",
				   r->who, img[0], img[1], img[2], img[3]);
	if (r->only64 && img[EI_CLASS] != ELFCLASS64)
		return loader_fail(err, errlen, "%s: EI_CLASS %u is not ELFCLASS64 (2)", r->who,
				   img[EI_CLASS]);
	if (img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64)
		return loader_fail(err, errlen,
				   "%s: EI_CLASS %u is neither ELFCLASS32 (1) nor ELFCLASS64 (2)",
				   r->who, img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return loader_fail(
			err, errlen,
			"%s: EI_DATA %u is not ELFDATA2LSB (1): x86 images are little-endian",
			r->who, img[EI_DATA]);
	if (img[EI_VERSION] != EV_CURRENT)
		return loader_fail(err, errlen, "%s: EI_VERSION %u is not EV_CURRENT (1)", r->who,
				   img[EI_VERSION]);
	*is64 = img[EI_CLASS] == ELFCLASS64;
	return 0;
}

/* The ELF header (gABI 4, "ELF Header") and the bounds of the program header table. */
static int read_ehdr(const uint8_t *img, size_t len, const struct elf_rules *r, struct ehdr *eh,
		     char *err, size_t errlen)
{
	bool is64 = false;
	if (read_ident(img, len, r, &is64, err, errlen))
		return -1;

	size_t hsize = is64 ? sizeof(struct elf64_ehdr) : sizeof(struct elf32_ehdr);
	if (len < hsize)
		return loader_fail(err, errlen,
				   "%s: image is %zu bytes, too short for the %s header (%zu)",
				   r->who, len, class_name(is64), hsize);

	uint16_t type, machine;
	uint32_t version;
	if (is64) {
		struct elf64_ehdr h;
		memcpy(&h, img, sizeof(h));
		type = h.e_type;
		machine = h.e_machine;
		version = h.e_version;
		*eh = (struct ehdr){ true, h.e_entry, h.e_phoff, h.e_phentsize, h.e_phnum };
	} else {
		struct elf32_ehdr h;
		memcpy(&h, img, sizeof(h));
		type = h.e_type;
		machine = h.e_machine;
		version = h.e_version;
		*eh = (struct ehdr){ false, h.e_entry, h.e_phoff, h.e_phentsize, h.e_phnum };
	}

	if (type != ET_EXEC)
		return loader_fail(err, errlen, "%s: e_type %u is not ET_EXEC (2)", r->who, type);
	unsigned want = is64 ? EM_X86_64 : EM_386;
	if (machine != want)
		return loader_fail(err, errlen, "%s: e_machine %u, expected %u (%s) for %s",
				   r->who, machine, want, is64 ? "EM_X86_64" : "EM_386", class_name(is64));
	if (version != EV_CURRENT)
		return loader_fail(err, errlen, "%s: e_version %u is not EV_CURRENT (1)", r->who,
				   version);

	/* Entries are read as fixed structs, so a different entry size means a
	 * layout this loader does not know. */
	size_t psize = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
	if (eh->phentsize != psize)
		return loader_fail(err, errlen, "%s: e_phentsize %u, expected %zu for %s",
				   r->who, eh->phentsize, psize, class_name(is64));
	if (eh->phnum == 0)
		return loader_fail(err, errlen, "%s: no program headers (e_phnum 0)", r->who);
	if (eh->phnum > ELF_MAX_PHDRS)
		return loader_fail(err, errlen,
				   "%s: e_phnum %u, more than the %d program headers supported",
				   r->who, eh->phnum, ELF_MAX_PHDRS);
	if (!span_within(eh->phoff, (uint64_t)eh->phnum * eh->phentsize, len))
		return loader_fail(err, errlen,
				   "%s: program headers (offset 0x%llx, %u x %u bytes) outside "
				   "the %zu-byte image",
				   r->who, (unsigned long long)eh->phoff, eh->phnum, eh->phentsize, len);
	return 0;
}

static void read_phdr(const uint8_t *img, const struct ehdr *eh, unsigned i, struct phdr *ph)
{
	const uint8_t *p = img + eh->phoff + (size_t)i * eh->phentsize;
	if (eh->is64) {
		struct elf64_phdr r;
		memcpy(&r, p, sizeof(r));
		*ph = (struct phdr){ r.p_type,	r.p_flags,  r.p_offset, r.p_vaddr,
				     r.p_paddr, r.p_filesz, r.p_memsz };
	} else {
		struct elf32_phdr r;
		memcpy(&r, p, sizeof(r));
		*ph = (struct phdr){ r.p_type,	r.p_flags,  r.p_offset, r.p_vaddr,
				     r.p_paddr, r.p_filesz, r.p_memsz };
	}
}

/* A PT_LOAD the loader will copy: one with memory to fill. */
static bool loadable(const struct phdr *ph)
{
	return ph->type == PT_LOAD && ph->memsz;
}

/* One program header on its own (gABI 5, "Program Header"): the file bytes
 * must be in the image and the memory image below the rules' limit. */
static int check_segment(const struct ehdr *eh, const struct elf_rules *r, unsigned i,
			 const struct phdr *ph, size_t len, char *err, size_t errlen)
{
	/* A requested interpreter would have to run first to relocate the image. */
	if (ph->type == PT_INTERP)
		return loader_fail(err, errlen,
				   "%s: segment %u is PT_INTERP: dynamically linked executables "
				   "are not supported",
				   r->who, i);
	if (ph->type != PT_LOAD)
		return 0;
	if (ph->filesz > ph->memsz)
		return loader_fail(err, errlen,
				   "%s: segment %u p_filesz 0x%llx exceeds p_memsz 0x%llx", r->who, i,
				   (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
	if (!span_within(ph->offset, ph->filesz, len))
		return loader_fail(err, errlen,
				   "%s: segment %u file bytes (offset 0x%llx, size 0x%llx) "
				   "outside the %zu-byte image",
				   r->who, i, (unsigned long long)ph->offset,
				   (unsigned long long)ph->filesz, len);
	if (!ph->memsz)
		return 0;
	if (ph->memsz > UINT64_MAX - ph->paddr)
		return loader_fail(err, errlen,
				   "%s: segment %u p_paddr 0x%llx + p_memsz 0x%llx overflows", r->who,
				   i, (unsigned long long)ph->paddr, (unsigned long long)ph->memsz);

	uint64_t end = ph->paddr + ph->memsz;
	/* ELF32 fields cannot overflow 64 bits, but an ELF32 guest cannot reach past 4 GiB. */
	if (!eh->is64 && end > 4 * GIB)
		return loader_fail(err, errlen,
				   "%s: segment %u [0x%llx, 0x%llx) extends past 4 GiB", r->who, i,
				   (unsigned long long)ph->paddr, (unsigned long long)end);
	if (end > r->limit)
		return loader_fail(err, errlen, "%s: segment %u [0x%llx, 0x%llx) beyond %s", r->who,
				   i, (unsigned long long)ph->paddr, (unsigned long long)end,
				   r->limit_name);
	return 0;
}

/* Segments are copied one after another, so an overlap would let a later one
 * silently overwrite an earlier one. */
static int check_overlaps(const uint8_t *img, const struct ehdr *eh, const struct elf_rules *r,
			  char *err, size_t errlen)
{
	for (unsigned i = 0; i < eh->phnum; i++) {
		struct phdr a;
		read_phdr(img, eh, i, &a);
		if (!loadable(&a))
			continue;
		for (unsigned j = i + 1; j < eh->phnum; j++) {
			struct phdr b;
			read_phdr(img, eh, j, &b);
			if (!loadable(&b))
				continue;
			if (a.paddr < b.paddr + b.memsz && b.paddr < a.paddr + a.memsz)
				return loader_fail(err, errlen,
						   "%s: segments %u [0x%llx, 0x%llx) and %u "
						   "[0x%llx, 0x%llx) overlap",
						   r->who, i, (unsigned long long)a.paddr,
						   (unsigned long long)(a.paddr + a.memsz), j,
						   (unsigned long long)b.paddr,
						   (unsigned long long)(b.paddr + b.memsz));
		}
	}
	return 0;
}

/* The entry must be real code from the file, not zero fill: jumping into bss
 * would execute zeroes. It is looked up by virtual address (and moved by
 * p_paddr - p_vaddr); where the rules say it may be physical, as a physical
 * address first. */
static bool find_entry(const uint8_t *img, const struct ehdr *eh, const struct elf_rules *r,
		       uint64_t *entry)
{
	for (int pass = r->entry_may_be_physical ? 0 : 1; pass < 2; pass++) {
		bool physical = pass == 0;
		for (unsigned i = 0; i < eh->phnum; i++) {
			struct phdr ph;
			read_phdr(img, eh, i, &ph);
			uint64_t base = physical ? ph.paddr : ph.vaddr;
			if (loadable(&ph) && (ph.flags & PF_X) && eh->entry >= base &&
			    eh->entry - base < ph.filesz) {
				*entry = ph.paddr + (eh->entry - base);
				return true;
			}
		}
	}
	return false;
}

int elf_check_rules(const void *img, size_t len, const struct elf_rules *r, struct elf_loaded *out,
		    char *err, size_t errlen)
{
	const uint8_t *bytes = img;
	struct ehdr eh;
	if (read_ehdr(bytes, len, r, &eh, err, errlen))
		return -1;

	struct elf_loaded res = { .is64 = eh.is64, .lowest = UINT64_MAX };
	bool have_load = false;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct phdr ph;
		read_phdr(bytes, &eh, i, &ph);
		if (check_segment(&eh, r, i, &ph, len, err, errlen))
			return -1;
		if (!loadable(&ph))
			continue;
		have_load = true;
		res.lowest = MIN(res.lowest, ph.paddr);
		res.highest = MAX(res.highest, ph.paddr + ph.memsz - 1);
	}
	if (!have_load)
		return loader_fail(err, errlen, "%s: no PT_LOAD segment with bytes to load", r->who);
	if (check_overlaps(bytes, &eh, r, err, errlen))
		return -1;
	if (!find_entry(bytes, &eh, r, &res.entry))
		return loader_fail(err, errlen,
				   "%s: entry point 0x%llx is not in the file bytes of an "
				   "executable (PF_X) PT_LOAD segment",
				   r->who, (unsigned long long)eh.entry);
	*out = res;
	return 0;
}

int elf_check(const void *img, size_t len, uint64_t ram_size, struct elf_loaded *out, char *err,
	      size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN], limit_name[32];
	fmt_snprintf(limit_name, sizeof(limit_name), "guest RAM (%s)", loader_size_str(sz, ram_size));
	const struct elf_rules rules = { "ELF", false, ram_size, limit_name, false };
	return elf_check_rules(img, len, &rules, out, err, errlen);
}

void elf_copy(const void *img, size_t len, struct guest_mem *gm)
{
	const uint8_t *bytes = img;
	const struct elf_rules any = { "ELF", false, UINT64_MAX, "", false };
	struct ehdr eh;
	char why[8];

	if (read_ehdr(bytes, len, &any, &eh, why, sizeof(why)))
		return;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct phdr ph;
		read_phdr(bytes, &eh, i, &ph);
		if (!loadable(&ph))
			continue;
		memcpy(gm->base + ph.paddr, bytes + ph.offset, (size_t)ph.filesz);
		memset(gm->base + ph.paddr + ph.filesz, 0, (size_t)(ph.memsz - ph.filesz));
	}
}

/* The note format (gABI 5, "Note Section"): namesz, descsz, type, then the
 * name and the descriptor, each padded to 4 bytes. */
static bool note_in(const uint8_t *img, size_t len, uint64_t off, uint64_t size, const char *owner)
{
	size_t owner_len = strlen(owner) + 1;

	if (!span_within(off, size, len))
		return false;
	for (uint64_t pos = off, end = off + size; end - pos >= 12;) {
		uint32_t hdr[3];
		memcpy(hdr, img + pos, sizeof(hdr));
		uint64_t name_len = (hdr[0] + 3ull) & ~3ull, desc_len = (hdr[1] + 3ull) & ~3ull;
		if (name_len + desc_len > end - pos - 12)
			return false;
		if (hdr[0] == owner_len && !memcmp(img + pos + 12, owner, owner_len))
			return true;
		pos += 12 + name_len + desc_len;
	}
	return false;
}

bool elf_has_note(const void *img, size_t len, const char *owner)
{
	const uint8_t *bytes = img;
	const struct elf_rules any = { "ELF", false, UINT64_MAX, "", false };
	struct ehdr eh;
	char why[8];

	if (read_ehdr(bytes, len, &any, &eh, why, sizeof(why)))
		return false;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct phdr ph;
		read_phdr(bytes, &eh, i, &ph);
		if (ph.type == PT_NOTE && note_in(bytes, len, ph.offset, ph.filesz, owner))
			return true;
	}
	return false;
}

int elf_load(const void *img, size_t len, struct guest_mem *gm, struct elf_loaded *out, char *err,
	     size_t errlen)
{
	if (elf_check(img, len, gm->size, out, err, errlen))
		return -1;
	elf_copy(img, len, gm);
	return 0;
}
