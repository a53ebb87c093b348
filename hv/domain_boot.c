/* Guest image loading (see domain_boot.h). The guest-physical layout of a
 * new domain, below its kernel at 1 MiB:
 *   0x10000-0x1ffff  multiboot information (multiboot kernels), or
 *                    the zero page and command line (Linux)
 *   0x20000-0x2ffff  page tables and GDT (64-bit kernels and Linux)
 *   0x9f000          initial stack top (64-bit kernels)
 *   0x9fc00-0xfffff  reserved, as on a PC (EBDA, VGA, BIOS; the ACPI tables
 *                    live there, hv/vpc.h) */
#include "hv/domain_boot.h"
#include "hv/boot_modules.h"
#include "hv/format.h"
#include "hv/loader/elf.h"
#include "hv/loader/linux.h"
#include "hv/log.h"
#include "hv/loader/longmode.h"
#include "hv/loader/multiboot1.h"
#include "hv/loader/raw16.h"
#include "hv/string.h"

#define MB1_INFO_GPA 0x10000
#define MB1_INFO_SIZE_MAX 0x10000
#define LONGMODE_TABLES_GPA 0x20000
#define LONGMODE_STACK_TOP 0x9f000
#define LINUX_ZERO_PAGE_GPA 0x10000
#define LINUX_CMDLINE_GPA 0x11000
#define LOW_RAM_END VPC_LOW_RAM_END
#define HIGH_RAM_START VPC_BIOS_END
#define CMDLINE_MAX 640

static struct guest_mem guest_memory(const struct domain *d)
{
	return (struct guest_mem){domain_gpa_to_host(d, 0), d->ram_bytes};
}

static int load_multiboot(struct domain *d, const struct mb2_info *mb, const struct boot_module *k,
			  struct vcpu_boot_state *boot, char *err, size_t errlen)
{
	struct guest_mem gm = guest_memory(d);
	struct mb1_kernel kernel;
	struct mb1_module mod;
	char cmdline[CMDLINE_MAX];
	char why[160];

	if (mb1_load(k->data, k->len, &gm, &kernel, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "kernel %s: %s", k->name, why);
		return -1;
	}
	size_t nmods = 0;
	if (d->cfg.ramdisk[0]) {
		struct boot_module rd;
		uint64_t cursor = kernel.highest + 1, start;
		if (!boot_module_find(mb, d->cfg.ramdisk, &rd)) {
			fmt_snprintf(err, errlen, "ramdisk %s: no boot module of that name", d->cfg.ramdisk);
			return -1;
		}
		if (mb1_place_module(d->ram_bytes, &cursor, rd.len, &start, why, sizeof(why))) {
			fmt_snprintf(err, errlen, "ramdisk %s: %s", rd.name, why);
			return -1;
		}
		memcpy(domain_gpa_to_host(d, start), rd.data, rd.len);
		mod = (struct mb1_module){start, start + rd.len, d->cfg.ramdisk};
		nmods = 1;
	}
	/* Like QEMU's -kernel: the command line starts with the kernel's name. */
	fmt_snprintf(cmdline, sizeof(cmdline), "%s%s%s", d->cfg.kernel, d->cfg.extra[0] ? " " : "",
		     d->cfg.extra);
	const struct mb1_mmap_entry map[] = {
		{0, LOW_RAM_END, MB1_MEM_AVAILABLE},
		{LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END, MB1_MEM_RESERVED},
		{HIGH_RAM_START, d->ram_bytes - HIGH_RAM_START, MB1_MEM_AVAILABLE},
	};
	const struct mb1_boot_params params = {
		.mem_lower_kib = LOW_RAM_END / 1024,
		.mem_upper_kib = (uint32_t)((d->ram_bytes - HIGH_RAM_START) / 1024),
		.mmap = map,
		.mmap_count = ARRAY_SIZE(map),
		.cmdline = cmdline,
		.mods = nmods ? &mod : NULL,
		.mods_count = nmods,
	};
	uint32_t info;
	if (mb1_build_info(&gm, MB1_INFO_GPA, MB1_INFO_SIZE_MAX, &params, &info, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "multiboot information: %s", why);
		return -1;
	}
	*boot = (struct vcpu_boot_state){.mode = VCPU_BOOT_PROT32, .rip = kernel.entry,
					 .rax = MB1_BOOTLOADER_MAGIC, .rbx = info};
	return 0;
}

