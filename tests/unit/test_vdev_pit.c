/* The 8254 and port 0x61 through their ports on a fake clock that stands on
 * PIT clock edges: modes 0-5, latches and read-back, byte sequencing, the
 * channel 2 gate, channel 0's IRQ through a fake timer, save/load. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/pit8254_counter.h"

static struct port_bus bus;
static struct pit pit;
static uint64_t now_ns;
static int arms, cancels, pulses, irq_sets;
static uint64_t deadline;
static bool irq_level;

static uint64_t clock_now(void *ctx)
{
	return now_ns;
}

static void timer_arm(void *ctx, uint64_t d)
{
	arms++;
	deadline = d;
}

static void timer_cancel(void *ctx)
{
	cancels++;
}

static void irq_set(void *ctx, unsigned line, bool level)
{
	assert_int_equal(line, 0);
	irq_sets++;
	if (level && !irq_level)
		pulses++;
	irq_level = level;
}

static const struct pit_hooks hooks = {
	{clock_now, NULL}, {timer_arm, timer_cancel, NULL}, {irq_set, NULL}};

static void at(uint64_t tick)
{
	now_ns = pit_tick_to_ns(tick);
}

static int setup(void **state)
{
	char err[128];

	now_ns = 0;
	arms = cancels = pulses = irq_sets = 0;
	deadline = 0;
	irq_level = false;
	port_bus_init(&bus);
	pit_init(&pit, &hooks);
	assert_int_equal(pit_attach(&pit, &bus, err, sizeof(err)), 0);
	return 0;
}

static void out(uint16_t port, uint8_t value)
{
	uint32_t v = value;
	assert_int_equal(port_bus_access(&bus, port, 1, true, &v), PORT_CLAIMED);
}

static uint8_t in(uint16_t port)
{
	uint32_t v = 0;
	assert_int_equal(port_bus_access(&bus, port, 1, false, &v), PORT_CLAIMED);
	return (uint8_t)v;
}

/* Control word, then a lo/hi count, for counter ch. */
static void program(unsigned ch, uint8_t mode, uint16_t count)
{
	out(0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	out((uint16_t)(0x40 + ch), (uint8_t)count);
	out((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

static uint16_t read_count(unsigned ch)
{
	uint16_t lo = in((uint16_t)(0x40 + ch));
	return (uint16_t)(lo | in((uint16_t)(0x40 + ch)) << 8);
}

/* Fire the domain's timer at its deadline. */
static void fire(void)
{
	now_ns = deadline;
	pit_timer_fired(&pit);
}

static void clock_is_exact(void **state)
{
	const uint64_t year_ns = 365ull * 86400 * 1000000000;

	assert_int_equal(pit_ns_to_tick(1000000000), PIT_HZ);
	assert_int_equal(pit_ns_to_tick(year_ns), 365ull * 86400 * PIT_HZ);
	assert_int_equal(pit_ns_to_tick(838), 0);
	assert_int_equal(pit_ns_to_tick(839), 1); /* 1 tick = 838.095 ns */
	for (uint64_t k = 1; k < 3000000; k += 99991) {
		uint64_t t = k * 1000003;
		assert_int_equal(pit_ns_to_tick(pit_tick_to_ns(t)), t);
		assert_int_equal(pit_ns_to_tick(pit_tick_to_ns(t) - 1), t - 1);
	}
}

/* Mode 0: loaded on the clock after the write, OUT high N clocks later. */
static void mode0_terminal_count(void **state)
{
	at(100);
	program(0, 0, 10);
	assert_false(pit_out(&pit, 0));
	at(101);
	assert_int_equal(read_count(0), 10);
	at(110);
	assert_int_equal(read_count(0), 1);
	assert_false(pit_out(&pit, 0));
	assert_int_equal(deadline, pit_tick_to_ns(111));
	at(111);
	assert_int_equal(read_count(0), 0);
	assert_true(pit_out(&pit, 0));
	at(112);
	assert_int_equal(read_count(0), 0xffff); /* counting goes on */
	assert_true(pit_out(&pit, 0));
	cancels = 0;
	fire();
	assert_int_equal(pulses, 1);
	assert_false(irq_level);
	assert_false(pit.armed); /* no further edge */
	assert_int_equal(cancels, 1);
	pit_timer_fired(&pit); /* a stale expiry raises nothing */
	assert_int_equal(pulses, 1);
	/* Writing a new count drops OUT and starts over. */
	program(0, 0, 2);
	assert_false(pit_out(&pit, 0));
}

/* Mode 0 lo/hi: the first byte stops counting and drops OUT at once. */
static void mode0_first_byte_stops(void **state)
{
	program(0, 0, 3);
	at(10);
	assert_true(pit_out(&pit, 0));
	out(0x40, 0x05);
	assert_false(pit_out(&pit, 0));
	at(20);
	assert_int_equal(read_count(0), 0xfffa); /* held where it stopped */
	out(0x40, 0x00);
	at(21);
	assert_int_equal(read_count(0), 5);
}

/* Mode 2: period N, OUT low for the one clock the count is 1. */
static void mode2_rate_generator(void **state)
{
	at(1000);
	program(0, 2, 5);
	assert_true(pit_out(&pit, 0));
	at(1001);
	assert_int_equal(read_count(0), 5);
	at(1004);
	assert_int_equal(read_count(0), 2);
	assert_true(pit_out(&pit, 0));
	at(1005);
	assert_int_equal(read_count(0), 1);
	assert_false(pit_out(&pit, 0));
	at(1006);
	assert_int_equal(read_count(0), 5);
	assert_true(pit_out(&pit, 0));
	at(1010);
	assert_false(pit_out(&pit, 0));
	at(1000);
	assert_int_equal(deadline, pit_tick_to_ns(1006));
	for (int i = 0; i < 3; i++) {
		fire();
		assert_int_equal(pulses, i + 1);
		assert_int_equal(deadline, pit_tick_to_ns(1006 + 5 * (uint64_t)(i + 1)));
	}
	/* A late timer: one edge for the periods missed, then back in step. */
	at(1040);
	pit_timer_fired(&pit);
	assert_int_equal(pulses, 4);
	assert_int_equal(deadline, pit_tick_to_ns(1041));
	assert_int_equal(irq_sets, 8);
}

/* A count written while mode 2 runs takes over at the period's end. */
static void mode2_new_count_at_period_end(void **state)
{
	program(0, 2, 10);
	at(4);
	out(0x40, 3);
	out(0x40, 0);
	at(10);
	assert_int_equal(read_count(0), 1); /* still the old period */
	assert_int_equal(deadline, pit_tick_to_ns(11));
	at(11);
	assert_int_equal(read_count(0), 3);
	fire();
	assert_int_equal(deadline, pit_tick_to_ns(14));
	/* A count of 1 is illegal in mode 2: OUT stays low, no interrupts. */
	program(0, 2, 1);
	at(30);
	assert_false(pit_out(&pit, 0));
	assert_false(pit.armed);
}

/* Mode 3, even N: N/2 clocks high, N/2 low, counting down by two. */
static void mode3_even(void **state)
{
	static const uint16_t counts[] = {6, 4, 2, 6, 4, 2, 6};
	static const bool outs[] = {true, true, true, false, false, false, true};

	program(0, 3, 6);
	for (unsigned i = 0; i < ARRAY_SIZE(counts); i++) {
		at(1 + i);
		assert_int_equal(read_count(0), counts[i]);
		assert_int_equal(pit_out(&pit, 0), outs[i]);
	}
	at(0);
	assert_int_equal(deadline, pit_tick_to_ns(7));
	fire();
	assert_int_equal(pulses, 1);
	assert_int_equal(deadline, pit_tick_to_ns(13));
}

/* Mode 3, odd N: (N+1)/2 clocks high, (N-1)/2 low, from N-1 by twos. */
static void mode3_odd(void **state)
{
	static const uint16_t counts[] = {4, 2, 0, 4, 2, 4};
	static const bool outs[] = {true, true, true, false, false, true};

	program(0, 3, 5);
	for (unsigned i = 0; i < ARRAY_SIZE(counts); i++) {
		at(1 + i);
		assert_int_equal(read_count(0), counts[i]);
		assert_int_equal(pit_out(&pit, 0), outs[i]);
	}
	/* A new count waits for the current half-cycle to end. */
	at(2);
	program(0, 3, 5);
	at(4);
	out(0x40, 8);
	out(0x40, 0);
	at(5);
	assert_int_equal(read_count(0), 0);
	at(6);
	assert_false(pit_out(&pit, 0)); /* the new count's low half: 4 clocks */
	assert_int_equal(read_count(0), 8);
	at(9);
	assert_false(pit_out(&pit, 0));
	at(10);
	assert_true(pit_out(&pit, 0));
	assert_int_equal(read_count(0), 8);
}

/* Mode 4: OUT strobes low for one clock N+1 clocks after the write. */
static void mode4_strobe(void **state)
{
	at(10);
	program(0, 4, 3);
	assert_true(pit_out(&pit, 0));
	at(13);
	assert_true(pit_out(&pit, 0));
	at(14);
	assert_false(pit_out(&pit, 0));
	assert_int_equal(read_count(0), 0);
	assert_int_equal(deadline, pit_tick_to_ns(15));
	at(15);
	assert_true(pit_out(&pit, 0));
	fire();
	assert_int_equal(pulses, 1);
	assert_false(pit.armed);
}

/* Modes 1 and 5 wait for a rising GATE; channel 0's never rises. */
static void modes1_5_gate_triggered(void **state)
{
	program(0, 1, 3);
	assert_int_equal(arms, 0);
	out(0x43, 0xb2); /* channel 2, mode 1 */
	out(0x42, 4);
	out(0x42, 0);
	at(10);
	assert_true(pit_out(&pit, 2));
	out(0x61, 0x01);
	assert_true(pit_out(&pit, 2));
	at(11);
	assert_false(pit_out(&pit, 2));
	assert_int_equal(read_count(2), 4);
	at(14);
	assert_false(pit_out(&pit, 2));
	at(15);
	assert_true(pit_out(&pit, 2));
	/* Retriggered: the one-shot starts over. */
	out(0x61, 0x00);
	out(0x61, 0x01);
	at(16);
	assert_false(pit_out(&pit, 2));
	/* Mode 5: a one-clock strobe N clocks after the trigger's clock. */
	out(0x43, 0xba);
	out(0x42, 2);
	out(0x42, 0);
	out(0x61, 0x00);
	at(20);
	out(0x61, 0x01);
	at(23);
	assert_false(pit_out(&pit, 2));
	at(24);
	assert_true(pit_out(&pit, 2));
}

static void counter_latch(void **state)
{
	program(0, 2, 1000);
	at(101);
	out(0x43, 0x00);
	at(200);
	out(0x43, 0x00); /* ignored: the first latch holds */
	assert_int_equal(in(0x40), (1000 - 100) & 0xff);
	at(300);
	assert_int_equal(in(0x40), (1000 - 100) >> 8);
	assert_int_equal(read_count(0), 1000 - 299); /* released: live again */
}

static void read_back_command(void **state)
{
	at(50);
	program(1, 2, 100);
	/* Null count until the count reaches the CE on the next clock. */
	out(0x43, 0xe4); /* status only, counter 1 */
	assert_int_equal(in(0x41), 0x40 | 0x80 | 0x34);
	at(51);
	out(0x43, 0xe4);
	assert_int_equal(in(0x41), 0x80 | 0x34);
	/* Status and count: status first, then the count, LSB first. */
	at(60);
	out(0x43, 0xc4);
	at(70);
	out(0x43, 0xc4); /* both already latched: ignored */
	assert_int_equal(in(0x41), 0xb4);
	assert_int_equal(read_count(1), 91);
	/* Count only, two counters at once. */
	program(0, 0, 7);
	at(71);
	out(0x43, 0xd6);
	at(80);
	assert_int_equal(read_count(0), 7);
	assert_int_equal(read_count(1), 80);
	/* Mode 0 past its terminal count: OUT high. The control register
	 * is write-only. */
	out(0x43, 0xe2);
	assert_int_equal(in(0x40), 0xb0);
	assert_int_equal(in(0x43), 0xff);
}

static void byte_access_modes(void **state)
{
	out(0x43, 0x14); /* counter 0, LSB only, mode 2 */
	out(0x40, 0x20);
	at(1);
	assert_int_equal(in(0x40), 0x20);
	assert_int_equal(in(0x40), 0x20);
	out(0x43, 0x24); /* MSB only */
	out(0x40, 0x03);
	at(2);
	assert_int_equal(in(0x40), 0x03); /* 0x0300 */
	at(3);
	out(0x43, 0x00);
	assert_int_equal(in(0x40), 0x02); /* 0x02ff latched, MSB read */
	/* lo/hi: reads and writes keep separate byte sequences ("read LSB,
	 * write new LSB, read MSB, write new MSB" is valid). */
	out(0x43, 0x34);
	out(0x40, 0x34);
	(void)in(0x40);
	out(0x40, 0x12);
	at(4);
	assert_int_equal(in(0x40), 0x12);
	assert_int_equal(read_count(0), 0x1234);
	/* A 16-bit OUT to 0x40 is a byte to 0x40 and one to 0x41. */
	out(0x43, 0x10);
	out(0x43, 0x50);
	assert_int_equal(port_bus_access(&bus, 0x40, 2, true, &(uint32_t){0x0456}), PORT_CLAIMED);
	at(5);
	assert_int_equal(in(0x40), 0x56);
	assert_int_equal(in(0x41), 0x04);
}

/* Port 0x61: bit 0 gates channel 2, bit 5 shows OUT2, bit 4 toggles. */
static void port61_gate(void **state)
{
	out(0x43, 0xb6); /* channel 2, lo/hi, mode 3: the speaker */
	out(0x42, 4);
	out(0x42, 0);
	at(10);
	assert_int_equal(in(0x61) & 0x23, 0x20); /* gate low: OUT2 held high */
	out(0x61, 0x03);
	assert_int_equal(in(0x61) & 0x0f, 0x03);
	at(11);
	assert_int_equal(read_count(2), 4);
	assert_int_equal(in(0x61) & 0x20, 0x20);
	at(13);
	assert_int_equal(in(0x61) & 0x20, 0x00);
	assert_int_equal(read_count(2), 4);
	out(0x61, 0x02); /* gate low: OUT2 forced high, count held */
	assert_int_equal(in(0x61) & 0x20, 0x20);
	at(30);
	assert_int_equal(read_count(2), 4);
	out(0x61, 0x03); /* reload on the next clock */
	at(31);
	assert_int_equal(read_count(2), 4);
	at(33);
	assert_int_equal(in(0x61) & 0x20, 0x00);
	/* Refresh toggle: every 18 clocks. */
	at(0);
	assert_int_equal(in(0x61) & 0x10, 0x00);
	at(18);
	assert_int_equal(in(0x61) & 0x10, 0x10);
	at(36);
	assert_int_equal(in(0x61) & 0x10, 0x00);
	assert_int_equal(in(0x61) & 0xc0, 0x00);
}

/* Mode 0 counts only while GATE is high (written with it low: loaded, held). */
static void port61_gate_mode0(void **state)
{
	out(0x43, 0xb0);
	out(0x42, 5);
	out(0x42, 0);
	at(20);
	assert_int_equal(read_count(2), 5);
	out(0x61, 0x01);
	at(22);
	assert_int_equal(read_count(2), 3);
	out(0x61, 0x00);
	at(40);
	assert_int_equal(read_count(2), 3);
	assert_int_equal(in(0x61) & 0x20, 0x00);
	out(0x61, 0x01);
	at(43);
	assert_int_equal(read_count(2), 0);
	assert_int_equal(in(0x61) & 0x20, 0x20);
	out(0x61, 0x00); /* stopped past the terminal count: OUT stays high */
	out(0x61, 0x01);
	at(50);
	assert_true(pit_out(&pit, 2));
}

/* BCD counting: modulo 10000, read back in BCD; 0 is 10000. */
static void bcd_counting(void **state)
{
	out(0x43, 0x31);
	out(0x40, 0x00);
	out(0x40, 0x01); /* 0100 BCD */
	at(2);
	assert_int_equal(read_count(0), 0x0099);
	at(101);
	assert_int_equal(read_count(0), 0x0000);
	at(102);
	assert_int_equal(read_count(0), 0x9999);
	at(200);
	out(0x43, 0x35); /* mode 2, BCD, count 0 = 10000 */
	out(0x40, 0);
	out(0x40, 0);
	at(201);
	assert_int_equal(read_count(0), 0x0000);
	at(202);
	assert_int_equal(read_count(0), 0x9999);
	assert_int_equal(deadline, pit_tick_to_ns(201 + 10000));
}

/* Far from the clock's zero, periods still land on exact clock edges. */
static void no_drift_after_days(void **state)
{
	const uint64_t start = 10ull * 86400 * PIT_HZ + 7;

	at(start);
	program(0, 2, 11932); /* about 100 Hz */
	for (int i = 0; i < 1000; i++)
		fire();
	assert_int_equal(pulses, 1000);
	assert_int_equal(deadline, pit_tick_to_ns(start + 1 + 1001ull * 11932));
	assert_int_equal(pit_ns_to_tick(deadline), start + 1 + 1001ull * 11932);
}

static void save_load_round_trip(void **state)
{
	struct pit other;
	struct pit_state saved;

	program(0, 2, 100);
	out(0x43, 0xb6);
	out(0x42, 0x10);
	out(0x61, 0x01);
	at(5);
	out(0x42, 0x00);
	at(50);
	out(0x43, 0x00);
	saved = pit.s;
	pit_init(&other, &hooks);
	arms = 0;
	pit_load(&other, &saved);
	assert_int_equal(arms, 1);
	assert_int_equal(deadline, pit_tick_to_ns(101));
	assert_int_equal(memcmp(&other.s, &saved, sizeof(saved)), 0);
	at(70);
	for (unsigned ch = 0; ch < PIT_CHANNELS; ch++)
		assert_int_equal(pit_out(&other, ch), pit_out(&pit, ch));
	assert_int_equal(pit_ce_read(&other.s.ch[2], 70), pit_ce_read(&pit.s.ch[2], 70));
	assert_int_equal(other.s.ch[0].latch, 51);
	assert_false(pit_out(&other, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(clock_is_exact, setup),
		cmocka_unit_test_setup(mode0_terminal_count, setup),
		cmocka_unit_test_setup(mode0_first_byte_stops, setup),
		cmocka_unit_test_setup(mode2_rate_generator, setup),
		cmocka_unit_test_setup(mode2_new_count_at_period_end, setup),
		cmocka_unit_test_setup(mode3_even, setup),
		cmocka_unit_test_setup(mode3_odd, setup),
		cmocka_unit_test_setup(mode4_strobe, setup),
		cmocka_unit_test_setup(modes1_5_gate_triggered, setup),
		cmocka_unit_test_setup(counter_latch, setup),
		cmocka_unit_test_setup(read_back_command, setup),
		cmocka_unit_test_setup(byte_access_modes, setup),
		cmocka_unit_test_setup(port61_gate, setup),
		cmocka_unit_test_setup(port61_gate_mode0, setup),
		cmocka_unit_test_setup(bcd_counting, setup),
		cmocka_unit_test_setup(no_drift_after_days, setup),
		cmocka_unit_test_setup(save_load_round_trip, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
