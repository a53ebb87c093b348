/* The guest's view of CPUID and MSRs: VMX hidden, the hypervisor's
 * signature, leaf 15H consistent with 16H, OSXSAVE and the XSAVE size
 * following the vCPU's own CR4 and XCR0; MSRs outside the allow-list and
 * invalid values raise #GP, allowed ones read back what was written. */
#include "hvtest.h"

#define X86_GP 13
#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID1_ECX_AVX (1u << 28)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CR4_OSXSAVE (1u << 18)
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_PAT 0x277
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081

static unsigned int failures;

static void expect(bool ok, const char *name)
{
	failures += !check(ok, name);
}

struct msr_op {
	uint32_t msr;
	uint64_t value;
	bool write;
};

static void msr_access(void *arg)
{
	struct msr_op *op = arg;
	uint32_t lo, hi;
	if (op->write) {
		__asm__ volatile("wrmsr" : : "c"(op->msr), "a"((uint32_t)op->value), "d"((uint32_t)(op->value >> 32)));
	} else {
		__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(op->msr));
		op->value = ((uint64_t)hi << 32) | lo;
	}
}

/* The vector a MSR access raised, or -1; reads return through *value. */
static int msr(uint32_t index, bool write, uint64_t *value)
{
	struct msr_op op = {index, value ? *value : 0, write};
	int vector = guest_try(msr_access, &op);
	if (value)
		*value = op.value;
	return vector;
}

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void cpuid_checks(void)
{
	uint32_t a, b, c, d, sig[3], mhz;

	cpuid(1, &a, &b, &c, &d);
	expect(!(c & CPUID1_ECX_VMX), "CPUID hides VMX");
	expect(c & CPUID1_ECX_HYPERVISOR, "CPUID hypervisor bit set");
	cpuid(0x40000000, &a, &sig[0], &sig[1], &sig[2]);
	const char *s = (const char *)sig;
	expect(a >= 0x40000001 && s[0] == 'H' && s[1] == 'V' && s[2] == 'R' && s[9] == 'h' && s[10] == 0,
	       "CPUID hypervisor signature HVResearch");
	cpuid(0x16, &mhz, &b, &c, &d);
	cpuid(0x15, &a, &b, &c, &d);
	uint64_t tsc_hz = (uint64_t)c * b, want = (uint64_t)mhz * 1000000;
	expect(a == 1 && c != 0 && tsc_hz + 1000000 > want && tsc_hz < want + 1000000,
	       "CPUID 15H crystal ratio matches 16H");
}

static void xsave_checks(void)
{
	uint32_t a, b, c, d, cr4;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & CPUID1_ECX_XSAVE))
		return;
	expect(!(c & CPUID1_ECX_OSXSAVE), "CPUID OSXSAVE clear while CR4.OSXSAVE is");
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
	cpuid(1, &a, &b, &c, &d);
	expect(c & CPUID1_ECX_OSXSAVE, "CPUID OSXSAVE follows CR4.OSXSAVE");
	if (!(c & CPUID1_ECX_AVX))
		return;
	xsetbv0(3);
	cpuid(0xd, &a, &b, &c, &d);
	uint32_t sse_size = b;
	xsetbv0(7);
	cpuid(0xd, &a, &b, &c, &d);
	expect(sse_size == 576 && b == 832, "CPUID 0DH size follows XCR0");
}

static void msr_checks(void)
{
	uint64_t v = 0, efer = 0, pat = 0;

	expect(msr(0x12345678, false, &v) == X86_GP, "RDMSR of an unknown MSR raises #GP");
	v = 1;
	expect(msr(0x4b564d00, true, &v) == X86_GP, "WRMSR of an unknown MSR raises #GP");
	expect(msr(MSR_FEATURE_CONTROL, false, &v) == -1 && v == 1,
	       "IA32_FEATURE_CONTROL reads locked, VMX off");
	expect(msr(MSR_EFER, false, &efer) == -1, "EFER readable");
	v = efer | 2; /* bit 1 is reserved */
	expect(msr(MSR_EFER, true, &v) == X86_GP, "EFER reserved bit raises #GP");
	expect(msr(MSR_PAT, false, &pat) == -1 && pat == 0x0007040600070406ull, "PAT powers on");
	v = 0x0007040600070106ull; /* entry 1 becomes write-combining */
	expect(msr(MSR_PAT, true, &v) == -1 && msr(MSR_PAT, false, &v) == -1 && v == 0x0007040600070106ull,
	       "PAT write reads back");
	v = 0x0007040600070206ull; /* type 2 is reserved */
	expect(msr(MSR_PAT, true, &v) == X86_GP, "PAT reserved type raises #GP");
	v = 0x0023001000000000ull;
	expect(msr(MSR_STAR, true, &v) == -1 && msr(MSR_STAR, false, &v) == -1 && v == 0x0023001000000000ull,
	       "STAR write reads back");
}

int guest_main(uint32_t magic, const void *info)
{
	cpuid_checks();
	xsave_checks();
	msr_checks();
	return failures ? 1 : 0;
}
