/* IPIs: the ICR and x2APIC SELF IPI sending through the domain's hook, and
 * the destination match the domain routes them with (SDM 3A 11.6). */
#include "hv/vdev/lapic_internal.h"

#define DFR_FLAT 0xfu /* DFR[31:28]; 0 is the cluster model (11.6.2.2) */

/* 11.12.10.2: cluster ID[19:4] in LDR[31:16], one bit for ID[3:0]. */
uint32_t vlapic_ldr_x2apic(uint32_t id)
{
	return (id >> 4) << 16 | 1u << (id & 0xf);
}

static void send(struct lapic *l, uint32_t dest, bool logical, unsigned sh, unsigned mode,
		 uint8_t vector)
{
	if ((mode == LAPIC_DM_FIXED || mode == LAPIC_DM_LOWEST) && vector < 16) {
		vlapic_error(l, LAPIC_ESR_SEND_ILLEGAL); /* 11.5.3: nothing is sent */
		return;
	}
	if (l->hooks.ipi)
		l->hooks.ipi(l->hooks.ctx, dest, logical, sh, mode, vector);
}

/* 11.6.1. The delivery status stays idle: the domain delivers at once. Not
 * sent: SMI (no SMM here), the reserved modes 3 and 7, and INIT level
 * de-assert, which only resynchronises arbitration IDs. */
void vlapic_icr_send(struct lapic *l)
{
	uint32_t lo = l->s.icr_lo;
	unsigned mode = (lo >> 8) & 7, sh = (lo >> LAPIC_ICR_SH_SHIFT) & 3;
	bool x2 = lapic_x2apic_mode(l);
	uint32_t dest = x2 ? l->s.icr_hi : l->s.icr_hi >> 24;

	if (mode == LAPIC_DM_SMI || mode == 3 || mode == LAPIC_DM_EXTINT)
		return;
	if (mode == LAPIC_DM_INIT && (lo & LAPIC_ICR_TRIGGER_LEVEL) && !(lo & LAPIC_ICR_LEVEL_ASSERT))
		return;
	send(l, dest, lo & LAPIC_ICR_DEST_LOGICAL, sh, mode, (uint8_t)lo);
}

/* 11.12.11: a fixed, edge IPI to this LAPIC alone. */
void vlapic_self_ipi(struct lapic *l, uint8_t vector)
{
	send(l, l->s.id, false, LAPIC_SH_SELF, LAPIC_DM_FIXED, vector);
}

static bool match_xapic_logical(const struct lapic *l, uint8_t dest)
{
	uint8_t ldr = (uint8_t)(l->s.ldr >> 24);

	if ((l->s.dfr >> 28) == DFR_FLAT)
		return (dest & ldr) != 0;
	/* Cluster: 15 is every cluster (broadcast), then the member bits. */
	if ((dest >> 4) != 0xf && (dest >> 4) != (ldr >> 4))
		return false;
	return (dest & ldr & 0xf) != 0;
}

bool lapic_match_dest(const struct lapic *l, uint32_t dest, bool logical)
{
	if (!vlapic_hw_enabled(l))
		return false;
	if (lapic_x2apic_mode(l)) {
		uint32_t ldr = l->s.ldr;

		if (dest == 0xffffffffu)
			return true; /* broadcast in both destination modes */
		if (!logical)
			return dest == l->s.id;
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff) != 0;
	}
	if (!logical)
		return (uint8_t)dest == 0xff || (uint8_t)dest == (uint8_t)l->s.id;
	return match_xapic_logical(l, (uint8_t)dest);
}
