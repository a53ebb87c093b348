/* PCI configuration mechanism #1 on a real port bus: CONFIG_ADDRESS, the
 * host bridge's header, all ones for absent functions, byte/word/dword
 * offsets, the enable bit, registration and the 0xCF9 passthrough. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/pci_host.h"

static struct port_bus bus;
static struct pci_host host;
static uint8_t passthrough_reg = 0x5a;
static int passthrough_writes;

static uint32_t pt_read(void *dev, uint16_t port, unsigned size)
{
	assert_int_equal(size, 1);
	return port == 0xcf9 ? passthrough_reg : 0xff;
}

static void pt_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	assert_int_equal(size, 1);
	assert_true(value <= 0xff);
	passthrough_writes++;
	if (port == 0xcf9)
		passthrough_reg = (uint8_t)value;
}

static int setup(void **state)
{
	const struct pci_io_passthrough pt = {pt_read, pt_write, NULL};
	char err[128];

	port_bus_init(&bus);
	passthrough_writes = 0;
	passthrough_reg = 0x5a;
	assert_int_equal(pci_host_attach(&host, &bus, &pt, err, sizeof(err)), 0);
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

static uint32_t cfg_addr(unsigned b, unsigned d, unsigned f, unsigned reg)
{
	return PCI_ADDR_ENABLE | b << 16 | d << 11 | f << 8 | reg;
}

/* Full dwords latch (reserved bits 30:24 and 1:0 read 0); anything narrower
 * is an ordinary I/O cycle, a byte at a time to the passthrough. */
static void address_register(void **state)
{
	out(PCI_PORT_ADDRESS, 4, 0xffffffff);
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), 0x80fffffc);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 3, 1, 0x10));
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), 0x80001910);
	out(PCI_PORT_ADDRESS + 1, 1, 0x06);
	assert_int_equal(passthrough_reg, 0x06);
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), 0x80001910);
	assert_int_equal(in(PCI_PORT_ADDRESS + 1, 1), 0x06);
	assert_int_equal(in(PCI_PORT_ADDRESS, 2), 0x06ff);
	out(PCI_PORT_ADDRESS, 2, 0x0203);
	assert_int_equal(passthrough_writes, 3);
	assert_int_equal(passthrough_reg, 0x02);
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), 0x80001910);
}

static void host_bridge_ids(void **state)
{
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x00));
	assert_int_equal(in(PCI_PORT_DATA, 4), 0x12378086);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x08));
	assert_int_equal(in(PCI_PORT_DATA, 4), 0x06000002);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x0c));
	assert_int_equal(in(PCI_PORT_DATA + 2, 1), 0); /* header type 0 */
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x04));
	assert_int_equal(in(PCI_PORT_DATA, 4), PCI_HOST_COMMAND_FIXED);
}

/* Register offset = CONFIG_ADDRESS's dword + the data port's low bits. */
static void byte_word_dword_offsets(void **state)
{
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x00));
	assert_int_equal(in(PCI_PORT_DATA, 1), 0x86);
	assert_int_equal(in(PCI_PORT_DATA + 1, 1), 0x80);
	assert_int_equal(in(PCI_PORT_DATA + 2, 1), 0x37);
	assert_int_equal(in(PCI_PORT_DATA + 3, 1), 0x12);
	assert_int_equal(in(PCI_PORT_DATA, 2), 0x8086);
	assert_int_equal(in(PCI_PORT_DATA + 2, 2), 0x1237);
	assert_int_equal(in(PCI_PORT_DATA + 1, 2), 0x3780);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x08));
	assert_int_equal(in(PCI_PORT_DATA + 3, 1), 0x06);
	assert_int_equal(in(PCI_PORT_DATA + 1, 2), 0x0000);
}

static void absent_functions_read_all_ones(void **state)
{
	static const uint32_t addrs[] = {0x80000100, 0x80000800, 0x80010000, 0x80ff0000, 0x8000f800};
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
		out(PCI_PORT_ADDRESS, 4, addrs[i]);
		assert_int_equal(in(PCI_PORT_DATA, 4), 0xffffffff);
		assert_int_equal(in(PCI_PORT_DATA + 2, 2), 0xffff);
		assert_int_equal(in(PCI_PORT_DATA + 3, 1), 0xff);
		out(PCI_PORT_DATA, 4, 0); /* dropped */
	}
}

static void enable_bit_clear_reads_all_ones(void **state)
{
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x04) & ~PCI_ADDR_ENABLE);
	assert_int_equal(in(PCI_PORT_DATA, 4), 0xffffffff);
	assert_int_equal(in(PCI_PORT_DATA + 1, 1), 0xff);
	out(PCI_PORT_DATA, 2, 0xffff);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x04));
	assert_int_equal(in(PCI_PORT_DATA, 2), PCI_HOST_COMMAND_FIXED);
}

/* Only the command register's writable bits change; IDs, class and status
 * ignore writes. */
