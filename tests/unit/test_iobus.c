/* Unit tests for the I/O port bus: registration and overlap rules, lookups at
 * range edges, unclaimed ports, byte-split accesses and the once-per-port report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/iobus.h"

/* A device that records every access and reads back a fixed value. */
struct access {
	uint16_t port;
	unsigned size;
	bool write;
	uint32_t value;
};

struct fake_dev {
	uint32_t read_value;
	struct access log[16];
	unsigned n;
};

static uint32_t fake_read(void *dev, uint16_t port, unsigned size)
{
	struct fake_dev *d = dev;
	assert_true(d->n < ARRAY_SIZE(d->log));
	d->log[d->n++] = (struct access){ port, size, false, 0 };
	return d->read_value;
}

static void fake_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct fake_dev *d = dev;
	assert_true(d->n < ARRAY_SIZE(d->log));
	d->log[d->n++] = (struct access){ port, size, true, value };
}

static void expect_access(const struct fake_dev *d, unsigned i, uint16_t port, unsigned size,
			  bool write, uint32_t value)
{
	assert_true(i < d->n);
	assert_int_equal(d->log[i].port, port);
	assert_int_equal(d->log[i].size, size);
	assert_int_equal(d->log[i].write, write);
	assert_int_equal(d->log[i].value, value);
}

/* On the heap, so ASan sees any access past the struct (the bitmap is last). */
static struct port_bus *new_bus(void)
{
	struct port_bus *b = malloc(sizeof(*b));
	assert_non_null(b);
	memset(b, 0xa5, sizeof(*b));
	port_bus_init(b);
	return b;
}

