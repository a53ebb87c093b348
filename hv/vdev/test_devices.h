/* The test devices every domain gets, on its port bus:
 *   0xE9      console   write: a byte of the domain's console; read: 0xE9
 *   0xF4-0xF7 exit      write: ends the domain with that status (QEMU's
 *                       isa-debug-exit, which is 4 ports wide)
 *   0x520     interrupt write (32-bit): bits 7:0 vector, bit 8 NMI instead,
 *                       bits 31:9 delay in microseconds: raises it once after
 *                       the delay, then again every delay as often as 0x524 says
 *   0x524     repeat    write (32-bit): how many more times the next interrupt repeats
 * Pure logic: the domain supplies the console, end, timer and raise hooks. */
#ifndef HV_VDEV_TEST_DEVICES_H
#define HV_VDEV_TEST_DEVICES_H

#include "hv/iobus.h"

#define TEST_PORT_CONSOLE 0xe9
#define TEST_PORT_EXIT 0xf4
#define TEST_PORT_EXIT_WIDTH 4
#define TEST_PORT_IRQ 0x520
#define TEST_PORT_IRQ_REPEAT 0x524
#define TEST_PORT_IRQ_WIDTH 8

#define TEST_IRQ_NMI (1u << 8)
#define TEST_IRQ_DELAY_SHIFT 9

struct test_device_hooks {
	void (*console_byte)(void *ctx, uint8_t c);
	void (*exit)(void *ctx, uint32_t status);
	void (*arm_timer)(void *ctx, uint64_t delay_us); /* replaces an armed one */
	void (*raise)(void *ctx, uint8_t vector, bool nmi);
	void (*mark)(void *ctx, uint32_t value); /* the marker port (include/public/marker.h) */
	void *ctx;
};

struct test_devices {
	struct test_device_hooks hooks;
	uint8_t vector;
	bool nmi;
	uint64_t delay_us;
	uint32_t repeat;      /* what the next arming repeats */
	uint32_t remaining;   /* repeats left for the armed interrupt */
	bool armed;
	uint64_t raised;      /* interrupts raised so far */
};

int test_devices_attach(struct test_devices *t, struct port_bus *bus, const struct test_device_hooks *hooks,
			char *err, size_t errlen);
/* The domain's timer for the interrupt port fired. */
void test_devices_timer_fired(struct test_devices *t);
/* Whether a test interrupt is still to come (a halted vCPU may wake). */
static inline bool test_devices_will_raise(const struct test_devices *t)
{
	return t->armed;
}

#endif
