/* The LAPIC model's life cycle (reset, IA32_APIC_BASE, snapshots) and its
 * interrupt flow: IRR -> ISR -> EOI under the TPR/PPR priorities
 * (SDM 3A 11.8). */
#include "hv/string.h"
#include "hv/vdev/lapic_internal.h"

#define LAPIC_BASE_DEFAULT 0xfee00000ull

static bool vec_test(const uint32_t *map, unsigned v)
{
	return (map[v / 32] >> (v % 32)) & 1;
}

static void vec_set(uint32_t *map, unsigned v, bool on)
{
	uint32_t bit = 1u << (v % 32);

	map[v / 32] = on ? map[v / 32] | bit : map[v / 32] & ~bit;
}

/* Highest set vector, or -1. */
static int vec_highest(const uint32_t *map)
{
	for (int i = 7; i >= 0; i--)
		if (map[i])
			return i * 32 + 31 - __builtin_clz(map[i]);
	return -1;
}

bool vlapic_hw_enabled(const struct lapic *l)
{
	return l->s.apic_base & LAPIC_BASE_EN;
}

bool vlapic_sw_enabled(const struct lapic *l)
{
	return vlapic_hw_enabled(l) && (l->s.svr & LAPIC_SVR_ENABLE);
}

bool lapic_x2apic_mode(const struct lapic *l)
{
	return vlapic_hw_enabled(l) && (l->s.apic_base & LAPIC_BASE_EXTD);
}

/* 11.4.7.1: IRR, ISR, TMR, ICR, LDR, TPR, the timer and ESR zero, the DFR
 * all ones, the SVR 0xFF (software-disabled) and every LVT masked. An
 * x2APIC's LDR is never zero: it follows from the ID (11.12.10.2). */
void vlapic_reset_regs(struct lapic *l)
{
	struct lapic_state *s = &l->s;
	uint64_t base = s->apic_base;
	uint32_t id = s->id;

	vlapic_timer_stop(l);
	memset(s, 0, sizeof(*s));
	s->apic_base = base;
	s->id = id;
	s->dfr = 0xffffffffu;
	s->svr = 0xff;
	for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
		s->lvt[i] = LAPIC_LVT_MASK;
	if (lapic_x2apic_mode(l))
		s->ldr = vlapic_ldr_x2apic(id);
}

int lapic_init(struct lapic *l, uint32_t apic_id, bool bsp, const struct lapic_hooks *hooks,
	       uint64_t crystal_hz, uint64_t tsc_hz)
{
	if (!crystal_hz || !tsc_hz)
		return -1;
	memset(l, 0, sizeof(*l));
	l->hooks = *hooks;
	l->crystal_hz = crystal_hz;
	l->tsc_hz = tsc_hz;
	l->s.id = apic_id;
	l->s.apic_base = LAPIC_BASE_DEFAULT | LAPIC_BASE_EN | (bsp ? LAPIC_BASE_BSP : 0);
	vlapic_reset_regs(l);
	return 0;
}

void lapic_init_signal(struct lapic *l)
{
	vlapic_reset_regs(l);
}

void lapic_set_apic_base(struct lapic *l, uint64_t value)
{
	bool was_x2 = lapic_x2apic_mode(l), was_on = vlapic_hw_enabled(l);

	l->s.apic_base = value;
	if (!vlapic_hw_enabled(l) || !was_on)
		vlapic_reset_regs(l); /* 11.4.3: disabled, or back as after reset */
	else if (lapic_x2apic_mode(l) && !was_x2)
		l->s.ldr = vlapic_ldr_x2apic(l->s.id);
}

uint64_t lapic_read_cr8(const struct lapic *l)
{
	return (l->s.tpr >> 4) & 0xf;
}

void lapic_write_cr8(struct lapic *l, uint64_t cr8)
{
	l->s.tpr = (uint32_t)(cr8 & 0xf) << 4;
}

