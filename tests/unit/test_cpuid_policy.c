/* The guest CPUID policy on this machine's CPU (a Xeon under KVM), a real
 * Core i7-6700K (VirtualBox's dump) and a host that sets every bit; sources
 * are in tests/fixtures/cpuid/. Bit numbers are the SDM's (Vol. 2A CPUID). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/cpuid_policy.h"
#include "arch/x86/tsc.h"
#include "tests/fixtures/cpuid/intel_core_i7_6700k.h"
#include "tests/fixtures/cpuid/intel_xeon_kvm.h"

enum { EAX, EBX, ECX, EDX };
#define BIT(n) (UINT32_C(1) << (n))
#define XCR0_X87_SSE UINT64_C(0x3)
#define XCR0_X87_SSE_AVX UINT64_C(0x7)
#define XCR0_AVX512 UINT64_C(0xe7) /* plus opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_ALL UINT64_C(0x2e7)   /* plus PKRU */

static const struct cpuid_fixture *const kvm = &cpuid_fixture_intel_xeon_kvm;
static const struct cpuid_fixture *const skl = &cpuid_fixture_intel_core_i7_6700k;

/* A host that sets every bit of every leaf: whatever the policy passes,
 * it passes because of its own rules. */
static void all_ones_host(uint32_t leaf, uint32_t sub, uint32_t out[4], void *ctx)
{
	out[0] = out[1] = out[2] = out[3] = 0xffffffff;
}

static struct cpuid_platform full_platform(void)
{
	return (struct cpuid_platform){
		.rdtscp = true, .invpcid = true, .xsaves = true,
		.msr_pat = true, .msr_efer_nx = true, .msr_tsc_deadline = true, .msr_mtrr = true,
		.msr_mca = true, .msr_pmu = true, .msr_spec_ctrl = true, .x2apic = true,
		.xsave_compacted = true, .vcpus = 4, .tsc_khz = 2599991, .xcr0_supported = XCR0_ALL,
	};
}

static struct cpuid_vcpu_state running_vcpu(void)
{
	return (struct cpuid_vcpu_state){
		.apic_id = 1, .apic_enabled = true, .cr4_osxsave = true, .cr4_ospke = true,
		.xcr0 = XCR0_ALL,
	};
}

static void eval(const struct cpuid_fixture *f, const struct cpuid_platform *p,
		 const struct cpuid_vcpu_state *v, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	cpuid_policy_eval(cpuid_fixture_host, (void *)f, p, v, leaf, sub, out);
}

static void host(const struct cpuid_fixture *f, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	cpuid_fixture_host(leaf, sub, out, (void *)f);
}

/* One register of the policy's answer on the default platform and vCPU. */
static uint32_t reg(const struct cpuid_fixture *f, uint32_t leaf, uint32_t sub, int r)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4];

	eval(f, &p, &v, leaf, sub, out);
	return out[r];
}

static void leaf0_max_and_vendor(void **state)
{
	uint32_t h[4];

	/* This machine reports 24H: capped to 1FH, the policy's last leaf. */
	assert_int_equal(reg(kvm, 0, 0, EAX), 0x1f);
	/* The 6700K stops at 16H, and so does its guest. */
	assert_int_equal(reg(skl, 0, 0, EAX), 0x16);
	host(skl, 0, 0, h);
	assert_int_equal(reg(skl, 0, 0, EBX), h[EBX]);
	assert_int_equal(reg(skl, 0, 0, ECX), h[ECX]);
	assert_int_equal(reg(skl, 0, 0, EDX), h[EDX]);
	assert_memory_equal(&h[EBX], "Genu", 4);
}

static void leaf1_identification(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	const uint32_t ids[] = { 0, 1, 7, 0x1ff };
	uint32_t out[4];

	assert_int_equal(reg(skl, 1, 0, EAX), 0x000506e3);
	assert_int_equal(reg(kvm, 1, 0, EAX), 0x000a0671);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		v.apic_id = ids[i];
		eval(skl, &p, &v, 1, 0, out);
		/* Brand index 0, CLFLUSH 8 x 8 bytes, 4 vCPUs, the initial APIC ID. */
		assert_int_equal(out[EBX], 0x00040800 | (ids[i] & 0xff) << 24);
	}
	p.vcpus = 1;
	eval(skl, &p, &v, 1, 0, out);
	assert_int_equal((out[EBX] >> 16) & 0xff, 1);
	assert_false(out[EDX] & BIT(28)); /* HTT */
	p.vcpus = 300;
	eval(skl, &p, &v, 1, 0, out);
	assert_int_equal((out[EBX] >> 16) & 0xff, 255);
	assert_true(out[EDX] & BIT(28));
}

