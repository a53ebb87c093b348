/* MMIO from a 64-bit guest (4-level paging, so the instruction is fetched
 * through the guest's page tables): the test device's ID register, its
 * scratch register at every width and through different addressing forms,
 * and the access counter. */
#include "hvtest.h"

#define TEST_MMIO_BASE 0xfeb00000ull
#define REG_ID 0x0
#define REG_SCRATCH 0x8
#define REG_COUNT 0x10

static volatile uint8_t *const mmio = (volatile uint8_t *)TEST_MMIO_BASE;

int guest_main(void)
{
	bool ok = true;
	uint64_t idx = REG_SCRATCH / 8, v;

	ok &= check(*(volatile uint32_t *)(mmio + REG_ID) == 0x4d4d5648, "MMIO ID register reads HVMM");
	*(volatile uint64_t *)(mmio + REG_SCRATCH) = 0x1122334455667788ull;
	ok &= check(*(volatile uint64_t *)(mmio + REG_SCRATCH) == 0x1122334455667788ull,
		    "MMIO 64-bit write reads back");
	*(volatile uint16_t *)(mmio + REG_SCRATCH + 2) = 0xabcd;
	ok &= check(*(volatile uint32_t *)(mmio + REG_SCRATCH) == 0xabcd7788u, "MMIO 16-bit write merges");
	ok &= check(*(volatile uint8_t *)(mmio + REG_SCRATCH + 7) == 0x11, "MMIO byte read");
	/* A scaled-index form: [base + index*8]. */
	__asm__ volatile("movq (%1,%2,8), %0" : "=r"(v) : "r"(mmio), "r"(idx));
	ok &= check(v == 0x11223344abcd7788ull, "MMIO read through base+index*8");
	/* MOVZX from MMIO into a 32-bit register. */
	uint32_t z;
	__asm__ volatile("movzbl (%1), %0" : "=r"(z) : "r"(mmio + REG_SCRATCH + 1));
	ok &= check(z == 0x77, "MMIO MOVZX");
	ok &= check(*(volatile uint32_t *)(mmio + REG_COUNT) >= 7, "MMIO access counter");

	/* Forms only the instruction emulator handles. */
	uint32_t copy[2] = {0, 0};
	const volatile uint8_t *src = mmio + REG_ID;
	uint32_t *dst = copy;
	uint64_t n = 2;
	__asm__ volatile("cld; rep movsl" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
	ok &= check(copy[0] == 0x4d4d5648 && copy[1] == 0xffffffffu && n == 0,
		    "MMIO rep movsl into RAM (unused register reads all ones)");

	volatile uint32_t *scratch = (volatile uint32_t *)(mmio + REG_SCRATCH);
	*scratch = 5;
	uint32_t expected = 5;
	uint8_t zf;
	__asm__ volatile("lock cmpxchgl %3, %1; sete %0" : "=q"(zf), "+m"(*scratch), "+a"(expected) : "r"(9u)
			 : "memory", "cc");
	ok &= check(zf && *scratch == 9, "MMIO lock cmpxchg succeeds");
	expected = 5;
	__asm__ volatile("lock cmpxchgl %3, %1; sete %0" : "=q"(zf), "+m"(*scratch), "+a"(expected) : "r"(1u)
			 : "memory", "cc");
	ok &= check(!zf && expected == 9 && *scratch == 9, "MMIO cmpxchg fails and loads the old value");

	__asm__ volatile("orl $0xf0, %0; andl $0xfc, %0; addl $1, %0" : "+m"(*scratch) : : "memory", "cc");
	ok &= check(*scratch == 0xf9, "MMIO or, and, add in place");

	/* CR8 is the LAPIC's TPR bits 7:4 (SDM 3A 11.8.6.1), in both directions;
	 * it must never reach the host's own TPR. */
	volatile uint32_t *tpr = (volatile uint32_t *)0xfee00080ull;
	uint64_t cr8 = 3;
	__asm__ volatile("mov %0, %%cr8" : : "r"(cr8) : "memory");
	ok &= check(*tpr == 0x30, "MOV to CR8 sets the LAPIC TPR");
	*tpr = 0x5a;
	__asm__ volatile("mov %%cr8, %0" : "=r"(cr8) : : "memory");
	ok &= check(cr8 == 5, "MOV from CR8 reads TPR bits 7:4");
	__asm__ volatile("mov %0, %%cr8" : : "r"(cr8) : "memory"); /* 5 again */
	ok &= check(*tpr == 0x50, "MOV to CR8 clears TPR bits 3:0");
	*tpr = 0;
	return ok ? 0 : 1;
}
