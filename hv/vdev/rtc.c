/* The MC146818A RTC (see rtc.h). Updates are applied lazily: every access
 * first catches the calendar and flags up with the domain clock, so a guest
 * that never looks costs nothing and the timer runs only for interrupts. */
#include "hv/vdev/rtc.h"
#include "hv/vdev/rtc_calendar.h"

#define NS_PER_SEC 1000000000ull
#define DIVIDER_HZ 32768ull

static bool alarm_byte_matches(uint8_t alarm, uint8_t now)
{
	return (alarm & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE || alarm == now;
}

static bool alarm_matches(const struct rtc *r, int64_t t)
{
	const uint8_t *c = r->s.cmos;
	unsigned tod = (unsigned)(t - rtc_floor_div(t, SEC_PER_DAY) * SEC_PER_DAY);

	return alarm_byte_matches(c[RTC_SEC_ALARM], rtc_enc(c, tod % 60)) &&
	       alarm_byte_matches(c[RTC_MIN_ALARM], rtc_enc(c, tod / 60 % 60)) &&
	       alarm_byte_matches(c[RTC_HOUR_ALARM], rtc_enc_hour(c, tod / 3600));
}

/* n update cycles at once. Invalid values the guest wrote come out
 * normalized. The alarm is checked at each of them: a day's worth covers
 * every time of day, so at most 86400 are looked at. */
static void advance(struct rtc *r, uint64_t n)
{
	uint8_t *c = r->s.cmos;
	int64_t t0 = rtc_calendar_seconds(c), t1 = t0 + (int64_t)n;
	int64_t days = rtc_floor_div(t1, SEC_PER_DAY) - rtc_floor_div(t0, SEC_PER_DAY);

	rtc_set_calendar(c, t1);
	c[RTC_DAY_OF_WEEK] =
		rtc_enc(c, rtc_weekday((int64_t)rtc_dec(c, c[RTC_DAY_OF_WEEK]) - 1 + days));
	c[RTC_REG_C] |= RTC_C_UF;
	for (int64_t t = MAX(t0 + 1, t1 - SEC_PER_DAY + 1); t <= t1; t++) {
		if (alarm_matches(r, t)) {
			c[RTC_REG_C] |= RTC_C_AF;
			break;
		}
	}
}

/* The divider only runs with DV = 010, the PC's 32.768 kHz crystal. */
static bool running(const struct rtc *r)
{
	return (r->s.cmos[RTC_REG_A] & RTC_A_DV_MASK) == RTC_A_DV_32768;
}

static uint64_t updates_by(const struct rtc_state *s, uint64_t t)
{
	return t < s->first_update_ns ? 0 : (t - s->first_update_ns) / NS_PER_SEC + 1;
}

/* Divider ticks since it started, split so that nothing overflows. */
static uint64_t ticks_by(const struct rtc_state *s, uint64_t t)
{
	uint64_t d = t < s->div_start_ns ? 0 : t - s->div_start_ns;
	return d / NS_PER_SEC * DIVIDER_HZ + d % NS_PER_SEC * DIVIDER_HZ / NS_PER_SEC;
}

/* The periodic interrupt's period in divider ticks, 0 for none: the data
 * sheet's rate table, where RS 1 and 2 repeat the rates of 8 and 9. */
static unsigned period_ticks(const struct rtc *r)
{
	unsigned rs = r->s.cmos[RTC_REG_A] & RTC_A_RS_MASK;
	if (!rs)
		return 0;
	if (rs <= 2)
		rs += 7;
	return 1u << (rs - 1);
}

static uint64_t next_update_ns(const struct rtc_state *s, uint64_t now)
{
	return s->first_update_ns + updates_by(s, now) * NS_PER_SEC;
}

/* SET inhibits updates but not the divider, so periodic flags go on and the
 * update phase is kept; seconds that pass meanwhile are simply lost. */
static void sync(struct rtc *r, uint64_t now)
{
	struct rtc_state *s = &r->s;
	uint8_t *c = s->cmos;
	unsigned p = period_ticks(r);

	if (now <= s->synced_ns)
		return;
	if (running(r)) {
		if (p && ticks_by(s, now) / p != ticks_by(s, s->synced_ns) / p)
			c[RTC_REG_C] |= RTC_C_PF;
		uint64_t n = updates_by(s, now) - updates_by(s, s->synced_ns);
		if (n && !(c[RTC_REG_B] & RTC_B_SET))
			advance(r, n);
	}
	s->synced_ns = now;
}

/* IRQF = PF.PIE + AF.AIE + UF.UIE; the flags and enables share bit positions.
 * The IRQ pin follows IRQF until register C is read. */
static void update_irq(struct rtc *r)
{
	uint8_t *c = r->s.cmos;
	bool irq = c[RTC_REG_C] & c[RTC_REG_B] & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);

	c[RTC_REG_C] = (uint8_t)((c[RTC_REG_C] & ~RTC_C_IRQF) | (irq ? RTC_C_IRQF : 0));
	if (irq != r->s.irq_level) {
		r->s.irq_level = irq;
		r->hooks.irq.set(r->hooks.irq.ctx, RTC_IRQ, irq);
	}
}

