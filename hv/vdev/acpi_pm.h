/* ACPI fixed hardware of a PC without SMM: the PM1a event and control blocks
 * and a 24-bit PM timer in one I/O block at a base the domain chooses, and the
 * SCI on an IRQ line. Pure logic on the vdev.h hooks. */
#ifndef HV_VDEV_ACPI_PM_H
#define HV_VDEV_ACPI_PM_H

#include "hv/iobus.h"
#include "hv/vdev/vdev.h"

/* The block's layout (offsets from the base), for the FADT: PM1a_EVT_BLK
 * (PM1_EVT_LEN 4: PM1_STS then PM1_EN), PM1a_CNT_BLK (PM1_CNT_LEN 2) and
 * PM_TMR_BLK (PM_TMR_LEN 4), as on Intel's PIIX4 and ICH south bridges. */
#define ACPI_PM_STS 0x0
#define ACPI_PM_EN 0x2
#define ACPI_PM_CNT 0x4
#define ACPI_PM_TMR 0x8
#define ACPI_PM_LEN 12

/* PM1_STS and PM1_EN bits (ACPI 6.5 §4.8.4.1.1, §4.8.4.1.2, Tables 4.11-4.12). */
#define ACPI_PM1_TMR 0x0001u     /* TMR_STS / TMR_EN */
#define ACPI_PM1_GBL 0x0020u     /* GBL_STS / GBL_EN: the global lock */
#define ACPI_PM1_PWRBTN 0x0100u  /* PWRBTN_STS / PWRBTN_EN */
#define ACPI_PM1_RTC 0x0400u     /* RTC_STS / RTC_EN: the RTC alarm (fixed event) */
#define ACPI_PM1_WAK 0x8000u     /* WAK_STS */
/* PM1_CNT bits (ACPI 6.5 §4.8.4.2.1, Table 4.13). There is no SMI handler
 * and so no SMI_CMD port (the FADT's SMI_CMD is 0, ACPI 6.5 §5.2.9): the
 * hardware is in ACPI mode from the start, SCI_EN reads 1 and the OS's
 * writes cannot clear it (it is the hardware's bit). */
#define ACPI_PM1_SCI_EN 0x0001u
#define ACPI_PM1_BM_RLD 0x0002u
#define ACPI_PM1_GBL_RLS 0x0004u
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK (7u << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN 0x2000u

#define ACPI_PM_TIMER_HZ 3579545ull
/* 24 bits, as on the PIIX4 that pairs with the i440FX host bridge: the FADT
 * leaves TMR_VAL_EXT clear, and TMR_STS sets whenever bit 23 changes. */
#define ACPI_PM_TIMER_BITS 24

struct acpi_pm_hooks {
	struct vdev_clock clock;
	struct vdev_timer timer;
	struct vdev_irq irq;
	/* SLP_EN was written with this SLP_TYP. The domain compares it with the
	 * \_S5 package it put in its DSDT and powers off; if it returns, the
	 * guest goes on as if woken at once (WAK_STS set). */
	void (*sleep)(void *ctx, unsigned slp_typ);
	void *ctx;
};

/* The save/load unit. */
struct acpi_pm_state {
	uint16_t sts;
	uint16_t en;
	uint16_t cnt;              /* SCI_EN, BM_RLD, SLP_TYP as last written */
	uint64_t start_ns;         /* the timer read 0 here */
	uint64_t msb_periods;      /* timer ticks / 2^23 when TMR_STS was last caught up */
	bool sci_level;
	uint64_t timer_deadline;   /* what is armed; 0 for nothing */
};

struct acpi_pm {
	struct acpi_pm_hooks hooks;
	uint16_t base;
	unsigned sci_irq;
	struct acpi_pm_state s;
};

/* The timer starts at 0 now; claims ACPI_PM_LEN ports from base. The SCI is
 * driven on sci_irq as a level, high while asserted. The MADT's interrupt
 * source override calls it active low, as the pin is on a real board: that
 * inversion belongs to whatever wires the line into the virtual IOAPIC. */
int acpi_pm_attach(struct acpi_pm *pm, struct port_bus *bus, uint16_t base, unsigned sci_irq,
		   const struct acpi_pm_hooks *hooks, char *err, size_t errlen);
void acpi_pm_timer_fired(struct acpi_pm *pm);
/* The domain's power button was pressed: PWRBTN_STS, an SCI if enabled. */
void acpi_pm_power_button(struct acpi_pm *pm);
/* The RTC asserted its interrupt (an alarm, as the PIIX4 latches any RTC
 * IRQ): RTC_STS, an SCI if RTC_EN. Linux enables this fixed event for the
 * CMOS RTC's wake alarm and checks that RTC_EN sticks. */
void acpi_pm_rtc_alarm(struct acpi_pm *pm);
/* Catches up with the clock first, so TMR_STS is current. */
void acpi_pm_save(struct acpi_pm *pm, struct acpi_pm_state *out);
/* Takes a saved state; re-drives the SCI and re-arms the timer from it. */
void acpi_pm_load(struct acpi_pm *pm, const struct acpi_pm_state *in);

#endif
