/* The two ways in to the LAPIC registers: the xAPIC MMIO page (SDM 3A
 * 11.4.1) and the x2APIC MSRs (11.12.1.2), each with its own error rule. */
#include "hv/vdev/lapic_internal.h"

/* In x2APIC mode the page behaves as for a globally disabled xAPIC
 * (11.12.1.2): nothing answers there. */
static bool page_live(const struct lapic *l)
{
	return vlapic_hw_enabled(l) && !lapic_x2apic_mode(l);
}

static uint64_t lapic_mmio_read(void *dev, uint64_t offset, unsigned size)
{
	struct lapic *l = dev;
	unsigned byte = offset & 0xf;
	uint64_t v = 0;

	if (!page_live(l))
		return ~0ull;
	/* Registers are 32 bits at 16-byte strides; the other 12 bytes of a
	 * slot read 0. An unimplemented register is an ESR error (11.5.3). */
	if (vlapic_reg_get(l, (unsigned)(offset >> 4), false, &v) == LAPIC_ACC_ABSENT) {
		vlapic_error(l, LAPIC_ESR_ILLEGAL_REG);
		return 0;
	}
	return byte < 4 ? (uint32_t)v >> (8 * byte) : 0;
}

/* 11.4.1: only aligned 32-bit stores are architectural; others are dropped. */
static void lapic_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
	struct lapic *l = dev;

	if (!page_live(l) || size != 4 || (offset & 0xf))
		return;
	if (vlapic_reg_set(l, (unsigned)(offset >> 4), false, (uint32_t)value) == LAPIC_ACC_ABSENT)
		vlapic_error(l, LAPIC_ESR_ILLEGAL_REG);
}

int lapic_mmio_attach(struct lapic *l, struct mmio_bus *bus, char *err, size_t errlen)
{
	return mmio_bus_register(bus, LAPIC_MMIO_BASE, LAPIC_MMIO_SIZE, lapic_mmio_read,
				 lapic_mmio_write, l, "lapic", err, errlen);
}

/* Outside x2APIC mode the MSRs raise #GP (the MSR policy checks it first);
 * absent, reserved-bit, read-only and write-only accesses all do. */
enum lapic_msr_result lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value)
{
	uint64_t v = 0;

	*value = 0;
	if (!lapic_x2apic_mode(l) || msr < LAPIC_MSR_FIRST || msr > LAPIC_MSR_LAST)
		return LAPIC_MSR_GP;
	if (vlapic_reg_get(l, msr - LAPIC_MSR_FIRST, true, &v) != LAPIC_ACC_OK)
		return LAPIC_MSR_GP;
	*value = v;
	return LAPIC_MSR_OK;
}

enum lapic_msr_result lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t value)
{
	if (!lapic_x2apic_mode(l) || msr < LAPIC_MSR_FIRST || msr > LAPIC_MSR_LAST)
		return LAPIC_MSR_GP;
	if (vlapic_reg_set(l, msr - LAPIC_MSR_FIRST, true, value) != LAPIC_ACC_OK)
		return LAPIC_MSR_GP;
	return LAPIC_MSR_OK;
}
