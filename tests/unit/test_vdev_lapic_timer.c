/* The LAPIC timer against the crystal frequency (SDM 3A 11.5.4): one-shot
 * and periodic at every divide value, exact periods without drift, and
 * TSC-deadline converted through the TSC rate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/lapic.h"

#define ONESHOT (LAPIC_TIMER_ONESHOT << LAPIC_LVT_TIMER_SHIFT)
#define PERIODIC (LAPIC_TIMER_PERIODIC << LAPIC_LVT_TIMER_SHIFT)
#define DEADLINE (LAPIC_TIMER_TSC_DEADLINE << LAPIC_LVT_TIMER_SHIFT)
#define VEC 0x40

struct recorder {
	uint64_t now;
	int arms, cancels;
	uint64_t deadline;
};

static struct recorder rec;
static struct lapic lapic;
static struct mmio_bus bus;

static uint64_t rec_now(void *ctx)
{
	return ((struct recorder *)ctx)->now;
}

static void rec_arm(void *ctx, uint64_t deadline)
{
	struct recorder *r = ctx;
	r->arms++;
	r->deadline = deadline;
}

static void rec_cancel(void *ctx)
{
	((struct recorder *)ctx)->cancels++;
}

static const struct lapic_hooks hooks = {{rec_now, &rec}, {rec_arm, rec_cancel, &rec}, NULL, NULL, NULL};

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, 4, false, &v), MMIO_CLAIMED);
	return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, 4, true, &v), MMIO_CLAIMED);
}

/* A software-enabled LAPIC with the given crystal and a 2 GHz TSC. */
static void start(uint64_t crystal_hz)
{
	memset(&rec, 0, sizeof(rec));
	mmio_bus_init(&bus);
	assert_int_equal(lapic_init(&lapic, 0, true, &hooks, crystal_hz, 2000000000), 0);
	assert_int_equal(lapic_mmio_attach(&lapic, &bus, NULL, 0), 0);
	wr(LAPIC_REG_SVR, LAPIC_SVR_ENABLE | 0xff);
	rec.cancels = 0;
}

static int setup(void **state)
{
	start(25000000);
	return 0;
}

/* Fire the armed timer at its deadline: did the vector reach the IRR? */
static bool fire_at_deadline(void)
{
	uint8_t v = 0;

	rec.now = rec.deadline;
	lapic_timer_fired(&lapic);
	if (!lapic_pending(&lapic, &v))
		return false;
	assert_int_equal(v, VEC);
	lapic_ack(&lapic, v);
	wr(LAPIC_REG_EOI, 0);
	return true;
}

/* The acceptance example: 25 MHz / 16, count 1000 -> exactly 640 us. */
static void oneshot_crystal_divide_16(void **state)
{
	rec.now = 5000;
	wr(LAPIC_REG_LVT_TIMER, VEC | ONESHOT);
	wr(LAPIC_REG_TIMER_DIVIDE, 0x3);
	wr(LAPIC_REG_TIMER_INITIAL, 1000);
	assert_int_equal(rec.arms, 1);
	assert_int_equal(rec.deadline, 5000 + 640000);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 1000);
	rec.now = 5000 + 320000;
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 500);
	rec.now = 5000 + 639999;
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 1);

	/* Early: re-armed for the same instant, no interrupt. */
	lapic_timer_fired(&lapic);
	assert_int_equal(rec.arms, 2);
	assert_int_equal(rec.deadline, 5000 + 640000);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), 0);

	assert_true(fire_at_deadline());
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_INITIAL), 1000);
	assert_int_equal(rec.arms, 2);
	assert_false(fire_at_deadline()); /* stale: a one-shot fires once */
}

/* Every divide configuration (SDM 3A Figure 11-10) at two crystals. */
static void oneshot_every_divide(void **state)
{
	const struct { uint32_t code, div; } divs[] = {
		{0xb, 1}, {0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xa, 128},
	};
	const uint64_t crystals[] = {25000000, 24000000, 38400000};

	for (unsigned c = 0; c < ARRAY_SIZE(crystals); c++) {
		for (unsigned i = 0; i < ARRAY_SIZE(divs); i++) {
			start(crystals[c]);
			rec.now = 1000000;
			wr(LAPIC_REG_LVT_TIMER, VEC);
			wr(LAPIC_REG_TIMER_DIVIDE, divs[i].code);
			wr(LAPIC_REG_TIMER_INITIAL, 3000);
			/* ceil(3000 * div * 10^9 / crystal) ns after the start */
			uint64_t num = 3000ull * divs[i].div * 1000000000ull;
			uint64_t ns = (num + crystals[c] - 1) / crystals[c];
			assert_int_equal(rec.deadline, 1000000 + ns);
			rec.now = 1000000 + ns - 1;
			assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 1);
			assert_true(fire_at_deadline());
		}
	}
}

/* 24 MHz / 2 with count 1000: a period is 83333.3 ns. Each expiry is the
 * exact multiple rounded up, never the sum of rounded periods. */
