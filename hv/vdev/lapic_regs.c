/* The LAPIC registers by index (offset / 16), shared by the xAPIC page and
 * the x2APIC MSRs, with the x2APIC differences of SDM 3A 11.12.1.2. */
#include "hv/vdev/lapic_internal.h"

#define REG(off) ((off) >> 4)

/* Per LVT: the bits software writes, and those that exist but read-only
 * (delivery status; remote IRR of the LINT pins), Figure 11-8. */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
	0x000700ff, /* timer: vector, mask, timer mode */
	0x000107ff, /* thermal: vector, delivery mode, mask */
	0x000107ff, /* performance counter */
	0x0001a7ff, /* LINT0: also polarity and trigger mode */
	0x0001a7ff, /* LINT1 */
	0x000100ff, /* error: vector, mask */
};
#define LVT_STATUS (1u << 12)
#define LVT_REMOTE_IRR (1u << 14)

#define SVR_WRITABLE 0x3ffu /* vector, enable, focus checking; no bit 12 */
#define ICR_LO_WRITABLE 0x000ccfffu
#define ICR_HI_WRITABLE 0xff000000u
#define DIVIDE_WRITABLE 0xbu

static uint32_t lvt_defined(enum lapic_lvt i)
{
	bool lint = i == LAPIC_LVT_LINT0_IDX || i == LAPIC_LVT_LINT1_IDX;

	return lvt_writable[i] | LVT_STATUS | (lint ? LVT_REMOTE_IRR : 0);
}

enum lapic_access vlapic_reg_get(struct lapic *l, unsigned reg, bool x2, uint64_t *value)
{
	const struct lapic_state *s = &l->s;
	uint64_t v;

	if (reg >= REG(LAPIC_REG_ISR) && reg < REG(LAPIC_REG_ESR)) {
		unsigned n = reg - REG(LAPIC_REG_ISR);
		const uint32_t *map = n < 8 ? s->isr : n < 16 ? s->tmr : s->irr;
		*value = map[n % 8];
		return LAPIC_ACC_OK;
	}
	if (reg >= REG(LAPIC_REG_LVT_TIMER) && reg <= REG(LAPIC_REG_LVT_ERROR)) {
		*value = s->lvt[reg - REG(LAPIC_REG_LVT_TIMER)];
		return LAPIC_ACC_OK;
	}
	switch (reg) {
	case REG(LAPIC_REG_ID):
		v = x2 ? s->id : s->id << 24;
		break;
	case REG(LAPIC_REG_VERSION):
		v = LAPIC_VERSION_VALUE;
		break;
	case REG(LAPIC_REG_TPR):
		v = s->tpr;
		break;
	case REG(LAPIC_REG_PPR):
		v = vlapic_ppr(l);
		break;
	case REG(LAPIC_REG_EOI):
		if (x2)
			return LAPIC_ACC_RO; /* write-only */
		v = 0;
		break;
	case REG(LAPIC_REG_LDR):
		v = s->ldr;
		break;
	case REG(LAPIC_REG_SVR):
		v = s->svr;
		break;
	case REG(LAPIC_REG_ESR):
		v = s->esr;
		break;
	case REG(LAPIC_REG_ICR_LO):
		v = x2 ? (uint64_t)s->icr_hi << 32 | s->icr_lo : s->icr_lo;
		break;
	case REG(LAPIC_REG_TIMER_INITIAL):
		v = s->timer_initial;
		break;
	case REG(LAPIC_REG_TIMER_CURRENT):
		v = vlapic_timer_current(l);
		break;
	case REG(LAPIC_REG_TIMER_DIVIDE):
		v = s->timer_divide;
		break;
	/* xAPIC only: */
	case REG(LAPIC_REG_APR):
		if (x2)
			return LAPIC_ACC_ABSENT;
		v = vlapic_apr(l);
		break;
	case REG(LAPIC_REG_RRD):
		if (x2)
			return LAPIC_ACC_ABSENT;
		v = 0; /* remote read (ICR mode 011b) is not offered */
		break;
	case REG(LAPIC_REG_DFR):
		if (x2)
			return LAPIC_ACC_ABSENT;
		v = s->dfr;
		break;
	case REG(LAPIC_REG_ICR_HI):
		if (x2)
			return LAPIC_ACC_ABSENT;
		v = s->icr_hi;
		break;
	case REG(LAPIC_REG_SELF_IPI):
		return x2 ? LAPIC_ACC_RO : LAPIC_ACC_ABSENT;
	default:
		return LAPIC_ACC_ABSENT;
	}
	*value = v;
	return LAPIC_ACC_OK;
}

/* 11.4.7.2: software disable masks every LVT; the masks stay when it is
 * enabled again. */
