/* The MC146818A RTC model on a real port bus with a fake clock, timer and
 * IRQ line: the calendar against the C library's gmtime, the update cycle and
 * UIP window, BCD/binary and 12/24-hour, and the three interrupt sources. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "hv/vdev/rtc.h"

#define NS 1000000000ull

static uint64_t now;
static uint64_t deadline; /* 0: nothing armed */
static int arms;
static bool irq_level;
static int irq_rises;

static uint64_t fake_now(void *ctx)
{
	return now;
}

static void fake_arm(void *ctx, uint64_t d)
{
	deadline = d;
	arms++;
}

static void fake_cancel(void *ctx)
{
	deadline = 0;
}

static void fake_irq(void *ctx, unsigned line, bool level)
{
	assert_int_equal(line, RTC_IRQ);
	irq_rises += level && !irq_level;
	irq_level = level;
}

static const struct rtc_hooks hooks = {{fake_now, NULL}, {fake_arm, fake_cancel, NULL}, {fake_irq, NULL}};
static struct port_bus bus;
static struct rtc rtc;

/* The domain's timer expires: nothing is armed any more. */
static void fire(void)
{
	now = deadline;
	deadline = 0;
	rtc_timer_fired(&rtc);
}

static void attach_at(int64_t wall)
{
	const struct rtc_config cfg = {wall, 256 * MIB, GIB};
	char err[128];

	now = 5 * NS;
	deadline = 0;
	arms = 0;
	irq_level = false;
	irq_rises = 0;
	port_bus_init(&bus);
	assert_int_equal(rtc_attach(&rtc, &bus, &cfg, &hooks, err, sizeof(err)), 0);
}

static void wr(uint8_t idx, uint8_t v)
{
	uint32_t a = idx, b = v;
	assert_int_equal(port_bus_access(&bus, RTC_PORT_INDEX, 1, true, &a), PORT_CLAIMED);
	assert_int_equal(port_bus_access(&bus, RTC_PORT_DATA, 1, true, &b), PORT_CLAIMED);
}

static uint8_t rd(uint8_t idx)
{
	uint32_t a = idx, v = 0;
	assert_int_equal(port_bus_access(&bus, RTC_PORT_INDEX, 1, true, &a), PORT_CLAIMED);
	assert_int_equal(port_bus_access(&bus, RTC_PORT_DATA, 1, false, &v), PORT_CLAIMED);
	return (uint8_t)v;
}

static unsigned bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 15u);
}

/* The registers, read in BCD 24-hour mode, against gmtime(t). */
static void expect_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	tm = *gmtime(&tt);
	assert_int_equal(bcd(rd(RTC_SEC)), tm.tm_sec);
	assert_int_equal(bcd(rd(RTC_MIN)), tm.tm_min);
	assert_int_equal(bcd(rd(RTC_HOUR)), tm.tm_hour);
	assert_int_equal(bcd(rd(RTC_DAY)), tm.tm_mday);
	assert_int_equal(bcd(rd(RTC_MONTH)), tm.tm_mon + 1);
	assert_int_equal(bcd(rd(RTC_YEAR)), tm.tm_year % 100);
	assert_int_equal(bcd(rd(RTC_CENTURY)), (tm.tm_year + 1900) / 100);
	assert_int_equal(rd(RTC_DAY_OF_WEEK), tm.tm_wday + 1);
}

/* Every 3.7 days and some seconds from 1970 to 2400: the base wall time
 * converts like gmtime, leap days and century years included. */
static void calendar_matches_gmtime(void **state)
{
	for (int64_t t = 0; t < 13569465600ll; t += 86400 * 37 / 10 + 7919) {
		attach_at(t);
		expect_time(t);
	}
}

static void boundaries_roll_over(void **state)
{
	static const int64_t edges[] = {
		946684799,   /* 1999-12-31 23:59:59: year and century */
		951782399,   /* 2000-02-28: 2000 is a leap year */
		951868799,   /* 2000-02-29 */
		1709251199,  /* 2024-02-29 */
		1677628799,  /* 2023-02-28: not a leap year */
		4107542399,  /* 2100-02-28: nor is 2100 */
		1714521599,  /* 2024-04-30: a 30-day month */
		1700000039,  /* a plain minute */
		4102444799,  /* 2099-12-31: century 20 -> 21 */
		978134399,   /* 2000-12-30: the last day of a 400-year cycle is next */
		978220799,   /* 2000-12-31 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
		attach_at(edges[i]);
		now += NS;
		expect_time(edges[i] + 1);
		now += 3600 * NS; /* an hour later, in one step */
		expect_time(edges[i] + 3601);
	}
	attach_at(946684799);
	now += NS;
	assert_int_equal(rd(RTC_CENTURY), 0x20);
	assert_int_equal(rd(RTC_YEAR), 0x00);
}

