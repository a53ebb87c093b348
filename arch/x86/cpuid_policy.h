/* The CPUID a guest sees, default deny: a feature bit passes from the host
 * only if the allow-list names it and the hypervisor provides what it needs;
 * topology, TSC rate and XSAVE sizes are synthesized (SDM Vol. 2A, CPUID). */
#ifndef ARCH_X86_CPUID_POLICY_H
#define ARCH_X86_CPUID_POLICY_H

#include "hv/types.h"

/* The host's CPUID for (leaf, sub-leaf): the instruction itself in the
 * hypervisor, a recorded dump in the tests. out is EAX, EBX, ECX, EDX. */
typedef void (*cpuid_host_fn)(uint32_t leaf, uint32_t sub, uint32_t out[4], void *ctx);
/* That function on the running CPU (cpuid_host.c; ctx unused). */
void cpuid_host(uint32_t leaf, uint32_t sub, uint32_t out[4], void *ctx);

/* What the hypervisor provides a domain; fixed for the domain's life. */
struct cpuid_platform {
	/* VM-execution controls that are on: "enable RDTSCP" (also RDPID),
	 * "enable INVPCID", "enable XSAVES/XRSTORS". */
	bool rdtscp, invpcid, xsaves;
	/* MSRs the hypervisor handles for the guest. */
	bool msr_pat, msr_efer_nx, msr_tsc_deadline, msr_mtrr, msr_mca, msr_pmu, msr_spec_ctrl;
	bool x2apic;             /* the virtual LAPIC has x2APIC mode */
	/* The CPU's own CPUID 0xD.1 EBX agrees with the compacted size its
	 * sub-leaves give (fpu_xsave_compacted_ok): XSAVEC and XSAVES are
	 * offered only then. Bochs 2.7 reports the standard size there and its
	 * XSAVEC does not lay state out as a guest sized it (PLATFORM notes). */
	bool xsave_compacted;
	unsigned vcpus;          /* vCPUs in the domain, APIC IDs 0..vcpus-1 */
	uint64_t tsc_khz;        /* the TSC rate the guest sees; 0: unknown */
	uint64_t xcr0_supported; /* the XCR0 bits XSETBV may enable */
};

/* The vCPU's state at the CPUID exit, for the bits that follow it. */
struct cpuid_vcpu_state {
	uint32_t apic_id;  /* x2APIC ID; its low 8 bits are the xAPIC ID */
	bool apic_enabled; /* IA32_APIC_BASE[11] */
	bool cr4_osxsave, cr4_ospke;
	uint64_t xcr0;
};

/* The core crystal clock leaf 0x15 reports for a TSC of tsc_khz, with
 * *ratio = TSC / crystal; 0 when the leaf is not enumerated. The virtual
 * LAPIC timer counts at exactly this rate. */
uint64_t cpuid_crystal_hz(uint64_t tsc_khz, uint32_t *ratio);

/* Whether the host's CPUID 0xD.1 EBX, read while XCR0 = xcr0 and IA32_XSS
 * = 0, is the compacted size its sub-leaves give for xcr0 (SDM Vol. 1,
 * "Compacted Form of XSAVE Area"): the value for cpuid_platform's
 * xsave_compacted. */
bool cpuid_xsave_compacted_consistent(cpuid_host_fn host, void *ctx, uint64_t xcr0);

/* The guest's answer to CPUID with EAX = leaf, ECX = sub. */
void cpuid_policy_eval(cpuid_host_fn host, void *ctx, const struct cpuid_platform *p,
		       const struct cpuid_vcpu_state *v, uint32_t leaf, uint32_t sub,
		       uint32_t out[4]);

/* Evaluates the policy on this host and checks every allow-list entry: a
 * bit whose requirement (control, MSR, XCR0 component, vCPU state) is off
 * is 0, and no bit outside the allow-list is set. Returns false with the
 * first violation in err. */
bool cpuid_policy_check(cpuid_host_fn host, void *ctx, const struct cpuid_platform *p, char *err,
			size_t n);

#endif
