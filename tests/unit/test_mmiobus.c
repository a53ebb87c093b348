/* Unit tests for the MMIO bus: registration and overlap rules, lookups at
 * region edges, unclaimed and crossing accesses, and 1- to 8-byte accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/mmiobus.h"

/* A device that records every access and reads back a fixed value. */
struct access {
	uint64_t offset;
	unsigned size;
	bool write;
	uint64_t value;
};

struct fake_dev {
	uint64_t read_value;
	struct access log[16];
	unsigned n;
};

static uint64_t fake_read(void *dev, uint64_t offset, unsigned size)
{
	struct fake_dev *d = dev;
	assert_true(d->n < ARRAY_SIZE(d->log));
	d->log[d->n++] = (struct access){ offset, size, false, 0 };
	return d->read_value;
}

static void fake_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
	struct fake_dev *d = dev;
	assert_true(d->n < ARRAY_SIZE(d->log));
	d->log[d->n++] = (struct access){ offset, size, true, value };
}

static void expect_access(const struct fake_dev *d, unsigned i, uint64_t offset, unsigned size,
			  bool write, uint64_t value)
{
	assert_true(i < d->n);
	assert_int_equal(d->log[i].offset, offset);
	assert_int_equal(d->log[i].size, size);
	assert_int_equal(d->log[i].write, write);
	assert_int_equal(d->log[i].value, value);
}

static struct mmio_bus *new_bus(void)
{
	struct mmio_bus *b = malloc(sizeof(*b));
	assert_non_null(b);
	memset(b, 0xa5, sizeof(*b));
	mmio_bus_init(b);
	return b;
}

