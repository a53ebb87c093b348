/* The PC's CMOS real-time clock, a Motorola MC146818A: ports 0x70 (index,
 * bit 7 masks NMIs) and 0x71 (data), IRQ 8, 128 bytes of CMOS of which the
 * first 14 are the clock's registers. Pure logic on the vdev.h hooks. */
#ifndef HV_VDEV_RTC_H
#define HV_VDEV_RTC_H

#include "hv/iobus.h"
#include "hv/vdev/vdev.h"

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA 0x71
#define RTC_IRQ 8
#define RTC_CMOS_SIZE 128

/* MC146818A data sheet, "Address Map": time, alarm and calendar bytes. */
#define RTC_SEC 0x00
#define RTC_SEC_ALARM 0x01
#define RTC_MIN 0x02
#define RTC_MIN_ALARM 0x03
#define RTC_HOUR 0x04
#define RTC_HOUR_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06 /* 1 = Sunday */
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
/* Not the MC146818's: the IBM AT's BIOS keeps the century at 0x32, and the
 * ACPI FADT's CENTURY field (ACPI 6.5 §5.2.9) names this index to the OS.
 * Here it is part of the calendar and carries from the year. */
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32768 0x20 /* the PC's 32.768 kHz time base, dividers running */
#define RTC_A_RS_MASK 0x0f
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01
/* SQWE and DSE are kept as written and do nothing: the PC leaves the
 * square-wave pin unconnected, and firmware leaves DSE clear (its built-in
 * daylight-saving dates are the US rules of the 1980s). */
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80
#define RTC_HOUR_PM 0x80
#define RTC_ALARM_DONT_CARE 0xc0 /* an alarm byte of 0xc0-0xff matches any value */

/* UIP rises this long before each update (the data sheet's t_BUC). */
#define RTC_UIP_NS 244000ull

struct rtc_config {
	int64_t wall_sec;        /* UTC seconds since 1970-01-01 at attach */
	uint64_t ram_below_4g;   /* guest RAM bytes below 4 GiB, for the CMOS size bytes */
	uint64_t ram_above_4g;   /* guest RAM bytes from 4 GiB up */
};

struct rtc_hooks {
	struct vdev_clock clock;
	struct vdev_timer timer;
	struct vdev_irq irq;
};

/* The save/load unit. Times are the domain clock's nanoseconds. */
struct rtc_state {
	uint8_t cmos[RTC_CMOS_SIZE]; /* the clock registers live here too */
	uint8_t index;
	bool nmi_masked;
	bool irq_level;
	uint64_t div_start_ns;     /* when the divider chain last started */
	uint64_t first_update_ns;  /* the first update after that start */
	uint64_t synced_ns;        /* events up to here are in cmos[] */
	uint64_t timer_deadline;   /* what is armed; 0 for nothing */
};

struct rtc {
	struct rtc_hooks hooks;
	struct rtc_state s;
};

/* Sets the clock to cfg->wall_sec (the first update one second later), fills
 * the PC firmware's CMOS bytes and claims ports 0x70-0x71. */
int rtc_attach(struct rtc *r, struct port_bus *bus, const struct rtc_config *cfg,
	       const struct rtc_hooks *hooks, char *err, size_t errlen);
/* The domain's timer for this RTC expired. */
void rtc_timer_fired(struct rtc *r);
/* Whether the guest has masked NMIs through bit 7 of port 0x70. */
bool rtc_nmi_masked(const struct rtc *r);
/* Catches up with the clock first, so the saved registers are current. */
void rtc_save(struct rtc *r, struct rtc_state *out);
/* Takes a saved state; re-drives IRQ 8 and re-arms the timer from it. */
void rtc_load(struct rtc *r, const struct rtc_state *in);

#endif