static void leaf1_features(void **state)
{
	uint32_t h[4], ecx = reg(kvm, 1, 0, ECX), edx = reg(kvm, 1, 0, EDX);

	host(kvm, 1, 0, h);
	/* Instruction-set bits this host has pass: SSE3, PCLMULQDQ, SSSE3, FMA,
	 * CX16, PCID, SSE4.1/4.2, MOVBE, POPCNT, AESNI, XSAVE, AVX, F16C, RDRAND. */
	const uint32_t isa = BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | BIT(17) | BIT(19) |
			     BIT(20) | BIT(22) | BIT(23) | BIT(25) | BIT(26) | BIT(28) | BIT(29) |
			     BIT(30);
	assert_int_equal(h[ECX] & isa, isa);
	assert_int_equal(ecx & isa, isa);
	/* Hidden: DTES64, MONITOR, DS-CPL, VMX, SMX, EIST, TM2, SDBG, PDCM, DCA. */
	assert_int_equal(ecx & (BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) |
				BIT(11) | BIT(15) | BIT(18)), 0);
	assert_true(ecx & BIT(31));
	assert_true(ecx & BIT(21)); /* x2APIC: the virtual LAPIC has it */
	assert_true(ecx & BIT(24)); /* TSC-deadline */
	/* The 6700K has the hidden ones to hide: MONITOR, VMX, EIST, TM2, PDCM. */
	host(skl, 1, 0, h);
	assert_int_equal(h[ECX] & (BIT(3) | BIT(5) | BIT(7) | BIT(8) | BIT(15)),
			 BIT(3) | BIT(5) | BIT(7) | BIT(8) | BIT(15));
	assert_int_equal(reg(skl, 1, 0, ECX) & (BIT(3) | BIT(5) | BIT(7) | BIT(8) | BIT(15)), 0);
	/* EDX: FPU..CX8, SEP, MTRR, PGE, MCA, CMOV, PAT, PSE-36, CLFSH, MMX,
	 * FXSR, SSE, SSE2, SS, HTT (4 vCPUs) and APIC; never PSN, DS, ACPI, TM, PBE. */
	assert_int_equal(edx, 0x1f8bfbff);
	edx = reg(skl, 1, 0, EDX);
	assert_int_equal(edx & (BIT(18) | BIT(21) | BIT(22) | BIT(29) | BIT(31)), 0);
	assert_int_equal(edx, 0xbfebfbff & ~(BIT(21) | BIT(22) | BIT(29) | BIT(31)));
}

static void leaf1_platform_bits(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4];

	p.x2apic = p.msr_tsc_deadline = p.msr_mtrr = p.msr_mca = p.msr_pat = false;
	eval(skl, &p, &v, 1, 0, out);
	assert_int_equal(out[ECX] & (BIT(21) | BIT(24)), 0);
	assert_int_equal(out[EDX] & (BIT(7) | BIT(12) | BIT(14) | BIT(16)), 0);
	assert_true(out[EDX] & BIT(0));
}

static void osxsave_follows_cr4(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4];

	eval(kvm, &p, &v, 1, 0, out);
	assert_true(out[ECX] & BIT(27));
	v.cr4_osxsave = false;
	eval(kvm, &p, &v, 1, 0, out);
	assert_false(out[ECX] & BIT(27));
	assert_true(out[ECX] & BIT(26));
	/* No XCR0 for the guest: no XSAVE, no OSXSAVE, no AVX, no leaf 0DH. */
	p.xcr0_supported = 0;
	v.cr4_osxsave = true;
	eval(kvm, &p, &v, 1, 0, out);
	assert_int_equal(out[ECX] & (BIT(26) | BIT(27) | BIT(28) | BIT(12) | BIT(29)), 0);
	eval(kvm, &p, &v, 7, 0, out);
	assert_int_equal(out[EBX] & (BIT(5) | BIT(16)), 0); /* AVX2, AVX512F */
	eval(kvm, &p, &v, 0xd, 0, out);
	assert_int_equal(out[EAX] | out[EBX] | out[ECX] | out[EDX], 0);
}

