/* The Multiboot2 boot information (spec 1.0, section 3.6): its tag layouts and a
 * parser that validates the tag list and records where the hypervisor's inputs are. */
#ifndef HV_MULTIBOOT2_H
#define HV_MULTIBOOT2_H

#include "hv/types.h"

/* What the boot loader leaves in EAX to say EBX points at Multiboot2 information. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

#define MB2_TAG_ALIGN 8

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BOOTLOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_EFI64 12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_EFI_BS 18

/* Memory map entry types; every value other than AVAILABLE must be left alone. */
#define MB2_MEM_AVAILABLE 1
#define MB2_MEM_RESERVED 2
#define MB2_MEM_ACPI_RECLAIMABLE 3
#define MB2_MEM_NVS 4
#define MB2_MEM_BADRAM 5

/* A copied RSDP is at least the ACPI 1.0 structure (20 bytes); the 2.0 one is 36. */
#define MB2_RSDP_V1_LEN 20
#define MB2_RSDP_V2_LEN 36

#define MB2_MAX_MODULES 128

struct mb2_fixed {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size; /* header included, padding to MB2_TAG_ALIGN not */
};

struct mb2_tag_string { /* CMDLINE and BOOTLOADER_NAME */
	uint32_t type, size;
	char string[];
};

struct mb2_tag_module {
	uint32_t type, size;
	uint32_t mod_start, mod_end; /* [mod_start, mod_end) */
	char string[];
};

struct mb2_tag_mmap {
	uint32_t type, size;
	uint32_t entry_size; /* >= sizeof(struct mb2_mmap_entry): newer fields may follow */
	uint32_t entry_version;
};

struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

struct mb2_tag_efi64 {
	uint32_t type, size;
	uint64_t pointer;
};

struct mb2_module {
	uint64_t start, end; /* [start, end) physical */
	const char *string;  /* points into the boot information */
};

/* Everything the parser extracted. Pointers point into the boot information, so it
 * must stay mapped and untouched for as long as they are used. A repeated tag
 * replaces what an earlier one of the same type recorded (modules accumulate). */
struct mb2_info {
	uint32_t total_size;
	const char *cmdline;         /* NULL when the tag is absent */
	const char *bootloader_name; /* NULL when the tag is absent */
	const void *mmap_entries;    /* use mb2_mmap_entry(): entries are entry_size apart */
	uint32_t mmap_entry_size;
	uint32_t mmap_count; /* 0 when there is no memory map tag */
	struct mb2_module modules[MB2_MAX_MODULES];
	unsigned nmodules;
	unsigned modules_dropped; /* modules beyond MB2_MAX_MODULES, for the caller to report */
	const void *rsdp_v1;      /* tag 14: a copy of the ACPI 1.0 RSDP, or NULL */
	uint32_t rsdp_v1_len;
	const void *rsdp_v2; /* tag 15: a copy of the ACPI 2.0+ RSDP, or NULL */
	uint32_t rsdp_v2_len;
	paddr_t efi64_systab;   /* tag 12: EFI 64-bit system table, 0 when absent */
	bool efi_boot_services; /* tag 18: boot services were not exited */
};

/* Parses the boot information at mbi (8-byte aligned, as the spec guarantees).
 * Returns 0, or -1 with a message in err (always NUL-terminated when errlen > 0)
 * naming the offending tag type and offset. Nothing past total_size is read. */
int mb2_parse(const void *mbi, struct mb2_info *out, char *err, size_t errlen);

static inline const struct mb2_mmap_entry *mb2_mmap_entry(const struct mb2_info *info, uint32_t i)
{
	return (const struct mb2_mmap_entry *)((const uint8_t *)info->mmap_entries +
					       (size_t)i * info->mmap_entry_size);
}

#endif
