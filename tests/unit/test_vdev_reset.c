/* The reset sources on a real port bus, with 0xCF9 reached through the PCI
 * host's passthrough as a domain wires it: each source calls the hook once
 * with its name, and 0xCF9 resets on RST_CPU rising. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/pci_host.h"
#include "hv/vdev/reset.h"

static struct port_bus bus;
static struct pci_host pci;
static struct reset rst;
static int resets;
static const char *last_source;

static void rec_reset(void *ctx, const char *source)
{
	resets++;
	last_source = source;
}

static int setup(void **state)
{
	const struct reset_hooks hooks = {rec_reset, NULL};
	const struct pci_io_passthrough pt = {reset_cf9_read, reset_cf9_write, &rst};
	char err[128];

	resets = 0;
	last_source = NULL;
	port_bus_init(&bus);
	assert_int_equal(reset_attach(&rst, &bus, &hooks, err, sizeof(err)), 0);
	assert_int_equal(pci_host_attach(&pci, &bus, &pt, err, sizeof(err)), 0);
	return 0;
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t v = 0;
	assert_int_equal(port_bus_access(&bus, port, size, false, &v), PORT_CLAIMED);
	return v;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
	assert_int_equal(port_bus_access(&bus, port, size, true, &v), PORT_CLAIMED);
}

/* Linux's reboot=pci: read, SYS_RST, then SYS_RST | RST_CPU, one hard
 * reset; a repeated 0x06 resets again. */
static void cf9_linux_sequence(void **state)
{
	uint8_t v = (uint8_t)in(RESET_PORT_CF9, 1) & ~6;

	assert_int_equal(v, 0);
	out(RESET_PORT_CF9, 1, v | 2);
	assert_int_equal(resets, 0);
	assert_int_equal(in(RESET_PORT_CF9, 1), 0x02);
	out(RESET_PORT_CF9, 1, v | 6);
	assert_int_equal(resets, 1);
	assert_string_equal(last_source, RESET_SRC_CF9_HARD);
	assert_int_equal(in(RESET_PORT_CF9, 1), 0x02); /* RST_CPU is clear again */
	out(RESET_PORT_CF9, 1, v | 6);
	assert_int_equal(resets, 2);
}

static void cf9_soft_and_full(void **state)
{
	out(RESET_PORT_CF9, 1, RESET_CF9_RST_CPU);
	assert_int_equal(resets, 1);
	assert_string_equal(last_source, RESET_SRC_CF9_SOFT);
	out(RESET_PORT_CF9, 1, RESET_CF9_FULL_RST | RESET_CF9_RST_CPU);
	assert_int_equal(resets, 2);
	assert_string_equal(last_source, RESET_SRC_CF9_HARD);
	out(RESET_PORT_CF9, 1, 0x06);
	assert_int_equal(resets, 3);
	/* Bits other than 1-3 are not kept; writing RST_CPU as 0 does nothing. */
	out(RESET_PORT_CF9, 1, 0xf3);
	assert_int_equal(resets, 3);
	assert_int_equal(in(RESET_PORT_CF9, 1), 0x02);
}

/* A word at 0xCF8 is an I/O cycle, not CONFIG_ADDRESS: its high byte is
 * 0xCF9's; a dword is CONFIG_ADDRESS and resets nothing. */
static void cf9_inside_config_address(void **state)
{
	out(PCI_PORT_ADDRESS, 4, 0x80000600);
	assert_int_equal(resets, 0);
	out(PCI_PORT_ADDRESS, 2, 0x0600);
	assert_int_equal(resets, 1);
	assert_string_equal(last_source, RESET_SRC_CF9_HARD);
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), 0x80000600);
}

static void kbc_pulse_reset(void **state)
{
	assert_int_equal(in(RESET_PORT_KBC_CMD, 1), RESET_KBC_STATUS);
	assert_int_equal(in(RESET_PORT_KBC_DATA, 1), 0);
	out(RESET_PORT_KBC_CMD, 1, 0x20); /* read the command byte: ignored */
	out(RESET_PORT_KBC_DATA, 1, RESET_KBC_PULSE_RESET);
	out(RESET_PORT_KBC_CMD, 1, 0xff);
	assert_int_equal(resets, 0);
	assert_int_equal(in(RESET_PORT_KBC_CMD, 1), RESET_KBC_STATUS);
	out(RESET_PORT_KBC_CMD, 1, RESET_KBC_PULSE_RESET);
	assert_int_equal(resets, 1);
	assert_string_equal(last_source, RESET_SRC_KBC);
}

static void port92_a20_and_fast_reset(void **state)
{
	assert_int_equal(in(RESET_PORT_SYSCTL_A, 1), RESET_SYSCTL_A_A20);
	out(RESET_PORT_SYSCTL_A, 1, 0);
	assert_int_equal(in(RESET_PORT_SYSCTL_A, 1), 0);
	out(RESET_PORT_SYSCTL_A, 1, 0xfe);
	assert_int_equal(in(RESET_PORT_SYSCTL_A, 1), RESET_SYSCTL_A_A20);
	assert_int_equal(resets, 0);
	out(RESET_PORT_SYSCTL_A, 1, RESET_SYSCTL_A_A20 | RESET_SYSCTL_A_FAST_RESET);
	assert_int_equal(resets, 1);
	assert_string_equal(last_source, RESET_SRC_SYSCTL_A);
	assert_int_equal(in(RESET_PORT_SYSCTL_A, 1), RESET_SYSCTL_A_A20);
}

static void save_load_round_trip(void **state)
{
	struct reset_state saved;

	out(RESET_PORT_CF9, 1, RESET_CF9_SYS_RST);
	out(RESET_PORT_SYSCTL_A, 1, 0);
	reset_save(&rst, &saved);
	setup(NULL);
	assert_int_equal(in(RESET_PORT_CF9, 1), 0);
	reset_load(&rst, &saved);
	assert_int_equal(in(RESET_PORT_CF9, 1), RESET_CF9_SYS_RST);
	assert_int_equal(in(RESET_PORT_SYSCTL_A, 1), 0);
	out(RESET_PORT_CF9, 1, RESET_CF9_RST_CPU);
	assert_string_equal(last_source, RESET_SRC_CF9_SOFT);
	assert_int_equal(resets, 1);
}

/* A domain without PCI registers 0xCF9 itself with the same functions. */
static void cf9_registered_directly(void **state)
{
	const struct reset_hooks hooks = {rec_reset, NULL};
	char err[128];

	port_bus_init(&bus);
	assert_int_equal(reset_attach(&rst, &bus, &hooks, err, sizeof(err)), 0);
	assert_int_equal(port_bus_register(&bus, RESET_PORT_CF9, 1, reset_cf9_read, reset_cf9_write, &rst,
					   "cf9", err, sizeof(err)),
			 0);
	out(RESET_PORT_CF9, 1, 0x06);
	assert_int_equal(resets, 1);
	assert_int_equal(reset_cf9_read(&rst, 0xcf8, 2), 0x02ff);
	reset_cf9_write(&rst, 0xcf8, 1, 0x06);
	assert_int_equal(resets, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(cf9_linux_sequence, setup),
		cmocka_unit_test_setup(cf9_soft_and_full, setup),
		cmocka_unit_test_setup(cf9_inside_config_address, setup),
		cmocka_unit_test_setup(kbc_pulse_reset, setup),
		cmocka_unit_test_setup(port92_a20_and_fast_reset, setup),
		cmocka_unit_test_setup(save_load_round_trip, setup),
		cmocka_unit_test_setup(cf9_registered_directly, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