static void ospke_follows_cr4(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4];

	cpuid_policy_eval(all_ones_host, NULL, &p, &v, 7, 0, out);
	assert_int_equal(out[ECX] & (BIT(3) | BIT(4)), BIT(3) | BIT(4));
	v.cr4_ospke = false;
	cpuid_policy_eval(all_ones_host, NULL, &p, &v, 7, 0, out);
	assert_int_equal(out[ECX] & (BIT(3) | BIT(4)), BIT(3));
	/* Without PKRU in XCR0 there is no PKU to enable. */
	v.cr4_ospke = true;
	p.xcr0_supported = XCR0_AVX512;
	cpuid_policy_eval(all_ones_host, NULL, &p, &v, 7, 0, out);
	assert_int_equal(out[ECX] & (BIT(3) | BIT(4)), 0);
	/* Neither fixture CPU has PKU: CR4.PKE alone does not make OSPKE. */
	p.xcr0_supported = XCR0_ALL;
	eval(kvm, &p, &v, 7, 0, out);
	assert_int_equal(out[ECX] & (BIT(3) | BIT(4)), 0);
}

static void apic_bit_follows_lapic(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4];

	eval(kvm, &p, &v, 1, 0, out);
	assert_true(out[EDX] & BIT(9));
	v.apic_enabled = false;
	eval(kvm, &p, &v, 1, 0, out);
	assert_false(out[EDX] & BIT(9));
}

static void leaf4_cache_sharing(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	const unsigned vcpus[] = { 1, 4, 100 };
	uint32_t out[4], h[4];

	for (size_t i = 0; i < sizeof(vcpus) / sizeof(vcpus[0]); i++) {
		uint32_t cores = (vcpus[i] > 64 ? 64 : vcpus[i]) - 1;
		p.vcpus = vcpus[i];
		for (uint32_t sub = 0; sub < 4; sub++) {
			host(skl, 4, sub, h);
			eval(skl, &p, &v, 4, sub, out);
			/* L1d, L1i, L2: one core's; L3 (sub-leaf 3): every vCPU's. */
			uint32_t sharing = sub == 3 ? vcpus[i] - 1 : 0;
			assert_int_equal(out[EAX], (h[EAX] & 0x3fff) | sharing << 14 | cores << 26);
			assert_int_equal(out[EBX], h[EBX]);
			assert_int_equal(out[ECX], h[ECX]);
			assert_int_equal(out[EDX], h[EDX]);
		}
		eval(skl, &p, &v, 4, 4, out);
		assert_int_equal(out[EAX] | out[EBX] | out[ECX] | out[EDX], 0);
	}
}

static void leaf6_only_arat(void **state)
{
	assert_int_equal(reg(skl, 6, 0, EAX), BIT(2)); /* host 0x27f7 */
	assert_int_equal(reg(skl, 6, 0, EBX) | reg(skl, 6, 0, ECX) | reg(skl, 6, 0, EDX), 0);
}

static void leaf7_allow_list(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4], h[4];

	host(kvm, 7, 0, h);
	eval(kvm, &p, &v, 7, 0, out);
	assert_int_equal(out[EAX], 0); /* sub-leaves 1 and 2 are hidden */
	/* FSGSBASE, BMI1, AVX2, SMEP, BMI2, ERMS, INVPCID, AVX512F, SMAP,
	 * CLFLUSHOPT, CLWB, SHA, AVX512BW/VL. */
	const uint32_t want = BIT(0) | BIT(3) | BIT(5) | BIT(7) | BIT(8) | BIT(9) | BIT(10) |
			      BIT(16) | BIT(20) | BIT(23) | BIT(24) | BIT(29) | BIT(30) | BIT(31);
	assert_int_equal(h[EBX] & want, want);
	assert_int_equal(out[EBX] & want, want);
	/* The host has HLE, RTM and TSC_ADJUST; UMIP and the AMX bits. */
	assert_int_equal(h[EBX] & (BIT(1) | BIT(4) | BIT(11)), BIT(1) | BIT(4) | BIT(11));
	assert_int_equal(out[EBX] & (BIT(1) | BIT(4) | BIT(11) | BIT(2) | BIT(14) | BIT(25)), 0);
	assert_true(h[ECX] & BIT(2));
	assert_false(out[ECX] & BIT(2));
	assert_int_equal(out[EDX] & (BIT(22) | BIT(24) | BIT(25)), 0);
	assert_true(out[EDX] & BIT(23)); /* AVX512_FP16 */
	assert_true(out[EDX] & BIT(29)); /* IA32_ARCH_CAPABILITIES */
	assert_true(out[ECX] & BIT(22)); /* RDPID */
	eval(kvm, &p, &v, 7, 1, out);
	assert_int_equal(out[EAX] | out[EBX] | out[ECX] | out[EDX], 0);

	/* Without the AVX-512 state, none of AVX-512; AVX2 stays. */
	p.xcr0_supported = XCR0_X87_SSE_AVX;
	eval(kvm, &p, &v, 7, 0, out);
	assert_true(out[EBX] & BIT(5));
	assert_int_equal(out[EBX] & (BIT(16) | BIT(17) | BIT(21) | BIT(28) | BIT(30) | BIT(31)), 0);
	assert_int_equal(out[ECX] & (BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14)), 0);
	assert_int_equal(out[EDX] & (BIT(8) | BIT(23)), 0);
	p.invpcid = p.msr_spec_ctrl = p.rdtscp = false;
	eval(kvm, &p, &v, 7, 0, out);
	assert_false(out[EBX] & BIT(10));
	assert_false(out[ECX] & BIT(22));
	assert_int_equal(out[EDX] & (BIT(26) | BIT(27) | BIT(29) | BIT(31)), 0);
}

