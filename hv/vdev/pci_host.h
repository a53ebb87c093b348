/* PCI configuration mechanism #1 (PCI Local Bus spec 3.0 §3.2.2.3.2):
 * CONFIG_ADDRESS at 0xCF8 and CONFIG_DATA at 0xCFC-0xCFF, a host bridge at
 * 00:00.0 with an i440FX's IDs, and functions other models register. */
#ifndef HV_VDEV_PCI_HOST_H
#define HV_VDEV_PCI_HOST_H

#include "hv/iobus.h"

#define PCI_PORT_ADDRESS 0xcf8
#define PCI_PORT_DATA 0xcfc
#define PCI_ADDR_ENABLE 0x80000000u
#define PCI_MAX_FUNCTIONS 32

#define PCI_HOST_VENDOR 0x8086 /* Intel */
#define PCI_HOST_DEVICE 0x1237 /* 82441FX (i440FX) PCI and memory controller */
#define PCI_HOST_REVISION 0x02
#define PCI_HOST_CLASS 0x060000u /* bridge, host bridge, programming interface 0 */
/* Command register (PCI 3.0 §6.2.2): memory space and bus master are always
 * on for a host bridge; parity error response and SERR# enable are the
 * guest's to set; every other bit is hardwired to 0. */
#define PCI_HOST_COMMAND_FIXED 0x0006u
#define PCI_HOST_COMMAND_WRITABLE 0x0140u

/* A function's configuration space: offset is 0-255 and the access stays in
 * one dword (offset % 4 + size <= 4, size 1, 2 or 4). The function decides
 * which of its fields are writable. */
typedef uint32_t (*pci_cfg_read_fn)(void *ctx, unsigned offset, unsigned size);
typedef void (*pci_cfg_write_fn)(void *ctx, unsigned offset, unsigned size, uint32_t value);

struct pci_function {
	uint8_t bus, dev, fn;
	pci_cfg_read_fn read;
	pci_cfg_write_fn write;
	void *ctx;
};

/* Only full-dword accesses reach CONFIG_ADDRESS; any other access to
 * 0xCF8-0xCFB is an ordinary I/O cycle (§3.2.2.3.2), which on a PC is where
 * the reset control register at 0xCF9 lives. Those go, a byte at a time, to
 * this handler (NULL members: reads all ones, writes dropped). */
struct pci_io_passthrough {
	port_read_fn read;
	port_write_fn write;
	void *dev;
};

/* The save/load unit; registered functions save their own state. */
struct pci_host_state {
	uint32_t address;
	uint16_t bridge_command;
};

struct pci_host {
	struct pci_function fns[PCI_MAX_FUNCTIONS]; /* [0] is the host bridge */
	unsigned n;
	struct pci_io_passthrough passthrough;
	struct pci_host_state s;
};

/* Claims 0xCF8-0xCFB and 0xCFC-0xCFF and puts the host bridge at 00:00.0.
 * passthrough may be NULL. */
int pci_host_attach(struct pci_host *h, struct port_bus *bus, const struct pci_io_passthrough *passthrough,
		    char *err, size_t errlen);
/* Adds bus:dev.fn (dev < 32, fn < 8). Returns 0, or -1 with the reason in err
 * (taken, out of range, or table full). */
int pci_host_register(struct pci_host *h, unsigned bus, unsigned dev, unsigned fn, pci_cfg_read_fn read,
		      pci_cfg_write_fn write, void *ctx, char *err, size_t errlen);
void pci_host_save(const struct pci_host *h, struct pci_host_state *out);
void pci_host_load(struct pci_host *h, const struct pci_host_state *in);

#endif
