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
	return ok ? 0 : 1;
}