static void catch_up(struct rtc *r)
{
	sync(r, r->hooks.clock.now_ns(r->hooks.clock.ctx));
	update_irq(r);
}

/* The next instant an enabled flag that is still clear would rise; 0 if none. */
static uint64_t next_deadline(const struct rtc *r)
{
	const struct rtc_state *s = &r->s;
	uint8_t b = s->cmos[RTC_REG_B], c = s->cmos[RTC_REG_C];
	unsigned p = period_ticks(r);
	uint64_t best = 0;

	if (!running(r))
		return 0;
	if ((b & RTC_B_PIE) && p && !(c & RTC_C_PF)) {
		uint64_t t = (ticks_by(s, s->synced_ns) / p + 1) * p;
		best = s->div_start_ns + t / DIVIDER_HZ * NS_PER_SEC +
		       (t % DIVIDER_HZ * NS_PER_SEC + DIVIDER_HZ - 1) / DIVIDER_HZ;
	}
	if (!(b & RTC_B_SET) && (((b & RTC_B_UIE) && !(c & RTC_C_UF)) || ((b & RTC_B_AIE) && !(c & RTC_C_AF)))) {
		uint64_t u = next_update_ns(s, s->synced_ns);
		best = best ? MIN(best, u) : u;
	}
	return best;
}

static void arm(struct rtc *r, uint64_t deadline)
{
	r->s.timer_deadline = deadline;
	if (deadline)
		r->hooks.timer.arm(r->hooks.timer.ctx, deadline);
	else
		r->hooks.timer.cancel(r->hooks.timer.ctx);
}

static void rearm(struct rtc *r)
{
	uint64_t d = next_deadline(r);
	if (d != r->s.timer_deadline)
		arm(r, d);
}

static bool uip(const struct rtc *r)
{
	const struct rtc_state *s = &r->s;
	return running(r) && !(s->cmos[RTC_REG_B] & RTC_B_SET) &&
	       next_update_ns(s, s->synced_ns) - s->synced_ns <= RTC_UIP_NS;
}

static uint8_t reg_read(struct rtc *r, uint8_t i)
{
	uint8_t *c = r->s.cmos, v;

	switch (i) {
	case RTC_REG_A:
		return (uint8_t)(c[i] | (uip(r) ? RTC_A_UIP : 0));
	case RTC_REG_C:
		v = c[i];
		c[i] = 0;
		update_irq(r);
		return v;
	case RTC_REG_D:
		return RTC_D_VRT; /* the battery is always good */
	default:
		return c[i];
	}
}

static void reg_write(struct rtc *r, uint8_t i, uint8_t v)
{
	struct rtc_state *s = &r->s;
	bool was_running = running(r);

	switch (i) {
	case RTC_REG_A:
		s->cmos[i] = v & (uint8_t)~RTC_A_UIP;
		/* Out of divider reset, the first update comes half a second later. */
		if (!was_running && running(r)) {
			s->div_start_ns = s->synced_ns;
			s->first_update_ns = s->synced_ns + NS_PER_SEC / 2;
		}
		break;
	case RTC_REG_B:
		/* Setting SET clears UIE (data sheet, register B). */
		s->cmos[i] = v & RTC_B_SET ? v & (uint8_t)~RTC_B_UIE : v;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break; /* read-only */
	default:
		s->cmos[i] = v;
	}
	update_irq(r);
}

