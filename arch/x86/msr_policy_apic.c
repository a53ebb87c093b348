/* IA32_APIC_BASE and the x2APIC MSR range (SDM 3A 11.4.4, 11.12). The APIC
 * stays at 0xFEE00000; EN and EXTD move only along the transitions of
 * 11.12.5, and the LAPIC model applies what the new mode means. */
#include "arch/x86/msr_policy_internal.h"

/* EN and EXTD together: 0 disabled, EN xAPIC, both x2APIC, EXTD alone invalid. */
#define APIC_MODE (APIC_BASE_EN | APIC_BASE_EXTD)

/* Power-on: enabled, xAPIC mode, at the default base (SDM 3A 11.4.4). */
uint64_t msr_apic_base_power_on(const struct msr_platform *p)
{
	return APIC_BASE_DEFAULT | APIC_BASE_EN | (p->bsp ? APIC_BASE_BSP : 0);
}

/* SDM 3A 11.12.5: EXTD without EN is invalid, x2APIC mode is entered only
 * from xAPIC mode, and left only by disabling the APIC. */
static bool transition_ok(uint64_t from, uint64_t to)
{
	uint64_t f = from & APIC_MODE, t = to & APIC_MODE;

	if (t == APIC_BASE_EXTD)
		return false;
	if (f == APIC_MODE && t == APIC_BASE_EN)
		return false;
	if (f == 0 && t == APIC_MODE)
		return false;
	return true;
}

enum msr_result msr_apic_base_write(const struct msr_platform *p, struct msr_vcpu_state *s,
				    uint64_t value)
{
	/* BSP reports what the platform made this vCPU, so a written BSP bit
	 * is ignored; EXTD exists only with x2APIC (11.12.1); the base
	 * address is fixed, so any other address bit, like bits 7:0, 9 and
	 * those above MAXPHYADDR, must read as the default. */
	uint64_t flags = APIC_BASE_BSP | APIC_BASE_EN | (p->x2apic ? APIC_BASE_EXTD : 0);

	if ((value & ~flags) != APIC_BASE_DEFAULT)
		return MSR_GP;
	if (!transition_ok(s->apic_base, value))
		return MSR_GP;
	s->apic_base = (value & ~APIC_BASE_BSP) | (p->bsp ? APIC_BASE_BSP : 0);
	return MSR_OK;
}

enum msr_result msr_x2apic_access(const struct msr_vcpu_state *s, uint32_t *where)
{
	/* SDM 3A 11.12.1.2: outside x2APIC mode these MSRs raise #GP. */
	if ((s->apic_base & APIC_MODE) != APIC_MODE)
		return MSR_GP;
	*where = MSR_BACK_LAPIC;
	return MSR_VMCS;
}
