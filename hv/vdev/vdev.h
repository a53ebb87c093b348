/* What every device model gets from its domain, as plain hooks so the models
 * stay pure logic and run on the host in unit tests:
 *   - a clock: the domain's monotonic time in nanoseconds;
 *   - one-shot timers: arm(deadline_ns) replaces an armed one; the domain
 *     calls the model's *_timer_fired() when it expires;
 *   - IRQ lines: set(line, level). Edge-triggered sources pulse (1 then 0).
 * Each model keeps its architectural state in one plain struct (the
 * save/load unit for snapshots), separate from these hooks, and attaches
 * itself to the domain's port and MMIO buses (hv/iobus.h, hv/mmiobus.h). */
#ifndef HV_VDEV_VDEV_H
#define HV_VDEV_VDEV_H

#include "hv/types.h"

struct vdev_clock {
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
};

struct vdev_timer {
	void (*arm)(void *ctx, uint64_t deadline_ns);
	void (*cancel)(void *ctx);
	void *ctx;
};

struct vdev_irq {
	void (*set)(void *ctx, unsigned int line, bool level);
	void *ctx;
};

#endif