static int load_elf64(struct domain *d, const struct boot_module *k, struct vcpu_boot_state *boot,
		      char *err, size_t errlen)
{
	struct guest_mem gm = guest_memory(d);
	struct elf_loaded elf;
	struct longmode_setup lm;
	char why[160];

	if (elf_load(k->data, k->len, &gm, &elf, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "kernel %s: %s", k->name, why);
		return -1;
	}
	if (!elf.is64) {
		fmt_snprintf(err, errlen, "kernel %s: a 32-bit ELF without a multiboot header", k->name);
		return -1;
	}
	if (longmode_build(&gm, LONGMODE_TABLES_GPA, &lm, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "long-mode page tables: %s", why);
		return -1;
	}
	*boot = (struct vcpu_boot_state){.mode = VCPU_BOOT_LONG64, .rip = elf.entry,
					 .rsp = LONGMODE_STACK_TOP, .cr3 = lm.cr3,
					 .gdt_base = lm.gdt_base, .gdt_limit = lm.gdt_limit,
					 .code_sel = lm.code_sel, .data_sel = lm.data_sel};
	return 0;
}

static int load_raw16(struct domain *d, const struct boot_module *k, struct vcpu_boot_state *boot,
		      char *err, size_t errlen)
{
	struct guest_mem gm = guest_memory(d);
	char why[160];

	if (raw16_load(k->data, k->len, &gm, d->cfg.raw16_cs, d->cfg.raw16_ip, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "kernel %s: %s", k->name, why);
		return -1;
	}
	*boot = (struct vcpu_boot_state){.mode = VCPU_BOOT_REAL16, .cs = d->cfg.raw16_cs,
					 .rip = d->cfg.raw16_ip};
	return 0;
}

static const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case LINUX_E820_RAM:
		return "usable";
	case LINUX_E820_ACPI:
		return "ACPI data";
	case LINUX_E820_NVS:
		return "ACPI NVS";
	case LINUX_E820_UNUSABLE:
		return "unusable";
	default:
		return "reserved";
	}
}

/* A Linux kernel (bzImage or vmlinux) through the 64-bit boot protocol: the
 * zero page at RSI, the protocol's GDT selectors, everything identity mapped.
 * The e820 map is logged as Linux logs it, so the two can be compared. */
static int load_linux(struct domain *d, const struct mb2_info *mb, const struct boot_module *k,
		      struct vcpu_boot_state *boot, char *err, size_t errlen)
{
	struct guest_mem gm = guest_memory(d);
	struct boot_module rd = {0};
	struct longmode_setup lm;
	struct linux_boot lb;
	char why[160];

