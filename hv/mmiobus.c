/* The per-domain MMIO bus: registration rules, lookup of the region holding
 * an access, and routing of accesses that lie wholly inside one. */
#include "hv/mmiobus.h"
#include "hv/format.h"
#include "hv/string.h"

void mmio_bus_init(struct mmio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

/* Inclusive ends: a region may end at the last byte of the address space,
 * where an exclusive end would wrap to 0. */
static uint64_t region_last(const struct mmio_region *r)
{
	return r->base + (r->size - 1);
}

int mmio_bus_register(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_read_fn read,
		      mmio_write_fn write, void *dev, const char *name, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (!size) {
		fmt_snprintf(err, errlen, "%s: empty MMIO region at %#lx", name, base);
		return -1;
	}
	if (size - 1 > UINT64_MAX - base) {
		fmt_snprintf(err, errlen, "%s: MMIO %#lx+%#lx runs past the top of the address space",
			     name, base, size);
		return -1;
	}
	uint64_t last = base + (size - 1);
	for (unsigned i = 0; i < bus->n; i++) {
		const struct mmio_region *r = &bus->r[i];
		if (base <= region_last(r) && r->base <= last) {
			fmt_snprintf(err, errlen, "%s: MMIO %#lx-%#lx overlaps %s at %#lx-%#lx", name,
				     base, last, r->name, r->base, region_last(r));
			return -1;
		}
	}
	if (bus->n == MMIO_BUS_MAX) {
		fmt_snprintf(err, errlen, "%s: MMIO bus full (%u regions)", name, MMIO_BUS_MAX);
		return -1;
	}
	bus->r[bus->n++] = (struct mmio_region){
		.base = base, .size = size, .read = read, .write = write, .dev = dev, .name = name,
	};
	return 0;
}

void mmio_bus_unregister_dev(struct mmio_bus *bus, void *dev)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < bus->n; i++)
		if (bus->r[i].dev != dev)
			bus->r[kept++] = bus->r[i];
	bus->n = kept;
}

/* The first region sharing a byte with [gpa, last], or NULL. */
static const struct mmio_region *find_overlap(const struct mmio_bus *bus, uint64_t gpa,
					      uint64_t last)
{
	for (unsigned i = 0; i < bus->n; i++) {
		const struct mmio_region *r = &bus->r[i];
		if (gpa <= region_last(r) && r->base <= last)
			return r;
	}
	return NULL;
}

struct mmio_hit mmio_bus_find(const struct mmio_bus *bus, uint64_t gpa, uint64_t len)
{
	struct mmio_hit hit = { NULL, 0 };
	if (!len || len - 1 > UINT64_MAX - gpa)
		return hit;
	uint64_t last = gpa + (len - 1);
	const struct mmio_region *r = find_overlap(bus, gpa, last);
	if (r && gpa >= r->base && last <= region_last(r)) {
		hit.region = r;
		hit.offset = gpa - r->base;
	}
	return hit;
}

static uint64_t size_mask(unsigned size)
{
	return size == 8 ? UINT64_MAX : ((uint64_t)1 << (8 * size)) - 1;
}

enum mmio_result mmio_bus_access(struct mmio_bus *bus, uint64_t gpa, unsigned size, bool write,
				 uint64_t *value)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return MMIO_BAD_SIZE;
	if (size - 1 > UINT64_MAX - gpa)
		return MMIO_CROSSING;
	struct mmio_hit hit = mmio_bus_find(bus, gpa, size);
	const struct mmio_region *r = hit.region;
	if (!r) {
		if (find_overlap(bus, gpa, gpa + (size - 1)))
			return MMIO_CROSSING;
		if (!write)
			*value = size_mask(size);
		return MMIO_UNCLAIMED;
	}
	if (write) {
		if (r->write)
			r->write(r->dev, hit.offset, size, *value & size_mask(size));
	} else {
		*value = (r->read ? r->read(r->dev, hit.offset, size) : UINT64_MAX) & size_mask(size);
	}
	return MMIO_CLAIMED;
}
