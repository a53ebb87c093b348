/* The LAPIC timer (SDM 3A 11.5.4): one-shot and periodic counting at the
 * crystal clock / divide, and TSC-deadline. Counts are derived from the
 * domain's clock in exact integer arithmetic, so periods never drift. */
#include "hv/vdev/lapic_internal.h"

#define NS_PER_S 1000000000ull

/* a * b / c rounded down (or up), saturating at UINT64_MAX; c != 0. The
 * 128-bit product is divided bit by bit: no compiler helper, no float. */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c, bool up)
{
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
	uint64_t lo = mid << 32 | (uint32_t)ll;
	uint64_t hi = ah * bh + (lh >> 32) + (hl >> 32) + (mid >> 32);
	uint64_t q = 0, r = hi;

	if (hi >= c)
		return UINT64_MAX; /* the quotient needs more than 64 bits */
	for (int i = 63; i >= 0; i--) {
		bool carry = r >> 63;

		r = r << 1 | ((lo >> i) & 1);
		q <<= 1;
		if (carry || r >= c) {
			r -= c;
			q |= 1;
		}
	}
	if (up && r && q != UINT64_MAX)
		q++;
	return q;
}

static unsigned timer_mode(const struct lapic *l)
{
	return (l->s.lvt[LAPIC_LVT_TIMER_IDX] >> LAPIC_LVT_TIMER_SHIFT) & 3;
}

/* Reloading needs an initial count; a loaded snapshot may lack one. */
static bool periodic(const struct lapic *l)
{
	return timer_mode(l) == LAPIC_TIMER_PERIODIC && l->s.timer_initial;
}

/* Figure 11-10: bits 3 and 1:0 encode divide by 2^(n+1), 111b by 1. */
static uint64_t divisor(const struct lapic *l)
{
	uint32_t d = l->s.timer_divide;
	unsigned n = ((d >> 1) & 4) | (d & 3);

	return n == 7 ? 1 : 2ull << n;
}

static uint64_t now_ns(const struct lapic *l)
{
	return l->hooks.clock.now_ns(l->hooks.clock.ctx);
}

/* Counter ticks since the origin (crystal_hz / divisor per second). */
static uint64_t ticks_at(const struct lapic *l, uint64_t now)
{
	if (now < l->s.timer_origin_ns)
		return 0;
	return muldiv(now - l->s.timer_origin_ns, l->crystal_hz, NS_PER_S * divisor(l), false);
}

/* The first instant at which ticks_at() reaches ticks. */
static uint64_t ns_of_ticks(const struct lapic *l, uint64_t ticks)
{
	uint64_t d = muldiv(ticks, NS_PER_S * divisor(l), l->crystal_hz, true);

	return d > UINT64_MAX - l->s.timer_origin_ns ? UINT64_MAX : l->s.timer_origin_ns + d;
}

static void arm(struct lapic *l, uint64_t deadline_ns)
{
	if (l->hooks.timer.arm)
		l->hooks.timer.arm(l->hooks.timer.ctx, deadline_ns);
}

void vlapic_timer_stop(struct lapic *l)
{
	l->s.timer_counting = false;
	l->s.tsc_deadline = 0;
	if (l->hooks.timer.cancel)
		l->hooks.timer.cancel(l->hooks.timer.ctx);
}

/* The TSC-deadline instant: guest TSC tsc_hz per second from clock 0. */
static uint64_t tsc_to_ns(const struct lapic *l, uint64_t tsc)
{
	return muldiv(tsc, NS_PER_S, l->tsc_hz, true);
}

void vlapic_timer_rearm(struct lapic *l)
{
	if (l->s.timer_counting)
		arm(l, ns_of_ticks(l, l->s.timer_next));
	else if (l->s.tsc_deadline)
		arm(l, tsc_to_ns(l, l->s.tsc_deadline));
	else if (l->hooks.timer.cancel)
		l->hooks.timer.cancel(l->hooks.timer.ctx);
}

/* Count down from first, starting now (11.5.4: a write of the initial count
 * starts it; 0 stops it). */
static void start_count(struct lapic *l, uint64_t first)
{
	l->s.timer_origin_ns = now_ns(l);
	l->s.timer_first = first;
	l->s.timer_next = first;
	l->s.timer_counting = first != 0;
	vlapic_timer_rearm(l);
}

uint32_t vlapic_timer_current(const struct lapic *l)
{
	const struct lapic_state *s = &l->s;
	uint64_t e;

	if (!s->timer_counting)
		return 0; /* stopped, expired one-shot, or TSC-deadline mode */
	e = ticks_at(l, now_ns(l));
	if (e < s->timer_first)
		return (uint32_t)(s->timer_first - e);
	if (!periodic(l))
		return 0;
	return s->timer_initial - (uint32_t)((e - s->timer_first) % s->timer_initial);
}

/* 11.5.4.1: changing the timer mode disarms the timer, in every mode. */
void vlapic_timer_set_lvt(struct lapic *l, uint32_t value)
{
	uint32_t old = l->s.lvt[LAPIC_LVT_TIMER_IDX];

	l->s.lvt[LAPIC_LVT_TIMER_IDX] = value;
	if (((old ^ value) >> LAPIC_LVT_TIMER_SHIFT) & 3) {
		l->s.timer_initial = 0;
		vlapic_timer_stop(l);
	}
}

/* In TSC-deadline mode the initial count is ignored (11.5.4.1). */
void vlapic_timer_set_initial(struct lapic *l, uint32_t value)
{
	if (timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE)
		return;
	l->s.timer_initial = value;
	start_count(l, value);
}

/* A new divisor applies from now on: the count continues from its current
 * value at the new rate (the fraction of a tick in progress restarts). */
void vlapic_timer_set_divide(struct lapic *l, uint32_t value)
{
	uint32_t cur = vlapic_timer_current(l);
	bool counting = l->s.timer_counting;

	l->s.timer_divide = value;
	if (counting)
		start_count(l, cur);
}

void lapic_write_tsc_deadline(struct lapic *l, uint64_t tsc)
{
	if (!vlapic_hw_enabled(l) || timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE)
		return;
	l->s.tsc_deadline = tsc;
	vlapic_timer_rearm(l);
}

uint64_t lapic_read_tsc_deadline(const struct lapic *l)
{
	return timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE ? l->s.tsc_deadline : 0;
}

/* An expiry signals the LVT (masked: nothing) and a periodic count reloads
 * from the initial count; missed periods make one interrupt, as the IRR
 * holds one. An early or stale call re-arms or does nothing. */
void lapic_timer_fired(struct lapic *l)
{
	struct lapic_state *s = &l->s;
	uint64_t now = now_ns(l), e;

	if (s->tsc_deadline) {
		if (now < tsc_to_ns(l, s->tsc_deadline)) {
			vlapic_timer_rearm(l);
			return;
		}
		s->tsc_deadline = 0;
		vlapic_lvt_fire(l, LAPIC_LVT_TIMER_IDX);
		return;
	}
	if (!s->timer_counting)
		return;
	e = ticks_at(l, now);
	if (e < s->timer_next) {
		vlapic_timer_rearm(l);
		return;
	}
	if (periodic(l))
		s->timer_next += s->timer_initial * ((e - s->timer_next) / s->timer_initial + 1);
	else
		s->timer_counting = false;
	vlapic_lvt_fire(l, LAPIC_LVT_TIMER_IDX);
	if (s->timer_counting)
		vlapic_timer_rearm(l);
}