	if (d->cfg.ramdisk[0] && !boot_module_find(mb, d->cfg.ramdisk, &rd)) {
		fmt_snprintf(err, errlen, "ramdisk %s: no boot module of that name", d->cfg.ramdisk);
		return -1;
	}
	const struct linux_e820 map[] = {
		{0, LOW_RAM_END, LINUX_E820_RAM},
		{LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END, LINUX_E820_RESERVED},
		{HIGH_RAM_START, d->ram_bytes - HIGH_RAM_START, LINUX_E820_RAM},
	};
	const struct linux_params params = {
		.e820 = map,
		.e820_count = ARRAY_SIZE(map),
		.acpi_rsdp = d->vpc.acpi.rsdp.gpa,
		.cmdline = d->cfg.extra,
		.initrd = rd.data,
		.initrd_len = rd.len,
		.zero_page_gpa = LINUX_ZERO_PAGE_GPA,
		.cmdline_gpa = LINUX_CMDLINE_GPA,
	};
	if (linux_load(k->data, k->len, &gm, &params, &lb, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "kernel %s: %s", k->name, why);
		return -1;
	}
	if (longmode_build(&gm, LONGMODE_TABLES_GPA, &lm, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "long-mode page tables: %s", why);
		return -1;
	}
	log_info("dom%u %s: linux %s, boot protocol %u.%02u, kernel [%#lx, %#lx), initrd [%#lx, %#lx)",
		 d->id, d->cfg.name, lb.bzimage ? "bzImage" : "vmlinux", lb.version >> 8,
		 lb.version & 0xff, lb.kernel_start, lb.kernel_end, lb.initrd_start, lb.initrd_end);
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		log_info("dom%u %s: e820: [mem 0x%016lx-0x%016lx] %s", d->id, d->cfg.name, map[i].addr,
			 map[i].addr + map[i].size - 1, e820_type_name(map[i].type));
	*boot = (struct vcpu_boot_state){.mode = VCPU_BOOT_LONG64, .rip = lb.entry,
					 .rsi = lb.zero_page, .cr3 = lm.cr3,
					 .gdt_base = lm.gdt_base, .gdt_limit = lm.gdt_limit,
					 .code_sel = lm.code_sel, .data_sel = lm.data_sel};
	return 0;
}

/* kernel_type = "auto": a multiboot header wins, then a Linux kernel (a
 * bzImage, or a vmlinux: an ELF linked in the kernel's high half), then an
 * ELF image (which must be 64-bit); anything else needs its type named in
 * the config. */
static int detect(const struct boot_module *k, enum domain_kernel_type *type, char *err, size_t errlen)
{
	struct mb1_header hdr;
	uint32_t offset;
	char why[8];

	if (!mb1_find_header(k->data, k->len, &hdr, &offset, why, sizeof(why))) {
		*type = KERNEL_MULTIBOOT;
		return 0;
	}
	if (linux_is_bzimage(k->data, k->len) || linux_is_vmlinux(k->data, k->len)) {
		*type = KERNEL_LINUX;
		return 0;
	}
	if (k->len >= 4 && !memcmp(k->data, "\x7f" "ELF", 4)) {
		*type = KERNEL_ELF64;
		return 0;
	}
	fmt_snprintf(err, errlen,
		     "kernel %s: neither a multiboot kernel, a Linux kernel nor an ELF image (a raw real-mode image needs kernel_type = \"raw16\")",
		     k->name);
	return -1;
}

int domain_boot_load(struct domain *d, const struct mb2_info *mb, struct vcpu_boot_state *boot,
		     char *err, size_t errlen)
{
	struct boot_module k;

	if (!boot_module_find(mb, d->cfg.kernel, &k)) {
		fmt_snprintf(err, errlen, "kernel %s: no boot module of that name", d->cfg.kernel);
		return -1;
	}
	if (d->ram_bytes <= HIGH_RAM_START) {
		fmt_snprintf(err, errlen, "memory: %lu MiB leaves no RAM above 1 MiB", d->cfg.memory_mib);
		return -1;
	}
	enum domain_kernel_type type = d->cfg.kernel_type;
	if (type == KERNEL_AUTO && detect(&k, &type, err, errlen))
		return -1;
	switch (type) {
	case KERNEL_MULTIBOOT:
		return load_multiboot(d, mb, &k, boot, err, errlen);
	case KERNEL_ELF64:
		return load_elf64(d, &k, boot, err, errlen);
	case KERNEL_RAW16:
		return load_raw16(d, &k, boot, err, errlen);
	case KERNEL_LINUX:
		return load_linux(d, mb, &k, boot, err, errlen);
	default:
		fmt_snprintf(err, errlen, "kernel %s: unknown kernel type", k.name);
		return -1;
	}
}
