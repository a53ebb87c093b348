/* The virtual PC as an unmodified OS would meet it, driven from inside a
 * domain: COM1 in loopback; the 8254 PIT through the 8259 pair and LINT0, and
 * channel 2 through port 0x61; the local APIC's registers and its one-shot,
 * periodic and TSC-deadline timers; the I/O APIC with an edge (PIT on pin 2)
 * and a level (COM1 on pin 4) interrupt; the CMOS RTC's calendar and periodic
 * interrupt; the ACPI tables and PM timer; the read-only BIOS area; PCI
 * configuration mechanism #1; MOVS and LOCK CMPXCHG on LAPIC registers
 * through the instruction emulator; x2APIC mode and back. Paging is off, so the
 * LAPIC and I/O APIC pages are reached at their physical addresses and every
 * device access traps to the hypervisor's models.
 *
 * One PASS/FAIL line per check. Rates are measured against the TSC, whose
 * rate CPUID leaf 0x15 gives, with loose bounds (half to twice the expected
 * value): they catch a wrong clock or scale, not jitter. Every wait is bounded
 * by the TSC, and HLT is always backed by the hypervisor's test interrupt as
 * a watchdog, so a missing interrupt is a FAIL, never a hang. With every
 * check passed the guest powers itself off through ACPI (PM1a_CNT, S5);
 * otherwise it exits with status 1 through the test port. */
#include "pc.h"

/* Interrupt vectors this guest programs. */
#define VEC_PIC_BASE 0x30 /* master 8259 0x30-0x37, slave 0x38-0x3f */
#define VEC_PIT_PIC (VEC_PIC_BASE + 0)
#define VEC_LAPIC_ONESHOT 0x41
#define VEC_LAPIC_PERIODIC 0x42
#define VEC_LAPIC_DEADLINE 0x43
#define VEC_IOAPIC_PIT 0x50
#define VEC_IOAPIC_PIN0 0x51
#define VEC_COM1_LEVEL 0x60
#define VEC_RTC 0x70
#define VEC_SCI 0x80
#define VEC_WATCHDOG 0xee

/* COM1 (16550A). */
#define COM1 0x3f8
#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_MCR 4
#define UART_LSR 5
#define UART_IER_ETBEI 0x02
#define UART_IIR_ID_MASK 0x0f
#define UART_IIR_THRE 0x02
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define COM1_IRQ 4

/* 8254 PIT and port 0x61. */
#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CONTROL 0x43
#define PIT_CW_CH0_MODE2 0x34 /* channel 0, LSB then MSB, mode 2 (rate generator) */
#define PIT_CW_CH0_MODE0 0x30 /* channel 0, mode 0 with no count yet: stopped */
#define PIT_CW_CH2_MODE0 0xb0 /* channel 2, LSB then MSB, mode 0 (terminal count) */
#define PIT_1KHZ 1193
#define PORT61 0x61
#define PORT61_GATE2 0x01
#define PORT61_SPEAKER 0x02
#define PORT61_OUT2 0x20
#define IOAPIC_PIT_PIN 2 /* ISA IRQ 0 by the MADT's override */

/* LAPIC timer. */
#define LAPIC_DIVIDE_BY_1 0x0b
#define LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_TIMER_TSC_DEADLINE (2u << 17)
#define LAPIC_VERSION_VALUE 0x00050014u

/* MSRs and CPUID bits. */
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_ID 0x802
#define MSR_X2APIC_VERSION 0x803
#define APIC_BASE_ADDR 0xfee00000u
#define APIC_BASE_BSP (1u << 8)
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

/* CMOS RTC. */
#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_CENTURY 0x32
#define RTC_A_UIP 0x80
#define RTC_A_DV_32768 0x20
#define RTC_A_RS_1024HZ 0x06 /* the firmware default */
#define RTC_A_RS_256HZ 0x08
#define RTC_B_PIE 0x40
#define RTC_B_24H 0x02
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_IRQ 8

/* ACPI. */
#define ACPI_PM_TIMER_HZ 3579545u
#define ACPI_PM_TIMER_MASK 0xffffffu
#define ACPI_SLP_TYP_S5 5u
#define ACPI_SLP_TYP_SHIFT 10
#define ACPI_SLP_EN (1u << 13)
#define ACPI_SCI_IRQ 9

#define MB1_BOOTLOADER_MAGIC 0x2badb002u
#define MIB 0x100000u
#define WATCHDOG_MAX_US 0x7fffffu /* the test interrupt's 23-bit delay field */

static unsigned failures;
static uint64_t tsc_hz;     /* CPUID 0x15: crystal ECX * EBX / EAX */
static uint64_t crystal_hz; /* CPUID 0x15 ECX: the LAPIC timer's clock */
static uint64_t ram_end = MIB; /* from the multiboot information */
static uint16_t pm_tmr_port, pm1a_cnt_port; /* from the FADT */
static const volatile uint8_t *rsdp;

static bool ck(bool ok, const char *name)
{
	if (!check(ok, name))
		failures++;
	return ok;
}

/* --- arithmetic and output (no libgcc: 64-bit division by hand) ------------ */

static uint64_t udiv(uint64_t n, uint64_t d)
{
	uint64_t q = 0, r = 0;

	if (!d)
		return ~0ull;
	for (int i = 63; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	return q;
}

static void con_put_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		uint64_t q = udiv(v, 10);
		buf[--i] = (char)('0' + (v - q * 10));
		v = q;
	} while (v);
	con_puts(&buf[i]);
}