/* UIP rises 244 us before each update and falls with it. */
static void uip_window(void **state)
{
	attach_at(1700000000);
	now = 6 * NS - RTC_UIP_NS - 1;
	assert_false(rd(RTC_REG_A) & RTC_A_UIP);
	assert_int_equal(rd(RTC_SEC), 0x20);
	now++;
	assert_true(rd(RTC_REG_A) & RTC_A_UIP);
	assert_int_equal(rd(RTC_SEC), 0x20);
	now = 6 * NS - 1;
	assert_true(rd(RTC_REG_A) & RTC_A_UIP);
	now++;
	assert_false(rd(RTC_REG_A) & RTC_A_UIP);
	assert_int_equal(rd(RTC_SEC), 0x21);
	assert_int_equal(rd(RTC_REG_A) & ~RTC_A_UIP, 0x26);
	wr(RTC_REG_A, 0xa6); /* UIP is read-only */
	assert_int_equal(rd(RTC_REG_A), 0x26);
}

/* The guest sets the date field by field under SET (2023-02-10 ->
 * 2024-03-31 23:59:59): nothing moves meanwhile, and invalid intermediate
 * dates do not disturb the fields already written. */
static void set_bit_freezes_and_sets(void **state)
{
	attach_at(1676030400);
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_UIE);
	assert_int_equal(rd(RTC_REG_B), RTC_B_SET | RTC_B_24H); /* SET clears UIE */
	wr(RTC_SEC, 0x59);
	wr(RTC_MIN, 0x59);
	wr(RTC_HOUR, 0x23);
	wr(RTC_DAY, 0x31);
	now += 10 * NS;
	wr(RTC_MONTH, 0x03);
	wr(RTC_YEAR, 0x24);
	wr(RTC_DAY_OF_WEEK, 1);
	assert_false(rd(RTC_REG_A) & RTC_A_UIP);
	now += 3 * NS;
	assert_int_equal(rd(RTC_SEC), 0x59);
	wr(RTC_REG_B, RTC_B_24H);
	now += NS;
	expect_time(1711929600); /* 2024-04-01 00:00:00, a Monday */
}

static void binary_mode(void **state)
{
	attach_at(0);
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_DM_BINARY);
	wr(RTC_SEC, 59);
	wr(RTC_MIN, 59);
	wr(RTC_HOUR, 23);
	wr(RTC_DAY, 31);
	wr(RTC_MONTH, 12);
	wr(RTC_YEAR, 99);
	wr(RTC_CENTURY, 20);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
	now += NS;
	assert_int_equal(rd(RTC_SEC), 0);
	assert_int_equal(rd(RTC_HOUR), 0);
	assert_int_equal(rd(RTC_DAY), 1);
	assert_int_equal(rd(RTC_MONTH), 1);
	assert_int_equal(rd(RTC_YEAR), 0);
	assert_int_equal(rd(RTC_CENTURY), 21);
}

static void twelve_hour_mode(void **state)
{
	attach_at(0);
	wr(RTC_REG_B, RTC_B_SET);
	wr(RTC_HOUR, RTC_HOUR_PM | 0x11);
	wr(RTC_MIN, 0x59);
	wr(RTC_SEC, 0x59);
	wr(RTC_REG_B, 0);
	now += NS;
	assert_int_equal(rd(RTC_HOUR), 0x12); /* midnight is 12 AM */
	assert_int_equal(rd(RTC_DAY), 0x02);
	wr(RTC_REG_B, RTC_B_SET);
	wr(RTC_HOUR, 0x11);
	wr(RTC_MIN, 0x59);
	wr(RTC_SEC, 0x59);
	wr(RTC_REG_B, 0);
	now += NS;
	assert_int_equal(rd(RTC_HOUR), RTC_HOUR_PM | 0x12); /* noon is 12 PM */
	assert_int_equal(rd(RTC_DAY), 0x02);
	now += 3600 * NS;
	assert_int_equal(rd(RTC_HOUR), RTC_HOUR_PM | 0x01);
}

