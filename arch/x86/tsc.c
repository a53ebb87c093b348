/* TSC calibration (see tsc.h). Leaf 0x16 is never used: it is a display
 * value (Bochs claims 3500 MHz there while its TSC runs at `ips`). */
#include "arch/x86/tsc.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"

#define PM_TIMER_HZ 3579545
#define PIT_HZ 1193182
#define CALIBRATION_MS 10
#define CALIBRATION_RUNS 3
/* Polling bound for a timer that never moves: far more reads than 10 ms
 * takes on any machine or emulator, so it only trips on broken hardware. */
#define MAX_POLLS 100000000

uint64_t tsc_khz;

static uint64_t pm_timer_measure(uint16_t port, uint32_t mask)
{
	uint32_t target = PM_TIMER_HZ / 1000 * CALIBRATION_MS;
	uint32_t start = inl(port) & mask, now = start;
	long polls = 0;

	/* Start on a tick edge so the first partial tick does not count. */
	while (now == start && ++polls < MAX_POLLS)
		now = inl(port) & mask;
	if (polls >= MAX_POLLS)
		return 0;
	uint64_t t0 = rdtsc();
	start = now;
	while (((now - start) & mask) < target && ++polls < MAX_POLLS)
		now = inl(port) & mask;
	uint64_t t1 = rdtsc();
	if (polls >= MAX_POLLS)
		return 0;
	return (t1 - t0) * PM_TIMER_HZ / ((now - start) & mask) / 1000;
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	if (a > b) {
		uint64_t t = a;
		a = b;
		b = t;
	}
	if (b > c)
		b = c;
	return a > b ? a : b;
}

static uint64_t pm_timer_calibrate(uint16_t port, bool is_32bit)
{
	uint32_t mask = is_32bit ? 0xffffffffu : 0x00ffffffu;
	uint64_t runs[CALIBRATION_RUNS];

	for (int i = 0; i < CALIBRATION_RUNS; i++)
		if (!(runs[i] = pm_timer_measure(port, mask)))
			return 0;
	return median3(runs[0], runs[1], runs[2]);
}

/* PIT channel 2 in mode 0 (interrupt on terminal count), read through the
 * OUT2 bit of port 0x61: needs no interrupt. */
static uint64_t pit_calibrate(void)
{
	uint16_t count = PIT_HZ / 1000 * CALIBRATION_MS;
	uint8_t p61 = inb(0x61);
	long polls = 0;

	outb(0x61, (p61 & ~0x03) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);                 /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20) && ++polls < MAX_POLLS)
		;
	uint64_t t1 = rdtsc();
	outb(0x61, p61);
	if (polls >= MAX_POLLS)
		return 0;
	return (t1 - t0) / CALIBRATION_MS;
}

enum tsc_source tsc_calibrate(uint16_t pm_tmr_port, bool pm_tmr_32bit)
{
	if (cpuid(0).eax >= 0x15) {
		struct cpuid_regs r = cpuid(0x15);
		if ((tsc_khz = tsc_khz_from_cpuid_15h(r.eax, r.ebx, r.ecx)))
			return TSC_SOURCE_CPUID_15H;
	}
	if (pm_tmr_port && (tsc_khz = pm_timer_calibrate(pm_tmr_port, pm_tmr_32bit)))
		return TSC_SOURCE_ACPI_PM;
	if ((tsc_khz = pit_calibrate()))
		return TSC_SOURCE_PIT;
	return TSC_SOURCE_NONE;
}

const char *tsc_source_name(enum tsc_source s)
{
	switch (s) {
	case TSC_SOURCE_CPUID_15H:
		return "cpuid-15h";
	case TSC_SOURCE_ACPI_PM:
		return "acpi-pm-timer";
	case TSC_SOURCE_PIT:
		return "pit";
	default:
		return "none";
	}
}

uint64_t tsc_us_to_ticks(uint64_t us)
{
	return us * tsc_khz / 1000;
}

uint64_t tsc_ticks_to_us(uint64_t ticks)
{
	return tsc_khz ? ticks * 1000 / tsc_khz : 0;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_us_to_ticks(us);
	while (rdtsc() < end)
		cpu_relax();
}

uint64_t tsc_ticks_to_ns(uint64_t ticks)
{
	return tsc_khz ? (uint64_t)((unsigned __int128)ticks * 1000000 / tsc_khz) : 0;
}

uint64_t tsc_ns_to_ticks(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * tsc_khz / 1000000);
}
