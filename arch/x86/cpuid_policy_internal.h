/* Shared by the cpuid_*.c files: the allow-list (which bits may be non-zero
 * and what each needs; the policy computes from it and the checker verifies
 * against it, so the two cannot disagree) and the synthesized leaves. */
#ifndef ARCH_X86_CPUID_POLICY_INTERNAL_H
#define ARCH_X86_CPUID_POLICY_INTERNAL_H

#include "arch/x86/cpuid_policy.h"

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/* What an entry needs before its bits may be non-zero. */
enum cpuid_req {
	CPUID_REQ_NONE, /* instruction-set or informational: nothing to provide */
	CPUID_REQ_NEVER,
	CPUID_REQ_RDTSCP,
	CPUID_REQ_INVPCID,
	CPUID_REQ_XSAVES, /* the control, XSAVE exposed and a trustworthy compacted format */
	CPUID_REQ_XSAVEC, /* XSAVE exposed and a trustworthy compacted format */
	CPUID_REQ_MSR_PAT,
	CPUID_REQ_MSR_EFER_NX,
	CPUID_REQ_MSR_TSC_DEADLINE,
	CPUID_REQ_MSR_MTRR,
	CPUID_REQ_MSR_MCA,
	CPUID_REQ_MSR_PMU,
	CPUID_REQ_MSR_SPEC_CTRL,
	CPUID_REQ_X2APIC,
	CPUID_REQ_XSAVE,  /* a guest XCR0 exists: x87 in the supported mask */
	CPUID_REQ_AVX,    /* XCR0 SSE and AVX state */
	CPUID_REQ_AVX512, /* XCR0 opmask, ZMM_Hi256, Hi16_ZMM, and AVX */
	CPUID_REQ_PKRU,   /* XCR0 PKRU state */
	CPUID_REQ_MULTI_VCPU,
	CPUID_REQ_APIC_ENABLED,
	CPUID_REQ_OSXSAVE, /* XSAVE exposed and CR4.OSXSAVE */
	CPUID_REQ_OSPKE,   /* PKU exposed and CR4.PKE */
	CPUID_REQ_COUNT
};

/* Where an entry's bits come from when its requirement holds. */
enum cpuid_src {
	CPUID_SRC_HOST, /* the host's bits under the mask */
	CPUID_SRC_SET,  /* the mask itself: the hypervisor provides it */
	CPUID_SRC_CODE, /* a field the leaf's code computes */
};

struct cpuid_feature {
	uint32_t leaf;
	uint8_t sub, reg, req, src;
	uint32_t mask;
	const char *name;
};

extern const struct cpuid_feature cpuid_features[];
extern const size_t cpuid_features_count;

/* XCR0 state components (SDM Vol. 1, "XSAVE-Supported Features and
 * State-Component Bitmaps"). */
#define CPUID_XCR0_X87 (UINT64_C(1) << 0)
#define CPUID_XCR0_SSE (UINT64_C(1) << 1)
#define CPUID_XCR0_AVX (UINT64_C(1) << 2)
#define CPUID_XCR0_AVX512 (UINT64_C(7) << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define CPUID_XCR0_PKRU (UINT64_C(1) << 9)

/* One evaluation's inputs and the host facts the requirements depend on. */
struct cpuid_env {
	cpuid_host_fn host;
	void *ctx;
	const struct cpuid_platform *p;
	const struct cpuid_vcpu_state *v;
	uint64_t xcr0;  /* XCR0 bits the guest may enable: host, platform and policy */
	bool host_pku;  /* CPUID.(7,0):ECX.PKU on the host */
};

void cpuid_env_init(struct cpuid_env *e, cpuid_host_fn host, void *ctx,
		    const struct cpuid_platform *p, const struct cpuid_vcpu_state *v);
bool cpuid_req_met(const struct cpuid_env *e, enum cpuid_req r);
const char *cpuid_req_name(enum cpuid_req r);

/* out = the allow-listed bits of (leaf, sub) whose requirement holds; the
 * CODE fields are left 0 for the caller. */
void cpuid_features_apply(const struct cpuid_env *e, uint32_t leaf, uint32_t sub,
			  uint32_t out[4]);

/* Leaves built from the domain rather than passed from the host
 * (cpuid_leaves.c): cache parameters (04H), topology (0BH, 1FH), XSAVE
 * (0DH), TSC and frequency (15H, 16H). */
void cpuid_leaf_cache(const struct cpuid_env *e, uint32_t sub, uint32_t out[4]);
void cpuid_leaf_topology(const struct cpuid_env *e, uint32_t sub, uint32_t out[4]);
void cpuid_leaf_xsave(const struct cpuid_env *e, uint32_t sub, uint32_t out[4]);
void cpuid_leaf_tsc(const struct cpuid_env *e, uint32_t out[4]);
void cpuid_leaf_frequency(const struct cpuid_env *e, uint32_t out[4]);

#endif
