/* The PC's reset sources in one model: the reset control register at 0xCF9,
 * the keyboard controller's pulse-reset command (0xFE to port 0x64) and the
 * fast reset bit of system control port A (0x92). Each reset calls one hook. */
#ifndef HV_VDEV_RESET_H
#define HV_VDEV_RESET_H

#include "hv/iobus.h"

#define RESET_PORT_KBC_DATA 0x60
#define RESET_PORT_KBC_CMD 0x64
#define RESET_PORT_SYSCTL_A 0x92
#define RESET_PORT_CF9 0xcf9

/* Reset control (0xCF9) as Intel's PIIX4 and ICH south bridges define it. */
#define RESET_CF9_SYS_RST 0x02  /* the next reset is hard (1) or soft (0) */
#define RESET_CF9_RST_CPU 0x04  /* writing 1 resets; reads 0 */
#define RESET_CF9_FULL_RST 0x08 /* a power cycle: a hard reset for a domain */
/* The 8042's status register: output and input buffers empty, system flag
 * set (the self-test passed). With nothing ever in the output buffer, a
 * driver's probe times out rather than hangs. */
#define RESET_KBC_STATUS 0x04
#define RESET_KBC_PULSE_RESET 0xfe
#define RESET_SYSCTL_A_FAST_RESET 0x01
#define RESET_SYSCTL_A_A20 0x02

/* The source names the hook receives. */
#define RESET_SRC_CF9_HARD "cf9-hard"
#define RESET_SRC_CF9_SOFT "cf9-soft"
#define RESET_SRC_KBC "kbc-pulse"
#define RESET_SRC_SYSCTL_A "port92-fast"

struct reset_hooks {
	void (*reset)(void *ctx, const char *source);
	void *ctx;
};

/* The save/load unit. */
struct reset_state {
	uint8_t cf9;
	uint8_t sysctl_a;
};

struct reset {
	struct reset_hooks hooks;
	struct reset_state s;
};

/* Claims 0x60, 0x64 and 0x92. 0xCF9 sits inside PCI's CONFIG_ADDRESS dword,
 * so it is reached through pci_host's passthrough with reset_cf9_read and
 * reset_cf9_write (dev = the struct reset), or registered with them directly
 * by a domain without PCI. */
int reset_attach(struct reset *r, struct port_bus *bus, const struct reset_hooks *hooks, char *err,
		 size_t errlen);
/* Port functions for 0xCF9; any other port reads all ones and drops writes. */
uint32_t reset_cf9_read(void *dev, uint16_t port, unsigned size);
void reset_cf9_write(void *dev, uint16_t port, unsigned size, uint32_t value);
void reset_save(const struct reset *r, struct reset_state *out);
void reset_load(struct reset *r, const struct reset_state *in);

#endif
