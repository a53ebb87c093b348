/* TSC arithmetic that needs no hardware, kept apart so host tests cover it. */
#include "arch/x86/tsc.h"

uint64_t tsc_khz_from_cpuid_15h(uint32_t eax, uint32_t ebx, uint32_t ecx)
{
	if (!eax || !ebx || !ecx)
		return 0;
	return (uint64_t)ecx * ebx / eax / 1000;
}
