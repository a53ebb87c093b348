/* The reset sources (see reset.h). A reset the hook does not end the domain
 * for leaves the triggering bit clear, so the next request resets again. */
#include "hv/vdev/reset.h"

#define CF9_BITS (RESET_CF9_SYS_RST | RESET_CF9_RST_CPU | RESET_CF9_FULL_RST)

uint32_t reset_cf9_read(void *dev, uint16_t port, unsigned size)
{
	const struct reset *r = dev;
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (port + i == RESET_PORT_CF9 ? r->s.cf9 : 0xffu) << (8 * i);
	return v;
}

/* Linux writes SYS_RST, then SYS_RST | RST_CPU (0x02, 0x06): RST_CPU going
 * to 1 resets, hard as SYS_RST or FULL_RST says. The reset is over when the
 * write returns, so RST_CPU reads 0 again and the next write of it resets. */
void reset_cf9_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct reset *r = dev;

	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(value >> (8 * i)) & CF9_BITS;

		if (port + i != RESET_PORT_CF9)
			continue;
		r->s.cf9 = b & (uint8_t)~RESET_CF9_RST_CPU;
		if (b & RESET_CF9_RST_CPU)
			r->hooks.reset(r->hooks.ctx, b & (RESET_CF9_SYS_RST | RESET_CF9_FULL_RST)
							     ? RESET_SRC_CF9_HARD
							     : RESET_SRC_CF9_SOFT);
	}
}

/* Port 0x60 reads 0 and takes nothing; port 0x64 reads the status above. */
static uint32_t kbc_read(void *dev, uint16_t port, unsigned size)
{
	return port == RESET_PORT_KBC_CMD ? RESET_KBC_STATUS : 0;
}

/* Of the 8042's commands only the pulse of the reset line matters here. */
static void kbc_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct reset *r = dev;

	if (port == RESET_PORT_KBC_CMD && (uint8_t)value == RESET_KBC_PULSE_RESET)
		r->hooks.reset(r->hooks.ctx, RESET_SRC_KBC);
}

static uint32_t sysctl_a_read(void *dev, uint16_t port, unsigned size)
{
	const struct reset *r = dev;
	return r->s.sysctl_a;
}

/* The A20 bit is kept for reading back: EPT maps guest memory without an
 * A20 mask, so it changes nothing. Fast reset is a write of 1 to bit 0. */
static void sysctl_a_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct reset *r = dev;

	r->s.sysctl_a = (uint8_t)(value & RESET_SYSCTL_A_A20);
	if (value & RESET_SYSCTL_A_FAST_RESET)
		r->hooks.reset(r->hooks.ctx, RESET_SRC_SYSCTL_A);
}

/* Domains start with A20 on, as firmware leaves it. */
int reset_attach(struct reset *r, struct port_bus *bus, const struct reset_hooks *hooks, char *err,
		 size_t errlen)
{
	*r = (struct reset){.hooks = *hooks, .s = {.sysctl_a = RESET_SYSCTL_A_A20}};
	if (port_bus_register(bus, RESET_PORT_KBC_DATA, 1, kbc_read, kbc_write, r, "kbc-data", err, errlen) ||
	    port_bus_register(bus, RESET_PORT_KBC_CMD, 1, kbc_read, kbc_write, r, "kbc-cmd", err, errlen) ||
	    port_bus_register(bus, RESET_PORT_SYSCTL_A, 1, sysctl_a_read, sysctl_a_write, r, "sysctl-a", err,
			      errlen))
		return -1;
	return 0;
}

void reset_save(const struct reset *r, struct reset_state *out)
{
	*out = r->s;
}

void reset_load(struct reset *r, const struct reset_state *in)
{
	r->s = *in;
}