static void reg_ok(struct mmio_bus *b, uint64_t base, uint64_t size, struct fake_dev *d,
		   const char *name)
{
	char err[160] = "junk";
	assert_int_equal(mmio_bus_register(b, base, size, fake_read, fake_write, d, name, err,
					   sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void reg_fails(struct mmio_bus *b, uint64_t base, uint64_t size, const char *name,
		      const char *want)
{
	char err[160];
	struct fake_dev d = { 0 };
	unsigned n = b->n;
	assert_int_equal(mmio_bus_register(b, base, size, fake_read, fake_write, &d, name, err,
					   sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(b->n, n);
}

/* The region find() reports for [gpa, gpa + len) and the offset, or NULL. */
static void expect_find(const struct mmio_bus *b, uint64_t gpa, uint64_t len,
			const struct fake_dev *dev, uint64_t offset)
{
	struct mmio_hit h = mmio_bus_find(b, gpa, len);
	if (!dev) {
		assert_null(h.region);
		return;
	}
	assert_non_null(h.region);
	assert_ptr_equal(h.region->dev, dev);
	assert_int_equal(h.offset, offset);
}

static void test_init(void **state)
{
	struct mmio_bus *b = new_bus();
	uint64_t v = 0;
	assert_int_equal(b->n, 0);
	expect_find(b, 0, 1, NULL, 0);
	assert_int_equal(mmio_bus_access(b, 0xfee00000, 4, false, &v), MMIO_UNCLAIMED);
	free(b);
}

static void test_register_adjacent_and_find(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev lapic = { 0 }, after = { 0 }, before = { 0 };
	reg_ok(b, 0xfee00000, 0x1000, &lapic, "lapic");
	reg_ok(b, 0xfee01000, 0x10, &after, "after");
	reg_ok(b, 0xfedff000, 0x1000, &before, "before");
	assert_int_equal(b->n, 3);
	expect_find(b, 0xfee00000, 4, &lapic, 0);
	expect_find(b, 0xfee00ffc, 4, &lapic, 0xffc);
	expect_find(b, 0xfee00fff, 1, &lapic, 0xfff);
	expect_find(b, 0xfee00000, 0x1000, &lapic, 0);
	expect_find(b, 0xfee01000, 8, &after, 0);
	expect_find(b, 0xfee0100f, 1, &after, 0xf);
	expect_find(b, 0xfee01008, 8, &after, 8);
	expect_find(b, 0xfedfffff, 1, &before, 0xfff);
	/* Across a region's end, into a neighbour or a gap: no region holds it. */
	expect_find(b, 0xfee00ffd, 4, NULL, 0);
	expect_find(b, 0xfedffffc, 8, NULL, 0);
	expect_find(b, 0xfee0100c, 8, NULL, 0);
	expect_find(b, 0xfee01010, 1, NULL, 0);
	expect_find(b, 0xfedfefff, 2, NULL, 0);
	expect_find(b, 0xfee00000, 0x1001, NULL, 0);
	/* Empty, and wrapping past 2^64. */
	expect_find(b, 0xfee00000, 0, NULL, 0);
	expect_find(b, 0xfee00000, UINT64_MAX, NULL, 0);
	const struct mmio_region *r = mmio_bus_find(b, 0xfee00010, 4).region;
	assert_int_equal(r->base, 0xfee00000);
	assert_int_equal(r->size, 0x1000);
	assert_string_equal(r->name, "lapic");
	free(b);
}

static void test_register_overlap_refused(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev ioapic = { 0 };
	reg_ok(b, 0xfec00000, 0x1000, &ioapic, "ioapic");
	reg_fails(b, 0xfec00fff, 1, "last",
		  "last: MMIO 0xfec00fff-0xfec00fff overlaps ioapic at 0xfec00000-0xfec00fff");
	reg_fails(b, 0xfebff000, 0x1001, "first",
		  "first: MMIO 0xfebff000-0xfec00000 overlaps ioapic at 0xfec00000-0xfec00fff");
	reg_fails(b, 0xfec00100, 0x20, "inside",
		  "inside: MMIO 0xfec00100-0xfec0011f overlaps ioapic at 0xfec00000-0xfec00fff");
	reg_fails(b, 0, UINT64_MAX, "around",
		  "around: MMIO 0-0xfffffffffffffffe overlaps ioapic at 0xfec00000-0xfec00fff");
	free(b);
}

static void test_register_bad_regions(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev d = { 0 }, e = { 0 };
	reg_fails(b, 0x1000, 0, "none", "none: empty MMIO region at 0x1000");
	reg_fails(b, UINT64_MAX - 0xfff, 0x1001, "wrap",
		  "wrap: MMIO 0xfffffffffffff000+0x1001 runs past the top of the address space");
	reg_fails(b, 2, UINT64_MAX, "big",
		  "big: MMIO 0x2+0xffffffffffffffff runs past the top of the address space");
	/* The last page and everything below it, up to the last byte. */
	reg_ok(b, UINT64_MAX - 0xfff, 0x1000, &d, "top");
	reg_ok(b, 0, UINT64_MAX - 0xfff, &e, "rest");
	expect_find(b, UINT64_MAX, 1, &d, 0xfff);
	expect_find(b, UINT64_MAX - 7, 8, &d, 0xff8);
	expect_find(b, UINT64_MAX - 0x1000, 1, &e, UINT64_MAX - 0x1000);
	expect_find(b, UINT64_MAX - 0x1003, 8, NULL, 0);
	char err[8];
	assert_int_equal(mmio_bus_register(b, 0, 0, fake_read, fake_write, &d, "x", NULL, 0), -1);
	assert_int_equal(mmio_bus_register(b, 0, 0, fake_read, fake_write, &d, "longname", err,
					   sizeof(err)), -1);
	assert_string_equal(err, "longnam");
	free(b);
}

static void test_register_full(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev d[MMIO_BUS_MAX + 1];
	memset(d, 0, sizeof(d));
	for (unsigned i = 0; i < MMIO_BUS_MAX; i++)
		reg_ok(b, 0xc0000000 + (uint64_t)i * 0x2000, 0x1000, &d[i], "dev");
	assert_int_equal(b->n, MMIO_BUS_MAX);
	reg_fails(b, 0x100000000, 0x1000, "extra", "extra: MMIO bus full (32 regions)");
	mmio_bus_unregister_dev(b, &d[3]);
	reg_ok(b, 0x100000000, 0x1000, &d[MMIO_BUS_MAX], "extra");
	expect_find(b, 0x100000000, 8, &d[MMIO_BUS_MAX], 0);
	expect_find(b, 0xc0006000, 8, NULL, 0);
	free(b);
}

static void test_unregister(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev hpet = { 0 }, pci = { 0 }, other = { 0 };
	reg_ok(b, 0xfed00000, 0x400, &hpet, "hpet");
	reg_ok(b, 0xe0000000, 0x100000, &pci, "bar0");
	reg_ok(b, 0xe0100000, 0x1000, &pci, "bar1");
	mmio_bus_unregister_dev(b, &other);
	assert_int_equal(b->n, 3);
	mmio_bus_unregister_dev(b, &pci);
	assert_int_equal(b->n, 1);
	assert_string_equal(b->r[0].name, "hpet");
	expect_find(b, 0xe0000000, 4, NULL, 0);
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(b, 0xe0100000, 4, false, &v), MMIO_UNCLAIMED);
	assert_int_equal(pci.n, 0);
	reg_ok(b, 0xe0000000, 0x1000, &other, "other");
	free(b);
}

static void test_access_sizes(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev d = { .read_value = 0x1122334455667788 };
	reg_ok(b, 0xfed00000, 0x400, &d, "hpet");
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(b, 0xfed000f0, 8, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0x1122334455667788);
	assert_int_equal(mmio_bus_access(b, 0xfed000f4, 4, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0x55667788);
	assert_int_equal(mmio_bus_access(b, 0xfed00002, 2, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0x7788);
	assert_int_equal(mmio_bus_access(b, 0xfed003ff, 1, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0x88);
	/* The last 8 bytes, and an unaligned 8-byte access wholly inside. */
	assert_int_equal(mmio_bus_access(b, 0xfed003f8, 8, false, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(b, 0xfed00003, 8, false, &v), MMIO_CLAIMED);
	v = 0xa1b2c3d4e5f60718;
	assert_int_equal(mmio_bus_access(b, 0xfed00010, 8, true, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(b, 0xfed00010, 4, true, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(b, 0xfed00012, 2, true, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(b, 0xfed00013, 1, true, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0xa1b2c3d4e5f60718);
	assert_int_equal(d.n, 10);
	expect_access(&d, 0, 0xf0, 8, false, 0);
	expect_access(&d, 1, 0xf4, 4, false, 0);
	expect_access(&d, 2, 0x2, 2, false, 0);
	expect_access(&d, 3, 0x3ff, 1, false, 0);
	expect_access(&d, 4, 0x3f8, 8, false, 0);
	expect_access(&d, 5, 0x3, 8, false, 0);
	expect_access(&d, 6, 0x10, 8, true, 0xa1b2c3d4e5f60718);
	expect_access(&d, 7, 0x10, 4, true, 0xe5f60718);
	expect_access(&d, 8, 0x12, 2, true, 0x0718);
	expect_access(&d, 9, 0x13, 1, true, 0x18);
	free(b);
}

static void test_access_unclaimed(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev d = { 0 };
	reg_ok(b, 0xfee00000, 0x1000, &d, "lapic");
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(b, 0xfedffff8, 8, false, &v), MMIO_UNCLAIMED);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(mmio_bus_access(b, 0xfee01000, 4, false, &v), MMIO_UNCLAIMED);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(mmio_bus_access(b, 0xfee01000, 2, false, &v), MMIO_UNCLAIMED);
	assert_int_equal(v, 0xffff);
	assert_int_equal(mmio_bus_access(b, 0, 1, false, &v), MMIO_UNCLAIMED);
	assert_int_equal(v, 0xff);
	v = 0x1234;
	assert_int_equal(mmio_bus_access(b, 0xfee01000, 8, true, &v), MMIO_UNCLAIMED);
	assert_int_equal(v, 0x1234);
	assert_int_equal(d.n, 0);
	free(b);
}

static void expect_refused(struct mmio_bus *b, uint64_t gpa, unsigned size, enum mmio_result want)
{
	uint64_t v = 0x5555;
	assert_int_equal(mmio_bus_access(b, gpa, size, false, &v), want);
	assert_int_equal(v, 0x5555);
	assert_int_equal(mmio_bus_access(b, gpa, size, true, &v), want);
}

static void test_access_crossing(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev a = { 0 }, c = { 0 };
	reg_ok(b, 0x10000, 0x100, &a, "a");
	reg_ok(b, 0x10100, 0x100, &c, "c");  /* adjacent to a */
	expect_refused(b, 0x100fc, 8, MMIO_CROSSING);  /* a into c */
	expect_refused(b, 0x100ff, 2, MMIO_CROSSING);
	expect_refused(b, 0x101fe, 4, MMIO_CROSSING);  /* c into the gap */
	expect_refused(b, 0xfffe, 4, MMIO_CROSSING);   /* the gap into a */
	expect_refused(b, 0xffff, 8, MMIO_CROSSING);
	assert_int_equal(a.n, 0);
	assert_int_equal(c.n, 0);
	/* Right up to each side of the boundary is fine. */
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(b, 0x100f8, 8, false, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(b, 0x10100, 8, false, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(b, 0xfff8, 8, false, &v), MMIO_UNCLAIMED);
	assert_int_equal(mmio_bus_access(b, 0x10200, 8, false, &v), MMIO_UNCLAIMED);
	expect_access(&a, 0, 0xf8, 8, false, 0);
	expect_access(&c, 0, 0, 8, false, 0);
	free(b);
}

static void test_access_top_of_address_space(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev d = { .read_value = 0x0102030405060708 };
	/* With nothing registered a wrapping access is still refused. */
	expect_refused(b, UINT64_MAX - 3, 8, MMIO_CROSSING);
	expect_refused(b, UINT64_MAX, 2, MMIO_CROSSING);
	reg_ok(b, UINT64_MAX - 0xf, 0x10, &d, "top");
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(b, UINT64_MAX - 7, 8, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0x0102030405060708);
	assert_int_equal(mmio_bus_access(b, UINT64_MAX, 1, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0x08);
	expect_access(&d, 0, 0x8, 8, false, 0);
	expect_access(&d, 1, 0xf, 1, false, 0);
	expect_refused(b, UINT64_MAX - 3, 8, MMIO_CROSSING);
	assert_int_equal(d.n, 2);
	free(b);
}

static void test_bad_size(void **state)
{
	struct mmio_bus *b = new_bus();
	struct fake_dev d = { 0 };
	reg_ok(b, 0x10000, 0x100, &d, "a");
	const unsigned sizes[] = { 0, 3, 5, 6, 7, 16 };
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		expect_refused(b, 0x10000, sizes[i], MMIO_BAD_SIZE);
		expect_refused(b, 0x20000, sizes[i], MMIO_BAD_SIZE);
	}
	assert_int_equal(d.n, 0);
	free(b);
}

static void test_null_callbacks(void **state)
{
	struct mmio_bus *b = new_bus();
	char err[64];
	struct fake_dev d = { 0 };
	assert_int_equal(mmio_bus_register(b, 0x1000, 0x10, NULL, NULL, &d, "hole", err,
					   sizeof(err)), 0);
	uint64_t v = 0x42;
	assert_int_equal(mmio_bus_access(b, 0x1000, 8, true, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(b, 0x1000, 8, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(mmio_bus_access(b, 0x1008, 2, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0xffff);
	assert_int_equal(d.n, 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_register_adjacent_and_find),
		cmocka_unit_test(test_register_overlap_refused),
		cmocka_unit_test(test_register_bad_regions),
		cmocka_unit_test(test_register_full),
		cmocka_unit_test(test_unregister),
		cmocka_unit_test(test_access_sizes),
		cmocka_unit_test(test_access_unclaimed),
		cmocka_unit_test(test_access_crossing),
		cmocka_unit_test(test_access_top_of_address_space),
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_null_callbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
