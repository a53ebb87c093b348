/* The per-domain I/O port bus: registration rules, routing of port accesses
 * (split into bytes across range ends) and the once-per-port report. */
#include "hv/iobus.h"
#include "hv/format.h"
#include "hv/string.h"

void port_bus_init(struct port_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

static unsigned range_last(const struct port_range *r)
{
	return (unsigned)r->base + r->count - 1;
}

int port_bus_register(struct port_bus *bus, uint16_t base, uint16_t count, port_read_fn read,
		      port_write_fn write, void *dev, const char *name, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (!count) {
		fmt_snprintf(err, errlen, "%s: no ports at %#x (count 0)", name, (unsigned)base);
		return -1;
	}
	unsigned last = (unsigned)base + count - 1;
	if (last > 0xffff) {
		fmt_snprintf(err, errlen, "%s: ports %#x+%u run past 0xffff", name, (unsigned)base,
			     (unsigned)count);
		return -1;
	}
	for (unsigned i = 0; i < bus->n; i++) {
		const struct port_range *r = &bus->r[i];
		if (base <= range_last(r) && r->base <= last) {
			fmt_snprintf(err, errlen, "%s: ports %#x-%#x overlap %s at %#x-%#x", name,
				     (unsigned)base, last, r->name, (unsigned)r->base, range_last(r));
			return -1;
		}
	}
	if (bus->n == PORT_BUS_MAX) {
		fmt_snprintf(err, errlen, "%s: port bus full (%u ranges)", name, PORT_BUS_MAX);
		return -1;
	}
	bus->r[bus->n++] = (struct port_range){
		.base = base, .count = count, .read = read, .write = write, .dev = dev, .name = name,
	};
	return 0;
}

void port_bus_unregister_dev(struct port_bus *bus, void *dev)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < bus->n; i++)
		if (bus->r[i].dev != dev)
			bus->r[kept++] = bus->r[i];
	bus->n = kept;
}

const struct port_range *port_bus_find(const struct port_bus *bus, uint16_t port)
{
	for (unsigned i = 0; i < bus->n; i++) {
		const struct port_range *r = &bus->r[i];
		if (port >= r->base && port <= range_last(r))
			return r;
	}
	return NULL;
}

static uint32_t size_mask(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static uint32_t range_read(const struct port_range *r, uint16_t port, unsigned size)
{
	return (r->read ? r->read(r->dev, port, size) : 0xffffffffu) & size_mask(size);
}

static void range_write(const struct port_range *r, uint16_t port, unsigned size, uint32_t value)
{
	if (r->write)
		r->write(r->dev, port, size, value & size_mask(size));
}

/* Byte i of the access goes to whoever owns port + i; ports from 0x10000 on
 * (a word or dword at the top of the space) belong to nobody. */
static enum port_result split_access(struct port_bus *bus, uint16_t port, unsigned size,
				     bool write, uint32_t *value)
{
	enum port_result res = PORT_UNCLAIMED;
	uint32_t in = 0;
	for (unsigned i = 0; i < size; i++) {
		unsigned p = (unsigned)port + i;
		const struct port_range *r = p <= 0xffff ? port_bus_find(bus, (uint16_t)p) : NULL;
		uint32_t byte = 0xff;
		if (r) {
			res = PORT_CLAIMED;
			if (write)
				range_write(r, (uint16_t)p, 1, *value >> (8 * i));
			else
				byte = range_read(r, (uint16_t)p, 1);
		}
		in |= byte << (8 * i);
	}
	if (!write)
		*value = in;
	return res;
}

enum port_result port_bus_access(struct port_bus *bus, uint16_t port, unsigned size, bool write,
				 uint32_t *value)
{
	if (size != 1 && size != 2 && size != 4) {
		if (!write)
			*value = 0xffffffffu;
		return PORT_UNCLAIMED;
	}
	const struct port_range *r = port_bus_find(bus, port);
	if (r && (unsigned)port + size - 1 <= range_last(r)) {
		if (write)
			range_write(r, port, size, *value);
		else
			*value = range_read(r, port, size);
		return PORT_CLAIMED;
	}
	return split_access(bus, port, size, write, value);
}

bool port_bus_first_unclaimed(struct port_bus *bus, uint16_t port)
{
	uint8_t bit = (uint8_t)(1u << (port % 8));
	if (port_bus_find(bus, port) || (bus->reported[port / 8] & bit))
		return false;
	bus->reported[port / 8] |= bit;
	return true;
}
