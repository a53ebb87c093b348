/* One-shot timer events (see timer.h). The LAPIC timer runs in one-shot mode,
 * its rate measured against the TSC once on the boot CPU (all CPUs share the
 * bus clock that drives it). */
#include "arch/x86/timer.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/percpu.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"

uint64_t lapic_timer_khz;

uint64_t lapic_timer_calibrate(void)
{
	const uint64_t window_us = 10000;

	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VECTOR_TIMER);
	lapic_write(LAPIC_TIMER_INITIAL, 0xffffffff);
	tsc_delay_us(window_us);
	uint32_t left = lapic_read(LAPIC_TIMER_CURRENT);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_timer_khz = (0xffffffffull - left) * 1000 / window_us;
	return lapic_timer_khz;
}

static void program(struct timer_queue *q)
{
	if (!q->head) {
		lapic_write(LAPIC_TIMER_INITIAL, 0);
		return;
	}
	uint64_t now = rdtsc();
	uint64_t delta = q->head->deadline_tsc > now ? q->head->deadline_tsc - now : 0;
	uint64_t count = tsc_khz ? delta * lapic_timer_khz / tsc_khz : 1;

	/* Round up so an event never fires before its deadline; clamp to the
	 * 32-bit counter (a far deadline simply takes several interrupts). */
	count += 1;
	if (count > 0xffffffffull)
		count = 0xffffffffull;
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER); /* one-shot, unmasked */
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)count);
}

static void unlink(struct timer_queue *q, struct timer_event *ev)
{
	for (struct timer_event **pp = &q->head; *pp; pp = &(*pp)->next) {
		if (*pp == ev) {
			*pp = ev->next;
			break;
		}
	}
	ev->armed = false;
}

void timer_arm(struct timer_event *ev, uint64_t deadline_tsc)
{
	uint64_t flags = irq_save();
	struct timer_queue *q = &this_cpu()->timers;

	if (ev->armed)
		unlink(q, ev);
	ev->deadline_tsc = deadline_tsc;
	struct timer_event **pp = &q->head;
	while (*pp && (*pp)->deadline_tsc <= deadline_tsc)
		pp = &(*pp)->next;
	ev->next = *pp;
	*pp = ev;
	ev->armed = true;
	if (q->head == ev)
		program(q);
	irq_restore(flags);
}

void timer_arm_us(struct timer_event *ev, uint64_t us)
{
	timer_arm(ev, rdtsc() + tsc_us_to_ticks(us));
}

void timer_cancel(struct timer_event *ev)
{
	uint64_t flags = irq_save();
	struct timer_queue *q = &this_cpu()->timers;

	if (ev->armed) {
		bool was_first = q->head == ev;
		unlink(q, ev);
		if (was_first)
			program(q);
	}
	irq_restore(flags);
}

void timer_interrupt(void)
{
	struct timer_queue *q = &this_cpu()->timers;
	uint64_t now = rdtsc();

	while (q->head && q->head->deadline_tsc <= now) {
		struct timer_event *ev = q->head;
		q->head = ev->next;
		ev->armed = false;
		ev->fn(ev); /* may re-arm itself */
		now = rdtsc();
	}
	program(q);
}

static void timer_irq(struct trap_frame *f)
{
	timer_interrupt();
}

void timer_init(void)
{
	irq_register(VECTOR_TIMER, timer_irq);
}
