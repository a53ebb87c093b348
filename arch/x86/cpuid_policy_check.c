/* The CPUID policy's invariant checker: the policy's answers on a given host,
 * held against the allow-list for a vCPU with every state bit off and one
 * with every state bit on. */
#include "arch/x86/cpuid_policy_internal.h"
#include "hv/format.h"

static const char *const reg_names[] = { "EAX", "EBX", "ECX", "EDX" };

static bool same_reg(const struct cpuid_feature *a, const struct cpuid_feature *b)
{
	return a->leaf == b->leaf && a->sub == b->sub && a->reg == b->reg;
}

static bool ordered(const struct cpuid_feature *a, const struct cpuid_feature *b)
{
	if (a->leaf != b->leaf)
		return a->leaf < b->leaf;
	if (a->sub != b->sub)
		return a->sub < b->sub;
	return a->reg < b->reg;
}

/* The table is ordered by (leaf, sub-leaf, register), so each register's
 * entries form one run, and no two entries of a run share a bit: each bit
 * has one rule. */
static bool table_well_formed(char *err, size_t n)
{
	uint32_t seen = 0;

	for (size_t i = 0; i < cpuid_features_count; i++) {
		const struct cpuid_feature *f = &cpuid_features[i];
		if (i && !same_reg(f - 1, f)) {
			if (!ordered(f - 1, f)) {
				fmt_snprintf(err, n, "allow-list: %s out of order", f->name);
				return false;
			}
			seen = 0;
		}
		if (seen & f->mask) {
			fmt_snprintf(err, n, "allow-list: %s shares bits with another entry",
				     f->name);
			return false;
		}
		seen |= f->mask;
	}
	return true;
}

/* The bits of f's register the allow-list lets through under e. */
static uint32_t allowed(const struct cpuid_env *e, const struct cpuid_feature *f)
{
	uint32_t m = 0;

	for (size_t i = 0; i < cpuid_features_count; i++) {
		const struct cpuid_feature *g = &cpuid_features[i];
		if (same_reg(f, g) && cpuid_req_met(e, g->req))
			m |= g->mask;
	}
	return m;
}

/* One vCPU state's pass: the policy's answer for the (leaf, sub) of the
 * entry at hand, evaluated once per (leaf, sub), and the highest basic and
 * extended leaves the guest sees. */
struct check_pass {
	struct cpuid_env e;
	uint32_t max_basic, max_ext;
	const struct cpuid_feature *last;
	uint32_t out[4];
};

/* False when the guest does not see f's leaf as itself: beyond the highest
 * leaf of its range it reads as the highest basic leaf. */
static bool evaluate(struct check_pass *c, const struct cpuid_feature *f)
{
	const struct cpuid_env *e = &c->e;

	if (f->leaf > ((f->leaf & 0x80000000u) ? c->max_ext : c->max_basic))
		return false;
	if (!c->last || c->last->leaf != f->leaf || c->last->sub != f->sub)
		cpuid_policy_eval(e->host, e->ctx, e->p, e->v, f->leaf, f->sub, c->out);
	c->last = f;
	return true;
}

static void report(const struct cpuid_feature *f, uint32_t bits, const char *why, char *err,
		   size_t n)
{
	fmt_snprintf(err, n, "CPUID %#x.%u %s %#x (%s) %s", f->leaf, f->sub, reg_names[f->reg],
		     bits, f->name, why);
}

static bool check_state(cpuid_host_fn host, void *ctx, const struct cpuid_platform *p,
			const struct cpuid_vcpu_state *v, char *err, size_t n)
{
	struct check_pass c = { .last = NULL };
	char why[64];

	cpuid_env_init(&c.e, host, ctx, p, v);
	cpuid_policy_eval(host, ctx, p, v, 0, 0, c.out);
	c.max_basic = c.out[0];
	cpuid_policy_eval(host, ctx, p, v, 0x80000000u, 0, c.out);
	c.max_ext = c.out[0];
	/* Each entry's own requirement first: its name says the most. */
	for (size_t i = 0; i < cpuid_features_count; i++) {
		const struct cpuid_feature *f = &cpuid_features[i];
		if (!evaluate(&c, f) || !(c.out[f->reg] & f->mask) || cpuid_req_met(&c.e, f->req))
			continue;
		if (f->req == CPUID_REQ_NEVER)
			fmt_snprintf(why, sizeof(why), "exposed, but always hidden");
		else
			fmt_snprintf(why, sizeof(why), "exposed without %s",
				     cpuid_req_name(f->req));
		report(f, c.out[f->reg] & f->mask, why, err, n);
		return false;
	}
	/* Then bits that no entry lets through, once per register. */
	for (size_t i = 0; i < cpuid_features_count; i++) {
		const struct cpuid_feature *f = &cpuid_features[i];
		if ((i && same_reg(f - 1, f)) || !evaluate(&c, f))
			continue;
		uint32_t stray = c.out[f->reg] & ~allowed(&c.e, f);
		if (stray) {
			report(f, stray, "register has bits outside the allow-list", err, n);
			return false;
		}
	}
	return true;
}

bool cpuid_policy_check(cpuid_host_fn host, void *ctx, const struct cpuid_platform *p, char *err,
			size_t n)
{
	const struct cpuid_vcpu_state off = { 0 };
	const struct cpuid_vcpu_state on = {
		.apic_enabled = true, .cr4_osxsave = true, .cr4_ospke = true, .xcr0 = ~UINT64_C(0),
	};

	if (n)
		err[0] = '\0';
	return table_well_formed(err, n) && check_state(host, ctx, p, &off, err, n) &&
	       check_state(host, ctx, p, &on, err, n);
}
