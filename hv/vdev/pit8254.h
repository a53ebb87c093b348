/* The Intel 8254 programmable interval timer (counters at 0x40-0x42, control
 * word at 0x43) and the PC's port 0x61 (channel 2's gate and OUT, speaker
 * data, refresh toggle). Channel 0's OUT drives IRQ 0. Pure logic. */
#ifndef HV_VDEV_PIT8254_H
#define HV_VDEV_PIT8254_H

#include "hv/iobus.h"
#include "hv/vdev/vdev.h"

#define PIT_PORT 0x40
#define PIT_PORT_CONTROL 0x43
#define PIT_PORT_61 0x61
#define PIT_HZ 1193182u /* the PC's 14.31818 MHz crystal divided by 12 */
#define PIT_CHANNELS 3
#define PIT_IRQ 0

/* Port 0x61 bits. */
#define PIT_61_GATE2 0x01
#define PIT_61_SPEAKER 0x02
#define PIT_61_WRITABLE 0x0f /* with the parity and I/O check enables */
#define PIT_61_REFRESH 0x10
#define PIT_61_OUT2 0x20

/* One counter. Times are ticks: PIT clock edges counted from the domain
 * clock's zero, so counts are derived from elapsed time without drift. The
 * counting element (CE) runs from base_tick; before that, or while stopped,
 * it shows hold_count and hold_out. */
struct pit_channel {
	uint8_t control;        /* the control word's RW, M and BCD (bits 5:0) */
	uint16_t cr;            /* count register as written (0: the maximum) */
	uint8_t cr_lsb;         /* the LSB of a lo/hi count awaiting its MSB */
	bool write_msb;         /* lo/hi: the next count write is the MSB */
	bool read_msb;          /* lo/hi: the next count read is the MSB */
	bool has_count;         /* a count has been written since the control word */
	bool gate;
	bool count_latched;
	uint16_t latch;         /* counter latch / read-back count, as read */
	bool status_latched;
	uint8_t status;         /* read-back status byte */
	bool running;           /* the CE counts from base_tick */
	bool tc_done;           /* modes 0, 1, 4, 5: the terminal count is behind */
	uint64_t base_tick;
	uint32_t start;         /* CE value at base_tick; modes 2, 3: the period */
	uint32_t phase;         /* modes 2, 3: clocks into the period at base_tick */
	uint32_t hold_count;
	bool hold_out;
	bool pend;              /* modes 2, 3: a new count waits for the period's end */
	uint64_t pend_tick;
	uint32_t pend_start;
	uint32_t pend_phase;
	uint64_t null_until;    /* status "null count" until this tick */
};

/* The save/load unit. */
struct pit_state {
	struct pit_channel ch[PIT_CHANNELS];
	uint8_t port61; /* PIT_61_WRITABLE bits as written */
};

struct pit_hooks {
	struct vdev_clock clock;
	struct vdev_timer timer; /* armed for channel 0's next OUT rising edge */
	struct vdev_irq irq;
};

struct pit {
	struct pit_state s;
	struct pit_hooks hooks;
	bool armed;        /* the timer waits for irq_tick */
	uint64_t irq_tick; /* channel 0's next OUT rising edge */
};

/* Power-on: no counter programmed, every OUT low, channel 2's gate low. */
void pit_init(struct pit *p, const struct pit_hooks *hooks);
/* Claim 0x40-0x43 and 0x61; 0, or -1 with the reason in err. */
int pit_attach(struct pit *p, struct port_bus *bus, char *err, size_t errlen);
/* The timer armed through hooks.timer expired: pulse IRQ 0 (1 then 0) if
 * channel 0's OUT has risen since, and arm it for the next rising edge. */
void pit_timer_fired(struct pit *p);
/* A counter's OUT now. */
bool pit_out(const struct pit *p, unsigned channel);
/* Restore a saved state (times on the same domain clock) and rearm. */
void pit_load(struct pit *p, const struct pit_state *s);

#endif
