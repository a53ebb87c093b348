/* The panic path (see panic.h). A second fault while panicking stops at once
 * rather than recursing. */
#include "hv/panic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/regdump.h"
#include "arch/x86/smp.h"
#include "hv/console.h"
#include "hv/format.h"
#include "hv/log.h"
#include "hv/power.h"

static volatile int panicking;

static void put(char c, void *ctx)
{
	console_putc_locked(c);
}

/* Claim the panic, stop the other CPUs and take the console. Only the first
 * panic prints: a second one (another CPU, or a fault inside the dump) halts. */
static void panic_begin(void)
{
	irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		cpu_halt_forever();
	smp_stop_other_cpus();
	console_lock_force();
}

__attribute__((noreturn)) static void panic_end(void)
{
	log_line_locked("panic: cpu%u halted", this_cpu() ? this_cpu()->cpu_id : 0);
	power_stop_after_panic();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	for (const char *p = "hv: panic: "; *p; p++)
		console_putc_locked(*p);
	va_start(ap, fmt);
	fmt_vformat(put, NULL, fmt, ap);
	va_end(ap);
	console_putc_locked('\n');
	panic_end();
}

void panic_exception(struct trap_frame *f)
{
	panic_begin();
	log_line_locked("panic: cpu%u: unhandled exception %s at rip=%016lx", this_cpu()->cpu_id,
			exception_name(f->vector), f->rip);
	regdump_print(f);
	panic_end();
}
