/* The test devices (see test_devices.h). */
#include "hv/vdev/test_devices.h"
#include "include/public/marker.h"

static uint32_t console_read(void *dev, uint16_t port, unsigned size)
{
	return TEST_PORT_CONSOLE; /* reads back like Bochs' port_e9_hack */
}

static void console_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct test_devices *t = dev;
	t->hooks.console_byte(t->hooks.ctx, (uint8_t)value);
}

static void exit_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct test_devices *t = dev;
	t->hooks.exit(t->hooks.ctx, value);
}

static void irq_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct test_devices *t = dev;

	if (port >= TEST_PORT_IRQ_REPEAT) {
		t->repeat = value;
		return;
	}
	t->vector = (uint8_t)value;
	t->nmi = value & TEST_IRQ_NMI;
	t->delay_us = value >> TEST_IRQ_DELAY_SHIFT;
	t->remaining = t->repeat;
	t->repeat = 0;
	t->armed = true;
	t->hooks.arm_timer(t->hooks.ctx, t->delay_us);
}

static void marker_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct test_devices *t = dev;
	t->hooks.mark(t->hooks.ctx, value);
}

void test_devices_timer_fired(struct test_devices *t)
{
	if (!t->armed)
		return;
	t->raised++;
	t->hooks.raise(t->hooks.ctx, t->vector, t->nmi);
	if (t->remaining) {
		t->remaining--;
		t->hooks.arm_timer(t->hooks.ctx, t->delay_us);
	} else {
		t->armed = false;
	}
}

int test_devices_attach(struct test_devices *t, struct port_bus *bus, const struct test_device_hooks *hooks,
			char *err, size_t errlen)
{
	*t = (struct test_devices){.hooks = *hooks};
	if (port_bus_register(bus, TEST_PORT_CONSOLE, 1, console_read, console_write, t, "test-console",
			      err, errlen) ||
	    port_bus_register(bus, TEST_PORT_EXIT, TEST_PORT_EXIT_WIDTH, NULL, exit_write, t, "test-exit",
			      err, errlen) ||
	    port_bus_register(bus, HV_PORT_MARKER, HV_PORT_MARKER_WIDTH, NULL, marker_write, t, "marker",
			      err, errlen) ||
	    port_bus_register(bus, TEST_PORT_IRQ, TEST_PORT_IRQ_WIDTH, NULL, irq_write, t, "test-irq", err,
			      errlen))
		return -1;
	return 0;
}
