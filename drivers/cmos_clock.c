/* The host RTC (see cmos_clock.h): the same MC146818 registers the domain's
 * model serves, decoded by the model's own calendar code. */
#include "drivers/cmos_clock.h"
#include "arch/x86/io.h"
#include "hv/string.h"
#include "hv/vdev/rtc_calendar.h"

/* Bit 7 of the index port masks NMIs; keep it clear as the host wants. */
static uint8_t cmos_read(uint8_t reg)
{
	outb(RTC_PORT_INDEX, reg);
	return inb(RTC_PORT_DATA);
}

static void read_clock(uint8_t *c)
{
	/* UIP set: an update starts within 244 us; wait it out. Bounded, for
	 * a board whose RTC is missing (every register reads 0xff). */
	for (unsigned i = 0; i < 100000 && (cmos_read(RTC_REG_A) & RTC_A_UIP); i++)
		io_delay();
	static const uint8_t regs[] = {RTC_SEC, RTC_MIN, RTC_HOUR, RTC_DAY, RTC_MONTH, RTC_YEAR,
				       RTC_REG_B, RTC_CENTURY};
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		c[regs[i]] = cmos_read(regs[i]);
}

int64_t cmos_clock_read(void)
{
	uint8_t a[RTC_CMOS_SIZE], b[RTC_CMOS_SIZE];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	read_clock(a);
	for (unsigned tries = 0; tries < 5; tries++) {
		read_clock(b);
		if (!memcmp(a, b, sizeof(a)))
			break;
		memcpy(a, b, sizeof(a));
	}
	/* Register 0x32 holds the century only by convention (the FADT may
	 * name another); a value that is not 19-21 is not one. */
	unsigned century = rtc_dec(a, a[RTC_CENTURY]);
	if (century < 19 || century > 21)
		a[RTC_CENTURY] = rtc_enc(a, 20);
	return rtc_calendar_seconds(a);
}
