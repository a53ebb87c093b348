/* The host's CMOS real-time clock, read once at boot to give domains the
 * time of day. */
#ifndef DRIVERS_CMOS_CLOCK_H
#define DRIVERS_CMOS_CLOCK_H

#include "hv/types.h"

/* UTC seconds since 1970 (the PC's RTC is assumed to run in UTC, as Linux
 * assumes of a virtual machine's). Reads until two reads agree, so an update
 * in between cannot tear it. */
int64_t cmos_clock_read(void);

#endif
