/* The MMIO test device (see test_mmio.h). */
#include "hv/vdev/test_mmio.h"

static uint64_t width_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t test_mmio_read(void *dev, uint64_t offset, unsigned size)
{
	struct test_mmio *t = dev;
	uint64_t value;

	t->accesses++;
	if (offset >= TEST_MMIO_REG_SCRATCH && offset < TEST_MMIO_REG_COUNT)
		value = t->scratch >> (8 * (offset - TEST_MMIO_REG_SCRATCH));
	else if (offset == TEST_MMIO_REG_ID)
		value = TEST_MMIO_ID;
	else if (offset == TEST_MMIO_REG_COUNT)
		value = t->accesses;
	else
		value = ~0ull;
	return value & width_mask(size);
}

static void test_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
	struct test_mmio *t = dev;

	t->accesses++;
	if (offset < TEST_MMIO_REG_SCRATCH || offset >= TEST_MMIO_REG_COUNT)
		return; /* read-only or unused: writes are dropped */
	unsigned shift = (unsigned)(8 * (offset - TEST_MMIO_REG_SCRATCH));
	uint64_t mask = width_mask(size) << shift;
	t->scratch = (t->scratch & ~mask) | ((value << shift) & mask);
}

int test_mmio_attach(struct test_mmio *t, struct mmio_bus *bus, char *err, size_t errlen)
{
	*t = (struct test_mmio){0};
	return mmio_bus_register(bus, TEST_MMIO_BASE, TEST_MMIO_SIZE, test_mmio_read, test_mmio_write, t,
				 "test-mmio", err, errlen);
}