static void leaf_a_pmu(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4], h[4];

	host(skl, 0xa, 0, h);
	eval(skl, &p, &v, 0xa, 0, out);
	assert_memory_equal(out, h, sizeof(h));
	p.msr_pmu = false;
	eval(skl, &p, &v, 0xa, 0, out);
	assert_int_equal(out[EAX] | out[EBX] | out[ECX] | out[EDX], 0);
}

/* Leaves 0BH and 1FH: SMT level (1 thread), core level (vcpus), then invalid. */
static void check_topology(const struct cpuid_fixture *f, uint32_t leaf)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	const unsigned vcpus[] = { 1, 2, 3, 4, 8, 64 };
	const unsigned width[] = { 0, 1, 2, 2, 3, 6 };
	const uint32_t ids[] = { 0, 1, 5, 300 };
	uint32_t out[4];

	for (size_t i = 0; i < sizeof(vcpus) / sizeof(vcpus[0]); i++) {
		p.vcpus = vcpus[i];
		for (size_t j = 0; j < sizeof(ids) / sizeof(ids[0]); j++) {
			v.apic_id = ids[j];
			eval(f, &p, &v, leaf, 0, out);
			assert_int_equal(out[EAX], 0);
			assert_int_equal(out[EBX], 1);
			assert_int_equal(out[ECX], 0x100);
			assert_int_equal(out[EDX], ids[j]);
			eval(f, &p, &v, leaf, 1, out);
			assert_int_equal(out[EAX], width[i]);
			assert_int_equal(out[EBX], vcpus[i]);
			assert_int_equal(out[ECX], 0x201);
			assert_int_equal(out[EDX], ids[j]);
			eval(f, &p, &v, leaf, 2, out);
			assert_int_equal(out[EAX] | out[EBX], 0);
			assert_int_equal(out[ECX], 2);
			assert_int_equal(out[EDX], ids[j]);
			eval(f, &p, &v, leaf, 0x1234, out);
			assert_int_equal(out[ECX], 0x34);
			eval(f, &p, &v, 1, 0, out);
			assert_int_equal(out[EBX] >> 24, ids[j] & 0xff);
		}
	}
}

static void topology_leaves(void **state)
{
	check_topology(kvm, 0xb);
	check_topology(kvm, 0x1f);
	check_topology(skl, 0xb);
}

static void leaf_d_sizes(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4];

	/* This host: x87, SSE, AVX, AVX-512 (no PKRU; AMX hidden). AVX at 576
	 * (256 bytes), Hi16_ZMM ends at 0xa80. */
	const struct { uint64_t xcr0; uint32_t size; } sizes[] = {
		{ XCR0_X87_SSE, 576 }, { XCR0_X87_SSE_AVX, 832 }, { XCR0_AVX512, 0xa80 },
		{ XCR0_ALL, 0xa80 },
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		v.xcr0 = sizes[i].xcr0;
		eval(kvm, &p, &v, 0xd, 0, out);
		assert_int_equal(out[EAX], 0xe7);
		assert_int_equal(out[EBX], sizes[i].size);
		assert_int_equal(out[ECX], 0xa80);
		assert_int_equal(out[EDX], 0);
	}
	/* The 6700K's 0x440 counts MPX, which is hidden. */
	v.xcr0 = XCR0_X87_SSE;
	eval(skl, &p, &v, 0xd, 0, out);
	assert_int_equal(out[EAX], 0x7);
	assert_int_equal(out[EBX], 576);
	assert_int_equal(out[ECX], 832);
	eval(skl, &p, &v, 0xd, 3, out); /* BNDREGS */
	assert_int_equal(out[EAX] | out[EBX] | out[ECX] | out[EDX], 0);
	/* Only what the platform lets XSETBV enable. */
	p.xcr0_supported = XCR0_X87_SSE_AVX;
	eval(kvm, &p, &v, 0xd, 0, out);
	assert_int_equal(out[EAX], 0x7);
	assert_int_equal(out[ECX], 832);
	/* Supported masks XSETBV could never load are trimmed: AVX without SSE,
	 * part of the AVX-512 state. */
	p.xcr0_supported = 0x5;
	eval(kvm, &p, &v, 0xd, 0, out);
	assert_int_equal(out[EAX], 0x1);
	p.xcr0_supported = 0x27;
	eval(kvm, &p, &v, 0xd, 0, out);
	assert_int_equal(out[EAX], 0x7);
}

