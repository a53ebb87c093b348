/* Where a Linux kernel's pieces go in guest memory: the caller's e820 map and
 * low addresses are checked, then the kernel and the initrd are placed in RAM
 * entries around them (boot.rst, "Loading the rest of the kernel", initrd_addr_max). */
#include "hv/loader/linux_boot_params.h"
#include "hv/loader/linux_kernel.h"
#include "hv/loader/loader_msg.h"
#include "hv/string.h"

/* A range placement must stay clear of: the zero page, the command line. */
struct range {
	uint64_t start, end;
	const char *what;
};

static const struct range *first_overlap(uint64_t start, uint64_t end, const struct range *avoid,
					 size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (start < avoid[i].end && avoid[i].start < end)
			return &avoid[i];
	return NULL;
}

static uint64_t entry_end(const struct linux_e820 *e)
{
	return e->addr + e->size;
}

/* The map goes into the zero page as it is, so it must make sense as it is. */
static int check_e820(const struct linux_params *p, const struct guest_mem *gm, char *err,
		      size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];

	if (!p->e820_count)
		return loader_fail(err, errlen, "e820: the map is empty");
	if (p->e820_count > LX_E820_MAX)
		return loader_fail(err, errlen,
				   "e820: %zu entries, more than the %d of the zero page's "
				   "e820_table",
				   p->e820_count, LX_E820_MAX);
	for (size_t i = 0; i < p->e820_count; i++) {
		const struct linux_e820 *e = &p->e820[i];
		if (!e->size)
			return loader_fail(err, errlen, "e820: entry %zu at 0x%llx is empty", i,
					   (unsigned long long)e->addr);
		if (e->size > UINT64_MAX - e->addr)
			return loader_fail(err, errlen,
					   "e820: entry %zu base 0x%llx + size 0x%llx overflows", i,
					   (unsigned long long)e->addr,
					   (unsigned long long)e->size);
		if (e->type < LINUX_E820_RAM || e->type > LINUX_E820_UNUSABLE)
			return loader_fail(err, errlen,
					   "e820: entry %zu has type %u, not RAM (1), reserved (2), "
					   "ACPI (3), NVS (4) or unusable (5)",
					   i, e->type);
		if (e->type == LINUX_E820_RAM && !span_within(e->addr, e->size, gm->size))
			return loader_fail(err, errlen,
					   "e820: RAM entry %zu [0x%llx, 0x%llx) extends beyond "
					   "guest RAM (%s)",
					   i, (unsigned long long)e->addr,
					   (unsigned long long)entry_end(e),
					   loader_size_str(sz, gm->size));
		for (size_t j = 0; j < i; j++)
			if (e->addr < entry_end(&p->e820[j]) && p->e820[j].addr < entry_end(e))
				return loader_fail(err, errlen,
						   "e820: entries %zu and %zu overlap", j, i);
	}
	return 0;
}

/* The caller's zero page and command line: in RAM below 4 GiB, apart. */
static int check_low(const struct linux_kernel *k, const struct guest_mem *gm,
		     const struct linux_params *p, struct range avoid[2], size_t *cmdline_len,
		     char *err, size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];
	uint64_t limit = MIN(gm->size, LINUX_ADDR_LIMIT);
	size_t len = p->cmdline ? strlen(p->cmdline) : 0;

	if (len > k->cmdline_size)
		return loader_fail(err, errlen,
				   "command line of %zu bytes exceeds the kernel's cmdline_size %u",
				   len, k->cmdline_size);
	avoid[0] = (struct range){ p->zero_page_gpa, p->zero_page_gpa + LX_ZERO_PAGE_SIZE,
				   "zero page" };
	avoid[1] = (struct range){ p->cmdline_gpa, p->cmdline_gpa + len + 1, "command line" };
	for (int i = 0; i < 2; i++)
		if (!span_within(avoid[i].start, avoid[i].end - avoid[i].start, limit))
			return loader_fail(err, errlen,
					   "%s at 0x%llx (%llu bytes) is not in guest RAM (%s) "
					   "below 4 GiB",
					   avoid[i].what, (unsigned long long)avoid[i].start,
					   (unsigned long long)(avoid[i].end - avoid[i].start),
					   loader_size_str(sz, gm->size));
	if (first_overlap(avoid[0].start, avoid[0].end, &avoid[1], 1))
		return loader_fail(err, errlen,
				   "zero page [0x%llx, 0x%llx) and command line [0x%llx, 0x%llx) "
				   "overlap",
				   (unsigned long long)avoid[0].start,
				   (unsigned long long)avoid[0].end,
				   (unsigned long long)avoid[1].start,
				   (unsigned long long)avoid[1].end);
	if (p->acpi_rsdp >= gm->size)
		return loader_fail(err, errlen, "acpi_rsdp 0x%llx is beyond guest RAM (%s)",
				   (unsigned long long)p->acpi_rsdp, loader_size_str(sz, gm->size));
	*cmdline_len = len;
	return 0;
}

static bool in_ram(const struct linux_params *p, uint64_t start, uint64_t len)
{
	for (size_t i = 0; i < p->e820_count; i++) {
		const struct linux_e820 *e = &p->e820[i];
		if (e->type == LINUX_E820_RAM && start >= e->addr &&
		    span_within(start - e->addr, len, e->size))
			return true;
	}
	return false;
}

/* The lowest multiple of align at or above floor where [at, at + len) lies in one
 * RAM entry below 4 GiB and clear of avoid. */
