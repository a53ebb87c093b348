/* The test devices on a real port bus with recording hooks: console bytes,
 * the 4-port exit device, and the interrupt source's arming, repeats and
 * NMI flag. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/test_devices.h"
#include "include/public/marker.h"

struct recorder {
	char console[64];
	size_t console_len;
	int exits;
	uint32_t exit_status;
	int arms;
	uint64_t last_delay;
	int raises;
	uint8_t last_vector;
	bool last_nmi;
	int marks;
	uint32_t last_mark;
};

static void rec_console(void *ctx, uint8_t c)
{
	struct recorder *r = ctx;
	r->console[r->console_len++] = (char)c;
}

static void rec_exit(void *ctx, uint32_t status)
{
	struct recorder *r = ctx;
	r->exits++;
	r->exit_status = status;
}

static void rec_arm(void *ctx, uint64_t delay)
{
	struct recorder *r = ctx;
	r->arms++;
	r->last_delay = delay;
}

static void rec_raise(void *ctx, uint8_t vector, bool nmi)
{
	struct recorder *r = ctx;
	r->raises++;
	r->last_vector = vector;
	r->last_nmi = nmi;
}

static void rec_mark(void *ctx, uint32_t value)
{
	struct recorder *r = ctx;
	r->marks++;
	r->last_mark = value;
}

static struct port_bus bus;
static struct test_devices dev;
static struct recorder rec;

static int setup(void **state)
{
	const struct test_device_hooks hooks = {rec_console, rec_exit, rec_arm, rec_raise, rec_mark, &rec};
	char err[128];

	memset(&rec, 0, sizeof(rec));
	port_bus_init(&bus);
	assert_int_equal(test_devices_attach(&dev, &bus, &hooks, err, sizeof(err)), 0);
	return 0;
}

static void out(uint16_t port, unsigned size, uint32_t value)
{
	assert_int_equal(port_bus_access(&bus, port, size, true, &value), PORT_CLAIMED);
}

/* A 32-bit write to the marker port reaches the hook with its value. */
static void marker_port(void **state)
{
	out(HV_PORT_MARKER, 4, 0x12345678);
	assert_int_equal(rec.marks, 1);
	assert_int_equal(rec.last_mark, 0x12345678);
	out(HV_PORT_MARKER, 4, 3);
	assert_int_equal(rec.marks, 2);
	assert_int_equal(rec.last_mark, 3);
}

static void console_bytes_and_readback(void **state)
{
	uint32_t v = 0;
	out(TEST_PORT_CONSOLE, 1, 'h');
	out(TEST_PORT_CONSOLE, 1, 'i');
	assert_int_equal(rec.console_len, 2);
	assert_memory_equal(rec.console, "hi", 2);
	assert_int_equal(port_bus_access(&bus, TEST_PORT_CONSOLE, 1, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xe9);
}

/* isa-debug-exit is 4 ports wide: a 32-bit write ends the domain once and
 * arms nothing (the bug this test was written for). */
static void exit_dword_is_one_exit(void **state)
{
	out(TEST_PORT_EXIT, 4, 7);
	assert_int_equal(rec.exits, 1);
	assert_int_equal(rec.exit_status, 7);
	assert_int_equal(rec.arms, 0);
	out(TEST_PORT_EXIT, 1, 0);
	assert_int_equal(rec.exits, 2);
}

static void interrupt_once(void **state)
{
	out(TEST_PORT_IRQ, 4, 0x40 | (1000u << TEST_IRQ_DELAY_SHIFT));
	assert_int_equal(rec.arms, 1);
	assert_int_equal(rec.last_delay, 1000);
	assert_true(test_devices_will_raise(&dev));
	test_devices_timer_fired(&dev);
	assert_int_equal(rec.raises, 1);
	assert_int_equal(rec.last_vector, 0x40);
	assert_false(rec.last_nmi);
	assert_false(test_devices_will_raise(&dev));
	test_devices_timer_fired(&dev); /* a stale timer raises nothing */
	assert_int_equal(rec.raises, 1);
}

static void interrupt_repeats(void **state)
{
	out(TEST_PORT_IRQ_REPEAT, 4, 3);
	out(TEST_PORT_IRQ, 4, 0x41 | (10u << TEST_IRQ_DELAY_SHIFT));
	for (int i = 0; i < 4; i++) {
		assert_true(test_devices_will_raise(&dev));
		test_devices_timer_fired(&dev);
	}
	assert_int_equal(rec.raises, 4);
	assert_int_equal(rec.arms, 4);
	assert_false(test_devices_will_raise(&dev));
	assert_int_equal(dev.raised, 4);
	/* The repeat count applies to one arming only. */
	out(TEST_PORT_IRQ, 4, 0x41);
	test_devices_timer_fired(&dev);
	assert_false(test_devices_will_raise(&dev));
}

static void nmi_flag(void **state)
{
	out(TEST_PORT_IRQ, 4, TEST_IRQ_NMI | (5u << TEST_IRQ_DELAY_SHIFT));
	test_devices_timer_fired(&dev);
	assert_true(rec.last_nmi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(console_bytes_and_readback, setup),
		cmocka_unit_test_setup(marker_port, setup),
		cmocka_unit_test_setup(exit_dword_is_one_exit, setup),
		cmocka_unit_test_setup(interrupt_once, setup),
		cmocka_unit_test_setup(interrupt_repeats, setup),
		cmocka_unit_test_setup(nmi_flag, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