/* CPUID 0xD as a CPU with AVX and AVX-512 reports it; ebx1 is sub-leaf 1's
 * EBX (the compacted size). */
static uint32_t fake_ebx1;
static void fake_xsave_host(uint32_t leaf, uint32_t sub, uint32_t out[4], void *ctx)
{
	static const uint32_t sizes[8] = {0, 0, 256, 0, 0, 64, 512, 1024};
	static const uint32_t offsets[8] = {0, 0, 576, 0, 0, 1088, 1152, 1664};
	out[0] = out[1] = out[2] = out[3] = 0;
	if (leaf != 0xd)
		return;
	if (sub == 1) {
		out[0] = 0xf;
		out[1] = fake_ebx1;
	} else if (sub < 8) {
		out[0] = sizes[sub];
		out[1] = offsets[sub];
	}
}

static void compacted_size_consistency(void **state)
{
	/* 576 + AVX 256 + opmask 64 + ZMM_Hi256 512 + Hi16_ZMM 1024. */
	fake_ebx1 = 2432;
	assert_true(cpuid_xsave_compacted_consistent(fake_xsave_host, NULL, 0xe7));
	/* Bochs 2.7 reports the standard-format size (2688) there. */
	fake_ebx1 = 2688;
	assert_false(cpuid_xsave_compacted_consistent(fake_xsave_host, NULL, 0xe7));
	/* The size follows the XCR0 it was read under: x87, SSE, AVX only. */
	fake_ebx1 = 832;
	assert_true(cpuid_xsave_compacted_consistent(fake_xsave_host, NULL, 0x7));
	assert_false(cpuid_xsave_compacted_consistent(fake_xsave_host, NULL, 0xe7));
}

static void leaf_d_subleaves(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4], h[4];

	v.xcr0 = XCR0_AVX512;
	eval(kvm, &p, &v, 0xd, 1, out);
	/* XSAVEOPT, XSAVEC, XGETBV1, XSAVES; never XFD. Compacted: 576 + AVX
	 * 256 + opmask 64 + ZMM_Hi256 512 + Hi16_ZMM 1024. */
	assert_int_equal(out[EAX], 0xf);
	assert_int_equal(out[EBX], 2432);
	assert_int_equal(out[ECX] | out[EDX], 0);
	/* Without XSAVES, XSAVEC still writes the compacted format, and
	 * Linux sizes its buffers from EBX (a 0 here made it warn of an
	 * "XSAVE consistency problem" and fall back). */
	p.xsaves = false;
	eval(kvm, &p, &v, 0xd, 1, out);
	assert_int_equal(out[EAX], 0x7);
	assert_int_equal(out[EBX], 2432);
	/* A CPU whose compacted size disagrees with its components (Bochs):
	 * neither XSAVEC nor XSAVES, no compacted size. */
	p.xsaves = true;
	p.xsave_compacted = false;
	eval(kvm, &p, &v, 0xd, 1, out);
	assert_int_equal(out[EAX], 0x5); /* XSAVEOPT, XGETBV1 */
	assert_int_equal(out[EBX], 0);
	p.xsave_compacted = true;
	for (uint32_t sub = 2; sub < 70; sub++) {
		eval(kvm, &p, &v, 0xd, sub, out);
		host(kvm, 0xd, sub, h);
		if (sub == 2 || (sub >= 5 && sub <= 7)) {
			assert_int_equal(out[EAX], h[EAX]);
			assert_int_equal(out[EBX], h[EBX]);
			assert_int_equal(out[ECX], h[ECX] & 2);
		} else {
			/* AMX (17, 18) is on the host, but not offered. */
			assert_int_equal(out[EAX] | out[EBX] | out[ECX] | out[EDX], 0);
		}
	}
}

