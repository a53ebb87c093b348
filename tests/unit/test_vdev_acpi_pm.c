/* The ACPI PM registers on a real port bus with a fake clock, timer and SCI
 * line: the timer's exact rate, the carry status and its SCI,
 * write-1-to-clear, SLP_EN and the power button. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/acpi_pm.h"

#define NS 1000000000ull
#define BASE 0x600
#define SCI 9

static uint64_t now;
static uint64_t deadline;
static bool sci;
static int sci_rises;
static int sleeps;
static unsigned last_typ;

static uint64_t fake_now(void *ctx)
{
	return now;
}

static void fake_arm(void *ctx, uint64_t d)
{
	deadline = d;
}

static void fake_cancel(void *ctx)
{
	deadline = 0;
}

static void fake_irq(void *ctx, unsigned line, bool level)
{
	assert_int_equal(line, SCI);
	sci_rises += level && !sci;
	sci = level;
}

static void fake_sleep(void *ctx, unsigned typ)
{
	sleeps++;
	last_typ = typ;
}

static const struct acpi_pm_hooks hooks = {
	{fake_now, NULL}, {fake_arm, fake_cancel, NULL}, {fake_irq, NULL}, fake_sleep, NULL};
static struct port_bus bus;
static struct acpi_pm pm;

static int setup(void **state)
{
	char err[128];

	now = 7 * NS + 123;
	deadline = 0;
	sci = false;
	sci_rises = sleeps = 0;
	last_typ = 99;
	port_bus_init(&bus);
	assert_int_equal(acpi_pm_attach(&pm, &bus, BASE, SCI, &hooks, err, sizeof(err)), 0);
	return 0;
}

static uint32_t in(unsigned off, unsigned size)
{
	uint32_t v = 0;
	assert_int_equal(port_bus_access(&bus, (uint16_t)(BASE + off), size, false, &v), PORT_CLAIMED);
	return v;
}

static void out(unsigned off, unsigned size, uint32_t v)
{
	assert_int_equal(port_bus_access(&bus, (uint16_t)(BASE + off), size, true, &v), PORT_CLAIMED);
}

static void fire(void)
{
	now = deadline;
	deadline = 0;
	acpi_pm_timer_fired(&pm);
}

/* floor(t * 3579545 / 10^9) at any t: one second is 3579545 ticks, a day
 * later still exact, and the value wraps at 24 bits. */
static void timer_rate_is_exact(void **state)
{
	uint64_t start = now;

	assert_int_equal(in(ACPI_PM_TMR, 4), 0);
	now = start + NS;
	assert_int_equal(in(ACPI_PM_TMR, 4), 3579545);
	now = start + 280;
	assert_int_equal(in(ACPI_PM_TMR, 4), 1); /* 279.4 ns per tick */
	now = start + 279;
	assert_int_equal(in(ACPI_PM_TMR, 4), 0);
	now = start + 86400 * NS + 1000;
	assert_int_equal(in(ACPI_PM_TMR, 4), (86400ull * 3579545 + 3) & 0xffffff);
	now = start + 1000000 * NS + 999999999; /* 11.6 days of uptime */
	assert_int_equal(in(ACPI_PM_TMR, 4), (1000000ull * 3579545 + 3579544) & 0xffffff);
	/* Byte and word reads see the same value's lanes; the top byte is 0. */
	assert_int_equal(in(ACPI_PM_TMR + 3, 1), 0);
	assert_int_equal(in(ACPI_PM_TMR, 2) | in(ACPI_PM_TMR + 2, 1) << 16, in(ACPI_PM_TMR, 4));
	out(ACPI_PM_TMR, 4, 0); /* read-only */
	assert_int_equal(in(ACPI_PM_TMR, 4), (1000000ull * 3579545 + 3579544) & 0xffffff);
}

