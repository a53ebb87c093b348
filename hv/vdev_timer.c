/* Device timers on host timer events (see vdev_timer.h). */
#include "hv/vdev_timer.h"
#include "arch/x86/tsc.h"

static void host_timer_arm(void *ctx, uint64_t deadline_ns)
{
	struct vdev_host_timer *t = ctx;
	timer_arm(&t->ev, *t->clock_origin_tsc + tsc_ns_to_ticks(deadline_ns));
}

static void host_timer_cancel(void *ctx)
{
	struct vdev_host_timer *t = ctx;
	timer_cancel(&t->ev);
}

static void host_timer_fired(struct timer_event *ev)
{
	struct vdev_host_timer *t = ev->arg;
	t->fired(t->dev);
}

struct vdev_timer vdev_host_timer_init(struct vdev_host_timer *t, const uint64_t *clock_origin_tsc,
				       void (*fired)(void *dev), void *dev)
{
	*t = (struct vdev_host_timer){
		.ev = {.fn = host_timer_fired, .arg = t},
		.clock_origin_tsc = clock_origin_tsc,
		.fired = fired,
		.dev = dev,
	};
	return (struct vdev_timer){host_timer_arm, host_timer_cancel, t};
}