static bool lowest_fit(const struct linux_params *p, uint64_t floor, uint64_t align, uint64_t len,
		       const struct range *avoid, size_t n, uint64_t *at)
{
	bool found = false;
	for (size_t i = 0; i < p->e820_count; i++) {
		const struct linux_e820 *e = &p->e820[i];
		uint64_t end = MIN(entry_end(e), LINUX_ADDR_LIMIT);
		uint64_t base = MAX(e->addr, floor);
		if (e->type != LINUX_E820_RAM || base > end)
			continue;
		uint64_t a = ALIGN_UP(base, align);
		while (span_within(a, len, end) && (!found || a < *at)) {
			const struct range *r = first_overlap(a, a + len, avoid, n);
			if (!r) {
				*at = a;
				found = true;
				break;
			}
			a = ALIGN_UP(r->end, align);
		}
	}
	return found;
}

/* The highest page boundary where [at, at + len) lies in one RAM entry, within
 * [floor, ceiling) and clear of avoid: an initrd as high as possible leaves the
 * most room below it for the kernel to decompress and grow. */
static bool highest_fit(const struct linux_params *p, uint64_t floor, uint64_t ceiling,
			uint64_t len, const struct range *avoid, size_t n, uint64_t *at)
{
	bool found = false;
	for (size_t i = 0; i < p->e820_count; i++) {
		const struct linux_e820 *e = &p->e820[i];
		uint64_t lo = MAX(e->addr, floor);
		uint64_t top = MIN(entry_end(e), ceiling);
		if (e->type != LINUX_E820_RAM)
			continue;
		while (top >= lo && top - lo >= len) {
			uint64_t a = ALIGN_DOWN(top - len, PAGE_SIZE);
			if (a < lo || (found && a <= *at))
				break;
			const struct range *r = first_overlap(a, a + len, avoid, n);
			if (!r) {
				*at = a;
				found = true;
				break;
			}
			top = r->start;
		}
	}
	return found;
}

static int place_kernel(const struct linux_kernel *k, const struct linux_params *p,
			const struct range *avoid, struct linux_layout *lay, char *err,
			size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];
	const char *what = k->bzimage ? "bzImage: kernel (not relocatable: pref_address, init_size)"
				      : "vmlinux: kernel (its PT_LOAD segments)";

	if (!k->fixed) {
		if (!lowest_fit(p, k->start, k->align, k->span, avoid, 2, &lay->kernel))
			return loader_fail(err, errlen,
					   "bzImage: no room for init_size %s at a 0x%llx-aligned "
					   "address from pref_address 0x%llx in e820 RAM below "
					   "4 GiB, clear of the zero page and command line",
					   loader_size_str(sz, k->span),
					   (unsigned long long)k->align,
					   (unsigned long long)k->start);
	} else {
		if (!span_within(k->start, k->span, LINUX_ADDR_LIMIT) ||
		    !in_ram(p, k->start, k->span))
			return loader_fail(err, errlen,
					   "%s [0x%llx, 0x%llx) is not inside one RAM entry of the "
					   "e820 map below 4 GiB",
					   what, (unsigned long long)k->start,
					   (unsigned long long)(k->start + k->span));
		const struct range *r = first_overlap(k->start, k->start + k->span, avoid, 2);
		if (r)
			return loader_fail(err, errlen, "%s [0x%llx, 0x%llx) overlaps the %s at 0x%llx",
					   what, (unsigned long long)k->start,
					   (unsigned long long)(k->start + k->span), r->what,
					   (unsigned long long)r->start);
		lay->kernel = k->start;
	}
	lay->kernel_end = lay->kernel + k->span;
	return 0;
}

static int place_initrd(const struct linux_kernel *k, const struct linux_params *p,
			const struct range *avoid, struct linux_layout *lay, char *err,
			size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];
	uint64_t ceiling = MIN((uint64_t)k->initrd_addr_max + 1, LINUX_ADDR_LIMIT);

	if (!p->initrd_len)
		return 0;
	if (!highest_fit(p, lay->kernel_end, ceiling, p->initrd_len, avoid, 2, &lay->initrd)) {
		uint64_t ram_end = 0;
		for (size_t i = 0; i < p->e820_count; i++)
			if (p->e820[i].type == LINUX_E820_RAM)
				ram_end = MAX(ram_end, entry_end(&p->e820[i]));
		return loader_fail(err, errlen,
				   "initrd of %s does not fit below initrd_addr_max 0x%x and the "
				   "end of RAM 0x%llx, above the kernel's end 0x%llx",
				   loader_size_str(sz, p->initrd_len), k->initrd_addr_max,
				   (unsigned long long)ram_end,
				   (unsigned long long)lay->kernel_end);
	}
	lay->initrd_end = lay->initrd + p->initrd_len;
	return 0;
}

int linux_layout(const struct linux_kernel *k, const struct guest_mem *gm,
		 const struct linux_params *p, struct linux_layout *lay, char *err, size_t errlen)
{
	struct range avoid[2];

	*lay = (struct linux_layout){ 0 };
	if (check_e820(p, gm, err, errlen) ||
	    check_low(k, gm, p, avoid, &lay->cmdline_len, err, errlen) ||
	    place_kernel(k, p, avoid, lay, err, errlen) ||
	    place_initrd(k, p, avoid, lay, err, errlen))
		return -1;
	return 0;
}
