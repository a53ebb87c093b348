/* What each allow-list requirement means for a domain, a vCPU and a host:
 * the controls and MSRs the hypervisor provides, the guest's XCR0 and CR4,
 * and the XCR0 components host, platform and policy all offer. */
#include "arch/x86/cpuid_policy_internal.h"

#define B(n) (UINT32_C(1) << (n))

/* XCR0 bits the policy offers at all: x87, SSE, AVX, the AVX-512 state and
 * PKRU. MPX (3-4) and AMX (17-18) are hidden with their features; the rest
 * are IA32_XSS components, and IA32_XSS is 0. */
#define POLICY_XCR0 \
	(CPUID_XCR0_X87 | CPUID_XCR0_SSE | CPUID_XCR0_AVX | CPUID_XCR0_AVX512 | CPUID_XCR0_PKRU)

/* Keep the mask one XSETBV could load: x87 always, AVX only with SSE, the
 * three AVX-512 components together and only with AVX (SDM Vol. 2B XSETBV). */
static uint64_t xcr0_consistent(uint64_t m)
{
	if (!(m & CPUID_XCR0_X87))
		return 0;
	if (!(m & CPUID_XCR0_SSE))
		m &= ~(CPUID_XCR0_AVX | CPUID_XCR0_AVX512);
	if (!(m & CPUID_XCR0_AVX) || (m & CPUID_XCR0_AVX512) != CPUID_XCR0_AVX512)
		m &= ~CPUID_XCR0_AVX512;
	return m;
}

void cpuid_env_init(struct cpuid_env *e, cpuid_host_fn host, void *ctx,
		    const struct cpuid_platform *p, const struct cpuid_vcpu_state *v)
{
	uint32_t r[4];

	e->host = host;
	e->ctx = ctx;
	e->p = p;
	e->v = v;
	e->xcr0 = 0;
	host(0, 0, r, ctx);
	uint32_t max = r[0];
	host(1, 0, r, ctx);
	/* Leaf 0DH exists only with CPUID.1:ECX.XSAVE[bit 26]. */
	if (max >= 0xd && (r[2] & B(26))) {
		host(0xd, 0, r, ctx);
		uint64_t host_xcr0 = ((uint64_t)r[3] << 32) | r[0];
		e->xcr0 = xcr0_consistent(host_xcr0 & p->xcr0_supported & POLICY_XCR0);
	}
	e->host_pku = false;
	if (max >= 0x7) {
		host(0x7, 0, r, ctx);
		e->host_pku = r[2] & B(3);
	}
}

bool cpuid_req_met(const struct cpuid_env *e, enum cpuid_req r)
{
	const struct cpuid_platform *p = e->p;
	const struct cpuid_vcpu_state *v = e->v;

	switch (r) {
	case CPUID_REQ_NONE:
		return true;
	case CPUID_REQ_NEVER:
		return false;
	case CPUID_REQ_RDTSCP:
		return p->rdtscp;
	case CPUID_REQ_INVPCID:
		return p->invpcid;
	case CPUID_REQ_XSAVES:
		return p->xsaves && p->xsave_compacted && (e->xcr0 & CPUID_XCR0_X87);
	case CPUID_REQ_XSAVEC:
		return p->xsave_compacted && (e->xcr0 & CPUID_XCR0_X87);
	case CPUID_REQ_MSR_PAT:
		return p->msr_pat;
	case CPUID_REQ_MSR_EFER_NX:
		return p->msr_efer_nx;
	case CPUID_REQ_MSR_TSC_DEADLINE:
		return p->msr_tsc_deadline;
	case CPUID_REQ_MSR_MTRR:
		return p->msr_mtrr;
	case CPUID_REQ_MSR_MCA:
		return p->msr_mca;
	case CPUID_REQ_MSR_PMU:
		return p->msr_pmu;
	case CPUID_REQ_MSR_SPEC_CTRL:
		return p->msr_spec_ctrl;
	case CPUID_REQ_X2APIC:
		return p->x2apic;
	case CPUID_REQ_XSAVE:
		return e->xcr0 & CPUID_XCR0_X87;
	case CPUID_REQ_AVX:
		return e->xcr0 & CPUID_XCR0_AVX;
	case CPUID_REQ_AVX512:
		return (e->xcr0 & CPUID_XCR0_AVX512) == CPUID_XCR0_AVX512;
	case CPUID_REQ_PKRU:
		return e->xcr0 & CPUID_XCR0_PKRU;
	case CPUID_REQ_MULTI_VCPU:
		return p->vcpus > 1;
	case CPUID_REQ_APIC_ENABLED:
		return v->apic_enabled;
	case CPUID_REQ_OSXSAVE:
		return (e->xcr0 & CPUID_XCR0_X87) && v->cr4_osxsave;
	case CPUID_REQ_OSPKE:
		return e->host_pku && (e->xcr0 & CPUID_XCR0_PKRU) && v->cr4_ospke;
	case CPUID_REQ_COUNT:
		break;
	}
	return false;
}

const char *cpuid_req_name(enum cpuid_req r)
{
	static const char *const names[CPUID_REQ_COUNT] = {
		[CPUID_REQ_NONE] = "nothing",
		[CPUID_REQ_NEVER] = "never",
		[CPUID_REQ_RDTSCP] = "the enable-RDTSCP control",
		[CPUID_REQ_INVPCID] = "the enable-INVPCID control",
		[CPUID_REQ_XSAVES] = "the enable-XSAVES control",
		[CPUID_REQ_XSAVEC] = "a compacted XSAVE format the CPU sizes consistently",
		[CPUID_REQ_MSR_PAT] = "IA32_PAT",
		[CPUID_REQ_MSR_EFER_NX] = "EFER.NXE",
		[CPUID_REQ_MSR_TSC_DEADLINE] = "IA32_TSC_DEADLINE",
		[CPUID_REQ_MSR_MTRR] = "the MTRR MSRs",
		[CPUID_REQ_MSR_MCA] = "the machine-check MSRs",
		[CPUID_REQ_MSR_PMU] = "the PMU MSRs",
		[CPUID_REQ_MSR_SPEC_CTRL] = "the speculation-control MSRs",
		[CPUID_REQ_X2APIC] = "x2APIC in the virtual LAPIC",
		[CPUID_REQ_XSAVE] = "a guest XCR0",
		[CPUID_REQ_AVX] = "AVX state in XCR0",
		[CPUID_REQ_AVX512] = "AVX-512 state in XCR0",
		[CPUID_REQ_PKRU] = "PKRU state in XCR0",
		[CPUID_REQ_MULTI_VCPU] = "more than one vCPU",
		[CPUID_REQ_APIC_ENABLED] = "an enabled LAPIC",
		[CPUID_REQ_OSXSAVE] = "CR4.OSXSAVE with XSAVE",
		[CPUID_REQ_OSPKE] = "CR4.PKE with PKU",
	};
	return (unsigned)r < CPUID_REQ_COUNT ? names[r] : "?";
}
