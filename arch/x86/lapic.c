/* Host LAPIC access for both modes (see lapic.h). */
#include "arch/x86/lapic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "hv/log.h"

#define APIC_BASE_BSP (1u << 8)
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull
#define SVR_ENABLE (1u << 8)

static bool x2apic_mode;
static volatile uint32_t *xapic_mmio; /* identity-mapped, uncached */
static bool initialized;

bool lapic_is_x2apic(void)
{
	return x2apic_mode;
}

bool lapic_ready(void)
{
	return initialized;
}

uint32_t lapic_read(uint32_t reg)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return xapic_mmio[reg / 4];
}

void lapic_write(uint32_t reg, uint32_t val)
{
	if (x2apic_mode)
		wrmsr(0x800 + (reg >> 4), val);
	else
		xapic_mmio[reg / 4] = val;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(0x802);
	return xapic_mmio[LAPIC_ID / 4] >> 24;
}

void lapic_init_cpu(bool boot_cpu)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	if (boot_cpu) {
		/* Keep x2APIC if the firmware handed it over (leaving it needs
		 * EN=0); otherwise take it when the CPU offers it. */
		x2apic_mode = (base & APIC_BASE_EXTD) || (cpuid(1).ecx & CPUID1_ECX_X2APIC);
		xapic_mmio = (volatile uint32_t *)(base & APIC_BASE_ADDR_MASK);
	}
	/* EN first, then EXTD: the architectural order (SDM 3A 11.12.5); both
	 * writes keep EN set. */
	if (!(base & APIC_BASE_EN)) {
		base |= APIC_BASE_EN;
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	if (x2apic_mode && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);

	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VECTOR_TIMER);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	/* Writing ESR latches and clears earlier errors (SDM 3A 11.5.3). */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi();
	initialized = true;
}

static bool xapic_wait_idle(void)
{
	for (int spins = 0; spins < 1000000; spins++) {
		if (!(xapic_mmio[LAPIC_ICR / 4] & ICR_BUSY))
			return true;
		cpu_relax();
	}
	return false;
}

bool lapic_send_ipi(uint32_t dest, uint32_t icr_low)
{
	if (x2apic_mode) {
		wrmsr(0x830, ((uint64_t)dest << 32) | icr_low);
		return true;
	}
	if (dest > 0xfe)
		return false;
	uint64_t flags = irq_save();
	bool ok = xapic_wait_idle();
	if (ok) {
		xapic_mmio[LAPIC_ICR_HI / 4] = dest << 24;
		xapic_mmio[LAPIC_ICR / 4] = icr_low;
		ok = xapic_wait_idle();
	}
	irq_restore(flags);
	return ok;
}

void lapic_send_ipi_all_but_self(uint32_t icr_low)
{
	if (x2apic_mode) {
		wrmsr(0x830, icr_low | ICR_DEST_ALL_BUT_SELF);
		return;
	}
	if (xapic_wait_idle())
		xapic_mmio[LAPIC_ICR / 4] = icr_low | ICR_DEST_ALL_BUT_SELF;
}
