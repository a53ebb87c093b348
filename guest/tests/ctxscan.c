/* Looks for ctxfill's marker in XMM0-15 and DR0-3: registers the VMCS does
 * not switch must still start clean in every new domain. */
#include "hvtest.h"
#include "memmarker.h"

#define CR4_OSFXSR (1u << 9)

int guest_main(void)
{
	uint64_t cr4, xmm[16], dr[4];
	unsigned int found = 0;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR));
#define READ_XMM(n) __asm__ volatile("movq %%xmm" #n ", %0" : "=r"(xmm[n]))
	READ_XMM(0); READ_XMM(1); READ_XMM(2); READ_XMM(3);
	READ_XMM(4); READ_XMM(5); READ_XMM(6); READ_XMM(7);
	READ_XMM(8); READ_XMM(9); READ_XMM(10); READ_XMM(11);
	READ_XMM(12); READ_XMM(13); READ_XMM(14); READ_XMM(15);
	__asm__ volatile("mov %%db0, %0" : "=r"(dr[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(dr[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(dr[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(dr[3]));
	for (int i = 0; i < 16; i++)
		found += xmm[i] == MEMORY_MARKER;
	bool xmm_clean = check(found == 0, "XMM0-15 hold nothing from an earlier domain");
	found = 0;
	for (int i = 0; i < 4; i++)
		found += dr[i] == MEMORY_MARKER;
	bool dr_clean = check(found == 0, "DR0-3 hold nothing from an earlier domain");
	return xmm_clean && dr_clean ? 0 : 1;
}