/* "measured: <what> <value> <unit> (expected <value>)", for the report. */
static void measured(const char *what, uint64_t value, uint64_t expected, const char *unit)
{
	con_puts("measured: ");
	con_puts(what);
	con_puts(" ");
	con_put_dec(value);
	con_puts(unit);
	con_puts(" (expected ");
	con_put_dec(expected);
	con_puts(unit);
	con_puts(")\n");
}

/* Within half to twice the expected value. */
static bool plausible(uint64_t value, uint64_t expected)
{
	return expected && value * 2 >= expected && value <= expected * 2;
}

static uint64_t ticks_of_us(uint64_t us)
{
	return udiv(us * tsc_hz, 1000000);
}

/* events per second, counted over ticks TSC ticks */
static uint64_t rate_hz(uint64_t events, uint64_t ticks)
{
	return udiv(events * tsc_hz, ticks);
}

static void spin_ticks(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		__asm__ volatile("pause");
}

/* --- waiting for interrupts ------------------------------------------------- */

static void pic_eoi(void)
{
	outb(PIC1, PIC_EOI);
}

static void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* The hypervisor's test interrupt (not a device model) wakes HLT at least
 * every quarter of the timeout, for twice the timeout: a device that never
 * interrupts cannot leave the guest halted. Arming replaces an armed one. */
static void watchdog_arm(uint64_t timeout)
{
	uint64_t us = (udiv(timeout * 1000000, tsc_hz) >> 2) + 100;

	test_irq_arm(VEC_WATCHDOG, (uint32_t)(us > WATCHDOG_MAX_US ? WATCHDOG_MAX_US : us), 8);
}

/* Halts with interrupts enabled until vector has been counted target times
 * or timeout TSC ticks have passed. eoi (may be NULL) runs once per counted
 * interrupt, with interrupts off again; *when (may be NULL) gets the TSC
 * right after the wake-up that reached target, before its EOI (each exit
 * costs emulated time: the EOI is not part of the interrupt's timing).
 * IF is 0 outside "sti; hlt". */