static void read_only_fields_and_command(void **state)
{
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x00));
	out(PCI_PORT_DATA, 4, 0);
	assert_int_equal(in(PCI_PORT_DATA, 4), 0x12378086);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x04));
	out(PCI_PORT_DATA, 4, 0xffffffff);
	assert_int_equal(in(PCI_PORT_DATA, 4), PCI_HOST_COMMAND_FIXED | PCI_HOST_COMMAND_WRITABLE);
	out(PCI_PORT_DATA + 1, 1, 0);
	assert_int_equal(in(PCI_PORT_DATA, 4), PCI_HOST_COMMAND_FIXED | 0x40);
	out(PCI_PORT_DATA, 2, 0);
	assert_int_equal(in(PCI_PORT_DATA, 4), PCI_HOST_COMMAND_FIXED);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x08));
	out(PCI_PORT_DATA, 4, 0x12345678);
	assert_int_equal(in(PCI_PORT_DATA, 4), 0x06000002);
}

struct fake_fn {
	uint8_t space[256];
	unsigned last_offset, last_size;
};

static uint32_t fake_read(void *ctx, unsigned offset, unsigned size)
{
	struct fake_fn *f = ctx;
	uint32_t v = 0;

	assert_true(offset % 4 + size <= 4);
	f->last_offset = offset;
	f->last_size = size;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->space[offset + i] << (8 * i);
	return v;
}

static void fake_write(void *ctx, unsigned offset, unsigned size, uint32_t value)
{
	struct fake_fn *f = ctx;

	assert_true(offset % 4 + size <= 4);
	f->last_offset = offset;
	f->last_size = size;
	for (unsigned i = 0; i < size; i++)
		f->space[offset + i] = (uint8_t)(value >> (8 * i));
}

static void registered_functions(void **state)
{
	static struct fake_fn a, b;
	char err[128];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(pci_host_register(&host, 0, 3, 0, fake_read, fake_write, &a, err, sizeof(err)), 0);
	assert_int_equal(pci_host_register(&host, 1, 31, 7, fake_read, fake_write, &b, err, sizeof(err)), 0);
	assert_int_equal(pci_host_register(&host, 0, 0, 0, fake_read, fake_write, &a, err, sizeof(err)), -1);
	assert_string_equal(err, "pci 00:00.0: already taken");
	assert_int_equal(pci_host_register(&host, 0, 32, 0, fake_read, fake_write, &a, err, sizeof(err)), -1);
	assert_int_equal(pci_host_register(&host, 0, 1, 8, fake_read, fake_write, &a, NULL, 0), -1);
	for (unsigned d = 4; host.n < PCI_MAX_FUNCTIONS; d++)
		assert_int_equal(pci_host_register(&host, d, 0, 0, fake_read, fake_write, &a, NULL, 0), 0);
	assert_int_equal(pci_host_register(&host, 0xff, 1, 0, fake_read, fake_write, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no room"));

	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 3, 0, 0x40));
	out(PCI_PORT_DATA, 4, 0xdeadbeef);
	assert_int_equal(a.space[0x40], 0xef);
	out(PCI_PORT_DATA + 2, 1, 0x11);
	assert_int_equal(a.last_offset, 0x42);
	assert_int_equal(a.last_size, 1);
	assert_int_equal(in(PCI_PORT_DATA, 4), 0xde11beef);
	assert_int_equal(in(PCI_PORT_DATA + 1, 2), 0x11be);
	assert_int_equal(a.last_offset, 0x41);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(1, 31, 7, 0xfc));
	out(PCI_PORT_DATA + 2, 2, 0xabcd);
	assert_int_equal(b.last_offset, 0xfe);
	assert_int_equal(b.space[0xff], 0xab);
	out(PCI_PORT_ADDRESS, 4, cfg_addr(1, 31, 6, 0xfc));
	assert_int_equal(in(PCI_PORT_DATA, 4), 0xffffffff);
}

static void save_load_round_trip(void **state)
{
	struct pci_host_state saved;

	out(PCI_PORT_ADDRESS, 4, cfg_addr(0, 0, 0, 0x04));
	out(PCI_PORT_DATA, 2, 0x0100);
	pci_host_save(&host, &saved);
	setup(NULL);
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), 0);
	pci_host_load(&host, &saved);
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), cfg_addr(0, 0, 0, 0x04));
	assert_int_equal(in(PCI_PORT_DATA, 2), PCI_HOST_COMMAND_FIXED | 0x0100);
}

/* Without a passthrough, narrow accesses to 0xCF8-0xCFB read all ones. */
static void no_passthrough(void **state)
{
	char err[128];

	port_bus_init(&bus);
	assert_int_equal(pci_host_attach(&host, &bus, NULL, err, sizeof(err)), 0);
	assert_int_equal(in(PCI_PORT_ADDRESS + 1, 1), 0xff);
	out(PCI_PORT_ADDRESS + 1, 1, 6);
	assert_int_equal(in(PCI_PORT_ADDRESS, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(address_register, setup),
		cmocka_unit_test_setup(host_bridge_ids, setup),
		cmocka_unit_test_setup(byte_word_dword_offsets, setup),
		cmocka_unit_test_setup(absent_functions_read_all_ones, setup),
		cmocka_unit_test_setup(enable_bit_clear_reads_all_ones, setup),
		cmocka_unit_test_setup(read_only_fields_and_command, setup),
		cmocka_unit_test_setup(registered_functions, setup),
		cmocka_unit_test_setup(save_load_round_trip, setup),
		cmocka_unit_test(no_passthrough),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
