/* The virtual PC of a domain (see vpc.h): device set-up, the interrupt
 * wiring between the models, and the vCPU's view of pending interrupts.
 * Device callbacks run in host interrupt context (timers) or with host
 * interrupts off (guest accesses), so nothing here blocks or allocates. */
#include "hv/vpc.h"
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid_policy.h"
#include "arch/x86/tsc.h"
#include "drivers/cmos_clock.h"
#include "hv/domain.h"
#include "hv/format.h"
#include "hv/log.h"

/* Device-model hooks: the domain's clock in nanoseconds. */
static uint64_t domain_now_ns(void *ctx)
{
	const struct domain *d = ctx;
	return tsc_ticks_to_ns(rdtsc() - d->start_tsc);
}

static struct vdev_clock domain_clock(struct domain *d)
{
	return (struct vdev_clock){domain_now_ns, d};
}

/* --- interrupt wiring ------------------------------------------------------ */

/* An ISA IRQ reaches both controllers, as on a PC with an I/O APIC: the PIC
 * input of the same number, and the I/O APIC pin the MADT names (IRQ 0 on
 * pin 2 by its override, the others identity). The SCI is the one
 * active-low line (the MADT's override says so): its pin sees the inverse. */
void vpc_isa_irq(struct domain *d, unsigned irq, bool level)
{
	struct vpc *pc = &d->vpc;
	unsigned pin = irq == PIT_IRQ ? 2 : irq;

	if (irq >= PIC_IRQS || irq == PIC_CASCADE_IR)
		return;
	if (level)
		pc->isa_irq_asserted |= (uint16_t)(1u << irq);
	else
		pc->isa_irq_asserted &= (uint16_t)~(1u << irq);
	pic_set_irq(&pc->pic, irq, level);
	ioapic_set_irq(&pc->ioapic, pin, irq == VPC_SCI_IRQ ? !level : level);
}

static void isa_irq_hook(void *ctx, unsigned line, bool level)
{
	vpc_isa_irq(ctx, line, level);
}

/* The PIC's INT output needs no action when it changes: the vCPU samples it
 * before every entry and in its HLT loop, which a host interrupt wakes. */
static void pic_intr_changed(void *ctx, bool level)
{
}

/* A fixed, lowest-priority or NMI message to one vCPU's LAPIC. */
static void deliver_to(struct vcpu *v, unsigned mode, uint8_t vector, bool level)
{
	switch (mode) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		lapic_accept(&v->lapic, vector, level);
		return;
	case LAPIC_DM_NMI:
		vcpu_raise_nmi(v);
		return;
	default:
		/* SMI has no handler to run; INIT and SIPI start other vCPUs,
		 * and one vCPU runs until the scheduler exists; ExtINT through
		 * the I/O APIC is the PIC's job through LINT0. */
		if (!v->unsupported_delivery_seen) {
			v->unsupported_delivery_seen = true;
			log_warn("dom%u %s: vCPU%u: interrupt delivery mode %u not supported, dropped",
				 v->dom->id, v->dom->cfg.name, v->id, mode);
		}
	}
}

static void ioapic_deliver(void *ctx, uint32_t dest, bool logical, unsigned mode, uint8_t vector,
			   bool level)
{
	struct domain *d = ctx;
	struct vcpu *v = &d->vcpu0;

	if (lapic_match_dest(&v->lapic, dest, logical))
		deliver_to(v, mode, vector, level);
}

/* An IPI from the vCPU's LAPIC. With one vCPU, "all excluding self" names
 * no one and every other form reaches at most this vCPU. */
static void lapic_ipi(void *ctx, uint32_t dest, bool logical, unsigned shorthand, unsigned mode,
		      uint8_t vector)
{
	struct vcpu *v = ctx;
	bool to_self = shorthand == LAPIC_SH_SELF || shorthand == LAPIC_SH_ALL ||
		       (shorthand == LAPIC_SH_NONE && lapic_match_dest(&v->lapic, dest, logical));

	if (to_self)
		deliver_to(v, mode, vector, false);
}

static void lapic_eoi(void *ctx, uint8_t vector)
{
	struct vcpu *v = ctx;
	ioapic_eoi(&v->dom->vpc.ioapic, vector);
}

bool vcpu_irq_waiting(const struct vcpu *v)
{
	uint8_t vector;
	return vcpu_highest_irq(v) >= 0 || lapic_pending(&v->lapic, &vector) ||
	       (lapic_accepts_pic(&v->lapic) && pic_has_interrupt(&v->dom->vpc.pic));
}

/* The test source and the LAPIC are both vectors by priority: the higher
 * wins. The PIC's vector is fixed only in its INTA cycle, so it is acked
 * only when nothing else waits. */