static bool wait_irqs(uint8_t vector, uint32_t target, uint64_t timeout, void (*eoi)(void), uint64_t *when)
{
	uint64_t start = rdtsc();
	uint32_t seen = guest_irq_count[vector];

	watchdog_arm(timeout);
	for (;;) {
		uint64_t now = rdtsc();
		uint32_t count = guest_irq_count[vector];

		for (; seen != count; seen++)
			if (eoi)
				eoi();
		if (seen >= target) {
			if (when)
				*when = now;
			return true;
		}
		if (now - start >= timeout)
			return false;
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

/* One instruction with IF=1: what is pending and deliverable arrives. */
static void irq_window(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

/* --- 1. COM1 ------------------------------------------------------------------ */

/* Only the loopback path: guest/tests/uart.c covers the rest of the 16550A. */
static void uart_checks(void)
{
	outb(COM1 + UART_MCR, UART_MCR_LOOP);
	outb(COM1 + UART_THR, 0xa5);
	ck((inb(COM1 + UART_LSR) & UART_LSR_DR) && inb(COM1 + UART_RBR) == 0xa5,
	   "COM1 loopback: the byte written to THR comes back in RBR");
	outb(COM1 + UART_MCR, 0);
}

/* --- 2. PIT ---------------------------------------------------------------------- */

static void pit_ch0_periodic(uint16_t count)
{
	outb(PIT_CONTROL, PIT_CW_CH0_MODE2);
	outb(PIT_CH0, (uint8_t)count);
	outb(PIT_CH0, (uint8_t)(count >> 8));
}

/* A mode 0 control word with no count stops the counter, OUT low. */
static void pit_ch0_stop(void)
{
	outb(PIT_CONTROL, PIT_CW_CH0_MODE0);
}

/* Counts n interrupts at vector after the first one and checks their period
 * against the PIT's: the first interrupt's phase is unknown, so it only
 * starts the measurement. */
static void pit_rate_check(uint8_t vector, unsigned n, void (*eoi)(void), const char *arrive, const char *rate,
			   const char *what)
{
	uint32_t base = guest_irq_count[vector];
	uint64_t t1 = 0, tn = 0;
	bool ok;

	pit_ch0_periodic(PIT_1KHZ);
	ok = wait_irqs(vector, base + 1, ticks_of_us(100000), eoi, &t1) &&
	     wait_irqs(vector, base + 1 + n, ticks_of_us(200000), eoi, &tn);
	pit_ch0_stop();
	ck(ok, arrive);
	uint64_t expected = udiv((uint64_t)n * PIT_1KHZ * tsc_hz, PIT_HZ);
	if (ok)
		measured(what, rate_hz(n, tn - t1), rate_hz(n, expected), " Hz");
	ck(ok && plausible(tn - t1, expected), rate);
}

/* Channel 2 has its gate in port 0x61 bit 0 and its OUT in bit 5: mode 0
 * holds OUT low while counting and raises it at the terminal count. */
static void pit_channel2_check(void)
{
	const uint16_t count = 11932; /* 10 ms */
	uint64_t expected = udiv((uint64_t)count * tsc_hz, PIT_HZ), timeout = expected * 4, t0, t1;
	bool low, high = false;

	outb(PORT61, (uint8_t)((inb(PORT61) & ~PORT61_SPEAKER) | PORT61_GATE2));
	outb(PIT_CONTROL, PIT_CW_CH2_MODE0);
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	t0 = rdtsc();
	low = !(inb(PORT61) & PORT61_OUT2);
	do {
		t1 = rdtsc();
		high = inb(PORT61) & PORT61_OUT2;
	} while (!high && t1 - t0 < timeout);
	outb(PORT61, (uint8_t)(inb(PORT61) & ~(PORT61_GATE2 | PORT61_SPEAKER)));
	ck(low, "PIT channel 2 OUT (port 0x61 bit 5) low while counting in mode 0");
	if (high)
		measured("PIT channel 2 count of 11932 took", udiv((t1 - t0) * 1000000, tsc_hz),
			 udiv((uint64_t)count * 1000000, PIT_HZ), " us");
	ck(high && plausible(t1 - t0, expected), "PIT channel 2 OUT rises after the count elapses");
}

static void pit_checks(void)
{
	pic_setup(VEC_PIC_BASE, VEC_PIC_BASE + 8, 1u << 0);
	lapic_virtual_wire();
	pit_rate_check(VEC_PIT_PIC, 19, pic_eoi, "PIT channel 0 interrupts through the 8259 and LINT0",
		       "PIT channel 0 through the 8259: 1193 counts at 1.193182 MHz per interrupt",
		       "PIT channel 0 via 8259 rate");
	/* The 8259 goes quiet for good: the I/O APIC takes over below. */
	outb(PIC1 + 1, 0xff);
	outb(PIC2 + 1, 0xff);
	pit_channel2_check();
}

/* --- 3. LAPIC ---------------------------------------------------------------------- */

static void lapic_oneshot_check(void)
{
	uint32_t base = guest_irq_count[VEC_LAPIC_ONESHOT];
	uint32_t initial = (uint32_t)udiv(crystal_hz, 50); /* 20 ms */
	uint64_t period = ticks_of_us(20000), t0, t1, t2, fired = 0;
	uint32_t c1, c2;

	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_ONESHOT);
	lapic_write(LAPIC_TIMER_INITIAL, initial);
	t0 = rdtsc();
	/* The current count, 5 ms apart by the TSC: it falls at the crystal
	 * clock (divide by 1). */
	c1 = lapic_read(LAPIC_TIMER_CURRENT);
	t1 = rdtsc();
	spin_ticks(ticks_of_us(5000));
	c2 = lapic_read(LAPIC_TIMER_CURRENT);
	t2 = rdtsc();
	/* Console output is slow (an exit per byte): only after the wait. */
	bool ok = wait_irqs(VEC_LAPIC_ONESHOT, base + 1, period * 5, lapic_eoi, &fired);
	uint64_t rate = c2 < c1 ? rate_hz(c1 - c2, t2 - t1) : 0;
	measured("LAPIC timer count rate", rate, crystal_hz, " Hz");
	ck(c2 < c1 && c1 <= initial && plausible(rate, crystal_hz),
	   "LAPIC timer current count falls at the CPUID 0x15 crystal rate");
	if (ok)
		measured("LAPIC one-shot of 20 ms fired after", udiv((fired - t0) * 1000000, tsc_hz), 20000, " us");
	ck(ok && plausible(fired - t0, period), "LAPIC one-shot timer interrupt arrives after its count");
	/* Two more periods: a one-shot must not reload. */
	wait_irqs(VEC_LAPIC_ONESHOT, base + 2, period * 2, lapic_eoi, NULL);
	ck(guest_irq_count[VEC_LAPIC_ONESHOT] == base + 1 && lapic_read(LAPIC_TIMER_CURRENT) == 0,
	   "LAPIC one-shot timer fires exactly once, current count 0 after");
}

static void lapic_periodic_check(void)
{
	const unsigned n = 5;
	uint32_t base = guest_irq_count[VEC_LAPIC_PERIODIC];
	uint64_t t1 = 0, tn = 0, expected = ticks_of_us(1000 * n);
	bool ok;

	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_PERIODIC | LAPIC_TIMER_PERIODIC);
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)udiv(crystal_hz, 1000)); /* 1 ms */
	ok = wait_irqs(VEC_LAPIC_PERIODIC, base + 1, ticks_of_us(100000), lapic_eoi, &t1) &&
	     wait_irqs(VEC_LAPIC_PERIODIC, base + 1 + n, ticks_of_us(100000), lapic_eoi, &tn);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	ck(ok, "LAPIC periodic timer: repeated interrupts");
	if (ok)
		measured("LAPIC periodic timer rate", rate_hz(n, tn - t1), 1000, " Hz");
	ck(ok && plausible(tn - t1, expected), "LAPIC periodic timer period matches its initial count");
}

/* TSC-deadline mode (LVT timer bits 18:17 = 2): IA32_TSC_DEADLINE arms it in
 * the guest's TSC, reads back while armed and reads 0 once it fired. */
