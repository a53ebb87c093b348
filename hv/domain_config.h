/* Domain configuration files in the xl.cfg(5) syntax Xen users know: which
 * kernel a domain boots, with how much memory and how many vCPUs. */
#ifndef HV_DOMAIN_CONFIG_H
#define HV_DOMAIN_CONFIG_H

#include "hv/types.h"

#define DOMAIN_NAME_MAX 32
#define DOMAIN_PATH_MAX 128
#define DOMAIN_EXTRA_MAX 512
#define DOMAIN_MAX_VCPUS 64
#define DOMAIN_MEMORY_MAX_MIB 65536
#define DOMAIN_LINE_MAX 1024 /* bytes per line, without its "\n" or "\r\n" */

enum domain_kernel_type { KERNEL_AUTO, KERNEL_MULTIBOOT, KERNEL_ELF64, KERNEL_RAW16, KERNEL_LINUX };

/* Test-only: makes the hypervisor corrupt the domain's VMCS on purpose, so the
 * failed-VM-entry paths can be exercised. */
enum domain_test_fault { TEST_FAULT_NONE, TEST_FAULT_BAD_GUEST_STATE, TEST_FAULT_BAD_CONTROL };

/* Strings are NUL-terminated; an absent ramdisk or extra is "". */
struct domain_config {
	char name[DOMAIN_NAME_MAX];
	uint64_t memory_mib;
	unsigned vcpus;
	char kernel[DOMAIN_PATH_MAX];
	char ramdisk[DOMAIN_PATH_MAX];
	char extra[DOMAIN_EXTRA_MAX];
	enum domain_kernel_type kernel_type;
	uint16_t raw16_cs, raw16_ip;
	enum domain_test_fault test_fault;
};

/* Syntax: one `KEY = VALUE` per line, optionally followed by `;`; `#` starts
 * a comment; blank lines are fine; "\r\n" line ends are accepted. VALUE is a
 * "double-" or 'single-quoted' string (no backslash, no newline), a decimal
 * integer without leading zeros (xl would read those as octal) or a 0x-hex
 * one, or a [ list ]. Keys:
 *   name         string, required: 1..31 of A-Z a-z 0-9 _ . -
 *   memory       integer, required: MiB, 1..65536
 *   vcpus        integer, 1..64, default 1
 *   kernel       string, required: the boot module's name (a path)
 *   ramdisk      string: the initial ramdisk module's name
 *   extra        string: the guest kernel's command line
 *   kernel_type  "auto" (default), "multiboot", "elf64", "raw16" or "linux"
 *                (a bzImage or vmlinux through the 64-bit boot protocol)
 *   raw16_entry  "CS:IP" in hex, e.g. "0x0800:0x0000": required with, and
 *                only allowed with, kernel_type "raw16"
 *   test_fault   "none" (default), "bad-guest-state" or "bad-control"
 * Lists are not accepted for any key yet.
 *
 * text is len bytes, not NUL-terminated, and is never read past len. *out is
 * zeroed and given the defaults first. Returns 0, or -1 at the first error
 * with err set to "FILE:LINE: reason" (truncated to errlen; "" on success;
 * err may be NULL when errlen is 0); on -1 *out must not be used. */
int domain_config_parse(const char *file, const char *text, size_t len, struct domain_config *out,
			char *err, size_t errlen);

#endif