/* TMR_STS sets when bit 23 changes (every 2^23 ticks, 2.34 s) with or
 * without TMR_EN; with it, the timer is armed for that tick and the SCI
 * rises until TMR_STS is cleared. */
static void carry_sets_tmr_sts_and_sci(void **state)
{
	uint64_t start = now, carry = start + (8388608ull * NS + 3579544) / 3579545;

	now = carry - 1;
	assert_int_equal(in(ACPI_PM_STS, 2), 0);
	now = carry;
	assert_int_equal(in(ACPI_PM_STS, 2), ACPI_PM1_TMR);
	assert_false(sci);
	out(ACPI_PM_STS, 2, ACPI_PM1_TMR);
	assert_int_equal(in(ACPI_PM_STS, 2), 0);
	out(ACPI_PM_EN, 2, ACPI_PM1_TMR);
	assert_int_equal(in(ACPI_PM_EN, 2), ACPI_PM1_TMR);
	assert_int_equal(deadline, start + (16777216ull * NS + 3579544) / 3579545);
	fire();
	assert_true(sci);
	assert_int_equal(sci_rises, 1);
	assert_int_equal(in(ACPI_PM_TMR, 4), 0); /* the wrap is a carry too */
	assert_int_equal(deadline, 0);
	out(ACPI_PM_STS, 1, ACPI_PM1_TMR);
	assert_false(sci);
	assert_int_equal(deadline, start + (3 * 8388608ull * NS + 3579544) / 3579545);
	out(ACPI_PM_EN, 2, 0);
	assert_int_equal(deadline, 0);
}

