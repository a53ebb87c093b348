/* PCI configuration mechanism #1 and the host bridge (see pci_host.h). */
#include "hv/vdev/pci_host.h"
#include "hv/format.h"

/* CONFIG_ADDRESS: bits 30:24 are reserved and 1:0 are hardwired, all
 * reading 0 (§3.2.2.3.2). */
#define ADDRESS_WRITABLE 0x80fffffcu

static uint32_t lanes(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* The host bridge's header (PCI 3.0 §6.1): IDs, command, class and revision;
 * status, header type (0, one function), BARs and the rest all read 0. */
static uint32_t bridge_dword(const struct pci_host *h, unsigned reg)
{
	switch (reg) {
	case 0x00:
		return PCI_HOST_VENDOR | (uint32_t)PCI_HOST_DEVICE << 16;
	case 0x04:
		return h->s.bridge_command;
	case 0x08:
		return PCI_HOST_CLASS << 8 | PCI_HOST_REVISION;
	default:
		return 0;
	}
}

static uint32_t bridge_read(void *ctx, unsigned offset, unsigned size)
{
	return bridge_dword(ctx, offset & ~3u) >> (8 * (offset & 3)) & lanes(size);
}

/* Only the command register has writable bits; a write to anything else,
 * status included (it has no error bits set to clear), is ignored. */
static void bridge_write(void *ctx, unsigned offset, unsigned size, uint32_t value)
{
	struct pci_host *h = ctx;
	unsigned shift = 8 * (offset & 3);
	uint32_t m = lanes(size) << shift & PCI_HOST_COMMAND_WRITABLE;

	if ((offset & ~3u) != 0x04)
		return;
	h->s.bridge_command = (uint16_t)((h->s.bridge_command & ~m) | (value << shift & m));
}

static const struct pci_function *find(const struct pci_host *h, unsigned bus, unsigned dev, unsigned fn)
{
	for (unsigned i = 0; i < h->n; i++)
		if (h->fns[i].bus == bus && h->fns[i].dev == dev && h->fns[i].fn == fn)
			return &h->fns[i];
	return NULL;
}

/* The function CONFIG_ADDRESS selects, or NULL when the enable bit is clear
 * or nothing answers (a master abort: reads all ones, writes vanish). */
static const struct pci_function *selected(const struct pci_host *h)
{
	uint32_t a = h->s.address;

	if (!(a & PCI_ADDR_ENABLE))
		return NULL;
	return find(h, a >> 16 & 0xff, a >> 11 & 0x1f, a >> 8 & 7);
}

static uint32_t address_read(void *dev, uint16_t port, unsigned size)
{
	struct pci_host *h = dev;
	uint32_t v = 0;

	if (size == 4)
		return h->s.address;
	for (unsigned i = 0; i < size; i++) {
		uint32_t b = h->passthrough.read ? h->passthrough.read(h->passthrough.dev, (uint16_t)(port + i), 1)
						 : 0xff;
		v |= (b & 0xff) << (8 * i);
	}
	return v;
}

static void address_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct pci_host *h = dev;

	if (size == 4) {
		h->s.address = value & ADDRESS_WRITABLE;
		return;
	}
	for (unsigned i = 0; i < size && h->passthrough.write; i++)
		h->passthrough.write(h->passthrough.dev, (uint16_t)(port + i), 1, value >> (8 * i) & 0xff);
}

/* The low bits of the data port pick the byte in the dword CONFIG_ADDRESS
 * selects, so a byte at 0xCFE reads register offset + 2. */
static uint32_t data_read(void *dev, uint16_t port, unsigned size)
{
	struct pci_host *h = dev;
	const struct pci_function *f = selected(h);

	if (!f)
		return lanes(size);
	return f->read(f->ctx, (h->s.address & 0xfc) + (port & 3u), size) & lanes(size);
}

static void data_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct pci_host *h = dev;
	const struct pci_function *f = selected(h);

	if (f)
		f->write(f->ctx, (h->s.address & 0xfc) + (port & 3u), size, value & lanes(size));
}

int pci_host_register(struct pci_host *h, unsigned bus, unsigned dev, unsigned fn, pci_cfg_read_fn read,
		      pci_cfg_write_fn write, void *ctx, char *err, size_t errlen)
{
	const char *why = NULL;

	if (bus > 0xff || dev > 0x1f || fn > 7)
		why = "out of range";
	else if (find(h, bus, dev, fn))
		why = "already taken";
	else if (h->n == PCI_MAX_FUNCTIONS)
		why = "no room (PCI_MAX_FUNCTIONS)";
	if (why) {
		if (errlen)
			fmt_snprintf(err, errlen, "pci %02x:%02x.%x: %s", bus, dev, fn, why);
		return -1;
	}
	h->fns[h->n++] = (struct pci_function){(uint8_t)bus, (uint8_t)dev, (uint8_t)fn, read, write, ctx};
	return 0;
}

int pci_host_attach(struct pci_host *h, struct port_bus *bus, const struct pci_io_passthrough *passthrough,
		    char *err, size_t errlen)
{
	*h = (struct pci_host){.s = {.bridge_command = PCI_HOST_COMMAND_FIXED}};
	if (passthrough)
		h->passthrough = *passthrough;
	if (pci_host_register(h, 0, 0, 0, bridge_read, bridge_write, h, err, errlen) ||
	    port_bus_register(bus, PCI_PORT_ADDRESS, 4, address_read, address_write, h, "pci-address", err,
			      errlen) ||
	    port_bus_register(bus, PCI_PORT_DATA, 4, data_read, data_write, h, "pci-data", err, errlen))
		return -1;
	return 0;
}

void pci_host_save(const struct pci_host *h, struct pci_host_state *out)
{
	*out = h->s;
}

void pci_host_load(struct pci_host *h, const struct pci_host_state *in)
{
	h->s = *in;
}
