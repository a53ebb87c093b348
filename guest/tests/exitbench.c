/* Exit round-trip benchmark: guest TSC ticks per CPUID, VMCALL, read of an
 * emulated port and read of the test MMIO device, each the minimum over
 * several batches (the least disturbed by host interrupts).
 * In Bochs with clock: sync=none a tick is
 * one emulated instruction: an instruction-count proxy for the exit path,
 * not hardware latency. Printed as "bench <name> ticks=<n>". */
#include "hvtest.h"
#include "include/public/hypercall.h"

#define BATCHES 5
#define PER_BATCH 200

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void op_cpuid(void)
{
	uint32_t a, b, c, d;
	cpuid(0, &a, &b, &c, &d);
}

static void op_vmcall(void)
{
	hv_hypercall(HV_HC_VERSION, 0, 0, 0, 0);
}

static void op_port_read(void)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)HVTEST_CONSOLE_PORT));
}

/* 32-bit arithmetic only: a 32-bit guest has no libgcc for 64-bit division,
 * and a batch takes far fewer than 2^32 ticks. */
static void op_mmio_read(void)
{
	(void)*(volatile uint32_t *)(uintptr_t)0xfeb00000u; /* the test MMIO device's ID */
}

static void print_dec(uint32_t v)
{
	char buf[11];
	int i = 10;
	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	con_puts(buf + i);
}

static void bench(const char *name, void (*op)(void))
{
	uint64_t best = ~0ull;
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < PER_BATCH; i++)
			op();
		uint64_t t = rdtsc() - t0;
		if (t < best)
			best = t;
	}
	con_puts("bench ");
	con_puts(name);
	con_puts(" ticks=");
	print_dec((uint32_t)best / PER_BATCH);
	con_puts("\n");
}

int guest_main(uint32_t magic, const void *info)
{
	bench("cpuid", op_cpuid);
	bench("vmcall", op_vmcall);
	bench("port-read", op_port_read);
	bench("mmio-read", op_mmio_read);
	return 0;
}
