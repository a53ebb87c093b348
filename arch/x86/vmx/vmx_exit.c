/* The exit table and the default handler (see vmx_exit.h). Statistics are
 * counted per basic reason by the run loop before dispatch. */
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "hv/log.h"

static const vmx_exit_handler exit_table[VMX_EXIT_STATS_SLOTS] = {
	[VMX_EXIT_REASON_EXTERNAL_INTR] = vmx_exit_external_interrupt,
	[VMX_EXIT_REASON_TRIPLE_FAULT] = vmx_exit_triple_fault,
	[VMX_EXIT_REASON_CPUID] = vmx_exit_cpuid,
	[VMX_EXIT_REASON_HLT] = vmx_exit_hlt,
	[VMX_EXIT_REASON_IO] = vmx_exit_io,
	[VMX_EXIT_REASON_EPT_VIOLATION] = vmx_exit_ept_violation,
	[VMX_EXIT_REASON_EPT_MISCONFIG] = vmx_exit_ept_misconfig,
	[VMX_EXIT_REASON_PREEMPTION_TIMER] = vmx_exit_preemption_timer,
	[VMX_EXIT_REASON_VMCALL] = vmx_exit_vmcall,
	[VMX_EXIT_REASON_CR_ACCESS] = vmx_exit_cr_access,
	[VMX_EXIT_REASON_XSETBV] = vmx_exit_xsetbv,
	[VMX_EXIT_REASON_INTR_WINDOW] = vmx_exit_window,
	[VMX_EXIT_REASON_RDMSR] = vmx_exit_rdmsr,
	[VMX_EXIT_REASON_INVD] = vmx_exit_invd,
	[VMX_EXIT_REASON_GETSEC] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMCLEAR] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMLAUNCH] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMPTRLD] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMPTRST] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMREAD] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMRESUME] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMWRITE] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMXOFF] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_VMXON] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_INVEPT] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_INVVPID] = vmx_exit_not_offered,
	[VMX_EXIT_REASON_WRMSR] = vmx_exit_wrmsr,
	[VMX_EXIT_REASON_NMI_WINDOW] = vmx_exit_window,
};

/* The emulated instruction is done: continue at rip and end any STI or
 * MOV-SS shadow it stood in, as executing it would have (SDM 3C 27.3.1.5). */
void vmx_skip_shadow_to(uint64_t rip)
{
	uint64_t blocking = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);

	vmcs_write(VMCS_GUEST_RIP, rip);
	if (blocking & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS))
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   blocking & ~(uint64_t)(VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS));
}

void vmx_skip_instruction(void)
{
	vmx_skip_shadow_to(vmcs_read(VMCS_GUEST_RIP) + vmcs_read(VMCS_EXIT_INSTRUCTION_LEN));
}

void vmx_dump_guest(const struct vcpu *v, uint32_t reason)
{
	const uint64_t *r = v->arch.regs.gpr;
	const char *name = vmx_exit_reason_name(reason);

	log_err("dom%u %s: exit reason %u (%s) qualification=%#lx", v->dom->id, v->dom->cfg.name,
		reason, name ? name : "unknown", vmcs_read(VMCS_EXIT_QUALIFICATION));
	log_err("  rip=%016lx rsp=%016lx rflags=%016lx", vmcs_read(VMCS_GUEST_RIP),
		vmcs_read(VMCS_GUEST_RSP), vmcs_read(VMCS_GUEST_RFLAGS));
	log_err("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx", r[0], r[3], r[1], r[2]);
	log_err("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx", r[6], r[7], r[5], r[8]);
	log_err("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx", r[9], r[10], r[11], r[12]);
	log_err("  r13=%016lx r14=%016lx r15=%016lx cr2=%016lx", r[13], r[14], r[15], v->arch.regs.cr2);
	log_err("  cr0=%016lx cr3=%016lx cr4=%016lx efer=%016lx", vmcs_read(VMCS_GUEST_CR0),
		vmcs_read(VMCS_GUEST_CR3), vmcs_read(VMCS_GUEST_CR4), vmcs_read(VMCS_GUEST_EFER));
	log_err("  cs=%04lx base=%016lx ar=%05lx  guest-linear=%#lx guest-physical=%#lx",
		vmcs_read(VMCS_GUEST_CS_SELECTOR), vmcs_read(VMCS_GUEST_CS_BASE),
		vmcs_read(VMCS_GUEST_CS_AR), vmcs_read(VMCS_GUEST_LINEAR_ADDR),
		vmcs_read(VMCS_GUEST_PHYSICAL_ADDR));
}

static void unhandled_exit(struct vcpu *v, uint32_t reason)
{
	vmx_dump_guest(v, reason);
	domain_end(v->dom, DOMAIN_END_UNHANDLED_EXIT, 0);
}

void vmx_exit_dispatch(struct vcpu *v, uint32_t reason)
{
	vmx_exit_handler h = reason < VMX_EXIT_STATS_SLOTS ? exit_table[reason] : NULL;
	if (h)
		h(v);
	else
		unhandled_exit(v, reason);
}
