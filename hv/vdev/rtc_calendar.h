/* Pure date maths for the RTC model (rtc.c): seconds since 1970 to and from
 * the CMOS calendar bytes, coded as register B says; internal to the RTC. */
#ifndef HV_VDEV_RTC_CALENDAR_H
#define HV_VDEV_RTC_CALENDAR_H

#include "hv/vdev/rtc.h"

#define SEC_PER_DAY 86400

/* a / b rounded towards minus infinity. */
int64_t rtc_floor_div(int64_t a, int64_t b);
/* Day of week, 1 = Sunday, n days after a Sunday. */
unsigned rtc_weekday(int64_t n);

/* A value to and from a CMOS byte, BCD or binary by cmos[RTC_REG_B]; hours
 * also 12- or 24-hour. */
uint8_t rtc_enc(const uint8_t *cmos, unsigned v);
unsigned rtc_dec(const uint8_t *cmos, uint8_t v);
uint8_t rtc_enc_hour(const uint8_t *cmos, unsigned h);

/* The calendar bytes of the CMOS c as seconds since 1970-01-01, invalid
 * values carrying over; and back, everything but the day of week. */
int64_t rtc_calendar_seconds(const uint8_t *c);
void rtc_set_calendar(uint8_t *c, int64_t t);

#endif
