/* Leaves a marker in every register state the hypervisor switches between
 * vCPUs without the VMCS: XMM0-15 and DR0-3. ctxscan, run next, must not
 * find it. */
#include "hvtest.h"
#include "memmarker.h"

#define CR4_OSFXSR (1u << 9)

int guest_main(void)
{
	uint64_t cr4, m = MEMORY_MARKER;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR));
#define LOAD_XMM(n) __asm__ volatile("movq %0, %%xmm" #n : : "r"(m))
	LOAD_XMM(0); LOAD_XMM(1); LOAD_XMM(2); LOAD_XMM(3);
	LOAD_XMM(4); LOAD_XMM(5); LOAD_XMM(6); LOAD_XMM(7);
	LOAD_XMM(8); LOAD_XMM(9); LOAD_XMM(10); LOAD_XMM(11);
	LOAD_XMM(12); LOAD_XMM(13); LOAD_XMM(14); LOAD_XMM(15);
	__asm__ volatile("mov %0, %%db0; mov %0, %%db1; mov %0, %%db2; mov %0, %%db3" : : "r"(m));
	return check(true, "marker left in XMM0-15 and DR0-3") ? 0 : 1;
}
