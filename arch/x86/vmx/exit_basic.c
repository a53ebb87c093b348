/* Exits that need little decoding: interrupts and timers that only return
 * control to the hypervisor, HLT, triple fault, and EPT faults. */
#include "arch/x86/cpu.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_intr.h"
#include "arch/x86/vmx/vmx_mmio.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "hv/domain.h"
#include "hv/log.h"

/* The host interrupt was delivered when the run loop re-enabled interrupts
 * (no "acknowledge interrupt on exit"): nothing is left to do. */
void vmx_exit_external_interrupt(struct vcpu *v)
{
}

/* The time slice ended; with one domain at a time, it simply goes on. */
void vmx_exit_preemption_timer(struct vcpu *v)
{
}

/* HLT blocks the vCPU in the hypervisor (never the HLT activity state:
 * Bochs mishandles it, see PLATFORM.md) until an event it would take
 * arrives. The vCPU resumes after the HLT, as the CPU does after an
 * interrupt (SDM 2 HLT). With nothing that could ever wake it (interrupts off
 * and no NMI source, or no source at all), the domain is stuck. */
void vmx_exit_hlt(struct vcpu *v)
{
	bool interrupts_on = vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF;

	vmx_skip_instruction();
	/* An idle guest may be waiting at a prompt with no newline yet. */
	domain_console_show_partial(v->dom);
	for (;;) {
		irq_disable();
		if (vmx_intr_deliverable(v) || !domain_running(v->dom)) {
			irq_enable();
			return;
		}
		if (!domain_wake_possible(v->dom, interrupts_on)) {
			irq_enable();
			log_info("dom%u %s: vCPU%u halted with nothing that could wake it", v->dom->id,
				 v->dom->cfg.name, v->id);
			domain_end(v->dom, DOMAIN_END_STUCK, 0);
			return;
		}
		/* STI's shadow makes the check and the sleep atomic. */
		irq_enable_and_halt();
	}
}

/* Nothing to do: vmx_intr_before_entry injects what is pending now. */
void vmx_exit_window(struct vcpu *v)
{
}

void vmx_exit_triple_fault(struct vcpu *v)
{
	vmx_dump_guest(v, VMX_EXIT_REASON_TRIPLE_FAULT);
	domain_end(v->dom, DOMAIN_END_TRIPLE_FAULT, 0);
}

/* SDM 3C 28.2.1, table "Exit Qualification for EPT Violations": bits 0-2
 * say whether the access was a read, a write or an instruction fetch. */
void vmx_exit_ept_violation(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDR);
	const char *access = (q & 4) ? "execute" : (q & 2) ? "write" : "read";

	/* A data access to a device's region is emulated, and so is a write to
	 * the read-only BIOS area (dropped there); fetching code from MMIO is
	 * not supported and ends the domain like any bad access. */
	bool device = vmx_mmio_bus_for(v, gpa, 1);
	if (!(q & 4) && (device || ((q & 2) && vpc_gpa_is_rom(gpa)))) {
		if (!vmx_emulate_mmio(v, gpa))
			domain_end(v->dom, DOMAIN_END_BAD_ACCESS, 0);
		return;
	}

	log_err("dom%u %s: bad access: %s of guest-physical %#lx (rip=%#lx), outside its RAM and devices",
		v->dom->id, v->dom->cfg.name, access, gpa, vmcs_read(VMCS_GUEST_RIP));
	domain_end(v->dom, DOMAIN_END_BAD_ACCESS, 0);
}

/* A misconfigured EPT entry is the hypervisor's bug, not the guest's: say
 * so loudly, but still end only this domain. */
void vmx_exit_ept_misconfig(struct vcpu *v)
{
	log_err("dom%u %s: EPT misconfiguration at guest-physical %#lx: hypervisor bug",
		v->dom->id, v->dom->cfg.name, vmcs_read(VMCS_GUEST_PHYSICAL_ADDR));
	vmx_dump_guest(v, VMX_EXIT_REASON_EPT_MISCONFIG);
	domain_end(v->dom, DOMAIN_END_UNHANDLED_EXIT, 0);
}
