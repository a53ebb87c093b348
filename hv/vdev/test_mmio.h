/* A small MMIO test device every domain gets, so the MMIO path (EPT
 * violation, instruction fetch through the guest's paging, MOV decode, the
 * MMIO bus) can be exercised and measured before real devices exist:
 *   base + 0x0  ID, read-only: 0x4d4d5648 ("HVMM")
 *   base + 0x8  scratch: any width, reads back what was written
 *   base + 0x10 access counter, read-only */
#ifndef HV_VDEV_TEST_MMIO_H
#define HV_VDEV_TEST_MMIO_H

#include "hv/mmiobus.h"

#define TEST_MMIO_BASE 0xfeb00000ull
#define TEST_MMIO_SIZE 0x1000
#define TEST_MMIO_ID 0x4d4d5648u
#define TEST_MMIO_REG_ID 0x0
#define TEST_MMIO_REG_SCRATCH 0x8
#define TEST_MMIO_REG_COUNT 0x10

struct test_mmio {
	uint64_t scratch;
	uint64_t accesses;
};

int test_mmio_attach(struct test_mmio *t, struct mmio_bus *bus, char *err, size_t errlen);

#endif
