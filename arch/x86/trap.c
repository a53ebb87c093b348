/* Exception and interrupt dispatch: fix-ups first, then NMIs, then the panic
 * dump for any other exception; interrupts go to their registered handler. */
#include "arch/x86/trap.h"
#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "arch/x86/lapic.h"
#include "arch/x86/percpu.h"
#include "hv/log.h"
#include "arch/x86/smp.h"
#include "hv/panic.h"

static irq_handler_fn irq_handlers[256];

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
	"#NP", "#SS", "#GP", "#PF", "(15)", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	"(22)", "(23)", "(24)", "(25)", "(26)", "(27)", "#HV", "#VC", "#SX", "(31)",
};

const char *exception_name(uint64_t vector)
{
	return vector < 32 ? exception_names[vector] : "interrupt";
}

void irq_register(uint8_t vector, irq_handler_fn fn)
{
	irq_handlers[vector] = fn;
}

static void handle_exception(struct trap_frame *f)
{
	uint64_t fixup = extable_find(f->rip);

	if (fixup) {
		this_cpu()->fixup_vector = (int)f->vector;
		f->rip = fixup;
		return;
	}
	if (f->vector == 2) {
		/* An NMI is how a CPU that panics or powers off stops the others. */
		if (smp_stop_requested())
			cpu_halt_forever();
		log_warn("cpu%u: unexpected NMI at rip=%#lx", this_cpu()->cpu_id, f->rip);
		return;
	}
	panic_exception(f);
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32) {
		handle_exception(f);
		return;
	}
	if (f->vector == VECTOR_SPURIOUS)
		return; /* spurious interrupts are not acknowledged (SDM 3A 11.9) */
	if (irq_handlers[f->vector])
		irq_handlers[f->vector](f);
	else
		log_warn("cpu%u: interrupt %lu with no handler", this_cpu()->cpu_id, f->vector);
	lapic_eoi();
}
