/* The ACPI PM1 registers and PM timer (see acpi_pm.h). The timer value comes
 * from the clock on each read; the domain's timer runs only while TMR_EN
 * waits for the next carry. */
#include "hv/vdev/acpi_pm.h"

#define NS_PER_SEC 1000000000ull
#define MSB_SHIFT (ACPI_PM_TIMER_BITS - 1)
#define TIMER_MASK ((1ull << ACPI_PM_TIMER_BITS) - 1)
/* The status bits that have an enable bit and so can raise the SCI. */
/* GBL_STS is set only by firmware releasing the global lock, and there is
 * no SMM firmware, so it never is; GBL_EN still holds what the OS writes
 * (ACPICA checks that it sticks before it uses the lock). */
#define SCI_SOURCES (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC)
#define CNT_BITS (ACPI_PM1_BM_RLD | ACPI_PM1_SLP_TYP_MASK)

/* Timer ticks in d ns, split so the product never overflows: the count is
 * exactly floor(d * 3579545 / 10^9) at any uptime, so it cannot drift. */
static uint64_t ticks_in(uint64_t d)
{
	return d / NS_PER_SEC * ACPI_PM_TIMER_HZ + d % NS_PER_SEC * ACPI_PM_TIMER_HZ / NS_PER_SEC;
}

/* The first nanosecond at which ticks_in() reaches t. */
static uint64_t ns_of_tick(uint64_t t)
{
	return t / ACPI_PM_TIMER_HZ * NS_PER_SEC +
	       (t % ACPI_PM_TIMER_HZ * NS_PER_SEC + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;
}

static uint64_t now_ticks(const struct acpi_pm *pm)
{
	return ticks_in(pm->hooks.clock.now_ns(pm->hooks.clock.ctx) - pm->s.start_ns);
}

/* TMR_STS is set whenever the timer's top bit changes (ACPI 6.5 Table 4.11),
 * that is once per 2^23 ticks, whether TMR_EN is set or not. */
static void catch_up(struct acpi_pm *pm, uint64_t t)
{
	uint64_t periods = t >> MSB_SHIFT;

	if (periods != pm->s.msb_periods) {
		pm->s.msb_periods = periods;
		pm->s.sts |= ACPI_PM1_TMR;
	}
}

/* SCI_EN is always set, so every enabled status raises the SCI, never an SMI. */
static void update_sci(struct acpi_pm *pm)
{
	bool level = pm->s.sts & pm->s.en & SCI_SOURCES;

	if (level != pm->s.sci_level) {
		pm->s.sci_level = level;
		pm->hooks.irq.set(pm->hooks.irq.ctx, pm->sci_irq, level);
	}
}

static void arm(struct acpi_pm *pm, uint64_t deadline)
{
	pm->s.timer_deadline = deadline;
	if (deadline)
		pm->hooks.timer.arm(pm->hooks.timer.ctx, deadline);
	else
		pm->hooks.timer.cancel(pm->hooks.timer.ctx);
}

/* Wake at the next carry only when it would raise the SCI. */
static void rearm(struct acpi_pm *pm)
{
	uint64_t d = 0;

	if ((pm->s.en & ACPI_PM1_TMR) && !(pm->s.sts & ACPI_PM1_TMR))
		d = pm->s.start_ns + ns_of_tick((pm->s.msb_periods + 1) << MSB_SHIFT);
	if (d != pm->s.timer_deadline)
		arm(pm, d);
}

static void settle(struct acpi_pm *pm)
{
	update_sci(pm);
	rearm(pm);
}

/* Bytes 6-7 lie between the blocks the FADT describes and read as nothing. */
static uint8_t read_byte(const struct acpi_pm *pm, unsigned off, uint32_t tmr)
{
	uint16_t cnt = pm->s.cnt | ACPI_PM1_SCI_EN;

	switch (off) {
	case ACPI_PM_STS:
	case ACPI_PM_STS + 1:
		return (uint8_t)(pm->s.sts >> (8 * (off - ACPI_PM_STS)));
	case ACPI_PM_EN:
	case ACPI_PM_EN + 1:
		return (uint8_t)(pm->s.en >> (8 * (off - ACPI_PM_EN)));
	case ACPI_PM_CNT:
	case ACPI_PM_CNT + 1:
		return (uint8_t)(cnt >> (8 * (off - ACPI_PM_CNT)));
	case ACPI_PM_TMR:
	case ACPI_PM_TMR + 1:
	case ACPI_PM_TMR + 2:
	case ACPI_PM_TMR + 3:
		return (uint8_t)(tmr >> (8 * (off - ACPI_PM_TMR)));
	default:
		return 0xff;
	}
}

static uint32_t pm_read(void *dev, uint16_t port, unsigned size)
{
	struct acpi_pm *pm = dev;
	uint64_t t = now_ticks(pm);
	uint32_t v = 0;

	catch_up(pm, t);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)read_byte(pm, port - pm->base + i, (uint32_t)(t & TIMER_MASK)) << (8 * i);
	settle(pm);
	return v;
}

