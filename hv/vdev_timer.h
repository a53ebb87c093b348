/* A device model's timer (hv/vdev/vdev.h) on a host timer event: the model
 * arms deadlines on its domain's clock, the event fires in host interrupt
 * context on this CPU and calls the model back. */
#ifndef HV_VDEV_TIMER_H
#define HV_VDEV_TIMER_H

#include "arch/x86/timer.h"
#include "hv/vdev/vdev.h"

struct vdev_host_timer {
	struct timer_event ev;
	const uint64_t *clock_origin_tsc; /* the domain clock reads 0 at this TSC */
	void (*fired)(void *dev);
	void *dev;
};

/* Sets t up and returns the hooks a model takes (ctx = t). */
struct vdev_timer vdev_host_timer_init(struct vdev_host_timer *t, const uint64_t *clock_origin_tsc,
				       void (*fired)(void *dev), void *dev);

#endif