/* UIE: the timer is armed for the update, the IRQ rises with IRQF|UF and a
 * read of register C clears it and lowers the line. */
static void update_interrupt_and_c_clear(void **state)
{
	attach_at(1700000000);
	wr(RTC_REG_A, RTC_A_DV_32768); /* no periodic flag in the way */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	assert_int_equal(deadline, 6 * NS);
	fire();
	assert_true(irq_level);
	assert_int_equal(irq_rises, 1);
	assert_int_equal(deadline, 0); /* nothing to wait for until C is read */
	assert_int_equal(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_UF);
	assert_false(irq_level);
	assert_int_equal(rd(RTC_REG_C), 0);
	assert_int_equal(deadline, 7 * NS);
	wr(RTC_REG_C, 0xff); /* read-only */
	assert_int_equal(rd(RTC_REG_C), 0);
	assert_int_equal(rd(RTC_REG_D), RTC_D_VRT);
}

/* 1024 Hz is 32 divider ticks: 976562.5 ns, so deadlines round up and
 * never drift. PF rises without PIE too, but then raises nothing. */
static void periodic_interrupt(void **state)
{
	attach_at(0);
	now = 5 * NS + 1000000;
	assert_int_equal(rd(RTC_REG_C), RTC_C_PF);
	assert_int_equal(irq_rises, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	assert_int_equal(deadline, 5 * NS + 1953125);
	fire();
	assert_int_equal(irq_rises, 1);
	assert_int_equal(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF);
	assert_int_equal(deadline, 5 * NS + 2929688);
	now = 5 * NS + 1024 * 976562 + 512; /* one second of ticks later */
	assert_int_equal(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
	assert_int_equal(deadline, 6 * NS + 976563);
	wr(RTC_REG_A, 0x2f); /* 2 Hz */
	assert_int_equal(deadline, 6 * NS + NS / 2);
	wr(RTC_REG_A, 0x21); /* RS = 1 repeats RS = 8: 256 Hz */
	assert_int_equal(deadline, 6 * NS + 3906250);
	wr(RTC_REG_A, 0x22); /* RS = 2 repeats RS = 9: 128 Hz */
	assert_int_equal(deadline, 6 * NS + 7812500);
	wr(RTC_REG_A, 0x20); /* RS = 0: none */
	assert_int_equal(deadline, 0);
}

static void alarm_interrupt(void **state)
{
	attach_at(1700000000); /* 22:13:20 */
	wr(RTC_REG_A, RTC_A_DV_32768);
	wr(RTC_SEC_ALARM, 0x22);
	wr(RTC_MIN_ALARM, 0x13);
	wr(RTC_HOUR_ALARM, 0x22);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE);
	fire();
	assert_false(irq_level);
	assert_int_equal(deadline, 7 * NS);
	fire();
	assert_true(irq_level);
	assert_int_equal(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	/* All "don't care": every second. */
	wr(RTC_SEC_ALARM, RTC_ALARM_DONT_CARE);
	wr(RTC_MIN_ALARM, 0xff);
	wr(RTC_HOUR_ALARM, 0xc5);
	fire();
	assert_int_equal(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	/* Seconds don't care, minute 30: a jump of an hour passes it, one of a
	 * few seconds does not. */
	wr(RTC_REG_B, RTC_B_24H);
	wr(RTC_MIN_ALARM, 0x30);
	now += 2 * NS;
	assert_int_equal(rd(RTC_REG_C), RTC_C_UF);
	now += 3600 * NS;
	assert_int_equal(rd(RTC_REG_C), RTC_C_AF | RTC_C_UF);
	wr(RTC_MIN_ALARM, 0x60); /* never matches */
	now += 3 * 86400 * NS;
	assert_int_equal(rd(RTC_REG_C), RTC_C_UF);
}

static void nmi_mask_and_index(void **state)
{
	uint32_t v = 0x80 | RTC_REG_D;

	attach_at(0);
	assert_false(rtc_nmi_masked(&rtc));
	assert_int_equal(port_bus_access(&bus, RTC_PORT_INDEX, 1, true, &v), PORT_CLAIMED);
	assert_true(rtc_nmi_masked(&rtc));
	assert_int_equal(port_bus_access(&bus, RTC_PORT_DATA, 1, false, &v), PORT_CLAIMED);
	assert_int_equal(v, RTC_D_VRT);
	assert_int_equal(port_bus_access(&bus, RTC_PORT_INDEX, 1, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xff);
	rd(RTC_REG_D);
	assert_false(rtc_nmi_masked(&rtc));
	/* A word OUT to 0x70 writes the index and then the data. */
	v = 0x40 | 0x5a << 8;
	assert_int_equal(port_bus_access(&bus, RTC_PORT_INDEX, 2, true, &v), PORT_CLAIMED);
	assert_int_equal(rd(0x40), 0x5a);
}

static void cmos_ram_and_firmware_bytes(void **state)
{
	unsigned sum = 0;

	attach_at(0);
	assert_int_equal(rd(0x14), 0x02);
	assert_int_equal(rd(0x15) | rd(0x16) << 8, 640);
	assert_int_equal(rd(0x17) | rd(0x18) << 8, 0xffff);
	assert_int_equal(rd(0x30) | rd(0x31) << 8, 0xffff);
	assert_int_equal(rd(0x34) | rd(0x35) << 8, 240 * 16);
	assert_int_equal(rd(0x5b) | rd(0x5c) << 8 | rd(0x5d) << 16, 16384);
	for (uint8_t i = 0x10; i < 0x2e; i++)
		sum += rd(i);
	assert_int_equal(rd(0x2e) << 8 | rd(0x2f), sum);
	for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++)
		if (i != RTC_CENTURY)
			wr((uint8_t)i, (uint8_t)(i * 7));
	for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++)
		if (i != RTC_CENTURY)
			assert_int_equal(rd((uint8_t)i), (uint8_t)(i * 7));
}

/* A divider in reset stops the clock; out of reset, the first update comes
 * half a second later. */
static void divider_reset(void **state)
{
	attach_at(1700000000);
	wr(RTC_REG_A, 0x76);
	now += 10 * NS;
	assert_int_equal(rd(RTC_SEC), 0x20);
	assert_false(rd(RTC_REG_A) & RTC_A_UIP);
	wr(RTC_REG_A, 0x26);
	now += NS / 2 - 1;
	assert_int_equal(rd(RTC_SEC), 0x20);
	now++;
	assert_int_equal(rd(RTC_SEC), 0x21);
}

static void save_load_round_trip(void **state)
{
	struct rtc_state saved;
	struct rtc copy;

	attach_at(1700000000);
	wr(RTC_REG_A, RTC_A_DV_32768); /* no periodic flag in the way */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	wr(0x40, 0x99);
	wr(0x80 | RTC_SEC, 0); /* NMI masked, index 0 (writes seconds = 0) */
	fire();
	assert_true(irq_level);
	rtc_save(&rtc, &saved);
	copy.hooks = hooks;
	irq_level = false;
	deadline = 0;
	rtc_load(&copy, &saved);
	assert_true(irq_level);
	assert_int_equal(deadline, 0);
	assert_memory_equal(&copy.s, &saved, sizeof(saved));
	rtc = copy;
	assert_true(rtc_nmi_masked(&rtc));
	assert_int_equal(rd(0x40), 0x99);
	assert_int_equal(rd(RTC_SEC), 0x01);
	assert_int_equal(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_UF);
	assert_int_equal(deadline, 7 * NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calendar_matches_gmtime),
		cmocka_unit_test(boundaries_roll_over),
		cmocka_unit_test(uip_window),
		cmocka_unit_test(set_bit_freezes_and_sets),
		cmocka_unit_test(binary_mode),
		cmocka_unit_test(twelve_hour_mode),
		cmocka_unit_test(update_interrupt_and_c_clear),
		cmocka_unit_test(periodic_interrupt),
		cmocka_unit_test(alarm_interrupt),
		cmocka_unit_test(nmi_mask_and_index),
		cmocka_unit_test(cmos_ram_and_firmware_bytes),
		cmocka_unit_test(divider_reset),
		cmocka_unit_test(save_load_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
