/* The 8254's counting element (see pit8254_counter.h): the count and OUT of
 * each mode derived from the clock edges since the CE was loaded, after the
 * mode descriptions of the Intel 8254 data sheet. BCD counting is
 * implemented: the CE counts modulo 10000 and reads back in BCD. */
#include "hv/vdev/pit8254_counter.h"

#define NS_PER_S 1000000000u

/* Split at whole seconds so neither product overflows 64 bits. */
uint64_t pit_ns_to_tick(uint64_t ns)
{
	return ns / NS_PER_S * PIT_HZ + ns % NS_PER_S * PIT_HZ / NS_PER_S;
}

uint64_t pit_tick_to_ns(uint64_t tick)
{
	return tick / PIT_HZ * NS_PER_S + (tick % PIT_HZ * NS_PER_S + PIT_HZ - 1) / PIT_HZ;
}

/* Modes 6 and 7 are modes 2 and 3 ("X10", "X11" in the control word). */
unsigned pit_mode(const struct pit_channel *c)
{
	unsigned m = (c->control >> 1) & 7;
	return m & 2 ? m & 3 : m;
}

static bool bcd(const struct pit_channel *c)
{
	return c->control & 1;
}

static uint32_t modulus(const struct pit_channel *c)
{
	return bcd(c) ? 10000 : 65536;
}

/* The initial count N: 0 stands for the maximum, 2^16 or 10^4 in BCD. */
static uint32_t initial_count(const struct pit_channel *c)
{
	uint32_t v = c->cr;

	if (bcd(c))
		v = (v >> 12 & 0xf) * 1000 + (v >> 8 & 0xf) * 100 + (v >> 4 & 0xf) * 10 + (v & 0xf);
	return v ? v : modulus(c);
}

struct period {
	uint64_t base;
	uint32_t n;
	uint32_t phase;
};

/* Modes 2 and 3 run period after period; a count written meanwhile takes
 * over at pend_tick. */
static struct period period_at(const struct pit_channel *c, uint64_t tick)
{
	if (c->pend && tick >= c->pend_tick)
		return (struct period){c->pend_tick, c->pend_start, c->pend_phase};
	return (struct period){c->base_tick, c->start, c->phase};
}

static uint32_t period_pos(struct period p, uint64_t tick)
{
	return (uint32_t)((tick - p.base + p.phase) % p.n);
}

/* Mode 3 with N odd: OUT is high for (N+1)/2 clocks and low for (N-1)/2;
 * each half the CE counts down by two from N-1 (N when even). */
static uint32_t half_high(uint32_t n)
{
	return (n + 1) / 2;
}

static void eval(const struct pit_channel *c, uint64_t tick, uint32_t *count, bool *out)
{
	uint32_t m = modulus(c);
	uint64_t n;
	uint32_t pos, top;
	struct period p;

	if (!c->running || tick < c->base_tick) {
		*count = c->hold_count % m;
		*out = c->hold_out;
		return;
	}
	n = tick - c->base_tick;
	switch (pit_mode(c)) {
	case 2: /* OUT low for the one clock the count is 1, then reload */
		p = period_at(c, tick);
		pos = period_pos(p, tick);
		*count = p.n - pos;
		*out = pos != p.n - 1;
		break;
	case 3:
		p = period_at(c, tick);
		pos = period_pos(p, tick);
		top = p.n & 1 ? p.n - 1 : p.n;
		*out = pos < half_high(p.n);
		*count = top - 2 * (*out ? pos : pos - half_high(p.n));
		break;
	case 4:
	case 5: /* OUT strobes low for the one clock the count is 0 */
		*count = (uint32_t)((c->start % m + m - n % m) % m);
		*out = c->tc_done || n != c->start;
		break;
	default: /* 0 and 1: OUT low until the count reaches 0 */
		*count = (uint32_t)((c->start % m + m - n % m) % m);
		*out = c->tc_done || n >= c->start;
		break;
	}
	*count %= m;
}

uint16_t pit_ce_read(const struct pit_channel *c, uint64_t tick)
{
	uint32_t count;
	bool out;

	eval(c, tick, &count, &out);
	if (bcd(c))
		count = (count / 1000) << 12 | (count / 100 % 10) << 8 | (count / 10 % 10) << 4 | count % 10;
	return (uint16_t)count;
}

bool pit_ce_out(const struct pit_channel *c, uint64_t tick)
{
	uint32_t count;
	bool out;

	eval(c, tick, &count, &out);
	return out;
}

/* OUT rises where a period starts (position 0), past its first start.
 * A period of 1 (illegal in modes 2 and 3) keeps OUT steady. */
static bool period_next_rise(struct period p, uint64_t tick, uint64_t *rise)
{
	uint64_t from = tick > p.base ? tick : p.base;
	uint64_t q;

	if (p.n < 2)
		return false;
	q = from - p.base + p.phase;
	*rise = p.base + (q / p.n + 1) * p.n - p.phase;
	return true;
}

