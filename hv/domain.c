/* Domain end, console, ports and devices, and guest memory access (see
 * domain.h). */
#include "hv/domain.h"
#include "hv/console.h"
#include "hv/log.h"
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "hv/mm.h"

static const char *const end_reason_names[] = {
	[DOMAIN_RUNNING] = "running",
	[DOMAIN_END_POWEROFF] = "poweroff",
	[DOMAIN_END_RESET] = "reset",
	[DOMAIN_END_EXIT_PORT] = "exit-port",
	[DOMAIN_END_TRIPLE_FAULT] = "triple-fault",
	[DOMAIN_END_BAD_ACCESS] = "bad-access",
	[DOMAIN_END_ENTRY_FAILED] = "entry-failed",
	[DOMAIN_END_UNHANDLED_EXIT] = "unhandled-exit",
	[DOMAIN_END_STUCK] = "stuck",
	[DOMAIN_END_DESTROYED] = "destroyed",
};

const char *domain_end_reason_name(enum domain_end_reason r)
{
	return r < ARRAY_SIZE(end_reason_names) ? end_reason_names[r] : "?";
}

void domain_end(struct domain *d, enum domain_end_reason reason, uint64_t status)
{
	if (d->end_reason != DOMAIN_RUNNING)
		return;
	d->end_reason = reason;
	d->end_status = status;
}

void domain_console_flush(struct domain *d)
{
	if (!d->console_len)
		return;
	d->console[d->console_len] = '\0';
	log_info("dom%u %s: %s", d->id, d->cfg.name, d->console);
	d->console_len = 0;
}

/* A partial line shown while the guest waits (a shell prompt): what it
 * prints next continues that line, until a newline or a hypervisor line. */
void domain_console_show_partial(struct domain *d)
{
	if (!d->console_len || d->console_open)
		return;
	d->console[d->console_len] = '\0';
	log_open_line("dom%u %s: %s", d->id, d->cfg.name, d->console);
	d->console_len = 0;
	d->console_open = true;
}

static char printable(uint8_t c)
{
	return (c >= 0x20 && c < 0x7f) ? (char)c : '?';
}

/* Lines are gathered so a guest's output never interleaves mid-line with
 * the hypervisor's; unprintable bytes are shown as '?'. */
void domain_console_byte(struct domain *d, uint8_t c)
{
	if (c == '\r')
		return;
	if (d->console_open) {
		if (log_continue_line(c == '\n' ? '\n' : printable(c))) {
			d->console_open = c != '\n';
			return;
		}
		d->console_open = false; /* ended by a hypervisor line: start anew */
	}
	if (c == '\n') {
		domain_console_flush(d);
		return;
	}
	d->console[d->console_len++] = printable(c);
	if (d->console_len == DOMAIN_CONSOLE_LINE_MAX - 1)
		domain_console_flush(d);
}

/* Device timers fire in host interrupt handlers on this CPU and change
 * device state (a UART finishing a byte raises its IRQ at the PIC), so a
 * guest's port access runs with host interrupts off to stay whole. */
void domain_port_io(struct domain *d, uint16_t port, unsigned int size, bool write, uint32_t *value)
{
	uint64_t flags = irq_save();
	enum port_result claimed = port_bus_access(&d->ports, port, size, write, value);
	irq_restore(flags);
	if (claimed == PORT_CLAIMED)
		return;
	d->unclaimed_port_accesses++;
	if (port_bus_first_unclaimed(&d->ports, port))
		log_debug("dom%u %s: %s of unclaimed port %#x", d->id, d->cfg.name,
			  write ? "write" : "read", port);
}

static void hook_console(void *ctx, uint8_t c)
{
	domain_console_byte(ctx, c);
}

static void hook_exit(void *ctx, uint32_t status)
{
	domain_console_flush(ctx);
	domain_end(ctx, DOMAIN_END_EXIT_PORT, status);
}

static void hook_arm_timer(void *ctx, uint64_t delay_us)
{
	struct domain *d = ctx;
	timer_arm_us(&d->testdev_timer, delay_us);
}

static void hook_raise(void *ctx, uint8_t vector, bool nmi)
{
	struct domain *d = ctx;
	if (nmi)
		vcpu_raise_nmi(&d->vcpu0);
	else
		vcpu_raise_irq(&d->vcpu0, vector);
}

/* Stamped first, logged after: the span is the guest's, not the console's. */
static void hook_mark(void *ctx, uint32_t value)
{
	struct domain *d = ctx;
	uint64_t now = rdtsc();
	uint64_t since = d->first_entry_tsc ? now - d->first_entry_tsc : 0;

	log_info("dom%u %s: marker %u at %lu us since first entry (tsc %lu)", d->id, d->cfg.name,
		 value, tsc_ticks_to_ns(since) / 1000, now);
}

static void testdev_timer_fired(struct timer_event *ev)
{
	struct domain *d = ev->arg;
	test_devices_timer_fired(&d->testdev);
}

#define TICK_US 1000

/* What is typed on the hypervisor console goes to the running domain's
 * COM1, held back (not overrun) while its receiver is full. Polled on the
 * tick: 1000 bytes/s is more than a typist needs. */
static void console_input(struct domain *d)
{
	while (uart_can_receive(&d->vpc.com1)) {
		int c = console_getc();
		if (c < 0)
			return;
		uart_receive(&d->vpc.com1, (uint8_t)c);
	}
}

static void tick_fired(struct timer_event *ev)
{
	struct domain *d = ev->arg;
	d->host_ticks++;
	console_input(d);
	timer_arm(ev, ev->deadline_tsc + tsc_us_to_ticks(TICK_US));
}

int domain_devices_init(struct domain *d, char *err, size_t errlen)
{
	const struct test_device_hooks hooks = {hook_console, hook_exit, hook_arm_timer, hook_raise,
						 hook_mark, d};

	port_bus_init(&d->ports);
	mmio_bus_init(&d->mmio);
	d->start_tsc = rdtsc();
	d->testdev_timer = (struct timer_event){.fn = testdev_timer_fired, .arg = d};
	d->tick = (struct timer_event){.fn = tick_fired, .arg = d};
	if (test_devices_attach(&d->testdev, &d->ports, &hooks, err, errlen) ||
	    test_mmio_attach(&d->test_mmio, &d->mmio, err, errlen) || vpc_init(d, err, errlen))
		return -1;
	timer_arm_us(&d->tick, TICK_US);
	return 0;
}

void domain_devices_stop(struct domain *d)
{
	timer_cancel(&d->testdev_timer);
	vpc_stop(d);
	timer_cancel(&d->tick);
	d->testdev.armed = false;
}

bool domain_wake_possible(const struct domain *d, bool interrupts_on)
{
	const struct vcpu *v = &d->vcpu0;
	if (v->pending.nmi || (interrupts_on && vcpu_irq_waiting(v)))
		return true;
	/* A device timer (a byte leaving COM1, a PIT or LAPIC timer period,
	 * the RTC's next update) may end in an interrupt. */
	if (interrupts_on && vpc_timer_armed(d))
		return true;
	return test_devices_will_raise(&d->testdev) && (interrupts_on || d->testdev.nmi);
}

void *domain_gpa_to_host(const struct domain *d, uint64_t gpa)
{
	return phys_to_virt(d->ram_hpa + gpa);
}