static void reg_ok(struct port_bus *b, uint16_t base, uint16_t count, struct fake_dev *d,
		   const char *name)
{
	char err[128] = "junk";
	assert_int_equal(port_bus_register(b, base, count, fake_read, fake_write, d, name, err,
					   sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void reg_fails(struct port_bus *b, uint16_t base, uint16_t count, const char *name,
		      const char *want)
{
	char err[128];
	struct fake_dev d = { 0 };
	unsigned n = b->n;
	assert_int_equal(port_bus_register(b, base, count, fake_read, fake_write, &d, name, err,
					   sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(b->n, n);
}

static void test_init(void **state)
{
	struct port_bus *b = new_bus();
	assert_int_equal(b->n, 0);
	assert_int_equal(sizeof(b->reported), 8192);
	for (unsigned i = 0; i < sizeof(b->reported); i++)
		assert_int_equal(b->reported[i], 0);
	assert_null(port_bus_find(b, 0));
	assert_null(port_bus_find(b, 0xffff));
	free(b);
}

static void test_register_adjacent_and_find(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev a = { 0 }, c = { 0 }, d = { 0 };
	reg_ok(b, 0x60, 4, &a, "a");
	reg_ok(b, 0x64, 1, &c, "c");  /* right after a */
	reg_ok(b, 0x5f, 1, &d, "d");  /* right before a */
	assert_int_equal(b->n, 3);
	assert_null(port_bus_find(b, 0x5e));
	assert_ptr_equal(port_bus_find(b, 0x5f)->dev, &d);
	assert_ptr_equal(port_bus_find(b, 0x60)->dev, &a);
	assert_ptr_equal(port_bus_find(b, 0x63)->dev, &a);
	assert_ptr_equal(port_bus_find(b, 0x64)->dev, &c);
	assert_null(port_bus_find(b, 0x65));
	const struct port_range *r = port_bus_find(b, 0x61);
	assert_int_equal(r->base, 0x60);
	assert_int_equal(r->count, 4);
	assert_string_equal(r->name, "a");
	free(b);
}

static void test_register_overlap_refused(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev com1 = { 0 };
	reg_ok(b, 0x3f8, 8, &com1, "com1");
	reg_fails(b, 0x3ff, 1, "last", "last: ports 0x3ff-0x3ff overlap com1 at 0x3f8-0x3ff");
	reg_fails(b, 0x3f0, 9, "first", "first: ports 0x3f0-0x3f8 overlap com1 at 0x3f8-0x3ff");
	reg_fails(b, 0x3fa, 2, "inside", "inside: ports 0x3fa-0x3fb overlap com1 at 0x3f8-0x3ff");
	reg_fails(b, 0x300, 0x200, "around",
		  "around: ports 0x300-0x4ff overlap com1 at 0x3f8-0x3ff");
	reg_fails(b, 0x3f8, 8, "same", "same: ports 0x3f8-0x3ff overlap com1 at 0x3f8-0x3ff");
	free(b);
}

static void test_register_bad_ranges(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev d = { 0 };
	reg_fails(b, 0x80, 0, "none", "none: no ports at 0x80 (count 0)");
	reg_fails(b, 0xfff0, 0x11, "wrap", "wrap: ports 0xfff0+17 run past 0xffff");
	reg_fails(b, 0xffff, 2, "wrap2", "wrap2: ports 0xffff+2 run past 0xffff");
	reg_fails(b, 2, 0xffff, "big", "big: ports 0x2+65535 run past 0xffff");
	reg_ok(b, 0xfff0, 0x10, &d, "top");
	reg_ok(b, 0, 0xfff0, &d, "rest");
	assert_int_equal(b->n, 2);
	assert_ptr_equal(port_bus_find(b, 0xffff)->dev, &d);
	assert_ptr_equal(port_bus_find(b, 0)->dev, &d);
	/* The largest range: every port but 0. */
	port_bus_unregister_dev(b, &d);
	reg_ok(b, 1, 0xffff, &d, "most");
	assert_null(port_bus_find(b, 0));
	assert_ptr_equal(port_bus_find(b, 1)->dev, &d);
	assert_ptr_equal(port_bus_find(b, 0xffff)->dev, &d);
	free(b);
}

static void test_register_err_buffer(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev d = { 0 };
	char err[8];
	/* No buffer at all, then one too short: truncated but terminated. */
	assert_int_equal(port_bus_register(b, 0, 0, fake_read, fake_write, &d, "x", NULL, 0), -1);
	assert_int_equal(port_bus_register(b, 0, 0, fake_read, fake_write, &d, "longname", err,
					   sizeof(err)), -1);
	assert_string_equal(err, "longnam");
	assert_int_equal(port_bus_register(b, 0, 1, fake_read, fake_write, &d, "x", NULL, 0), 0);
	free(b);
}

static void test_register_full(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev d[PORT_BUS_MAX + 1];
	memset(d, 0, sizeof(d));
	for (unsigned i = 0; i < PORT_BUS_MAX; i++)
		reg_ok(b, (uint16_t)(i * 4), 2, &d[i], "dev");
	assert_int_equal(b->n, PORT_BUS_MAX);
	reg_fails(b, 0x1000, 1, "extra", "extra: port bus full (64 ranges)");
	/* An overlap is still reported as such on a full bus. */
	reg_fails(b, 0, 1, "dup", "dup: ports 0-0 overlap dev at 0-0x1");
	port_bus_unregister_dev(b, &d[7]);
	reg_ok(b, 0x1000, 1, &d[PORT_BUS_MAX], "extra");
	assert_ptr_equal(port_bus_find(b, 0x1000)->dev, &d[PORT_BUS_MAX]);
	assert_null(port_bus_find(b, 7 * 4));
	free(b);
}

static void test_unregister(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev pic = { 0 }, pit = { 0 }, other = { 0 };
	reg_ok(b, 0x20, 2, &pic, "pic1");
	reg_ok(b, 0x40, 4, &pit, "pit");
	reg_ok(b, 0xa0, 2, &pic, "pic2");
	reg_ok(b, 0x61, 1, &pit, "pit-gate");
	port_bus_unregister_dev(b, &other); /* registered nothing: no change */
	assert_int_equal(b->n, 4);
	port_bus_unregister_dev(b, &pic);
	assert_int_equal(b->n, 2);
	assert_null(port_bus_find(b, 0x20));
	assert_null(port_bus_find(b, 0xa1));
	/* The rest keep their registration order. */
	assert_string_equal(b->r[0].name, "pit");
	assert_string_equal(b->r[1].name, "pit-gate");
	uint32_t v = 0;
	assert_int_equal(port_bus_access(b, 0x20, 1, false, &v), PORT_UNCLAIMED);
	assert_int_equal(pic.n, 0);
	/* The ports are free to claim again. */
	reg_ok(b, 0x20, 2, &other, "other");
	port_bus_unregister_dev(b, &pit);
	port_bus_unregister_dev(b, &other);
	assert_int_equal(b->n, 0);
	free(b);
}

static void test_access_inside_range(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev d = { .read_value = 0xdeadbeef };
	reg_ok(b, 0xcf8, 8, &d, "pci");
	uint32_t v = 0;
	assert_int_equal(port_bus_access(b, 0xcf8, 4, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xdeadbeef);
	/* A device's bits above the access size never reach the guest. */
	assert_int_equal(port_bus_access(b, 0xcfe, 2, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xbeef);
	assert_int_equal(port_bus_access(b, 0xcff, 1, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xef);
	v = 0x12345678;
	assert_int_equal(port_bus_access(b, 0xcfc, 4, true, &v), PORT_CLAIMED);
	assert_int_equal(port_bus_access(b, 0xcfc, 2, true, &v), PORT_CLAIMED);
	assert_int_equal(port_bus_access(b, 0xcfd, 1, true, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x12345678); /* a write leaves *value alone */
	assert_int_equal(d.n, 6);
	expect_access(&d, 0, 0xcf8, 4, false, 0);
	expect_access(&d, 1, 0xcfe, 2, false, 0);
	expect_access(&d, 2, 0xcff, 1, false, 0);
	expect_access(&d, 3, 0xcfc, 4, true, 0x12345678);
	expect_access(&d, 4, 0xcfc, 2, true, 0x5678);
	expect_access(&d, 5, 0xcfd, 1, true, 0x78);
	free(b);
}

static void test_access_unclaimed(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev d = { .read_value = 0 };
	reg_ok(b, 0x70, 2, &d, "rtc");
	uint32_t v = 0;
	assert_int_equal(port_bus_access(b, 0x80, 1, false, &v), PORT_UNCLAIMED);
	assert_int_equal(v, 0xff);
	assert_int_equal(port_bus_access(b, 0x6e, 2, false, &v), PORT_UNCLAIMED);
	assert_int_equal(v, 0xffff);
	assert_int_equal(port_bus_access(b, 0x72, 4, false, &v), PORT_UNCLAIMED);
	assert_int_equal(v, 0xffffffff);
	v = 0x1234;
	assert_int_equal(port_bus_access(b, 0x6e, 2, true, &v), PORT_UNCLAIMED);
	assert_int_equal(port_bus_access(b, 0x72, 4, true, &v), PORT_UNCLAIMED);
	assert_int_equal(d.n, 0);
	free(b);
}

/* a owns 0x100-0x101, 0x102 is a gap, c owns 0x103-0x104. */
static void test_access_split_across_devices_and_gap(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev a = { .read_value = 0xaaaaaa11 }, c = { .read_value = 0xcccccc33 };
	reg_ok(b, 0x100, 2, &a, "a");
	reg_ok(b, 0x103, 2, &c, "c");
	uint32_t v = 0;
	assert_int_equal(port_bus_access(b, 0x101, 4, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x3333ff11);
	assert_int_equal(a.n, 1);
	expect_access(&a, 0, 0x101, 1, false, 0);
	assert_int_equal(c.n, 2);
	expect_access(&c, 0, 0x103, 1, false, 0);
	expect_access(&c, 1, 0x104, 1, false, 0);

	v = 0x44332211;
	assert_int_equal(port_bus_access(b, 0x101, 4, true, &v), PORT_CLAIMED);
	assert_int_equal(a.n, 2);
	expect_access(&a, 1, 0x101, 1, true, 0x11);
	assert_int_equal(c.n, 4);
	expect_access(&c, 2, 0x103, 1, true, 0x33);
	expect_access(&c, 3, 0x104, 1, true, 0x44);

	/* From the gap into c: claimed, the gap byte reads 0xff. */
	assert_int_equal(port_bus_access(b, 0x102, 2, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x33ff);
	/* From before a into it. */
	assert_int_equal(port_bus_access(b, 0xff, 2, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x11ff);
	/* Off c's end: c's byte, then nothing. */
	assert_int_equal(port_bus_access(b, 0x104, 4, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xffffff33);
	free(b);
}

static void test_access_split_between_adjacent_devices(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev a = { .read_value = 0x2211 }, c = { .read_value = 0x4433 };
	reg_ok(b, 0x1f0, 2, &a, "a");
	reg_ok(b, 0x1f2, 2, &c, "c");
	uint32_t v = 0;
	assert_int_equal(port_bus_access(b, 0x1f0, 4, false, &v), PORT_CLAIMED);
	/* Byte by byte: each device returns its own low byte for each port. */
	assert_int_equal(v, 0x33331111);
	assert_int_equal(a.n, 2);
	assert_int_equal(c.n, 2);
	expect_access(&a, 0, 0x1f0, 1, false, 0);
	expect_access(&a, 1, 0x1f1, 1, false, 0);
	expect_access(&c, 0, 0x1f2, 1, false, 0);
	expect_access(&c, 1, 0x1f3, 1, false, 0);
	/* Wholly inside one of them: a single word access. */
	assert_int_equal(port_bus_access(b, 0x1f2, 2, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x4433);
	expect_access(&c, 2, 0x1f2, 2, false, 0);
	free(b);
}

static void test_access_top_of_port_space(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev top = { .read_value = 0x5a }, zero = { .read_value = 0 };
	reg_ok(b, 0xfffe, 2, &top, "top");
	reg_ok(b, 0, 4, &zero, "zero");
	uint32_t v = 0;
	/* Bytes past 0xffff go to no one; in particular not to port 0. */
	assert_int_equal(port_bus_access(b, 0xfffe, 4, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xffff5a5a);
	assert_int_equal(port_bus_access(b, 0xffff, 2, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xff5a);
	v = 0x01020304;
	assert_int_equal(port_bus_access(b, 0xffff, 4, true, &v), PORT_CLAIMED);
	expect_access(&top, top.n - 1, 0xffff, 1, true, 0x04);
	assert_int_equal(zero.n, 0);
	assert_int_equal(port_bus_access(b, 0xfffe, 2, false, &v), PORT_CLAIMED);
	expect_access(&top, top.n - 1, 0xfffe, 2, false, 0);
	port_bus_unregister_dev(b, &top);
	assert_int_equal(port_bus_access(b, 0xffff, 4, false, &v), PORT_UNCLAIMED);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(zero.n, 0);
	free(b);
}

static void test_null_callbacks(void **state)
{
	struct port_bus *b = new_bus();
	char err[64];
	struct fake_dev d = { 0 };
	assert_int_equal(port_bus_register(b, 0x80, 1, NULL, NULL, &d, "post", err, sizeof(err)), 0);
	assert_int_equal(port_bus_register(b, 0x81, 1, fake_read, NULL, &d, "ro", err, sizeof(err)),
			 0);
	uint32_t v = 0x42;
	assert_int_equal(port_bus_access(b, 0x80, 1, true, &v), PORT_CLAIMED);
	assert_int_equal(port_bus_access(b, 0x80, 1, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0xff);
	assert_int_equal(port_bus_access(b, 0x81, 1, true, &v), PORT_CLAIMED);
	assert_int_equal(d.n, 0);
	assert_int_equal(port_bus_access(b, 0x80, 2, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x00ff);
	assert_int_equal(d.n, 1);
	free(b);
}

static void test_bad_size(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev d = { .read_value = 0 };
	reg_ok(b, 0x60, 8, &d, "kbd");
	const unsigned sizes[] = { 0, 3, 5, 8 };
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t v = 0;
		assert_int_equal(port_bus_access(b, 0x60, sizes[i], false, &v), PORT_UNCLAIMED);
		assert_int_equal(v, 0xffffffff);
		assert_int_equal(port_bus_access(b, 0x60, sizes[i], true, &v), PORT_UNCLAIMED);
	}
	assert_int_equal(d.n, 0);
	free(b);
}

static void test_first_unclaimed_once_per_port(void **state)
{
	struct port_bus *b = new_bus();
	struct fake_dev d = { 0 };
	reg_ok(b, 0x3f8, 8, &d, "com1");
	assert_true(port_bus_first_unclaimed(b, 0x80));
	assert_false(port_bus_first_unclaimed(b, 0x80));
	assert_false(port_bus_first_unclaimed(b, 0x80));
	assert_true(port_bus_first_unclaimed(b, 0x81));
	assert_true(port_bus_first_unclaimed(b, 0x7f));
	/* A claimed port is never reported, and does not use up its report. */
	assert_false(port_bus_first_unclaimed(b, 0x3f8));
	assert_false(port_bus_first_unclaimed(b, 0x3ff));
	port_bus_unregister_dev(b, &d);
	assert_true(port_bus_first_unclaimed(b, 0x3f8));
	assert_false(port_bus_first_unclaimed(b, 0x3f8));
	/* A new bus starts over. */
	port_bus_init(b);
	assert_true(port_bus_first_unclaimed(b, 0x80));
	free(b);
}

static void test_first_unclaimed_every_port(void **state)
{
	struct port_bus *b = new_bus();
	for (unsigned p = 0; p < PORT_BUS_PORTS; p++)
		assert_true(port_bus_first_unclaimed(b, (uint16_t)p));
	for (unsigned p = 0; p < PORT_BUS_PORTS; p++)
		assert_false(port_bus_first_unclaimed(b, (uint16_t)p));
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_register_adjacent_and_find),
		cmocka_unit_test(test_register_overlap_refused),
		cmocka_unit_test(test_register_bad_ranges),
		cmocka_unit_test(test_register_err_buffer),
		cmocka_unit_test(test_register_full),
		cmocka_unit_test(test_unregister),
		cmocka_unit_test(test_access_inside_range),
		cmocka_unit_test(test_access_unclaimed),
		cmocka_unit_test(test_access_split_across_devices_and_gap),
		cmocka_unit_test(test_access_split_between_adjacent_devices),
		cmocka_unit_test(test_access_top_of_port_space),
		cmocka_unit_test(test_null_callbacks),
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_first_unclaimed_once_per_port),
		cmocka_unit_test(test_first_unclaimed_every_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