static void lapic_deadline_check(void)
{
	uint32_t base = guest_irq_count[VEC_LAPIC_DEADLINE];
	uint64_t delta = ticks_of_us(2000), deadline, fired = 0;

	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_DEADLINE | LAPIC_TIMER_TSC_DEADLINE);
	deadline = rdtsc() + delta;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	uint64_t armed = rdmsr(MSR_TSC_DEADLINE);
	bool ok = wait_irqs(VEC_LAPIC_DEADLINE, base + 1, delta * 50, lapic_eoi, &fired);
	ck(armed == deadline, "IA32_TSC_DEADLINE reads back the armed deadline");
	if (ok && fired >= deadline) {
		con_puts("measured: TSC-deadline interrupt seen ");
		con_put_dec(fired - deadline);
		con_puts(" TSC ticks after the deadline\n");
	}
	ck(ok && fired >= deadline, "TSC-deadline timer interrupt arrives, not before the deadline");
	ck(rdmsr(MSR_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE reads 0 after the interrupt");
	wait_irqs(VEC_LAPIC_DEADLINE, base + 2, delta * 2, lapic_eoi, NULL);
	ck(guest_irq_count[VEC_LAPIC_DEADLINE] == base + 1, "TSC-deadline timer fires once");
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
}

static void lapic_checks(void)
{
	uint32_t a, b, c, d;

	ck(lapic_read(LAPIC_VERSION) == LAPIC_VERSION_VALUE, "LAPIC version register reads 0x00050014");
	ck(lapic_read(LAPIC_ID) == 0, "LAPIC ID register is 0 (vCPU0)");
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	lapic_oneshot_check();
	lapic_periodic_check();
	cpuid(1, &a, &b, &c, &d);
	if (ck(c & CPUID1_ECX_TSC_DEADLINE, "CPUID.1:ECX[24] offers the TSC-deadline timer"))
		lapic_deadline_check();
}

/* --- 4. I/O APIC --------------------------------------------------------------------- */

/* Edge: the PIT's IRQ 0 comes in on pin 2 (the MADT's override), pin 0 sees
 * nothing. The 8259 is masked and LINT0 too, as an OS leaves them. */
static void ioapic_edge_checks(void)
{
	uint32_t pin0_before = guest_irq_count[VEC_IOAPIC_PIN0], pic_before = guest_irq_count[VEC_PIT_PIC];

	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	ioapic_route(0, VEC_IOAPIC_PIN0, 0);
	ioapic_route(IOAPIC_PIT_PIN, VEC_IOAPIC_PIT, 0);
	pit_rate_check(VEC_IOAPIC_PIT, 10, lapic_eoi, "PIT interrupts arrive through I/O APIC pin 2 (edge)",
		       "PIT through the I/O APIC: 1193 counts at 1.193182 MHz per interrupt",
		       "PIT channel 0 via I/O APIC rate");
	ioapic_route(IOAPIC_PIT_PIN, IOAPIC_RTE_MASKED, 0);
	ioapic_route(0, IOAPIC_RTE_MASKED, 0);
	ck(guest_irq_count[VEC_IOAPIC_PIN0] == pin0_before && guest_irq_count[VEC_PIT_PIC] == pic_before,
	   "IRQ 0 reaches neither I/O APIC pin 0 nor the masked 8259");
}

/* Level: COM1's THRE interrupt holds IRQ 4 asserted until IIR is read. Remote
 * IRR stays set while the vector is in service; the EOI clears it, and if
 * the line is still asserted then the interrupt comes again. */
static void ioapic_level_checks(void)
{
	const uint32_t tmr_bit = 1u << (VEC_COM1_LEVEL % 32);
	const uint32_t tmr_reg = LAPIC_TMR + 0x10 * (VEC_COM1_LEVEL / 32);
	volatile uint32_t *count = &guest_irq_count[VEC_COM1_LEVEL];
	uint32_t base = *count, rte;
	uint8_t iir;

	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_MCR, UART_MCR_OUT2);
	ioapic_route(COM1_IRQ, VEC_COM1_LEVEL | IOAPIC_RTE_LEVEL, 0);
	outb(COM1 + UART_IER, UART_IER_ETBEI); /* THR is empty: IRQ 4 rises now */
	irq_window();
	rte = ioapic_rte_low(COM1_IRQ);
	ck(*count == base + 1, "COM1 THRE interrupt arrives through I/O APIC pin 4 (level)");
	ck(rte & IOAPIC_RTE_REMOTE_IRR, "I/O APIC remote IRR set while the level interrupt is in service");
	ck(lapic_read(tmr_reg) & tmr_bit, "LAPIC TMR marks the vector level-triggered");
	iir = inb(COM1 + UART_IIR); /* names THRE and clears it: IRQ 4 falls */
	lapic_eoi();
	rte = ioapic_rte_low(COM1_IRQ);
	irq_window();
	ck((iir & UART_IIR_ID_MASK) == UART_IIR_THRE && !(rte & IOAPIC_RTE_REMOTE_IRR) && *count == base + 1,
	   "IIR read then EOI: remote IRR clears, no second delivery");

	/* IER 0 then ETBEI makes the THRE interrupt due again (uart16550.c). */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_IER, UART_IER_ETBEI);
	irq_window();
	uint32_t first = *count;
	lapic_eoi(); /* IIR not read: the line is still asserted */
	irq_window();
	ck(first == base + 2 && *count == base + 3, "EOI while IRQ 4 is still asserted delivers it again");
	inb(COM1 + UART_IIR);
	lapic_eoi();
	irq_window();
	ck(*count == base + 3 && !(ioapic_rte_low(COM1_IRQ) & IOAPIC_RTE_REMOTE_IRR),
	   "once IIR is read the level interrupt stops");

	ioapic_route(COM1_IRQ, IOAPIC_RTE_MASKED, 0);
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_MCR, 0);
}

/* The SCI idles deasserted: routed as the MADT says (level, active-low), pin
 * 9 delivers nothing. Wrong polarity wiring would deliver at once, and again
 * after every EOI, so the pin is masked straight after the look. */
