/* A 64-bit guest: entered in long mode at its ELF entry point, it takes a
 * CPUID exit and I/O exits, and ends. */
#include "hvtest.h"

#define X86_GP 13

static void set_cr0_bit32(void *arg)
{
	uint64_t cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | (1ull << 32)));
}

int guest_main(void)
{
	uint32_t a, b, c, d;
	uint64_t cr0, cr4;
	bool ok = true;

	con_puts("hello from a 64-bit guest\n");
	/* Reads of CR0 and CR4 never exit: they show the read shadows. */
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	ok &= check((cr0 & 0x80000001) == 0x80000001, "paging and protection on");
	ok &= check(cr4 & (1u << 5), "PAE on");
	ok &= check(!(cr4 & (1u << 13)), "CR4.VMXE hidden by the read shadow");
	ok &= check(guest_try(set_cr0_bit32, 0) == X86_GP, "reserved CR0 bit 32 raises #GP, the guest goes on");
	cpuid(0, &a, &b, &c, &d);
	ok &= check(a >= 1 && b != 0, "cpuid leaf 0");
	return ok ? 0 : 1;
}