int vcpu_irq_ack(struct vcpu *v)
{
	uint8_t lapic_vector;
	int direct = vcpu_highest_irq(v);
	bool from_lapic = lapic_pending(&v->lapic, &lapic_vector);

	if (from_lapic && (int)lapic_vector > direct) {
		lapic_ack(&v->lapic, lapic_vector);
		return lapic_vector;
	}
	if (direct >= 0) {
		vcpu_clear_irq(v, (uint8_t)direct);
		return direct;
	}
	if (lapic_accepts_pic(&v->lapic) && pic_has_interrupt(&v->dom->vpc.pic))
		return pic_ack(&v->dom->vpc.pic);
	return -1;
}

/* --- devices ----------------------------------------------------------------- */

static void pit_fired(void *dev) { pit_timer_fired(dev); }
static void rtc_fired(void *dev) { rtc_timer_fired(dev); }
static void pm_fired(void *dev) { acpi_pm_timer_fired(dev); }
static void com1_fired(void *dev) { uart_timer_fired(dev); }
static void lapic_fired(void *dev) { lapic_timer_fired(dev); }

static void com1_tx(void *ctx, uint8_t byte)
{
	domain_console_byte(ctx, byte);
}

/* SLP_EN with the \_S5 type the DSDT names: the guest powers off. Any other
 * sleep state returns at once, as if woken. */
static void pm_sleep(void *ctx, unsigned slp_typ)
{
	struct domain *d = ctx;

	if (slp_typ != ACPI_TABLES_SLP_TYP_S5) {
		log_info("dom%u %s: sleep type %u requested; not supported, woken at once", d->id,
			 d->cfg.name, slp_typ);
		return;
	}
	domain_console_flush(d);
	domain_end(d, DOMAIN_END_POWEROFF, 0);
}

static void reset_requested(void *ctx, const char *source)
{
	struct domain *d = ctx;

	domain_console_flush(d);
	log_info("dom%u %s: reset requested (%s)", d->id, d->cfg.name, source);
	domain_end(d, DOMAIN_END_RESET, 0);
}

/* IRQ 8, and on its rising edge the ACPI RTC fixed event (RTC_STS). */
static void rtc_irq_hook(void *ctx, unsigned line, bool level)
{
	struct domain *d = ctx;

	if (level && !(d->vpc.isa_irq_asserted & (1u << line)))
		acpi_pm_rtc_alarm(&d->vpc.pm);
	vpc_isa_irq(d, line, level);
}

static int interrupt_controllers_init(struct domain *d, char *err, size_t errlen)
{
	struct vpc *pc = &d->vpc;
	const struct pic_hooks hooks = {pic_intr_changed, d};

	pic_init(&pc->pic, &hooks);
	ioapic_init(&pc->ioapic, VPC_IOAPIC_ID, ioapic_deliver, d);
	/* The SCI line idles high (active low). */
	ioapic_set_irq(&pc->ioapic, VPC_SCI_IRQ, true);
	return pic_attach(&pc->pic, &d->ports, err, errlen) ||
	       ioapic_mmio_attach(&pc->ioapic, &d->mmio, err, errlen);
}

static int lapic_setup(struct domain *d, struct vcpu *v, char *err, size_t errlen)
{
	const struct lapic_hooks hooks = {
		.clock = domain_clock(d),
		.timer = vdev_host_timer_init(&v->lapic_timer, &d->start_tsc, lapic_fired, &v->lapic),
		.ipi = lapic_ipi,
		.eoi = lapic_eoi,
		.ctx = v,
	};
	uint32_t ratio;
	uint64_t crystal = cpuid_crystal_hz(tsc_khz, &ratio);

	/* The timer counts at the crystal clock CPUID leaf 0x15 reports, the
	 * clock Linux derives its LAPIC timer period from. */
	if (!crystal || lapic_init(&v->lapic, v->id, v->id == 0, &hooks, crystal, tsc_khz * 1000)) {
		fmt_snprintf(err, errlen, "local APIC: the TSC rate is unknown");
		return -1;
	}
	mmio_bus_init(&v->local_mmio);
	return lapic_mmio_attach(&v->lapic, &v->local_mmio, err, errlen);
}

