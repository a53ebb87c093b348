/* The CPUID leaves built from the domain: cache sharing and topology for
 * vcpus single-thread cores in one package, XSAVE sizes for the guest's XCR0,
 * and the TSC rate the guest sees (SDM Vol. 2A, CPUID). */
#include "arch/x86/cpuid_policy_internal.h"

/* Bits needed to number vcpus IDs: the shift from a core's x2APIC ID to the
 * package's, one core per vCPU. */
static unsigned id_width(unsigned vcpus)
{
	unsigned w = 0;

	while (w < 32 && (UINT64_C(1) << w) < vcpus)
		w++;
	return w;
}

static unsigned vcpus_of(const struct cpuid_env *e)
{
	return e->p->vcpus ? e->p->vcpus : 1;
}

/* Leaf 04H ("Deterministic Cache Parameters Leaf"): the host's caches, with
 * EAX[31:26] (core IDs in the package, minus 1) and EAX[25:14] (logical
 * processors sharing the cache, minus 1) describing the domain. L1 and L2
 * belong to one vCPU's core; L3 and beyond are shared by all vCPUs. A
 * sub-leaf with cache type 0 (EAX[4:0]) ends the list and stays all 0. */
void cpuid_leaf_cache(const struct cpuid_env *e, uint32_t sub, uint32_t out[4])
{
	unsigned vcpus = vcpus_of(e);

	e->host(0x4, sub, out, e->ctx);
	if (!(out[0] & 0x1f)) {
		out[0] = out[1] = out[2] = out[3] = 0;
		return;
	}
	uint32_t level = (out[0] >> 5) & 0x7;
	uint32_t sharing = level >= 3 ? MIN(vcpus - 1, 0xfffu) : 0;
	uint32_t cores = MIN(vcpus - 1, 0x3fu);
	out[0] = (out[0] & 0x3fff) | (sharing << 14) | (cores << 26);
}

/* Leaves 0BH and 1FH ("Extended Topology Enumeration Leaf", "V2 Extended
 * Topology Enumeration Leaf"): level 0 is SMT with one thread per core,
 * level 1 the cores, one per vCPU. EAX[4:0] is the shift to the next level's
 * ID, EBX[15:0] the logical processors at the level, ECX[7:0] the input
 * level and ECX[15:8] its type (1 SMT, 2 core, 0 invalid), EDX the x2APIC
 * ID, which every sub-leaf reports. */
void cpuid_leaf_topology(const struct cpuid_env *e, uint32_t sub, uint32_t out[4])
{
	unsigned vcpus = vcpus_of(e);

	out[0] = out[1] = 0;
	out[2] = sub & 0xff;
	out[3] = e->v->apic_id;
	if (sub == 0) {
		out[1] = 1;
		out[2] |= 1u << 8;
	} else if (sub == 1) {
		out[0] = id_width(vcpus);
		out[1] = MIN(vcpus, 0xffffu);
		out[2] |= 2u << 8;
	}
}

/* Bytes of an XSAVE area holding the components in xcr0, from the host's
 * sub-leaves i >= 2 (EAX size, EBX offset, ECX[1] 64-byte aligned when
 * compacted). Components 0 and 1 live in the 512-byte legacy region that,
 * with the 64-byte header, every area has (SDM Vol. 1, "XSAVE Area"). */
static uint32_t xsave_size(const struct cpuid_env *e, uint64_t xcr0, bool compacted)
{
	uint64_t size = 512 + 64;
	uint32_t r[4];

	for (uint32_t i = 2; i < 64; i++) {
		if (!(xcr0 & (UINT64_C(1) << i)))
			continue;
		e->host(0xd, i, r, e->ctx);
		if (compacted)
			size = ((r[2] & 2) ? ALIGN_UP(size, 64) : size) + r[0];
		else
			size = MAX(size, (uint64_t)r[1] + r[0]);
	}
	return (uint32_t)MIN(size, (uint64_t)UINT32_MAX);
}

