/* The RTC model's calendar arithmetic (see rtc_calendar.h): proleptic Gregorian
 * dates to and from days since 1970, and the CMOS bytes' BCD or binary coding. */
#include "hv/vdev/rtc_calendar.h"

#define DAYS_PER_400Y 146097
#define DAYS_1_TO_1970 719162 /* 0001-01-01 to 1970-01-01, proleptic Gregorian */

static const uint16_t days_before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t rtc_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* Day of week, 1 = Sunday, n days after a Sunday. */
unsigned rtc_weekday(int64_t n)
{
	return (unsigned)(n - rtc_floor_div(n, 7) * 7) + 1;
}

/* Days from 1970-01-01 to day d of month m of year y (y >= 0). Out-of-range
 * months and days carry into the next ones, as the guest may have written
 * anything; shifting by one 400-year cycle keeps every quotient positive. */
static int64_t days_from_date(int64_t y, unsigned m, unsigned d)
{
	int64_t months = (y + 400) * 12 + (int64_t)m - 1;
	int64_t yy = months / 12;
	unsigned mm = (unsigned)(months % 12);
	int64_t p = yy - 1;
	int64_t days = p * 365 + p / 4 - p / 100 + p / 400 + days_before_month[mm] +
		       (mm >= 2 && leap(yy)) + (int64_t)d - 1;
	return days - DAYS_PER_400Y - DAYS_1_TO_1970;
}

/* The inverse: split the day count into 400-, 100-, 4- and 1-year blocks; the
 * last block of each size is one day longer, hence the clamps. */
static void date_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	uint64_t r = (uint64_t)(days + DAYS_1_TO_1970 + DAYS_PER_400Y);
	uint64_t q400 = r / DAYS_PER_400Y, q100, q4, q1;

	r %= DAYS_PER_400Y;
	q100 = MIN(r / 36524, 3);
	r -= q100 * 36524;
	q4 = r / 1461;
	r -= q4 * 1461;
	q1 = MIN(r / 365, 3);
	r -= q1 * 365;
	*y = (int64_t)(q400 * 400 + q100 * 100 + q4 * 4 + q1) + 1 - 400;
	for (*m = 12; *m > 1; (*m)--) {
		unsigned start = days_before_month[*m - 1] + (*m > 2 && leap(*y));
		if (r >= start) {
			r -= start;
			break;
		}
	}
	*d = (unsigned)r + 1;
}

/* Register B's DM and 24/12 bits say how bytes are coded (data sheet,
 * "Time, Calendar and Alarm Data Modes"). Changing them converts nothing. */
uint8_t rtc_enc(const uint8_t *cmos, unsigned v)
{
	if (cmos[RTC_REG_B] & RTC_B_DM_BINARY)
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

unsigned rtc_dec(const uint8_t *cmos, uint8_t v)
{
	if (cmos[RTC_REG_B] & RTC_B_DM_BINARY)
		return v;
	return (v >> 4) * 10u + (v & 0xfu);
}

uint8_t rtc_enc_hour(const uint8_t *cmos, unsigned h)
{
	if (cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_enc(cmos, h);
	return rtc_enc(cmos, h % 12 ? h % 12 : 12) | (h >= 12 ? RTC_HOUR_PM : 0);
}

static unsigned dec_hour(const uint8_t *cmos, uint8_t v)
{
	if (cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_dec(cmos, v);
	return rtc_dec(cmos, v & ~RTC_HOUR_PM) % 12 + (v & RTC_HOUR_PM ? 12 : 0);
}

int64_t rtc_calendar_seconds(const uint8_t *c)
{
	int64_t year = (int64_t)rtc_dec(c, c[RTC_CENTURY]) * 100 + rtc_dec(c, c[RTC_YEAR]);
	int64_t days = days_from_date(year, rtc_dec(c, c[RTC_MONTH]), rtc_dec(c, c[RTC_DAY]));

	return days * SEC_PER_DAY + dec_hour(c, c[RTC_HOUR]) * 3600 + rtc_dec(c, c[RTC_MIN]) * 60 +
	       rtc_dec(c, c[RTC_SEC]);
}

/* Everything but the day of week, which the chip counts on its own. */
void rtc_set_calendar(uint8_t *c, int64_t t)
{
	int64_t days = rtc_floor_div(t, SEC_PER_DAY), y;
	unsigned tod = (unsigned)(t - days * SEC_PER_DAY), m, d;

	date_from_days(days, &y, &m, &d);
	c[RTC_SEC] = rtc_enc(c, tod % 60);
	c[RTC_MIN] = rtc_enc(c, tod / 60 % 60);
	c[RTC_HOUR] = rtc_enc_hour(c, tod / 3600);
	c[RTC_DAY] = rtc_enc(c, d);
	c[RTC_MONTH] = rtc_enc(c, m);
	c[RTC_YEAR] = rtc_enc(c, (unsigned)(y % 100));
	c[RTC_CENTURY] = rtc_enc(c, (unsigned)(y / 100));
}
