/* The per-domain I/O port bus: devices register port ranges and the guest's
 * IN/OUT accesses reach them through it. Pure logic, unit-tested on the host. */
#ifndef HV_IOBUS_H
#define HV_IOBUS_H

#include "hv/types.h"

/* A PC's legacy devices (PICs, PIT, RTC, four UARTs, PCI configuration, the
 * ACPI blocks) take about twenty ranges; 64 leaves room for the rest. */
#define PORT_BUS_MAX 64
#define PORT_BUS_PORTS 65536

/* port is the port accessed, not an offset into the range; size is 1, 2 or 4.
 * A read returns the value in the low size bytes (higher bits are dropped). */
typedef uint32_t (*port_read_fn)(void *dev, uint16_t port, unsigned size);
typedef void (*port_write_fn)(void *dev, uint16_t port, unsigned size, uint32_t value);

/* Ports base .. base + count - 1. A NULL read reads all ones and a NULL write
 * is dropped: the range is still claimed, as for a write-only register. */
struct port_range {
	uint16_t base;
	uint16_t count;
	port_read_fn read;
	port_write_fn write;
	void *dev;
	const char *name;
};

/* Registration happens while the domain is built; the callbacks must not
 * register or unregister. 8 KiB: the bitmap has one bit per port. */
struct port_bus {
	struct port_range r[PORT_BUS_MAX]; /* r[0 .. n), in registration order */
	unsigned n;
	uint8_t reported[PORT_BUS_PORTS / 8]; /* unclaimed ports already reported */
};

enum port_result { PORT_CLAIMED, PORT_UNCLAIMED };

void port_bus_init(struct port_bus *bus);

/* Claim count ports from base for dev; name (kept, not copied) identifies it
 * in messages. Returns 0, or -1 with the reason in err (NUL-terminated when
 * errlen > 0; err may be NULL when errlen is 0): no ports, a range past 0xffff,
 * an overlap with a registered range (both named), or a full bus. */
int port_bus_register(struct port_bus *bus, uint16_t base, uint16_t count, port_read_fn read,
		      port_write_fn write, void *dev, const char *name, char *err, size_t errlen);

/* Remove every range dev registered. */
void port_bus_unregister_dev(struct port_bus *bus, void *dev);

/* The range holding port, or NULL. */
const struct port_range *port_bus_find(const struct port_bus *bus, uint16_t port);

/* A guest access of size 1, 2 or 4 bytes at port; *value is the value written,
 * or receives the value read (zero-extended from size bytes).
 * An access inside one range is one call to its device. One that is not (it
 * runs past the end of a range into a gap, another range or past port 0xffff)
 * is split into byte accesses, each going to the device owning that port, as
 * byte lanes do on a PC's bus; a byte no device owns reads 0xff and drops
 * writes. PORT_CLAIMED when a device received at least one byte; otherwise
 * PORT_UNCLAIMED, a read then giving all ones. Any other size is unclaimed
 * and reads 0xffffffff. */
enum port_result port_bus_access(struct port_bus *bus, uint16_t port, unsigned size, bool write,
				 uint32_t *value);

/* True the first time it is asked about port while no device claims it, so
 * the caller logs each unclaimed port once however often the guest tries it. */
bool port_bus_first_unclaimed(struct port_bus *bus, uint16_t port);

#endif
