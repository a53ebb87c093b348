/* Extended-state management (see fpu.h; SDM 1 13, "Managing State Using the
 * XSAVE Feature Set"). */
#include "arch/x86/fpu.h"
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid_policy.h"
#include "hv/string.h"

#define CPUID1_EDX_FXSR (1u << 24)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE (1u << 18)
#define FXSAVE_AREA_SIZE 512
#define XSAVE_HEADER_SIZE 64
#define FCW_INIT 0x037f
#define MXCSR_INIT 0x1f80
#define MXCSR_OFFSET 24
/* x87, SSE, AVX, the AVX-512 trio and PKRU. Supervisor components (PT, CET)
 * need IA32_XSS and XSAVES, and AMX needs its own permission model: guests
 * get neither yet. */
#define XCR0_USER_MASK 0x00000000000002e7ull

static bool have_xsave, compacted_ok;
static uint64_t host_xcr0;
static size_t area_size = FXSAVE_AREA_SIZE;

static void xsetbv(uint32_t index, uint64_t value)
{
	__asm__ volatile("xsetbv" : : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

void fpu_init_cpu(void)
{
	struct cpuid_regs r = cpuid(1);
	uint64_t cr4 = read_cr4();

	if (r.edx & CPUID1_EDX_FXSR)
		cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	have_xsave = r.ecx & CPUID1_ECX_XSAVE;
	if (have_xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (!have_xsave)
		return;
	struct cpuid_regs d = cpuid_count(0xd, 0);
	host_xcr0 = (((uint64_t)d.edx << 32) | d.eax) & XCR0_USER_MASK;
	xsetbv(0, host_xcr0);
	/* With every component of XCR0 enabled, EBX is the size they need. */
	area_size = cpuid_count(0xd, 0).ebx;
	/* The hypervisor never sets IA32_XSS, so the compacted size the CPU
	 * reports now covers host_xcr0 alone. */
	compacted_ok = cpuid_xsave_compacted_consistent(cpuid_host, NULL, host_xcr0);
}

bool fpu_xsave_compacted_ok(void)
{
	return compacted_ok;
}

size_t fpu_area_size(void)
{
	return area_size;
}

uint64_t fpu_host_xcr0(void)
{
	return host_xcr0;
}

void fpu_set_xcr0(uint64_t xcr0)
{
	if (have_xsave)
		xsetbv(0, xcr0);
}

void fpu_area_init(void *area)
{
	uint8_t *a = area;

	memset(a, 0, area_size);
	*(uint16_t *)a = FCW_INIT;
	*(uint32_t *)(a + MXCSR_OFFSET) = MXCSR_INIT;
}

void fpu_save(void *area)
{
	if (have_xsave)
		__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_restore(const void *area)
{
	if (have_xsave)
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