static void leaf15_exact(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	const uint64_t rates[] = { 50000, 2599991, 3600000, 4300000, 4294968, 4300001, 8589935, 1 };
	uint32_t out[4];

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		p.tsc_khz = rates[i];
		eval(skl, &p, &v, 0x15, 0, out);
		assert_int_not_equal(out[EAX], 0);
		assert_int_not_equal(out[ECX], 0);
		uint64_t product = (uint64_t)out[ECX] * out[EBX];
		assert_int_equal(product % out[EAX], 0);
		assert_int_equal(product / out[EAX], rates[i] * 1000);
		/* The hypervisor's own reading of leaf 15H gets the same rate. */
		assert_int_equal(tsc_khz_from_cpuid_15h(out[EAX], out[EBX], out[ECX]), rates[i]);
	}
	p.tsc_khz = 50000;
	eval(skl, &p, &v, 0x15, 0, out);
	assert_int_equal(out[EAX], 1);
	assert_int_equal(out[EBX], 1);
	assert_int_equal(out[ECX], 50000000);
	/* 4.3 GHz does not fit 32 bits: crystal 2.15 GHz times 2. */
	p.tsc_khz = 4300000;
	eval(skl, &p, &v, 0x15, 0, out);
	assert_int_equal(out[EBX], 2);
	assert_int_equal(out[ECX], 2150000000u);
	/* An unknown rate is not enumerated. */
	p.tsc_khz = 0;
	eval(skl, &p, &v, 0x15, 0, out);
	assert_int_equal(out[EAX] | out[EBX] | out[ECX] | out[EDX], 0);
}

static void leaf16_frequency(void **state)
{
	assert_int_equal(reg(skl, 0x16, 0, EAX), 2599);
	assert_int_equal(reg(skl, 0x16, 0, EBX), 2599);
	assert_int_equal(reg(skl, 0x16, 0, ECX), 100);
	assert_int_equal(reg(skl, 0x16, 0, EDX), 0);
}

static void hypervisor_leaves(void **state)
{
	uint32_t sig[3] = { reg(kvm, 0x40000000, 0, EBX), reg(kvm, 0x40000000, 0, ECX),
			    reg(kvm, 0x40000000, 0, EDX) };

	assert_int_equal(reg(kvm, 0x40000000, 0, EAX), 0x40000001);
	assert_memory_equal(sig, "HVResearch\0\0", 12);
	const uint32_t zero[] = { 0x40000001, 0x40000002, 0x400000ff, 0x4fffffff };
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		for (int r = EAX; r <= EDX; r++)
			assert_int_equal(reg(kvm, zero[i], 0, r), 0);
}

static void extended_leaves(void **state)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t out[4], brand[12];

	assert_int_equal(reg(skl, 0x80000000, 0, EAX), 0x80000008);
	/* LAHF, LZCNT, PREFETCHW; SYSCALL, NX, 1 GiB pages, RDTSCP, LM. */
	assert_int_equal(reg(skl, 0x80000001, 0, ECX), 0x121);
	assert_int_equal(reg(skl, 0x80000001, 0, EDX), 0x2c100800);
	p.msr_efer_nx = p.rdtscp = false;
	eval(skl, &p, &v, 0x80000001, 0, out);
	assert_int_equal(out[EDX], 0x2c100800 & ~(BIT(20) | BIT(27)));
	for (uint32_t i = 0; i < 3; i++)
		eval(skl, &p, &v, 0x80000002 + i, 0, &brand[i * 4]);
	assert_string_equal((const char *)brand, "Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz");
	assert_int_equal(reg(skl, 0x80000005, 0, ECX), 0);
	assert_int_equal(reg(skl, 0x80000006, 0, ECX), 0x01006040);
	assert_int_equal(reg(skl, 0x80000007, 0, EDX), BIT(8));
	assert_int_equal(reg(kvm, 0x80000008, 0, EAX), 0x3930);
	assert_int_equal(reg(skl, 0x80000008, 0, EAX), 0x3027);
	assert_int_equal(reg(skl, 0x80000008, 0, EBX) | reg(skl, 0x80000008, 0, ECX), 0);
}

/* Leaves inside the range that the policy does not define are all 0. */
static void undefined_leaves_zero(void **state)
{
	const uint32_t leaves[] = { 3, 5, 8, 9, 0xc, 0xe, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18,
				    0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e };
	uint32_t h[4];

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		for (int r = EAX; r <= EDX; r++)
			assert_int_equal(reg(kvm, leaves[i], 0, r), 0);
	/* Leaf 02H (descriptors) is the host's. */
	host(skl, 2, 0, h);
	assert_int_equal(reg(skl, 2, 0, EAX), h[EAX]);
	assert_int_equal(reg(skl, 2, 0, EDX), h[EDX]);
}