static int timers_init(struct domain *d, char *err, size_t errlen)
{
	struct vpc *pc = &d->vpc;
	const struct vdev_irq isa = {isa_irq_hook, d};
	const struct pit_hooks pit = {
		domain_clock(d), vdev_host_timer_init(&pc->pit_timer, &d->start_tsc, pit_fired, &pc->pit), isa};
	const struct rtc_hooks rtc = {
		domain_clock(d), vdev_host_timer_init(&pc->rtc_timer, &d->start_tsc, rtc_fired, &pc->rtc),
		{rtc_irq_hook, d}};
	const struct rtc_config rtc_cfg = {.wall_sec = cmos_clock_read(), .ram_below_4g = d->ram_bytes};
	const struct acpi_pm_hooks pm = {
		.clock = domain_clock(d),
		.timer = vdev_host_timer_init(&pc->pm_timer, &d->start_tsc, pm_fired, &pc->pm),
		.irq = isa,
		.sleep = pm_sleep,
		.ctx = d,
	};

	pit_init(&pc->pit, &pit);
	/* The PM block first: the RTC's interrupt reaches it. */
	return pit_attach(&pc->pit, &d->ports, err, errlen) ||
	       acpi_pm_attach(&pc->pm, &d->ports, VPC_PM_BASE, VPC_SCI_IRQ, &pm, err, errlen) ||
	       rtc_attach(&pc->rtc, &d->ports, &rtc_cfg, &rtc, err, errlen);
}

static int buses_init(struct domain *d, char *err, size_t errlen)
{
	struct vpc *pc = &d->vpc;
	const struct reset_hooks reset = {reset_requested, d};
	const struct pci_io_passthrough cf9 = {reset_cf9_read, reset_cf9_write, &pc->reset};

	return reset_attach(&pc->reset, &d->ports, &reset, err, errlen) ||
	       pci_host_attach(&pc->pci, &d->ports, &cf9, err, errlen);
}

static int com1_init(struct domain *d, char *err, size_t errlen)
{
	struct vpc *pc = &d->vpc;
	const struct uart_hooks hooks = {
		.tx = com1_tx,
		.ctx = d,
		.clock = domain_clock(d),
		.timer = vdev_host_timer_init(&pc->com1_timer, &d->start_tsc, com1_fired, &pc->com1),
		.irq = {isa_irq_hook, d},
	};
	uart_init(&pc->com1, &hooks, UART_COM1_IRQ);
	return uart_attach(&pc->com1, &d->ports, UART_COM1_BASE, err, errlen);
}

static int acpi_init(struct domain *d, char *err, size_t errlen)
{
	struct guest_mem gm = {domain_gpa_to_host(d, 0), d->ram_bytes};
	const uint8_t apic_ids[] = {(uint8_t)d->vcpu0.id};
	const struct acpi_tables_config cfg = {
		.ncpus = 1, /* the vCPUs that run: one until the scheduler exists */
		.apic_ids = apic_ids,
		.ioapic_id = VPC_IOAPIC_ID,
		.pm1a_evt = VPC_PM_BASE + ACPI_PM_STS,
		.pm1a_cnt = VPC_PM_BASE + ACPI_PM_CNT,
		.pm_tmr = VPC_PM_BASE + ACPI_PM_TMR,
		.pm_tmr_32bit = ACPI_PM_TIMER_BITS == 32,
		.sci_irq = VPC_SCI_IRQ,
	};
	char why[128];

	if (d->ram_bytes < VPC_BIOS_END) {
		fmt_snprintf(err, errlen, "memory: less than 1 MiB leaves no room for the BIOS area");
		return -1;
	}
	if (acpi_tables_build(&gm, VPC_ACPI_RSDP, VPC_ACPI_TABLES, VPC_ACPI_TABLES_END - VPC_ACPI_TABLES,
			      &cfg, &d->vpc.acpi, why, sizeof(why))) {
		fmt_snprintf(err, errlen, "ACPI tables: %s", why);
		return -1;
	}
	return 0;
}

int vpc_init(struct domain *d, char *err, size_t errlen)
{
	return interrupt_controllers_init(d, err, errlen) || lapic_setup(d, &d->vcpu0, err, errlen) ||
	       timers_init(d, err, errlen) || buses_init(d, err, errlen) || com1_init(d, err, errlen) ||
	       acpi_init(d, err, errlen);
}

void vpc_stop(struct domain *d)
{
	struct vpc *pc = &d->vpc;

	timer_cancel(&pc->pit_timer.ev);
	timer_cancel(&pc->rtc_timer.ev);
	timer_cancel(&pc->pm_timer.ev);
	timer_cancel(&pc->com1_timer.ev);
	timer_cancel(&d->vcpu0.lapic_timer.ev);
}

bool vpc_timer_armed(const struct domain *d)
{
	const struct vpc *pc = &d->vpc;
	return pc->pit_timer.ev.armed || pc->rtc_timer.ev.armed || pc->pm_timer.ev.armed ||
	       pc->com1_timer.ev.armed || d->vcpu0.lapic_timer.ev.armed;
}