/* 11.8.3.1: the TPR's class wins when it is not below the in-service one. */
uint32_t vlapic_ppr(const struct lapic *l)
{
	int isrv = vec_highest(l->s.isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (l->s.tpr & 0xf0) >= isr_class ? l->s.tpr & 0xff : isr_class;
}

/* 11.6.2.4 (arbitration priority, for lowest-priority delivery). */
uint32_t vlapic_apr(const struct lapic *l)
{
	int isrv = vec_highest(l->s.isr), irrv = vec_highest(l->s.irr);
	uint32_t tpr = l->s.tpr & 0xff;
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
	uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;

	if ((tpr & 0xf0) >= irr_class && (tpr & 0xf0) > isr_class)
		return tpr;
	return MAX(tpr & 0xf0, MAX(isr_class, irr_class));
}

/* 11.5.3: errors collect until the next ESR write makes them visible; each
 * signals the error LVT. An illegal error vector is itself only latched, so
 * the error interrupt cannot recurse. */
void vlapic_error(struct lapic *l, uint32_t bits)
{
	uint32_t lvt = l->s.lvt[LAPIC_LVT_ERROR_IDX];

	l->s.esr_pending |= bits;
	if (lvt & LAPIC_LVT_MASK)
		return;
	if ((lvt & 0xff) < 16)
		l->s.esr_pending |= LAPIC_ESR_RECV_ILLEGAL;
	else
		lapic_accept(l, (uint8_t)lvt, false);
}

/* Timer and error LVTs deliver their vector as a fixed, edge interrupt;
 * software disable keeps them masked (11.4.7.2). */
void vlapic_lvt_fire(struct lapic *l, enum lapic_lvt which)
{
	uint32_t lvt = l->s.lvt[which];

	if (!(lvt & LAPIC_LVT_MASK))
		lapic_accept(l, (uint8_t)lvt, false);
}

/* 11.5.2 and 11.8.4: vectors 0-15 are illegal; a software-disabled LAPIC
 * drops fixed interrupts but holds what its IRR and ISR already have. */
bool lapic_accept(struct lapic *l, uint8_t vector, bool level)
{
	if (!vlapic_sw_enabled(l))
		return false;
	if (vector < 16) {
		vlapic_error(l, LAPIC_ESR_RECV_ILLEGAL);
		return false;
	}
	vec_set(l->s.irr, vector, true);
	vec_set(l->s.tmr, vector, level);
	return true;
}

/* 11.8.3: deliverable when its priority class is above the PPR's. */
bool lapic_pending(const struct lapic *l, uint8_t *vector)
{
	int irrv = vec_highest(l->s.irr);

	if (!vlapic_hw_enabled(l) || irrv < 0 || ((uint32_t)irrv & 0xf0) <= (vlapic_ppr(l) & 0xf0))
		return false;
	*vector = (uint8_t)irrv;
	return true;
}

void lapic_ack(struct lapic *l, uint8_t vector)
{
	if (!vec_test(l->s.irr, vector))
		return;
	vec_set(l->s.irr, vector, false);
	vec_set(l->s.isr, vector, true);
}

/* 11.8.5: the EOI retires the highest in-service vector; a level-triggered
 * one (TMR set) is also broadcast to the I/O APICs. */
void vlapic_eoi_write(struct lapic *l)
{
	int isrv = vec_highest(l->s.isr);

	if (isrv < 0)
		return;
	vec_set(l->s.isr, (unsigned)isrv, false);
	if (vec_test(l->s.tmr, (unsigned)isrv) && l->hooks.eoi)
		l->hooks.eoi(l->hooks.ctx, (uint8_t)isrv);
}

bool lapic_accepts_pic(const struct lapic *l)
{
	uint32_t lint0 = l->s.lvt[LAPIC_LVT_LINT0_IDX];

	if (!vlapic_hw_enabled(l))
		return true;
	return !(lint0 & LAPIC_LVT_MASK) && ((lint0 >> LAPIC_LVT_MODE_SHIFT) & 7) == LAPIC_DM_EXTINT;
}

void lapic_save(const struct lapic *l, struct lapic_state *out)
{
	memcpy(out, &l->s, sizeof(*out));
}

void lapic_load(struct lapic *l, const struct lapic_state *in)
{
	memcpy(&l->s, in, sizeof(l->s));
	vlapic_timer_rearm(l);
}