static void assert_same(const struct cpuid_fixture *f, uint32_t leaf, uint32_t sub,
			uint32_t as_leaf)
{
	struct cpuid_platform p = full_platform();
	struct cpuid_vcpu_state v = running_vcpu();
	uint32_t a[4], b[4];

	eval(f, &p, &v, leaf, sub, a);
	eval(f, &p, &v, as_leaf, sub, b);
	assert_memory_equal(a, b, sizeof(a));
}

/* Above the highest basic or extended leaf: the highest basic leaf's data,
 * for the same sub-leaf (SDM Vol. 2A CPUID). */
static void above_max_reads_highest_basic(void **state)
{
	for (uint32_t sub = 0; sub < 3; sub++) {
		assert_same(kvm, 0x20, sub, 0x1f);
		assert_same(kvm, 0x24, sub, 0x1f);
		assert_same(kvm, 0x80000009, sub, 0x1f);
		assert_same(kvm, 0x8000000a, sub, 0x1f);
		assert_same(kvm, 0x3fffffff, sub, 0x1f);
		assert_same(kvm, 0xc0000000, sub, 0x1f);
		assert_same(kvm, 0x50000000, sub, 0x1f);
	}
	/* The 6700K's highest is 16H: 1FH itself is above it. */
	assert_same(skl, 0x17, 0, 0x16);
	assert_same(skl, 0x1f, 1, 0x16);
	assert_same(skl, 0x80000009, 0, 0x16);
	assert_int_equal(reg(kvm, 0x20, 1, EBX), 4);
	assert_int_equal(reg(skl, 0x17, 0, EAX), 2599);
}

/* Requirements as the SDM states them, independent of the policy's table. */
struct requirement {
	uint32_t leaf, sub;
	int reg;
	uint32_t mask;
	size_t flag; /* offsetof the cpuid_platform bool; SIZE_MAX: never */
	size_t also; /* a second bool it needs; SIZE_MAX: none */
};

#define FLAG(field) offsetof(struct cpuid_platform, field)
#define NEVER SIZE_MAX
#define REQ(leaf, sub, reg, mask, field) { leaf, sub, reg, mask, FLAG(field), SIZE_MAX }
static const struct requirement requirements[] = {
	REQ(0x80000001, 0, EDX, BIT(27), rdtscp), /* RDTSCP */
	REQ(0x7, 0, ECX, BIT(22), rdtscp),       /* RDPID */
	REQ(0x7, 0, EBX, BIT(10), invpcid),      /* INVPCID */
	/* XSAVES needs the control and a consistent compacted format; XSAVEC
	 * and the compacted size the format alone. */
	{ 0xd, 1, EAX, BIT(3), FLAG(xsaves), FLAG(xsave_compacted) },
	REQ(0xd, 1, EAX, BIT(1), xsave_compacted), /* XSAVEC */
	REQ(0xd, 1, EBX, 0xffffffff, xsave_compacted),
	REQ(0x1, 0, EDX, BIT(16), msr_pat),      /* PAT */
	REQ(0x80000001, 0, EDX, BIT(20), msr_efer_nx), /* NX */
	REQ(0x1, 0, ECX, BIT(24), msr_tsc_deadline), /* TSC-deadline */
	REQ(0x1, 0, EDX, BIT(12), msr_mtrr),     /* MTRR */
	REQ(0x1, 0, EDX, BIT(7) | BIT(14), msr_mca), /* MCE, MCA */
	REQ(0xa, 0, EAX, 0xffffffff, msr_pmu),   /* the PMU leaf */
	REQ(0xa, 0, EBX, 0xffffffff, msr_pmu),
	REQ(0xa, 0, ECX, 0xffffffff, msr_pmu),
	REQ(0xa, 0, EDX, 0xffffffff, msr_pmu),
	/* IBRS_IBPB, STIBP, IA32_ARCH_CAPABILITIES, SSBD */
	REQ(0x7, 0, EDX, BIT(26) | BIT(27) | BIT(29) | BIT(31), msr_spec_ctrl),
	REQ(0x1, 0, ECX, BIT(21), x2apic),       /* x2APIC */
	{ 0x1, 0, ECX, BIT(5) | BIT(15) | BIT(3), NEVER, SIZE_MAX }, /* VMX, PDCM, MONITOR */
	/* SGX, HLE, RTM, MPX, PT */
	{ 0x7, 0, EBX, BIT(2) | BIT(4) | BIT(11) | BIT(14) | BIT(25), NEVER, SIZE_MAX },
};

