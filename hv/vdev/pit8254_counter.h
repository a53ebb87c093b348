/* The 8254's counting element as arithmetic on PIT clock ticks, shared by
 * the port decoding (pit8254.c); internal to the PIT model. */
#ifndef HV_VDEV_PIT8254_COUNTER_H
#define HV_VDEV_PIT8254_COUNTER_H

#include "hv/vdev/pit8254.h"

/* The last PIT clock edge at or before ns, and the first ns at or after
 * the edge tick: exact integer conversions, so nothing drifts. */
uint64_t pit_ns_to_tick(uint64_t ns);
uint64_t pit_tick_to_ns(uint64_t tick);

unsigned pit_mode(const struct pit_channel *c);
/* The CE's count as the counter reads it (BCD-encoded in BCD mode) and OUT. */
uint16_t pit_ce_read(const struct pit_channel *c, uint64_t tick);
bool pit_ce_out(const struct pit_channel *c, uint64_t tick);
/* The first OUT rising edge after tick, if one is coming. */
bool pit_ce_next_rise(const struct pit_channel *c, uint64_t tick, uint64_t *rise);

/* Events at tick: a control word (c->control already set), a complete
 * count in c->cr, the first byte of a lo/hi count, and the gate input. */
void pit_ce_control(struct pit_channel *c, uint64_t tick);
void pit_ce_count(struct pit_channel *c, uint64_t tick);
void pit_ce_first_byte(struct pit_channel *c, uint64_t tick);
void pit_ce_gate(struct pit_channel *c, uint64_t tick, bool level);

#endif