bool pit_ce_next_rise(const struct pit_channel *c, uint64_t tick, uint64_t *rise)
{
	struct period now = {c->base_tick, c->start, c->phase};
	struct period next = {c->pend_tick, c->pend_start, c->pend_phase};

	if (!c->running)
		return false;
	switch (pit_mode(c)) {
	case 2:
	case 3:
		if (period_next_rise(now, tick, rise) && (!c->pend || *rise <= c->pend_tick))
			return true;
		return c->pend && period_next_rise(next, tick > c->pend_tick ? tick : c->pend_tick, rise);
	case 4:
	case 5:
		*rise = c->base_tick + c->start + 1;
		break;
	default:
		*rise = c->base_tick + c->start;
		break;
	}
	return !c->tc_done && *rise > tick;
}

/* Stop the CE where it is, remembering what it shows. */
static void freeze(struct pit_channel *c, uint64_t tick)
{
	uint32_t count;
	bool out;

	if (c->running && tick < c->base_tick) {
		/* Loaded on that clock even with GATE low, just not counting. */
		c->hold_count = c->start;
		c->running = false;
		return;
	}
	eval(c, tick, &count, &out);
	if (c->running && pit_mode(c) != 2 && pit_mode(c) != 3)
		c->tc_done = c->tc_done || tick - c->base_tick >= c->start;
	c->hold_count = count;
	c->hold_out = out;
	c->running = false;
	c->pend = false;
}

static void load(struct pit_channel *c, uint64_t tick, uint32_t start, uint64_t base)
{
	freeze(c, tick);
	c->running = true;
	c->tc_done = false;
	c->base_tick = base;
	c->start = start;
	c->phase = 0;
	if (c->null_until > base)
		c->null_until = base;
}

/* "When a Control Word is written to a Counter, all Control Logic is
 * immediately reset and OUT goes to a known initial state": low in mode 0,
 * high in the others. The CE holds its value until a count arrives. */
void pit_ce_control(struct pit_channel *c, uint64_t tick)
{
	freeze(c, tick);
	c->hold_out = pit_mode(c) != 0;
	c->tc_done = false;
	c->has_count = false;
	c->null_until = UINT64_MAX;
}

/* Mode 0: "writing the first byte disables counting. OUT is set low
 * immediately (no clock pulse required)". */
void pit_ce_first_byte(struct pit_channel *c, uint64_t tick)
{
	if (pit_mode(c) != 0)
		return;
	freeze(c, tick);
	c->hold_out = false;
}

/* Modes 2 and 3 keep the current period (mode 3: half-cycle) and load the
 * new count at its end. */
static void count_while_periodic(struct pit_channel *c, uint64_t tick, uint32_t n)
{
	struct period p = period_at(c, tick);
	uint32_t pos = period_pos(p, tick);

	c->base_tick = p.base;
	c->start = p.n;
	c->phase = p.phase;
	c->pend = true;
	c->pend_start = n;
	if (pit_mode(c) == 3 && pos < half_high(p.n)) {
		c->pend_tick = tick + (half_high(p.n) - pos);
		c->pend_phase = half_high(n);
	} else {
		c->pend_tick = tick + (p.n - pos);
		c->pend_phase = 0;
	}
	c->null_until = c->pend_tick;
}

/* A count is loaded on the next clock: in modes 0 and 4 whatever the CE was
 * doing; in modes 2 and 3 when not counting (or at the period's end); in
 * modes 1 and 5 only by a trigger on GATE. */
void pit_ce_count(struct pit_channel *c, uint64_t tick)
{
	unsigned mode = pit_mode(c);
	bool first = !c->has_count;
	uint32_t n = initial_count(c);

	c->has_count = true;
	if (mode == 1 || mode == 5) {
		c->null_until = UINT64_MAX;
		return;
	}
	if (mode == 2 || mode == 3) {
		if (!first && c->running && tick >= c->base_tick) {
			count_while_periodic(c, tick, n);
			return;
		}
		c->null_until = UINT64_MAX;
		if (!c->gate) {
			c->hold_count = n;
			return;
		}
		load(c, tick, n, tick + 1);
		c->hold_out = true;
		return;
	}
	c->null_until = tick + 1;
	if (!c->gate) {
		freeze(c, tick);
		c->hold_count = n;
		c->hold_out = mode != 0;
		c->tc_done = false;
		return;
	}
	load(c, tick, n, tick + 1);
	c->hold_out = mode != 0;
}

/* GATE (data sheet, "GATE Pin Operations Summary"): modes 0 and 4 count
 * only while it is high; modes 1 and 5 start on its rising edge; modes 2
 * and 3 stop with OUT forced high while it is low and reload on its rise. */
void pit_ce_gate(struct pit_channel *c, uint64_t tick, bool level)
{
	unsigned mode = pit_mode(c);
	bool tc_done;

	if (level == c->gate)
		return;
	c->gate = level;
	if (!c->has_count)
		return;
	if (!level) {
		if (mode == 0 || mode == 4) {
			freeze(c, tick);
		} else if (mode == 2 || mode == 3) {
			freeze(c, tick);
			c->hold_out = true;
		}
		return;
	}
	if (mode == 0 || mode == 4) {
		/* Resume from the held count: the next clock decrements it. */
		tc_done = c->tc_done;
		load(c, tick, c->hold_count, tick);
		c->tc_done = tc_done;
		return;
	}
	load(c, tick, initial_count(c), tick + 1);
}