static void ioapic_sci_check(void)
{
	uint32_t before = guest_irq_count[VEC_SCI];

	ioapic_route(ACPI_SCI_IRQ, VEC_SCI | IOAPIC_RTE_LEVEL | IOAPIC_RTE_LOW_ACTIVE, 0);
	irq_window();
	ioapic_route(ACPI_SCI_IRQ, IOAPIC_RTE_MASKED, 0);
	if (guest_irq_count[VEC_SCI] != before)
		lapic_eoi();
	ck(guest_irq_count[VEC_SCI] == before, "I/O APIC pin 9 (SCI, level, active-low) idle: no interrupt");
}

static void ioapic_checks(void)
{
	ck(ioapic_read(IOAPIC_REG_VER) == (23u << 16 | 0x20),
	   "I/O APIC version 0x20 with maximum redirection entry 23");
	ioapic_edge_checks();
	ioapic_level_checks();
	ioapic_sci_check();
}

/* --- 5. RTC ----------------------------------------------------------------------------- */

struct rtc_time {
	uint8_t sec, min, hour, day, month, year, century;
};

static bool bcd_in(uint8_t v, unsigned lo, unsigned hi)
{
	unsigned d = (v >> 4) * 10u + (v & 0xf);
	return (v & 0xf) <= 9 && (v >> 4) <= 9 && d >= lo && d <= hi;
}

static unsigned bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

/* Waits out an update in progress (register A's UIP: none starts within
 * 244 us after it reads 0). Bounded: 10 ms of TSC. */
static bool rtc_wait_uip(void)
{
	uint64_t t0 = rdtsc(), limit = ticks_of_us(10000);

	while (cmos_read(RTC_REG_A) & RTC_A_UIP)
		if (rdtsc() - t0 > limit)
			return false;
	return true;
}

static bool rtc_read_once(struct rtc_time *t)
{
	if (!rtc_wait_uip())
		return false;
	t->sec = cmos_read(RTC_SEC);
	t->min = cmos_read(RTC_MIN);
	t->hour = cmos_read(RTC_HOUR);
	t->day = cmos_read(RTC_DAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(RTC_CENTURY);
	return true;
}

/* Two equal reads in a row: no update fell between them. */
static bool rtc_read(struct rtc_time *t)
{
	struct rtc_time u;

	if (!rtc_read_once(t))
		return false;
	for (int tries = 0; tries < 5; tries++) {
		if (!rtc_read_once(&u))
			return false;
		if (u.sec == t->sec && u.min == t->min && u.hour == t->hour && u.day == t->day &&
		    u.month == t->month && u.year == t->year && u.century == t->century)
			return true;
		*t = u;
	}
	return false;
}

static void put2(uint8_t bcd_value)
{
	char s[3] = {(char)('0' + (bcd_value >> 4)), (char)('0' + (bcd_value & 0xf)), '\0'};
	con_puts(s);
}

/* "measured: RTC date CCYY-MM-DD hh:mm:ss", BCD digits as read. */
static void rtc_print(const struct rtc_time *t)
{
	con_puts("measured: RTC date ");
	put2(t->century);
	put2(t->year);
	con_puts("-");
	put2(t->month);
	con_puts("-");
	put2(t->day);
	con_puts(" ");
	put2(t->hour);
	con_puts(":");
	put2(t->min);
	con_puts(":");
	put2(t->sec);
	con_puts("\n");
}

/* Polls the seconds until they change from *sec; bounded by timeout. */
static bool rtc_next_second(uint8_t *sec, uint64_t timeout, uint64_t *when)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < timeout) {
		if (!rtc_wait_uip())
			return false;
		uint8_t s = cmos_read(RTC_SEC);
		if (s != *sec) {
			*when = rdtsc();
			*sec = s;
			return true;
		}
	}
	return false;
}

static void rtc_calendar_checks(void)
{
	struct rtc_time t = {0};
	bool ok = rtc_read(&t);
	unsigned year = bcd(t.century) * 100 + bcd(t.year);

	ck(cmos_read(RTC_REG_B) == RTC_B_24H, "RTC status B as firmware leaves it: BCD, 24-hour, no interrupts");
	rtc_print(&t);
	ck(ok && bcd_in(t.sec, 0, 59) && bcd_in(t.min, 0, 59) && bcd_in(t.hour, 0, 23) && bcd_in(t.day, 1, 31) &&
		   bcd_in(t.month, 1, 12) && bcd_in(t.year, 0, 99) && bcd_in(t.century, 19, 21),
	   "RTC date and time read with the UIP protocol are valid BCD in range");
	/* The host clock read at boot: Bochs (tools/hvrun) starts its clock
	 * at 2000-01-01, hardware and QEMU at today's date. */
	ck(ok && year >= 2000, "RTC year is 2000 or later (the host clock at boot)");

	/* Two changes of the seconds: each second is one update, ~1 s apart. */
	uint8_t sec = t.sec, first;
	uint64_t t1 = 0, t2 = 0, limit = ticks_of_us(3000000);
	ok = rtc_next_second(&sec, limit, &t1);
	first = sec;
	ok = ok && rtc_next_second(&sec, limit, &t2);
	ck(ok && bcd(first) == (bcd(t.sec) + 1) % 60 && bcd(sec) == (bcd(first) + 1) % 60,
	   "RTC seconds advance one at a time");
	if (ok)
		measured("RTC second", udiv((t2 - t1) * 1000, tsc_hz), 1000, " ms");
	ck(ok && plausible(t2 - t1, tsc_hz), "RTC seconds advance at 1 Hz against the TSC");
}

static uint8_t rtc_c_seen; /* AND of register C over the periodic interrupts */

