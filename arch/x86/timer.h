/* One-shot timer events on the host LAPIC timer: each CPU keeps a list sorted
 * by TSC deadline and programs the timer for the earliest one. */
#ifndef ARCH_X86_TIMER_H
#define ARCH_X86_TIMER_H

#include "hv/types.h"

struct timer_event;
typedef void (*timer_fn)(struct timer_event *ev);

struct timer_event {
	uint64_t deadline_tsc;
	timer_fn fn; /* runs on the arming CPU, in interrupt context */
	void *arg;
	struct timer_event *next;
	bool armed;
};

struct timer_queue {
	struct timer_event *head;
};

/* Arm ev on the calling CPU (re-arming moves it); deadlines in the past fire
 * at once. ev must stay valid until it fires or is cancelled. */
void timer_arm(struct timer_event *ev, uint64_t deadline_tsc);
void timer_cancel(struct timer_event *ev);

/* The LAPIC timer interrupt: run what is due, reprogram for the rest. */
void timer_interrupt(void);

/* Arm ev after us microseconds. */
void timer_arm_us(struct timer_event *ev, uint64_t us);

/* LAPIC timer ticks per millisecond, measured against the TSC on the boot CPU
 * (every CPU's timer runs from the same clock). */
extern uint64_t lapic_timer_khz;
uint64_t lapic_timer_calibrate(void);
void timer_init(void);

#endif