bool cpuid_xsave_compacted_consistent(cpuid_host_fn host, void *ctx, uint64_t xcr0)
{
	const struct cpuid_env e = {.host = host, .ctx = ctx};
	uint32_t r[4];

	host(0xd, 1, r, ctx);
	return r[1] == xsave_size(&e, xcr0, true);
}

/* Leaf 0DH ("Processor Extended State Enumeration Main Leaf" and
 * sub-leaves): the components the guest may enable, the sizes for its
 * current XCR0 and for all of them, and the host's layout of each offered
 * component. IA32_XSS is 0, so XCR0 | IA32_XSS is XCR0. All 0 without XSAVE. */
void cpuid_leaf_xsave(const struct cpuid_env *e, uint32_t sub, uint32_t out[4])
{
	uint64_t current = e->v->xcr0 & e->xcr0;

	out[0] = out[1] = out[2] = out[3] = 0;
	if (!e->xcr0)
		return;
	if (sub == 0) {
		out[0] = (uint32_t)e->xcr0;
		out[1] = xsave_size(e, current, false);
		out[2] = xsave_size(e, e->xcr0, false);
		out[3] = (uint32_t)(e->xcr0 >> 32);
	} else if (sub == 1) {
		/* EBX: the compacted size for XCR0 | IA32_XSS, which XSAVEC uses
		 * too (Linux sizes its buffers from it with XSAVEC alone). */
		cpuid_features_apply(e, 0xd, 1, out);
		if (out[0] & ((1u << 1) | (1u << 3))) /* XSAVEC or XSAVES */
			out[1] = xsave_size(e, current, true);
	} else if (sub < 64 && (e->xcr0 & (UINT64_C(1) << sub))) {
		e->host(0xd, sub, out, e->ctx);
		out[2] &= 2; /* ECX[0] (IA32_XSS component) is 0 here; ECX[2] (XFD) hidden */
		out[3] = 0;
	}
}

/* Leaf 15H ("Time Stamp Counter and Nominal Core Crystal Clock Information
 * Leaf"): TSC Hz = ECX * EBX / EAX, made exact for the guest's rate with
 * EAX = 1 and the smallest EBX whose crystal ECX fits 32 bits. EBX <= 1000
 * always works (1000 divides the rate in Hz), so the search is bounded.
 * Linux takes ECX as the LAPIC timer's clock; it stays a multiple of 1000
 * (whole kHz, as Linux reads it) whenever EBX divides the rate in kHz. All 0
 * (not enumerated) for an unknown rate or one beyond 32-bit kHz. */
uint64_t cpuid_crystal_hz(uint64_t tsc_khz, uint32_t *ratio)
{
	if (!tsc_khz || tsc_khz > UINT32_MAX)
		return 0;
	uint64_t hz = tsc_khz * 1000;
	for (uint64_t n = (hz + UINT32_MAX - 1) / UINT32_MAX; n <= 1000; n++) {
		if (hz % n == 0) {
			*ratio = (uint32_t)n;
			return hz / n;
		}
	}
	return 0;
}

void cpuid_leaf_tsc(const struct cpuid_env *e, uint32_t out[4])
{
	uint32_t ratio;
	uint64_t crystal = cpuid_crystal_hz(e->p->tsc_khz, &ratio);

	out[0] = out[1] = out[2] = out[3] = 0;
	if (!crystal)
		return;
	out[0] = 1;
	out[1] = ratio;
	out[2] = (uint32_t)crystal;
}

/* Leaf 16H ("Processor Frequency Information Leaf"): base and maximum MHz
 * are the guest's TSC rate, the bus reference 100 MHz; 16-bit fields. */
void cpuid_leaf_frequency(const struct cpuid_env *e, uint32_t out[4])
{
	uint64_t mhz = e->p->tsc_khz / 1000;

	out[0] = out[1] = out[2] = out[3] = 0;
	if (!mhz)
		return;
	out[0] = out[1] = (uint32_t)MIN(mhz, (uint64_t)0xffff);
	out[2] = 100;
}
