/* The guest's CPUID, leaf by leaf (SDM Vol. 2A, CPUID, "Information Returned
 * by CPUID Instruction"): identification from the host, features through the
 * allow-list, everything the policy does not define 0. */
#include "arch/x86/cpuid_policy_internal.h"

/* The highest basic leaf the policy defines; a host with fewer keeps its own
 * maximum, so the guest never sees a leaf its CPU lacks. */
#define POLICY_MAX_BASIC 0x1fu
/* The highest extended leaf the policy defines. */
#define POLICY_MAX_EXTENDED 0x80000008u

/* Leaves 40000000H-4FFFFFFFH: "No existing or future CPU will return
 * processor identification or feature information" there, so hypervisors
 * own the range. 40000000H gives the highest hypervisor leaf and the
 * signature "HVResearch" padded with two NULs to 12 bytes, in EBX, ECX, EDX
 * as the vendor string of leaf 0 is; 40000001H (features) is all 0: this
 * hypervisor offers no paravirtual interfaces. */
#define HV_LEAF_FIRST 0x40000000u
#define HV_LEAF_LAST 0x4fffffffu
#define HV_LEAF_MAX 0x40000001u
static const char hv_signature[12] = "HVResearch";

/* Four bytes of a string as CPUID returns them: the first in bits 7:0. */
static uint32_t sig_word(const char *s)
{
	return (uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[1] << 8 |
	       (uint32_t)(unsigned char)s[2] << 16 | (uint32_t)(unsigned char)s[3] << 24;
}

static uint32_t max_basic(const struct cpuid_env *e)
{
	uint32_t r[4];

	e->host(0, 0, r, e->ctx);
	return MIN(r[0], POLICY_MAX_BASIC);
}

static uint32_t max_extended(const struct cpuid_env *e)
{
	uint32_t r[4];

	e->host(0x80000000, 0, r, e->ctx);
	return MIN(r[0], POLICY_MAX_EXTENDED);
}

/* Leaf 01H: the host's identification and allow-listed features; EBX[23:16]
 * numbers the domain's vCPUs (valid with HTT) and EBX[31:24] is the initial
 * APIC ID, the low 8 bits of the x2APIC ID. */
static void leaf_features(const struct cpuid_env *e, uint32_t out[4])
{
	cpuid_features_apply(e, 0x1, 0, out);
	uint32_t vcpus = e->p->vcpus ? e->p->vcpus : 1;
	out[1] |= MIN(vcpus, 0xffu) << 16;
	out[1] |= (e->v->apic_id & 0xff) << 24;
}

static void basic_leaf(const struct cpuid_env *e, uint32_t max, uint32_t leaf, uint32_t sub,
		       uint32_t out[4])
{
	switch (leaf) {
	case 0x0: /* highest basic leaf; the host's vendor string */
		e->host(0, 0, out, e->ctx);
		out[0] = max;
		return;
	case 0x1:
		leaf_features(e, out);
		return;
	case 0x2: /* cache and TLB descriptors: the host's, no features */
		e->host(0x2, 0, out, e->ctx);
		return;
	case 0x4:
		cpuid_leaf_cache(e, sub, out);
		return;
	case 0x6:
	case 0xa:
		cpuid_features_apply(e, leaf, 0, out);
		return;
	case 0x7:
		cpuid_features_apply(e, 0x7, sub, out);
		return;
	case 0xb:
	case 0x1f:
		cpuid_leaf_topology(e, sub, out);
		return;
	case 0xd:
		cpuid_leaf_xsave(e, sub, out);
		return;
	case 0x15:
		cpuid_leaf_tsc(e, out);
		return;
	case 0x16:
		cpuid_leaf_frequency(e, out);
		return;
	default: /* MONITOR (05H), RDT, SGX, PT, AMX and the rest: hidden */
		out[0] = out[1] = out[2] = out[3] = 0;
	}
}

static void extended_leaf(const struct cpuid_env *e, uint32_t max, uint32_t leaf, uint32_t out[4])
{
	switch (leaf) {
	case 0x80000000: /* highest extended leaf; EBX-EDX reserved */
		out[0] = max;
		out[1] = out[2] = out[3] = 0;
		return;
	case 0x80000002: /* the brand string, 48 bytes over three leaves */
	case 0x80000003:
	case 0x80000004:
		e->host(leaf, 0, out, e->ctx);
		return;
	default: /* 80000005H is reserved on Intel: all 0 */
		cpuid_features_apply(e, leaf, 0, out);
	}
}

static void hypervisor_leaf(uint32_t leaf, uint32_t out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0;
	if (leaf != HV_LEAF_FIRST)
		return;
	out[0] = HV_LEAF_MAX;
	out[1] = sig_word(&hv_signature[0]);
	out[2] = sig_word(&hv_signature[4]);
	out[3] = sig_word(&hv_signature[8]);
}

/* A leaf above the highest basic or extended leaf returns "the data for the
 * highest basic information leaf", with the same ECX (SDM Vol. 2A CPUID,
 * the instruction's description: e.g. 8000000AH reads as 0BH on a CPU
 * whose highest leaves are 0BH and 80000008H). */
void cpuid_policy_eval(cpuid_host_fn host, void *ctx, const struct cpuid_platform *p,
		       const struct cpuid_vcpu_state *v, uint32_t leaf, uint32_t sub,
		       uint32_t out[4])
{
	struct cpuid_env e;

	cpuid_env_init(&e, host, ctx, p, v);
	uint32_t basic = max_basic(&e);
	if (leaf <= basic) {
		basic_leaf(&e, basic, leaf, sub, out);
	} else if (leaf >= HV_LEAF_FIRST && leaf <= HV_LEAF_LAST) {
		hypervisor_leaf(leaf, out);
	} else {
		uint32_t ext = max_extended(&e);
		if (leaf >= 0x80000000u && leaf <= ext)
			extended_leaf(&e, ext, leaf, out);
		else
			basic_leaf(&e, basic, basic, sub, out);
	}
}