/* Only the bits written as 1 clear; bits without a meaning stay 0. */
static void write_one_to_clear(void **state)
{
	acpi_pm_power_button(&pm);
	out(ACPI_PM_CNT, 2, (5u << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
	assert_int_equal(in(ACPI_PM_STS, 2), ACPI_PM1_PWRBTN | ACPI_PM1_WAK);
	out(ACPI_PM_STS, 2, 0);
	out(ACPI_PM_STS, 1, 0xff); /* the low byte holds neither */
	assert_int_equal(in(ACPI_PM_STS, 2), ACPI_PM1_PWRBTN | ACPI_PM1_WAK);
	out(ACPI_PM_STS + 1, 1, ACPI_PM1_WAK >> 8);
	assert_int_equal(in(ACPI_PM_STS, 2), ACPI_PM1_PWRBTN);
	out(ACPI_PM_STS, 4, 0xffff); /* a dword write reaches PM1_EN too */
	assert_int_equal(in(ACPI_PM_STS, 4), 0);
	out(ACPI_PM_EN, 2, 0xffff);
	assert_int_equal(in(ACPI_PM_EN, 2), ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC);
	assert_int_equal(in(6, 2), 0xffff);
}

static void power_button_raises_sci_when_enabled(void **state)
{
	acpi_pm_power_button(&pm);
	assert_false(sci);
	out(ACPI_PM_EN, 2, ACPI_PM1_PWRBTN);
	assert_true(sci);
	out(ACPI_PM_STS, 2, ACPI_PM1_PWRBTN);
	assert_false(sci);
	acpi_pm_power_button(&pm);
	assert_true(sci);
	assert_int_equal(sci_rises, 2);
}

static void rtc_alarm_raises_sci_when_enabled(void **state)
{
	acpi_pm_rtc_alarm(&pm);
	assert_int_equal(in(ACPI_PM_STS, 2) & ACPI_PM1_RTC, ACPI_PM1_RTC);
	assert_false(sci);
	out(ACPI_PM_EN, 2, ACPI_PM1_RTC);
	assert_int_equal(in(ACPI_PM_EN, 2), ACPI_PM1_RTC);
	assert_true(sci);
	out(ACPI_PM_STS, 2, ACPI_PM1_RTC); /* write 1 to clear */
	assert_false(sci);
	assert_int_equal(in(ACPI_PM_STS, 2) & ACPI_PM1_RTC, 0);
}

/* SCI_EN reads set and cannot be cleared; SLP_TYP reads back, SLP_EN never
 * does, and the hook runs once per SLP_EN write with the type. */
static void sleep_enable_calls_hook(void **state)
{
	assert_int_equal(in(ACPI_PM_CNT, 2), ACPI_PM1_SCI_EN);
	out(ACPI_PM_CNT, 2, 0);
	assert_int_equal(in(ACPI_PM_CNT, 2), ACPI_PM1_SCI_EN);
	out(ACPI_PM_CNT, 2, ACPI_PM1_SCI_EN | 5u << ACPI_PM1_SLP_TYP_SHIFT);
	assert_int_equal(sleeps, 0);
	assert_int_equal(in(ACPI_PM_CNT, 2), ACPI_PM1_SCI_EN | 5u << ACPI_PM1_SLP_TYP_SHIFT);
	out(ACPI_PM_CNT, 2, ACPI_PM1_SCI_EN | 5u << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);
	assert_int_equal(sleeps, 1);
	assert_int_equal(last_typ, 5);
	assert_int_equal(in(ACPI_PM_CNT, 2), ACPI_PM1_SCI_EN | 5u << ACPI_PM1_SLP_TYP_SHIFT);
	/* A byte write to the high half: type 7 with SLP_EN. */
	out(ACPI_PM_CNT + 1, 1, (7u << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN) >> 8);
	assert_int_equal(sleeps, 2);
	assert_int_equal(last_typ, 7);
	out(ACPI_PM_CNT, 1, ACPI_PM1_BM_RLD | ACPI_PM1_GBL_RLS);
	assert_int_equal(in(ACPI_PM_CNT, 2), ACPI_PM1_SCI_EN | ACPI_PM1_BM_RLD | 7u << ACPI_PM1_SLP_TYP_SHIFT);
	assert_int_equal(sleeps, 2);
	assert_true(in(ACPI_PM_STS, 2) & ACPI_PM1_WAK);
}

static void save_load_round_trip(void **state)
{
	struct acpi_pm_state saved;
	struct acpi_pm copy = pm;
	uint32_t tmr;

	out(ACPI_PM_EN, 2, ACPI_PM1_TMR | ACPI_PM1_PWRBTN);
	out(ACPI_PM_CNT, 2, 3u << ACPI_PM1_SLP_TYP_SHIFT);
	acpi_pm_power_button(&pm);
	now += NS / 3;
	tmr = in(ACPI_PM_TMR, 4);
	acpi_pm_save(&pm, &saved);
	sci = false;
	deadline = 0;
	acpi_pm_load(&copy, &saved);
	assert_true(sci);
	assert_int_equal(deadline, saved.timer_deadline);
	assert_int_not_equal(deadline, 0);
	assert_memory_equal(&copy.s, &saved, sizeof(saved));
	pm = copy;
	assert_int_equal(in(ACPI_PM_TMR, 4), tmr);
	assert_int_equal(in(ACPI_PM_STS, 2), ACPI_PM1_PWRBTN);
	assert_int_equal(in(ACPI_PM_EN, 2), ACPI_PM1_TMR | ACPI_PM1_PWRBTN);
	assert_int_equal(in(ACPI_PM_CNT, 2), ACPI_PM1_SCI_EN | 3u << ACPI_PM1_SLP_TYP_SHIFT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(timer_rate_is_exact, setup),
		cmocka_unit_test_setup(carry_sets_tmr_sts_and_sci, setup),
		cmocka_unit_test_setup(write_one_to_clear, setup),
		cmocka_unit_test_setup(power_button_raises_sci_when_enabled, setup),
		cmocka_unit_test_setup(rtc_alarm_raises_sci_when_enabled, setup),
		cmocka_unit_test_setup(sleep_enable_calls_hook, setup),
		cmocka_unit_test_setup(save_load_round_trip, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
