/* The CPUID allow-list (SDM Vol. 2A, CPUID: "Information Returned by CPUID
 * Instruction" and the feature-flag tables it names) and the leaves built
 * from it. A bit in no entry is 0; NEVER entries name notable hidden bits. */
#include "arch/x86/cpuid_policy_internal.h"

#define B(n) (UINT32_C(1) << (n))
#define F(leaf, sub, reg, mask, req, src, name) \
	{ (leaf), (sub), CPUID_##reg, CPUID_REQ_##req, CPUID_SRC_##src, (mask), (name) }
/* A bit passed from the host under a requirement, or always hidden. */
#define H(leaf, sub, reg, bit, req, name) F(leaf, sub, reg, B(bit), req, HOST, name)
#define NEVER(leaf, sub, reg, bit, name) F(leaf, sub, reg, B(bit), NEVER, HOST, name)

const struct cpuid_feature cpuid_features[] = {
	/* Leaf 01H EAX: stepping, model, family, type, extended model and family
	 * ("Version Information Returned by CPUID in EAX"); reserved bits 0. */
	F(0x1, 0, EAX, 0x0fff3fff, NONE, HOST, "version"),
	/* Leaf 01H EBX: the brand index stays 0 (the brand string names the CPU);
	 * the CLFLUSH line size is the host's; the logical processor count and
	 * initial APIC ID describe this domain (cpuid_policy.c). */
	F(0x1, 0, EBX, 0x0000ff00, NONE, HOST, "CLFLUSH line size"),
	F(0x1, 0, EBX, 0x00ff0000, NONE, CODE, "logical processor IDs"),
	F(0x1, 0, EBX, 0xff000000, NONE, CODE, "initial APIC ID"),
	/* Leaf 01H ECX ("Feature Information Returned in the ECX Register"). */
	H(0x1, 0, ECX, 0, NONE, "SSE3"),
	H(0x1, 0, ECX, 1, NONE, "PCLMULQDQ"),
	NEVER(0x1, 0, ECX, 2, "DTES64"),   /* debug store: IA32_DS_AREA not handled */
	NEVER(0x1, 0, ECX, 3, "MONITOR"),  /* MONITOR/MWAIT would idle a host CPU */
	NEVER(0x1, 0, ECX, 4, "DS-CPL"),   /* debug store */
	NEVER(0x1, 0, ECX, 5, "VMX"),      /* no nested virtualization */
	NEVER(0x1, 0, ECX, 6, "SMX"),      /* GETSEC is the platform's */
	NEVER(0x1, 0, ECX, 7, "EIST"),     /* P-states are the host's */
	NEVER(0x1, 0, ECX, 8, "TM2"),      /* thermal control is the host's */
	H(0x1, 0, ECX, 9, NONE, "SSSE3"),
	NEVER(0x1, 0, ECX, 10, "CNXT-ID"), /* set through IA32_MISC_ENABLE */
	NEVER(0x1, 0, ECX, 11, "SDBG"),    /* IA32_DEBUG_INTERFACE not handled */
	H(0x1, 0, ECX, 12, AVX, "FMA"),    /* VEX-encoded: needs AVX state */
	H(0x1, 0, ECX, 13, NONE, "CMPXCHG16B"),
	NEVER(0x1, 0, ECX, 14, "xTPR"),    /* set through IA32_MISC_ENABLE */
	NEVER(0x1, 0, ECX, 15, "PDCM"),    /* IA32_PERF_CAPABILITIES not handled */
	H(0x1, 0, ECX, 17, NONE, "PCID"),  /* CR4.PCIDE needs no VMX control */
	NEVER(0x1, 0, ECX, 18, "DCA"),     /* platform DMA prefetch */
	H(0x1, 0, ECX, 19, NONE, "SSE4.1"),
	H(0x1, 0, ECX, 20, NONE, "SSE4.2"),
	H(0x1, 0, ECX, 21, X2APIC, "x2APIC"),
	H(0x1, 0, ECX, 22, NONE, "MOVBE"),
	H(0x1, 0, ECX, 23, NONE, "POPCNT"),
	H(0x1, 0, ECX, 24, MSR_TSC_DEADLINE, "TSC-Deadline"), /* IA32_TSC_DEADLINE */
	H(0x1, 0, ECX, 25, NONE, "AESNI"),
	H(0x1, 0, ECX, 26, XSAVE, "XSAVE"),
	F(0x1, 0, ECX, B(27), OSXSAVE, SET, "OSXSAVE"), /* the guest's CR4, not the host's */
	H(0x1, 0, ECX, 28, AVX, "AVX"),
	H(0x1, 0, ECX, 29, AVX, "F16C"),
	H(0x1, 0, ECX, 30, NONE, "RDRAND"),
	F(0x1, 0, ECX, B(31), NONE, SET, "hypervisor"), /* reserved for this use */
	/* Leaf 01H EDX ("Feature Information Returned in the EDX Register"). */
	H(0x1, 0, EDX, 0, NONE, "FPU"),
	H(0x1, 0, EDX, 1, NONE, "VME"),
	H(0x1, 0, EDX, 2, NONE, "DE"),
	H(0x1, 0, EDX, 3, NONE, "PSE"),
	H(0x1, 0, EDX, 4, NONE, "TSC"),
	H(0x1, 0, EDX, 5, NONE, "MSR"),
	H(0x1, 0, EDX, 6, NONE, "PAE"),
	H(0x1, 0, EDX, 7, MSR_MCA, "MCE"), /* machine-check MSRs behind CR4.MCE */
	H(0x1, 0, EDX, 8, NONE, "CX8"),
	F(0x1, 0, EDX, B(9), APIC_ENABLED, SET, "APIC"), /* follows IA32_APIC_BASE[11] */
	H(0x1, 0, EDX, 11, NONE, "SEP"),
	H(0x1, 0, EDX, 12, MSR_MTRR, "MTRR"),
	H(0x1, 0, EDX, 13, NONE, "PGE"),
	H(0x1, 0, EDX, 14, MSR_MCA, "MCA"),
	H(0x1, 0, EDX, 15, NONE, "CMOV"),
	H(0x1, 0, EDX, 16, MSR_PAT, "PAT"),
	H(0x1, 0, EDX, 17, NONE, "PSE-36"),
	NEVER(0x1, 0, EDX, 18, "PSN"),  /* serial number (leaf 03H) */
	H(0x1, 0, EDX, 19, NONE, "CLFSH"),
	NEVER(0x1, 0, EDX, 21, "DS"),   /* debug store: IA32_DS_AREA not handled */
	NEVER(0x1, 0, EDX, 22, "ACPI"), /* thermal-monitor MSRs are the host's */
	H(0x1, 0, EDX, 23, NONE, "MMX"),
	H(0x1, 0, EDX, 24, NONE, "FXSR"),
	H(0x1, 0, EDX, 25, NONE, "SSE"),
	H(0x1, 0, EDX, 26, NONE, "SSE2"),
	H(0x1, 0, EDX, 27, NONE, "SS"),
	F(0x1, 0, EDX, B(28), MULTI_VCPU, SET, "HTT"), /* EBX[23:16] is valid */
	NEVER(0x1, 0, EDX, 29, "TM"),
	NEVER(0x1, 0, EDX, 31, "PBE"),

	/* Leaf 06H EAX ("Thermal and Power Management Leaf"): only ARAT; the
	 * rest is the host's power management. */
	H(0x6, 0, EAX, 2, NONE, "ARAT"),

	/* Leaf 07H sub-leaf 0 ("Structured Extended Feature Flags Enumeration
	 * Leaf"); EAX (highest sub-leaf) is 0: sub-leaves 1 and up are hidden. */
	H(0x7, 0, EBX, 0, NONE, "FSGSBASE"),
	NEVER(0x7, 0, EBX, 1, "TSC_ADJUST"), /* IA32_TSC_ADJUST not handled */
	NEVER(0x7, 0, EBX, 2, "SGX"),
	H(0x7, 0, EBX, 3, NONE, "BMI1"),
	NEVER(0x7, 0, EBX, 4, "HLE"), /* TSX: hidden as on most current parts */
	H(0x7, 0, EBX, 5, AVX, "AVX2"),
	H(0x7, 0, EBX, 6, NONE, "FDP_EXCPTN_ONLY"), /* how this x87 behaves */
	H(0x7, 0, EBX, 7, NONE, "SMEP"),
	H(0x7, 0, EBX, 8, NONE, "BMI2"),
	H(0x7, 0, EBX, 9, NONE, "ERMS"),
	H(0x7, 0, EBX, 10, INVPCID, "INVPCID"), /* #UD without the control */
	NEVER(0x7, 0, EBX, 11, "RTM"),
	NEVER(0x7, 0, EBX, 12, "RDT-M"),
	H(0x7, 0, EBX, 13, NONE, "FCS/FDS deprecated"),
	NEVER(0x7, 0, EBX, 14, "MPX"), /* BNDCFGS and its XCR0 components */
	NEVER(0x7, 0, EBX, 15, "RDT-A"),
	H(0x7, 0, EBX, 16, AVX512, "AVX512F"),
	H(0x7, 0, EBX, 17, AVX512, "AVX512DQ"),
	H(0x7, 0, EBX, 18, NONE, "RDSEED"),
	H(0x7, 0, EBX, 19, NONE, "ADX"),
	H(0x7, 0, EBX, 20, NONE, "SMAP"),
	H(0x7, 0, EBX, 21, AVX512, "AVX512_IFMA"),
	H(0x7, 0, EBX, 23, NONE, "CLFLUSHOPT"),
	H(0x7, 0, EBX, 24, NONE, "CLWB"),
	NEVER(0x7, 0, EBX, 25, "Intel PT"),
	H(0x7, 0, EBX, 28, AVX512, "AVX512CD"),
	H(0x7, 0, EBX, 29, NONE, "SHA"),
	H(0x7, 0, EBX, 30, AVX512, "AVX512BW"),
	H(0x7, 0, EBX, 31, AVX512, "AVX512VL"),
	H(0x7, 0, ECX, 1, AVX512, "AVX512_VBMI"),
	NEVER(0x7, 0, ECX, 2, "UMIP"), /* CR4.UMIP is not offered to guests */
	H(0x7, 0, ECX, 3, PKRU, "PKU"), /* PKRU is switched through XSAVE */
	F(0x7, 0, ECX, B(4), OSPKE, SET, "OSPKE"), /* the guest's CR4.PKE */
	NEVER(0x7, 0, ECX, 5, "WAITPKG"), /* needs its control and IA32_UMWAIT_CONTROL */
	H(0x7, 0, ECX, 6, AVX512, "AVX512_VBMI2"),
	NEVER(0x7, 0, ECX, 7, "CET_SS"), /* CET state lives in IA32_XSS, which is 0 */
	H(0x7, 0, ECX, 8, NONE, "GFNI"),
	H(0x7, 0, ECX, 9, AVX, "VAES"),
	H(0x7, 0, ECX, 10, AVX, "VPCLMULQDQ"),
	H(0x7, 0, ECX, 11, AVX512, "AVX512_VNNI"),
	H(0x7, 0, ECX, 12, AVX512, "AVX512_BITALG"),
	NEVER(0x7, 0, ECX, 13, "TME_EN"),
	H(0x7, 0, ECX, 14, AVX512, "AVX512_VPOPCNTDQ"),
	NEVER(0x7, 0, ECX, 16, "LA57"), /* CR4.LA57 is not offered to guests */
	H(0x7, 0, ECX, 22, RDTSCP, "RDPID"), /* #UD unless "enable RDTSCP" */
	NEVER(0x7, 0, ECX, 23, "KL"),
	H(0x7, 0, ECX, 27, NONE, "MOVDIRI"),
	H(0x7, 0, ECX, 28, NONE, "MOVDIR64B"),
	NEVER(0x7, 0, ECX, 29, "ENQCMD"), /* IA32_PASID not handled */
	NEVER(0x7, 0, ECX, 30, "SGX_LC"),
	NEVER(0x7, 0, ECX, 31, "PKS"), /* IA32_PKRS not handled */
	H(0x7, 0, EDX, 4, NONE, "Fast Short REP MOV"),
	NEVER(0x7, 0, EDX, 5, "UINTR"),
	H(0x7, 0, EDX, 8, AVX512, "AVX512_VP2INTERSECT"),
	H(0x7, 0, EDX, 10, NONE, "MD_CLEAR"), /* VERW clears buffers: the host CPU's behaviour */
	NEVER(0x7, 0, EDX, 11, "RTM_ALWAYS_ABORT"),
	NEVER(0x7, 0, EDX, 13, "RTM_FORCE_ABORT"),
	H(0x7, 0, EDX, 14, NONE, "SERIALIZE"),
	NEVER(0x7, 0, EDX, 15, "Hybrid"), /* leaf 1AH is not offered */
	NEVER(0x7, 0, EDX, 16, "TSXLDTRK"),
	NEVER(0x7, 0, EDX, 18, "PCONFIG"),
	NEVER(0x7, 0, EDX, 19, "Architectural LBRs"),
	NEVER(0x7, 0, EDX, 20, "CET_IBT"),
	NEVER(0x7, 0, EDX, 22, "AMX-BF16"), /* AMX: XCR0 bits 17-18 and IA32_XFD are not offered */
	H(0x7, 0, EDX, 23, AVX512, "AVX512_FP16"),
	NEVER(0x7, 0, EDX, 24, "AMX-TILE"),
	NEVER(0x7, 0, EDX, 25, "AMX-INT8"),
	H(0x7, 0, EDX, 26, MSR_SPEC_CTRL, "IBRS_IBPB"), /* IA32_SPEC_CTRL, IA32_PRED_CMD */
	H(0x7, 0, EDX, 27, MSR_SPEC_CTRL, "STIBP"),
	NEVER(0x7, 0, EDX, 28, "L1D_FLUSH"), /* IA32_FLUSH_CMD not handled */
	H(0x7, 0, EDX, 29, MSR_SPEC_CTRL, "IA32_ARCH_CAPABILITIES"),
	NEVER(0x7, 0, EDX, 30, "IA32_CORE_CAPABILITIES"),
	H(0x7, 0, EDX, 31, MSR_SPEC_CTRL, "SSBD"),

	/* Leaf 0AH ("Architectural Performance Monitoring Leaf"): the host's
	 * PMU only when its MSRs are handled, else no PMU at all. */
	F(0xa, 0, EAX, 0xffffffff, MSR_PMU, HOST, "PMU version and counters"),
	F(0xa, 0, EBX, 0xffffffff, MSR_PMU, HOST, "PMU events"),
	F(0xa, 0, ECX, 0xffffffff, MSR_PMU, HOST, "PMU fixed counters"),
	F(0xa, 0, EDX, 0xffffffff, MSR_PMU, HOST, "PMU fixed counter widths"),

	/* Leaf 0DH sub-leaf 1 ("Processor Extended State Enumeration Sub-leaf"). */
	H(0xd, 1, EAX, 0, XSAVE, "XSAVEOPT"),
	H(0xd, 1, EAX, 1, XSAVEC, "XSAVEC"),
	H(0xd, 1, EAX, 2, XSAVE, "XGETBV_ECX1"),
	H(0xd, 1, EAX, 3, XSAVES, "XSAVES"), /* #UD without the control */
	NEVER(0xd, 1, EAX, 4, "XFD"),        /* IA32_XFD not handled */
	F(0xd, 1, EBX, 0xffffffff, XSAVEC, CODE, "compacted area size (XSAVEC, XSAVES)"),

	/* Leaf 80000001H ("Extended Function CPUID Information"). */
	H(0x80000001, 0, ECX, 0, NONE, "LAHF/SAHF"),
	H(0x80000001, 0, ECX, 5, NONE, "LZCNT"),
	H(0x80000001, 0, ECX, 8, NONE, "PREFETCHW"),
	H(0x80000001, 0, EDX, 11, NONE, "SYSCALL"),
	H(0x80000001, 0, EDX, 20, MSR_EFER_NX, "NX"), /* EFER.NXE */
	H(0x80000001, 0, EDX, 26, NONE, "Page1GB"),   /* guest paging: EPT is apart */
	H(0x80000001, 0, EDX, 27, RDTSCP, "RDTSCP"),  /* #UD without the control */
	H(0x80000001, 0, EDX, 29, NONE, "LM"),
	/* Leaves 80000006H-80000008H: L2 geometry, invariant TSC, address
	 * widths; WBNOINVD is hidden (it would write back the host's caches). */
	F(0x80000006, 0, ECX, 0xffffffff, NONE, HOST, "L2 cache"),
	H(0x80000007, 0, EDX, 8, NONE, "Invariant TSC"),
	F(0x80000008, 0, EAX, 0x0000ffff, NONE, HOST, "address widths"),
	NEVER(0x80000008, 0, EBX, 9, "WBNOINVD"),
};

const size_t cpuid_features_count = ARRAY_SIZE(cpuid_features);

void cpuid_features_apply(const struct cpuid_env *e, uint32_t leaf, uint32_t sub,
			  uint32_t out[4])
{
	uint32_t host[4];

	e->host(leaf, sub, host, e->ctx);
	out[0] = out[1] = out[2] = out[3] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cpuid_features); i++) {
		const struct cpuid_feature *f = &cpuid_features[i];
		if (f->leaf != leaf || f->sub != sub || !cpuid_req_met(e, f->req))
			continue;
		if (f->src == CPUID_SRC_HOST)
			out[f->reg] |= host[f->reg] & f->mask;
		else if (f->src == CPUID_SRC_SET)
			out[f->reg] |= f->mask;
	}
}