static void periodic_rearms_without_drift(void **state)
{
	start(24000000);
	wr(LAPIC_REG_LVT_TIMER, VEC | PERIODIC);
	wr(LAPIC_REG_TIMER_DIVIDE, 0x0);
	wr(LAPIC_REG_TIMER_INITIAL, 1000);
	const uint64_t expiries[] = {83334, 166667, 250000, 333334, 416667, 500000};
	for (unsigned i = 0; i < ARRAY_SIZE(expiries); i++) {
		assert_int_equal(rec.deadline, expiries[i]);
		assert_true(fire_at_deadline());
		assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 1000); /* reloaded */
	}
	assert_int_equal(rec.arms, 7);

	/* A late call makes one interrupt and re-arms at the next period. */
	rec.now = 500000 + 3 * 83333 + 40000;
	lapic_timer_fired(&lapic);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), 1);
	assert_int_equal(rec.deadline, 833334);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 521);

	/* Count 0 stops it. */
	rec.cancels = 0;
	wr(LAPIC_REG_TIMER_INITIAL, 0);
	assert_int_equal(rec.cancels, 1);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 0);
	lapic_timer_fired(&lapic);
	assert_int_equal(rec.arms, 8);
}

static void masked_timer_counts_silently(void **state)
{
	wr(LAPIC_REG_LVT_TIMER, VEC | PERIODIC | LAPIC_LVT_MASK);
	wr(LAPIC_REG_TIMER_DIVIDE, 0xb);
	wr(LAPIC_REG_TIMER_INITIAL, 25); /* 1 us */
	assert_int_equal(rec.deadline, 1000);
	assert_false(fire_at_deadline());
	assert_int_equal(rec.deadline, 2000);
	rec.now = 2500;
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 25 - 12);
	wr(LAPIC_REG_LVT_TIMER, VEC | PERIODIC); /* same mode: keeps counting */
	assert_true(fire_at_deadline());
}

/* A new divisor applies to the rest of the count. */
static void divide_change_while_counting(void **state)
{
	wr(LAPIC_REG_LVT_TIMER, VEC);
	wr(LAPIC_REG_TIMER_DIVIDE, 0xb);
	wr(LAPIC_REG_TIMER_INITIAL, 1000); /* 40 us at 25 MHz */
	rec.now = 20000;
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 500);
	wr(LAPIC_REG_TIMER_DIVIDE, 0x0); /* divide by 2: 500 ticks take 40 us */
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 500);
	assert_int_equal(rec.deadline, 60000);
	assert_int_equal(rd(LAPIC_REG_TIMER_DIVIDE), 0);
	assert_true(fire_at_deadline());
}

/* SDM 3A 11.5.4.1, with a 2 GHz TSC: TSC 3000 is 1500 ns. */
static void tsc_deadline_mode(void **state)
{
	lapic_write_tsc_deadline(&lapic, 3000); /* not in the mode: ignored */
	assert_int_equal(lapic_read_tsc_deadline(&lapic), 0);
	assert_int_equal(rec.arms, 0);

	wr(LAPIC_REG_LVT_TIMER, VEC | DEADLINE);
	wr(LAPIC_REG_TIMER_INITIAL, 1000); /* ignored in this mode */
	assert_int_equal(rd(LAPIC_REG_TIMER_INITIAL), 0);
	assert_int_equal(rec.arms, 0);
	lapic_write_tsc_deadline(&lapic, 3001);
	assert_int_equal(lapic_read_tsc_deadline(&lapic), 3001);
	assert_int_equal(rec.deadline, 1501); /* rounded up: never early */
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 0);
	rec.now = 1500;
	lapic_timer_fired(&lapic);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), 0);
	assert_true(fire_at_deadline());
	assert_int_equal(lapic_read_tsc_deadline(&lapic), 0); /* disarmed by firing */
	assert_false(fire_at_deadline());

	/* A deadline already past fires at the next opportunity; 0 disarms. */
	rec.now = 10000;
	lapic_write_tsc_deadline(&lapic, 2);
	assert_int_equal(rec.deadline, 1);
	lapic_write_tsc_deadline(&lapic, 0);
	assert_int_equal(rec.cancels, 2); /* the mode change, then 0 */
	lapic_timer_fired(&lapic);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), 0);

	/* Changing the mode disarms both kinds of timer. */
	lapic_write_tsc_deadline(&lapic, 90000);
	wr(LAPIC_REG_LVT_TIMER, VEC | ONESHOT);
	assert_int_equal(lapic_read_tsc_deadline(&lapic), 0);
	wr(LAPIC_REG_TIMER_INITIAL, 1000);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 1000);
	wr(LAPIC_REG_LVT_TIMER, VEC | PERIODIC);
	assert_int_equal(rd(LAPIC_REG_TIMER_INITIAL), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 0);
	lapic_timer_fired(&lapic);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(oneshot_crystal_divide_16, setup),
		cmocka_unit_test_setup(oneshot_every_divide, setup),
		cmocka_unit_test_setup(periodic_rearms_without_drift, setup),
		cmocka_unit_test_setup(masked_timer_counts_silently, setup),
		cmocka_unit_test_setup(divide_change_while_counting, setup),
		cmocka_unit_test_setup(tsc_deadline_mode, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