/* Reading register C ends the interrupt (IRQ 8 falls), then the EOI. */
static void rtc_eoi(void)
{
	rtc_c_seen &= cmos_read(RTC_REG_C);
	lapic_eoi();
}

/* Periodic interrupt at 256 Hz (register A RS = 8, B PIE) on I/O APIC pin 8:
 * slow enough that the exits each interrupt costs in Bochs (register C, the
 * EOI) fit well inside a period. */
static void rtc_periodic_checks(void)
{
	const unsigned n = 8;
	uint32_t base = guest_irq_count[VEC_RTC];
	uint8_t b = cmos_read(RTC_REG_B), c2;
	uint64_t t1 = 0, tn = 0, expected = udiv((uint64_t)n * tsc_hz, 256);
	bool ok;

	cmos_read(RTC_REG_C); /* no stale flag raises IRQ 8 */
	rtc_c_seen = 0xff;
	cmos_write(RTC_REG_A, RTC_A_DV_32768 | RTC_A_RS_256HZ);
	ioapic_route(RTC_IRQ, VEC_RTC, 0);
	cmos_write(RTC_REG_B, b | RTC_B_PIE);
	ok = wait_irqs(VEC_RTC, base + 1, ticks_of_us(100000), rtc_eoi, &t1) &&
	     wait_irqs(VEC_RTC, base + 1 + n, ticks_of_us(100000), rtc_eoi, &tn);
	cmos_write(RTC_REG_B, b);
	ioapic_route(RTC_IRQ, IOAPIC_RTE_MASKED, 0);
	ck(ok, "RTC periodic interrupts arrive through I/O APIC pin 8");
	if (ok)
		measured("RTC periodic rate", rate_hz(n, tn - t1), 256, " Hz");
	ck(ok && plausible(tn - t1, expected), "RTC periodic interrupt at 256 Hz (RS 8)");
	ck(ok && (rtc_c_seen & (RTC_C_PF | RTC_C_IRQF)) == (RTC_C_PF | RTC_C_IRQF),
	   "RTC register C shows PF and IRQF at each periodic interrupt");
	/* With the rate 0 no new PF can rise: a read clears what is left. */
	cmos_write(RTC_REG_A, RTC_A_DV_32768);
	cmos_read(RTC_REG_C);
	c2 = cmos_read(RTC_REG_C);
	ck(!(c2 & (RTC_C_PF | RTC_C_IRQF)), "RTC register C is cleared by reading it");
	cmos_write(RTC_REG_A, RTC_A_DV_32768 | RTC_A_RS_1024HZ);
}

/* --- 6. ACPI ------------------------------------------------------------------------------ */

