/* A software model of the checks VM entry performs before it loads guest state
 * (SDM Vol. 3C 27.2 "Checks on VMX Controls and Host-State Area" and 27.3.1
 * "Checks on the Guest State Area"), as pure logic over VMCS field values. */
#ifndef ARCH_X86_VMX_VMENTRY_CHECK_H
#define ARCH_X86_VMX_VMENTRY_CHECK_H

#include "arch/x86/vmx/vmx_caps.h"

/* Reads one VMCS field (a full encoding from vmcs_fields.h) into *val; false
 * means the CPU does not support the field, which the checker reads as 0. */
typedef bool (*vmcs_read_fn)(uint32_t field, uint64_t *val, void *ctx);

/* What a failed check makes the CPU do: VMLAUNCH/VMRESUME fail with
 * VM-instruction error 7 (controls) or 8 (host state), or VM entry fails with
 * exit reason 33 and bit 31 set (guest state). */
enum vmentry_area {
	VMENTRY_AREA_CONTROLS,
	VMENTRY_AREA_HOST,
	VMENTRY_AREA_GUEST,
};

struct vmentry_problem {
	uint32_t field;    /* the field to change; for a rule between fields, the one it is listed under */
	const char *check; /* the rule, ending with its SDM section, e.g. "... (SDM 27.3.1.1)" */
	enum vmentry_area area;
};

/* Properties of the CPU the checks depend on that IA32_VMX_* does not report. */
struct vmentry_cpu {
	uint8_t pa_bits; /* MAXPHYADDR, CPUID.80000008H:EAX[7:0] */
	uint8_t la_bits; /* linear-address width, CPUID.80000008H:EAX[15:8]: 48, or 57 with 5-level paging; outside 32..64: no limit */
};

/* Runs every implemented check and stores up to max problems in out, in the
 * order the SDM lists the checks. Returns how many problems there are (may
 * exceed max). The VM entry is assumed to run in 64-bit mode outside SMM,
 * as this hypervisor's do. vmentry_check() assumes pa_bits 52 (the
 * architectural maximum, so no address is wrongly refused) and la_bits 48. */
size_t vmentry_check_cpu(vmcs_read_fn rd, void *ctx, const struct vmx_caps *caps,
			 const struct vmentry_cpu *cpu, struct vmentry_problem *out, size_t max);
size_t vmentry_check(vmcs_read_fn rd, void *ctx, const struct vmx_caps *caps,
		     struct vmentry_problem *out, size_t max);

#endif
