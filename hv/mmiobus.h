/* The per-domain MMIO bus: devices register guest-physical regions and the
 * guest's accesses to them reach them through it. Pure logic, unit-tested. */
#ifndef HV_MMIOBUS_H
#define HV_MMIOBUS_H

#include "hv/types.h"

/* Regions are few (local APIC, I/O APIC, HPET, PCI BARs): 32 is ample. */
#define MMIO_BUS_MAX 32

/* offset is from the region's base; size is 1, 2, 4 or 8. A read returns the
 * value in the low size bytes (higher bits are dropped). */
typedef uint64_t (*mmio_read_fn)(void *dev, uint64_t offset, unsigned size);
typedef void (*mmio_write_fn)(void *dev, uint64_t offset, unsigned size, uint64_t value);

/* Guest-physical base .. base + size - 1. A NULL read reads all ones and a
 * NULL write is dropped: the region is still claimed. */
struct mmio_region {
	uint64_t base;
	uint64_t size;
	mmio_read_fn read;
	mmio_write_fn write;
	void *dev;
	const char *name;
};

/* Registration happens while the domain is built; the callbacks must not
 * register or unregister. */
struct mmio_bus {
	struct mmio_region r[MMIO_BUS_MAX]; /* r[0 .. n), in registration order */
	unsigned n;
};

/* A region holding a whole access and the access's offset into it. */
struct mmio_hit {
	const struct mmio_region *region; /* NULL: no region holds all of it */
	uint64_t offset;
};

enum mmio_result {
	MMIO_CLAIMED,   /* the region's device served it */
	MMIO_UNCLAIMED, /* no region has any of its bytes: reads all ones */
	MMIO_CROSSING,  /* partly in a region, or wrapping past 2^64: not served */
	MMIO_BAD_SIZE,  /* not 1, 2, 4 or 8 bytes: not served */
};

void mmio_bus_init(struct mmio_bus *bus);

/* Claim size bytes of guest-physical space from base for dev; name (kept, not
 * copied) identifies it in messages. Returns 0, or -1 with the reason in err
 * (NUL-terminated when errlen > 0; err may be NULL when errlen is 0): an empty
 * region, one past the top of the address space, an overlap with a registered
 * region (both named), or a full bus. */
int mmio_bus_register(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_read_fn read,
		      mmio_write_fn write, void *dev, const char *name, char *err, size_t errlen);

/* Remove every region dev registered. */
void mmio_bus_unregister_dev(struct mmio_bus *bus, void *dev);

/* The region holding all of [gpa, gpa + len), if one does (len 0 never). */
struct mmio_hit mmio_bus_find(const struct mmio_bus *bus, uint64_t gpa, uint64_t len);

/* A guest access of size bytes at gpa; *value is the value written, or
 * receives the value read (zero-extended from size bytes). Only an access
 * wholly inside one region reaches a device. Unlike ports, one that crosses a
 * region's end is not split: no correct guest does that, and serving part of
 * it would hide the fault, so the caller ends the domain as bad-access. On
 * MMIO_CROSSING and MMIO_BAD_SIZE no device is called and *value is unchanged. */
enum mmio_result mmio_bus_access(struct mmio_bus *bus, uint64_t gpa, unsigned size, bool write,
				 uint64_t *value);

#endif