static void svr_write(struct lapic *l, uint32_t v)
{
	l->s.svr = v & SVR_WRITABLE;
	if (!(v & LAPIC_SVR_ENABLE))
		for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
			l->s.lvt[i] |= LAPIC_LVT_MASK;
}

static enum lapic_access lvt_write(struct lapic *l, enum lapic_lvt i, bool x2, uint32_t v)
{
	if (x2 && (v & ~lvt_defined(i)))
		return LAPIC_ACC_RSVD;
	v &= lvt_writable[i];
	if (!vlapic_sw_enabled(l))
		v |= LAPIC_LVT_MASK;
	if (i == LAPIC_LVT_TIMER_IDX)
		vlapic_timer_set_lvt(l, v);
	else
		l->s.lvt[i] = v;
	return LAPIC_ACC_OK;
}

/* x2APIC registers are RsvdZ (11.12.1.3): a write with a bit outside
 * mask set raises #GP. */
static bool rsvd(bool x2, uint64_t v, uint64_t mask)
{
	return x2 && (v & ~mask);
}

enum lapic_access vlapic_reg_set(struct lapic *l, unsigned reg, bool x2, uint64_t value)
{
	struct lapic_state *s = &l->s;
	uint32_t v = (uint32_t)value;

	if (x2 && reg != REG(LAPIC_REG_ICR_LO) && (value >> 32))
		return LAPIC_ACC_RSVD;
	if (reg >= REG(LAPIC_REG_LVT_TIMER) && reg <= REG(LAPIC_REG_LVT_ERROR))
		return lvt_write(l, reg - REG(LAPIC_REG_LVT_TIMER), x2, v);
	if ((reg >= REG(LAPIC_REG_ISR) && reg < REG(LAPIC_REG_ESR)) || reg == REG(LAPIC_REG_ID) ||
	    reg == REG(LAPIC_REG_VERSION) || reg == REG(LAPIC_REG_PPR) ||
	    reg == REG(LAPIC_REG_TIMER_CURRENT) || (x2 && reg == REG(LAPIC_REG_LDR)))
		return LAPIC_ACC_RO; /* the ID too: the domain routes by it */
	switch (reg) {
	case REG(LAPIC_REG_TPR):
		if (rsvd(x2, v, 0xff))
			return LAPIC_ACC_RSVD;
		s->tpr = v & 0xff;
		break;
	case REG(LAPIC_REG_EOI):
		if (rsvd(x2, v, 0))
			return LAPIC_ACC_RSVD;
		vlapic_eoi_write(l);
		break;
	case REG(LAPIC_REG_LDR):
		s->ldr = v & 0xff000000u;
		break;
	case REG(LAPIC_REG_SVR):
		if (rsvd(x2, v, SVR_WRITABLE))
			return LAPIC_ACC_RSVD;
		svr_write(l, v);
		break;
	case REG(LAPIC_REG_ESR):
		/* 11.5.3: the write latches the errors since the last one; in
		 * x2APIC mode only 0 may be written. */
		if (rsvd(x2, v, 0))
			return LAPIC_ACC_RSVD;
		s->esr = s->esr_pending;
		s->esr_pending = 0;
		break;
	case REG(LAPIC_REG_ICR_LO):
		if (rsvd(x2, value, (uint64_t)0xffffffffu << 32 | ICR_LO_WRITABLE))
			return LAPIC_ACC_RSVD;
		s->icr_lo = v & ICR_LO_WRITABLE;
		if (x2)
			s->icr_hi = (uint32_t)(value >> 32);
		vlapic_icr_send(l);
		break;
	case REG(LAPIC_REG_TIMER_INITIAL):
		vlapic_timer_set_initial(l, v);
		break;
	case REG(LAPIC_REG_TIMER_DIVIDE):
		if (rsvd(x2, v, DIVIDE_WRITABLE))
			return LAPIC_ACC_RSVD;
		vlapic_timer_set_divide(l, v & DIVIDE_WRITABLE);
		break;
	case REG(LAPIC_REG_APR):
	case REG(LAPIC_REG_RRD):
		return x2 ? LAPIC_ACC_ABSENT : LAPIC_ACC_RO;
	case REG(LAPIC_REG_DFR):
	case REG(LAPIC_REG_ICR_HI):
		if (x2)
			return LAPIC_ACC_ABSENT;
		if (reg == REG(LAPIC_REG_DFR))
			s->dfr = v | 0x0fffffffu; /* only the model, bits 31:28 */
		else
			s->icr_hi = v & ICR_HI_WRITABLE;
		break;
	case REG(LAPIC_REG_SELF_IPI):
		if (!x2)
			return LAPIC_ACC_ABSENT;
		if (rsvd(x2, v, 0xff))
			return LAPIC_ACC_RSVD;
		vlapic_self_ipi(l, (uint8_t)v);
		break;
	default:
		return LAPIC_ACC_ABSENT;
	}
	return LAPIC_ACC_OK;
}