static const size_t flag_fields[] = {
	FLAG(rdtscp), FLAG(invpcid), FLAG(xsaves), FLAG(msr_pat), FLAG(msr_efer_nx),
	FLAG(msr_tsc_deadline), FLAG(msr_mtrr), FLAG(msr_mca), FLAG(msr_pmu),
	FLAG(msr_spec_ctrl), FLAG(x2apic), FLAG(xsave_compacted),
};
#define FLAG_COUNT (sizeof(flag_fields) / sizeof(flag_fields[0]))

static bool flag(const struct cpuid_platform *p, size_t field)
{
	return *(const bool *)((const char *)p + field);
}

/* Every combination of the platform's flags on one host: the checker
 * agrees, no bit appears without its requirement, VMX never, the
 * hypervisor bit always; with all_positive, each bit does appear once its
 * requirement holds (the host has them all). */
static void check_all_platforms(cpuid_host_fn hostfn, void *ctx, uint64_t xcr0, bool all_positive)
{
	struct cpuid_vcpu_state v = running_vcpu();
	char err[160];
	uint32_t out[4];

	for (uint32_t combo = 0; combo < (1u << FLAG_COUNT); combo++) {
		struct cpuid_platform p = full_platform();
		p.xcr0_supported = xcr0;
		for (size_t i = 0; i < FLAG_COUNT; i++)
			*(bool *)((char *)&p + flag_fields[i]) = (combo >> i) & 1;
		if (!cpuid_policy_check(hostfn, ctx, &p, err, sizeof(err)))
			fail_msg("combo %#x: %s", combo, err);
		for (size_t i = 0; i < sizeof(requirements) / sizeof(requirements[0]); i++) {
			const struct requirement *r = &requirements[i];
			bool met = r->flag != NEVER && flag(&p, r->flag) &&
				   (r->also == SIZE_MAX || flag(&p, r->also));
			cpuid_policy_eval(hostfn, ctx, &p, &v, r->leaf, r->sub, out);
			if (!met)
				assert_int_equal(out[r->reg] & r->mask, 0);
			else if (all_positive)
				assert_int_equal(out[r->reg] & r->mask, r->mask);
		}
		cpuid_policy_eval(hostfn, ctx, &p, &v, 1, 0, out);
		assert_false(out[ECX] & BIT(5));
		assert_true(out[ECX] & BIT(31));
	}
}

static void invariants_kvm(void **state)
{
	check_all_platforms(cpuid_fixture_host, (void *)kvm, XCR0_ALL, false);
	check_all_platforms(cpuid_fixture_host, (void *)kvm, XCR0_X87_SSE, false);
}

static void invariants_6700k(void **state)
{
	check_all_platforms(cpuid_fixture_host, (void *)skl, XCR0_ALL, false);
	check_all_platforms(cpuid_fixture_host, (void *)skl, 0, false);
}

static void invariants_all_ones(void **state)
{
	check_all_platforms(all_ones_host, NULL, XCR0_ALL, true);
	check_all_platforms(all_ones_host, NULL, XCR0_X87_SSE_AVX, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leaf0_max_and_vendor),
		cmocka_unit_test(leaf1_identification),
		cmocka_unit_test(leaf1_features),
		cmocka_unit_test(leaf1_platform_bits),
		cmocka_unit_test(osxsave_follows_cr4),
		cmocka_unit_test(ospke_follows_cr4),
		cmocka_unit_test(apic_bit_follows_lapic),
		cmocka_unit_test(leaf4_cache_sharing),
		cmocka_unit_test(leaf6_only_arat),
		cmocka_unit_test(leaf7_allow_list),
		cmocka_unit_test(leaf_a_pmu),
		cmocka_unit_test(topology_leaves),
		cmocka_unit_test(leaf_d_sizes),
		cmocka_unit_test(leaf_d_subleaves),
		cmocka_unit_test(compacted_size_consistency),
		cmocka_unit_test(leaf15_exact),
		cmocka_unit_test(leaf16_frequency),
		cmocka_unit_test(hypervisor_leaves),
		cmocka_unit_test(extended_leaves),
		cmocka_unit_test(undefined_leaves_zero),
		cmocka_unit_test(above_max_reads_highest_basic),
		cmocka_unit_test(invariants_kvm),
		cmocka_unit_test(invariants_6700k),
		cmocka_unit_test(invariants_all_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