static uint32_t get16(const volatile uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const volatile uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const volatile uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static bool sig_is(const volatile uint8_t *p, const char *sig, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

static uint8_t sum(const volatile uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* A table at addr inside guest RAM (a bad pointer must not end the domain),
 * with its signature and a valid checksum; NULL otherwise. */
static const volatile uint8_t *acpi_table(uint64_t addr, const char *sig)
{
	const volatile uint8_t *t;

	if (addr < 0x1000 || addr + 36 > ram_end)
		return NULL;
	t = (const volatile uint8_t *)(uintptr_t)addr;
	uint32_t len = get32(t + 4);
	if (len < 36 || addr + len > ram_end || !sig_is(t, sig, 4) || sum(t, len) != 0)
		return NULL;
	return t;
}

/* §5.2.5.1: the RSDP on a 16-byte boundary in 0xE0000-0xFFFFF. */
static const volatile uint8_t *find_rsdp(void)
{
	for (uintptr_t a = 0xe0000; a < 0x100000; a += 16)
		if (sig_is((const volatile uint8_t *)a, "RSD PTR ", 8))
			return (const volatile uint8_t *)a;
	return NULL;
}

static void madt_checks(const volatile uint8_t *madt)
{
	uint32_t len = get32(madt + 4);
	unsigned lapics = 0, lapic0 = 0, ioapic = 0, pit_override = 0, sci_override = 0;

	ck(get32(madt + 36) == APIC_BASE_ADDR, "MADT names the LAPIC at 0xFEE00000");
	for (uint32_t off = 44; off + 2 <= len;) {
		const volatile uint8_t *e = madt + off;
		uint8_t type = e[0], elen = e[1];

		if (elen < 2 || off + elen > len)
			break;
		if (type == 0 && elen >= 8) { /* processor local APIC: UID, ID, flags */
			lapics++;
			lapic0 += e[3] == 0 && (get32(e + 4) & 1);
		} else if (type == 1 && elen >= 12) { /* I/O APIC: ID, reserved, address, GSI base */
			ioapic += get32(e + 4) == IOAPIC_BASE && get32(e + 8) == 0;
		} else if (type == 2 && elen >= 10) { /* override: bus, source IRQ, GSI, flags */
			pit_override += e[2] == 0 && e[3] == 0 && get32(e + 4) == IOAPIC_PIT_PIN;
			sci_override += e[2] == 0 && e[3] == ACPI_SCI_IRQ && get32(e + 4) == ACPI_SCI_IRQ &&
					get16(e + 8) == 0x000f;
		}
		off += elen;
	}
	ck(lapics == 1 && lapic0 == 1, "MADT: one processor-local APIC, ID 0, enabled");
	ck(ioapic == 1, "MADT: I/O APIC at 0xFEC00000, GSI base 0");
	ck(pit_override == 1, "MADT: ISA IRQ 0 overridden to GSI 2");
	ck(sci_override == 1, "MADT: SCI IRQ 9 on GSI 9, level-triggered, active-low (flags 0x000F)");
}

/* The PM timer (24 bits) against the TSC over 5 ms. */
static void pm_timer_check(void)
{
	uint32_t p1, p2;
	uint64_t t1, t2;

	p1 = inl(pm_tmr_port);
	t1 = rdtsc();
	spin_ticks(ticks_of_us(5000));
	p2 = inl(pm_tmr_port);
	t2 = rdtsc();
	uint64_t rate = rate_hz((p2 - p1) & ACPI_PM_TIMER_MASK, t2 - t1);
	measured("ACPI PM timer rate", rate, ACPI_PM_TIMER_HZ, " Hz");
	ck(!(p1 >> 24) && !(p2 >> 24) && plausible(rate, ACPI_PM_TIMER_HZ),
	   "ACPI PM timer: 24 bits counting at 3.579545 MHz against the TSC");
}

static void acpi_checks(void)
{
	const volatile uint8_t *xsdt = NULL, *fadt = NULL, *madt = NULL, *dsdt = NULL;

	rsdp = find_rsdp();
	ck(rsdp != NULL, "ACPI RSDP found in 0xE0000-0xFFFFF");
	if (!rsdp)
		return;
	ck(sum(rsdp, 20) == 0 && rsdp[15] == 2 && get32(rsdp + 20) == 36 && sum(rsdp, 36) == 0,
	   "RSDP checksum (20 bytes) and extended checksum (36 bytes, revision 2)");
	xsdt = acpi_table(get64(rsdp + 24), "XSDT");
	ck(xsdt != NULL, "XSDT found through the RSDP, checksum valid");
	if (!xsdt)
		return;
	for (uint32_t off = 36; off + 8 <= get32(xsdt + 4); off += 8) {
		uint64_t a = get64(xsdt + off);
		fadt = fadt ? fadt : acpi_table(a, "FACP");
		madt = madt ? madt : acpi_table(a, "APIC");
	}
	ck(fadt != NULL, "FADT (FACP) found through the XSDT, checksum valid");
	ck(madt != NULL, "MADT (APIC) found through the XSDT, checksum valid");
	if (madt)
		madt_checks(madt);
	if (!fadt)
		return;
	/* X_DSDT at 140 when the FADT has it, else DSDT at 40. */
	uint64_t dsdt_addr = get32(fadt + 4) >= 148 && get64(fadt + 140) ? get64(fadt + 140) : get32(fadt + 40);
	dsdt = acpi_table(dsdt_addr, "DSDT");
	ck(dsdt != NULL, "DSDT found through the FADT, checksum valid");
	pm1a_cnt_port = (uint16_t)get32(fadt + 64);
	pm_tmr_port = (uint16_t)get32(fadt + 76);
	ck(get16(fadt + 46) == ACPI_SCI_IRQ && pm1a_cnt_port && fadt[89] == 2 && pm_tmr_port && fadt[91] == 4,
	   "FADT: SCI_INT 9, PM1a_CNT_BLK and PM_TMR_BLK present");
	if (pm_tmr_port)
		pm_timer_check();
}

/* --- 7. BIOS area ------------------------------------------------------------------------- */

/* The BIOS area is mapped read-only: the write is dropped (the hypervisor
 * emulates and discards it) and the guest goes on. */
static void bios_rom_check(void)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(rsdp ? (uintptr_t)rsdp : 0xf0000);
	uint8_t before = *p;

	*p = (uint8_t)~before;
	ck(*p == before, "write to the BIOS area (the RSDP) is dropped: read-only");
	ck(!rsdp || (sig_is(rsdp, "RSD PTR ", 8) && sum(rsdp, 36) == 0), "RSDP intact after the write");
}

/* --- 8. PCI ---------------------------------------------------------------------------------- */

static uint32_t pci_read(unsigned dev, unsigned reg)
{
	outl(0xcf8, 0x80000000u | dev << 11 | reg);
	return inl(0xcfc);
}

/* String and locked instructions on a real device's registers go through
 * the hypervisor's instruction emulator: MOVS out of and into the LAPIC page
 * and a LOCK CMPXCHG on its TPR. */
static void mmio_emulation_checks(void)
{
	uint32_t buf[2] = {0, 0x20};
	volatile uint32_t *src = (volatile uint32_t *)(uintptr_t)(LAPIC_BASE + LAPIC_VERSION);
	void *s = (void *)src, *d = buf;
	uint32_t n = 1;

	__asm__ volatile("cld; rep movsl" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	check(buf[0] == 0x00050014, "MOVS from MMIO: LAPIC version copied into RAM");
	s = &buf[1];
	d = (void *)(uintptr_t)(LAPIC_BASE + LAPIC_TPR);
	__asm__ volatile("cld; movsl" : "+S"(s), "+D"(d) : : "memory");
	check(lapic_read(LAPIC_TPR) == 0x20, "MOVS into MMIO: TPR written from RAM");

	volatile uint32_t *tpr = (volatile uint32_t *)(uintptr_t)(LAPIC_BASE + LAPIC_TPR);
	uint32_t expected = 0x20;
	uint8_t zf;
	__asm__ volatile("lock cmpxchgl %3, %1; sete %0"
			 : "=q"(zf), "+m"(*tpr), "+a"(expected)
			 : "r"(0x30u)
			 : "memory");
	check(zf && lapic_read(LAPIC_TPR) == 0x30, "LOCK CMPXCHG on MMIO swaps the TPR when it matches");
	expected = 0x20;
	__asm__ volatile("lock cmpxchgl %3, %1; sete %0"
			 : "=q"(zf), "+m"(*tpr), "+a"(expected)
			 : "r"(0x40u)
			 : "memory");
	check(!zf && expected == 0x30 && lapic_read(LAPIC_TPR) == 0x30,
	      "LOCK CMPXCHG on MMIO fails and loads the TPR when it differs");
	lapic_write(LAPIC_TPR, 0);
}

static void pci_checks(void)
{
	ck(pci_read(0, 0) == 0x12378086, "PCI 00:00.0 is the i440FX host bridge (0x12378086)");
	ck(pci_read(0, 8) >> 8 == 0x060000, "PCI 00:00.0 class code is host bridge (0x060000)");
	ck(pci_read(1, 0) == 0xffffffff, "PCI 00:01.0 is absent: reads all ones");
}

/* --- 9. x2APIC -------------------------------------------------------------------------------- */

static void x2apic_mode_checks(void *arg)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	ck(rdmsr(MSR_APIC_BASE) == (base | APIC_BASE_EXTD), "x2APIC mode entered: IA32_APIC_BASE.EXTD set");
	ck(rdmsr(MSR_X2APIC_ID) == 0, "x2APIC ID MSR 0x802 reads 0");
	ck(rdmsr(MSR_X2APIC_VERSION) == LAPIC_VERSION_VALUE, "x2APIC version MSR 0x803 reads 0x00050014");
	ck(lapic_read(LAPIC_VERSION) == 0xffffffff && lapic_read(LAPIC_ID) == 0xffffffff,
	   "xAPIC MMIO page reads all ones in x2APIC mode");
	/* x2APIC mode is left only through disabled (SDM 3A 11.12.5). */
	wrmsr(MSR_APIC_BASE, APIC_BASE_ADDR);
	wrmsr(MSR_APIC_BASE, APIC_BASE_ADDR | APIC_BASE_EN);
}

static void x2apic_checks(void)
{
	uint32_t a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (!ck(c & CPUID1_ECX_X2APIC, "CPUID.1:ECX[21] offers x2APIC"))
		return;
	ck(rdmsr(MSR_APIC_BASE) == (APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_BSP),
	   "IA32_APIC_BASE: base 0xFEE00000, EN and BSP set");
	int vector = guest_try(x2apic_mode_checks, NULL);
	ck(vector == -1, "x2APIC enable, MSR reads, disable and xAPIC re-enable raise no exception");
	ck(rdmsr(MSR_APIC_BASE) == (APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_BSP),
	   "back in xAPIC mode after disabling the APIC");
	ck(lapic_read(LAPIC_SVR) == 0xff && (lapic_read(LAPIC_LVT_TIMER) & LAPIC_LVT_MASKED) &&
		   (lapic_read(LAPIC_LVT_LINT0) & LAPIC_LVT_MASKED) && (lapic_read(LAPIC_LVT_LINT1) & LAPIC_LVT_MASKED),
	   "LAPIC in its reset state after re-enabling: software-disabled, LVTs masked");
}

/* --- the run ------------------------------------------------------------------------------------ */

/* CPUID 0x15: TSC Hz = crystal ECX * EBX / EAX; 0x16 EAX (MHz) as a fallback. */
static void tsc_rate(void)
{
	uint32_t max, a, b, c, d;

	cpuid(0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, &a, &b, &c, &d);
		if (a && b && c) {
			crystal_hz = c;
			tsc_hz = udiv((uint64_t)c * b, a);
		}
	}
	if (!tsc_hz && max >= 0x16) {
		cpuid(0x16, &a, &b, &c, &d);
		tsc_hz = (uint64_t)(a & 0xffff) * 1000000;
	}
	ck(tsc_hz && crystal_hz, "CPUID 0x15 reports the TSC and crystal clock rates");
	/* Guesses that keep the waits bounded and the timers running; the rate
	 * checks then fail. */
	if (!tsc_hz)
		tsc_hz = 50000000;
	if (!crystal_hz)
		crystal_hz = 25000000;
	con_puts("measured: TSC rate ");
	con_put_dec(tsc_hz);
	con_puts(" Hz, LAPIC timer crystal ");
	con_put_dec(crystal_hz);
	con_puts(" Hz\n");
}

int guest_main(uint32_t magic, const void *info)
{
	/* Multiboot information: flags bit 0, mem_upper (KiB above 1 MiB) at 8. */
	if (magic == MB1_BOOTLOADER_MAGIC && (*(const uint32_t *)info & 1))
		ram_end = MIB + (uint64_t)((const uint32_t *)info)[2] * 1024;

	tsc_rate();
	uart_checks();
	acpi_checks();
	bios_rom_check();
	pci_checks();
	mmio_emulation_checks();
	rtc_calendar_checks();
	pit_checks();
	lapic_checks();
	ioapic_checks();
	rtc_periodic_checks();
	x2apic_checks();

	con_puts("platform: checks done, failures=");
	con_put_dec(failures);
	con_puts("\n");
	if (failures || !pm1a_cnt_port)
		hv_exit(1);
	/* ACPI S5: SLP_TYP as the DSDT's \_S5 names it, with SLP_EN. */
	outw(pm1a_cnt_port, (uint16_t)(ACPI_SLP_TYP_S5 << ACPI_SLP_TYP_SHIFT | ACPI_SLP_EN));
	check(false, "ACPI S5 through PM1a_CNT powers the domain off");
	return 1;
}