/* PM1_STS bits clear when written with 1; SLP_EN and GBL_RLS are write-only
 * and read 0. GBL_RLS would signal firmware, of which there is none; SCI_EN
 * is the hardware's (§4.8.4.2.1) and stays set; the timer is read-only. */
static void write_byte(struct acpi_pm *pm, unsigned off, uint8_t b, bool *sleep)
{
	unsigned shift = 8 * (off & 1);
	uint16_t bits = (uint16_t)(b << shift), lane = (uint16_t)(0xff << shift);

	switch (off & ~1u) {
	case ACPI_PM_STS:
		pm->s.sts &= (uint16_t)~bits;
		break;
	case ACPI_PM_EN:
		pm->s.en = (uint16_t)((pm->s.en & ~lane) | (bits & SCI_SOURCES));
		break;
	case ACPI_PM_CNT:
		pm->s.cnt = (uint16_t)((pm->s.cnt & ~(lane & CNT_BITS)) | (bits & CNT_BITS));
		*sleep |= bits & ACPI_PM1_SLP_EN;
		break;
	default:
		break;
	}
}

/* The sleep hook sees the whole write: a word write sets SLP_TYP and SLP_EN
 * together, as OSPM does when it enters a sleeping state (ACPI 6.5 §16.1). */
static void pm_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct acpi_pm *pm = dev;
	bool sleep = false;

	catch_up(pm, now_ticks(pm));
	for (unsigned i = 0; i < size; i++)
		write_byte(pm, port - pm->base + i, (uint8_t)(value >> (8 * i)), &sleep);
	if (sleep) {
		pm->hooks.sleep(pm->hooks.ctx, (pm->s.cnt & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT);
		pm->s.sts |= ACPI_PM1_WAK;
	}
	settle(pm);
}

int acpi_pm_attach(struct acpi_pm *pm, struct port_bus *bus, uint16_t base, unsigned sci_irq,
		   const struct acpi_pm_hooks *hooks, char *err, size_t errlen)
{
	*pm = (struct acpi_pm){.hooks = *hooks, .base = base, .sci_irq = sci_irq};
	pm->s.start_ns = hooks->clock.now_ns(hooks->clock.ctx);
	return port_bus_register(bus, base, ACPI_PM_LEN, pm_read, pm_write, pm, "acpi-pm", err, errlen);
}

void acpi_pm_timer_fired(struct acpi_pm *pm)
{
	pm->s.timer_deadline = 0;
	catch_up(pm, now_ticks(pm));
	settle(pm);
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
	catch_up(pm, now_ticks(pm));
	pm->s.sts |= ACPI_PM1_PWRBTN;
	settle(pm);
}

void acpi_pm_rtc_alarm(struct acpi_pm *pm)
{
	catch_up(pm, now_ticks(pm));
	pm->s.sts |= ACPI_PM1_RTC;
	settle(pm);
}

void acpi_pm_save(struct acpi_pm *pm, struct acpi_pm_state *out)
{
	catch_up(pm, now_ticks(pm));
	settle(pm);
	*out = pm->s;
}

void acpi_pm_load(struct acpi_pm *pm, const struct acpi_pm_state *in)
{
	pm->s = *in;
	pm->hooks.irq.set(pm->hooks.irq.ctx, pm->sci_irq, pm->s.sci_level);
	arm(pm, pm->s.timer_deadline);
}
