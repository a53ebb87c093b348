/* Multiboot2 boot information parser. The information comes from outside the
 * hypervisor, so every size is checked before anything it covers is read. */
#include "hv/multiboot2.h"
#include "hv/format.h"
#include "hv/string.h"

struct parser {
	const uint8_t *base;
	struct mb2_info *out;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *what)
{
	if (p->errlen)
		fmt_snprintf(p->err, p->errlen, "multiboot2: %s", what);
	return -1;
}

static int tag_fail(struct parser *p, const struct mb2_tag *t, const char *what)
{
	if (p->errlen)
		fmt_snprintf(p->err, p->errlen, "multiboot2: tag type %u at offset %#llx: %s", t->type,
			     (unsigned long long)((const uint8_t *)t - p->base), what);
	return -1;
}

/* The string starting at offset `at` in the tag must end inside the tag: a missing
 * NUL would make every later user of it read past the boot information. */
static const char *tag_string(const struct mb2_tag *t, uint32_t at)
{
	if (t->size <= at)
		return NULL;
	const char *s = (const char *)t + at;
	uint32_t room = t->size - at;
	return strnlen(s, room) < room ? s : NULL;
}

static int parse_string(struct parser *p, const struct mb2_tag *t, const char **dst)
{
	const char *s = tag_string(t, sizeof(struct mb2_tag_string));
	if (!s)
		return tag_fail(p, t, "string is not NUL-terminated inside the tag");
	*dst = s;
	return 0;
}

static int parse_module(struct parser *p, const struct mb2_tag *t)
{
	const struct mb2_tag_module *m = (const void *)t;
	if (t->size < sizeof(*m))
		return tag_fail(p, t, "too small for a module tag");
	const char *s = tag_string(t, sizeof(*m));
	if (!s)
		return tag_fail(p, t, "module string is not NUL-terminated inside the tag");
	if (m->mod_end < m->mod_start)
		return tag_fail(p, t, "module ends before it starts");
	if (p->out->nmodules == MB2_MAX_MODULES) {
		p->out->modules_dropped++;
		return 0;
	}
	p->out->modules[p->out->nmodules++] = (struct mb2_module){
		.start = m->mod_start,
		.end = m->mod_end,
		.string = s,
	};
	return 0;
}

static int parse_mmap(struct parser *p, const struct mb2_tag *t)
{
	const struct mb2_tag_mmap *m = (const void *)t;
	if (t->size < sizeof(*m))
		return tag_fail(p, t, "too small for a memory map tag");
	/* The spec guarantees a multiple of 8, which also keeps the 64-bit fields aligned. */
	if (m->entry_size < sizeof(struct mb2_mmap_entry) || m->entry_size % 8)
		return tag_fail(p, t, "bad memory map entry_size");
	uint32_t bytes = t->size - (uint32_t)sizeof(*m);
	if (bytes % m->entry_size)
		return tag_fail(p, t, "memory map ends in a partial entry");
	p->out->mmap_entries = m + 1;
	p->out->mmap_entry_size = m->entry_size;
	p->out->mmap_count = bytes / m->entry_size;
	return 0;
}

static int parse_rsdp(struct parser *p, const struct mb2_tag *t, uint32_t min_len, const void **dst,
		      uint32_t *len)
{
	if (t->size - sizeof(*t) < min_len)
		return tag_fail(p, t, "too small for the RSDP it should hold");
	*dst = t + 1;
	*len = t->size - (uint32_t)sizeof(*t);
	return 0;
}

static int parse_tag(struct parser *p, const struct mb2_tag *t)
{
	struct mb2_info *o = p->out;
	switch (t->type) {
	case MB2_TAG_CMDLINE:
		return parse_string(p, t, &o->cmdline);
	case MB2_TAG_BOOTLOADER_NAME:
		return parse_string(p, t, &o->bootloader_name);
	case MB2_TAG_MODULE:
		return parse_module(p, t);
	case MB2_TAG_MMAP:
		return parse_mmap(p, t);
	case MB2_TAG_EFI64:
		if (t->size < sizeof(struct mb2_tag_efi64))
			return tag_fail(p, t, "too small for an EFI system table pointer");
		o->efi64_systab = ((const struct mb2_tag_efi64 *)t)->pointer;
		return 0;
	case MB2_TAG_ACPI_OLD:
		return parse_rsdp(p, t, MB2_RSDP_V1_LEN, &o->rsdp_v1, &o->rsdp_v1_len);
	case MB2_TAG_ACPI_NEW:
		return parse_rsdp(p, t, MB2_RSDP_V2_LEN, &o->rsdp_v2, &o->rsdp_v2_len);
	case MB2_TAG_EFI_BS:
		o->efi_boot_services = true;
		return 0;
	default:
		/* Framebuffer, ELF sections, SMBIOS and future tags: not needed. */
		return 0;
	}
}

int mb2_parse(const void *mbi, struct mb2_info *out, char *err, size_t errlen)
{
	struct parser p = { mbi, out, err, err ? errlen : 0 };

	memset(out, 0, sizeof(*out));
	if (!mbi)
		return fail(&p, "no boot information");
	if ((uintptr_t)mbi % MB2_TAG_ALIGN)
		return fail(&p, "boot information is not 8-byte aligned");

	uint32_t total = ((const struct mb2_fixed *)mbi)->total_size;
	if (total < sizeof(struct mb2_fixed) + sizeof(struct mb2_tag)) {
		if (p.errlen)
			fmt_snprintf(err, errlen, "multiboot2: total_size %u is too small", total);
		return -1;
	}
	out->total_size = total;

	/* 64-bit offsets: a tag size near 4 GiB must not wrap the next offset. */
	for (uint64_t off = sizeof(struct mb2_fixed);;) {
		if (off > total || total - off < sizeof(struct mb2_tag))
			return fail(&p, "no END tag before total_size");
		const struct mb2_tag *t = (const void *)(p.base + off);
		if (t->size < sizeof(*t))
			return tag_fail(&p, t, "size is smaller than a tag header");
		if (t->size > total - off)
			return tag_fail(&p, t, "tag runs past total_size");
		if (t->type == MB2_TAG_END)
			return t->size == sizeof(*t) ? 0 : tag_fail(&p, t, "END tag size is not 8");
		if (parse_tag(&p, t))
			return -1;
		off += ALIGN_UP((uint64_t)t->size, MB2_TAG_ALIGN);
	}
}