/* Port 0x70 is write-only on the PC and reads as an undriven bus. */
static uint32_t rtc_port_read(void *dev, uint16_t port, unsigned size)
{
	struct rtc *r = dev;
	uint32_t v = 0;

	catch_up(r);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)(port + i == RTC_PORT_INDEX ? 0xff : reg_read(r, r->s.index)) << (8 * i);
	rearm(r);
	return v;
}

static void rtc_port_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct rtc *r = dev;

	catch_up(r);
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(value >> (8 * i));
		if (port + i == RTC_PORT_INDEX) {
			r->s.index = b & (RTC_CMOS_SIZE - 1);
			r->s.nmi_masked = b & 0x80;
		} else {
			reg_write(r, r->s.index, b);
		}
	}
	rearm(r);
}

static void put16(uint8_t *c, unsigned i, uint64_t v)
{
	v = MIN(v, 0xffff);
	c[i] = (uint8_t)v;
	c[i + 1] = (uint8_t)(v >> 8);
}

/* What an AT-compatible BIOS leaves in CMOS for the OS and boot loaders:
 * 0x14 equipment (no diskette, maths coprocessor present, display 00 = an
 * adapter with its own BIOS), 0x15 base KiB, 0x17 and 0x30 KiB above 1 MiB,
 * 0x34 64-KiB blocks above 16 MiB, 0x5b-0x5d 64-KiB blocks above 4 GiB (the
 * SeaBIOS extension), and the checksum of 0x10-0x2d at 0x2e (high byte). */
static void fill_firmware_bytes(uint8_t *c, uint64_t low, uint64_t high)
{
	uint64_t above1m = low > MIB ? (low - MIB) / KIB : 0;
	uint64_t above16m = low > 16 * MIB ? (low - 16 * MIB) / (64 * KIB) : 0;
	uint64_t above4g = MIN(high / (64 * KIB), 0xffffff);
	unsigned sum = 0;

	c[0x14] = 0x02;
	put16(c, 0x15, MIN(low / KIB, 640));
	put16(c, 0x17, above1m);
	put16(c, 0x30, above1m);
	put16(c, 0x34, above16m);
	c[0x5b] = (uint8_t)above4g;
	c[0x5c] = (uint8_t)(above4g >> 8);
	c[0x5d] = (uint8_t)(above4g >> 16);
	for (unsigned i = 0x10; i < 0x2e; i++)
		sum += c[i];
	c[0x2e] = (uint8_t)(sum >> 8);
	c[0x2f] = (uint8_t)sum;
}

int rtc_attach(struct rtc *r, struct port_bus *bus, const struct rtc_config *cfg,
	       const struct rtc_hooks *hooks, char *err, size_t errlen)
{
	uint64_t now = hooks->clock.now_ns(hooks->clock.ctx);
	uint8_t *c;

	*r = (struct rtc){.hooks = *hooks};
	c = r->s.cmos;
	/* As PC firmware programs it: 32.768 kHz, 1024 Hz periodic rate, BCD, 24-hour. */
	c[RTC_REG_A] = RTC_A_DV_32768 | 0x06;
	c[RTC_REG_B] = RTC_B_24H;
	rtc_set_calendar(c, cfg->wall_sec);
	/* 1970-01-01 was a Thursday, four days after a Sunday. */
	c[RTC_DAY_OF_WEEK] = rtc_enc(c, rtc_weekday(rtc_floor_div(cfg->wall_sec, SEC_PER_DAY) + 4));
	fill_firmware_bytes(c, cfg->ram_below_4g, cfg->ram_above_4g);
	r->s.div_start_ns = now;
	r->s.first_update_ns = now + NS_PER_SEC;
	r->s.synced_ns = now;
	return port_bus_register(bus, RTC_PORT_INDEX, 2, rtc_port_read, rtc_port_write, r, "rtc", err,
				 errlen);
}

void rtc_timer_fired(struct rtc *r)
{
	r->s.timer_deadline = 0;
	catch_up(r);
	rearm(r);
}

bool rtc_nmi_masked(const struct rtc *r)
{
	return r->s.nmi_masked;
}

void rtc_save(struct rtc *r, struct rtc_state *out)
{
	catch_up(r);
	rearm(r);
	*out = r->s;
}

void rtc_load(struct rtc *r, const struct rtc_state *in)
{
	r->s = *in;
	r->hooks.irq.set(r->hooks.irq.ctx, RTC_IRQ, r->s.irq_level);
	arm(r, r->s.timer_deadline);
}
