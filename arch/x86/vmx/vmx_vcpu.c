/* A vCPU's VMCS from creation to VMCLEAR, and the loop that enters the guest
 * and dispatches its exits (SDM 3C 25, 27, 28). */
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmentry_check.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "arch/x86/vmx/vmx_cpu.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/vmx/vmx_guest_state.h"
#include "arch/x86/vmx/vmx_insn.h"
#include "arch/x86/vmx/vmx_intr.h"
#include "hv/arch_domain.h"
#include "hv/format.h"
#include "hv/log.h"
#include "hv/mm.h"

/* A preemption-timer slice: the guest comes back at least this often. */
#define TIME_SLICE_US 10000
#define ENTRY_CHECK_MAX_PROBLEMS 8

static void write_controls(struct vcpu *v, bool long_mode)
{
	const struct vmx_exec_controls *c = vmx_active_controls();
	const struct vmx_caps *caps = vmx_active_caps();
	struct domain *d = v->dom;
	uint32_t entry = 0;

	vmx_entry_controls_for(caps, c, long_mode, &entry);
	vmcs_write(VMCS_PIN_BASED_CTLS, c->value.pin);
	vmcs_write(VMCS_PRI_PROC_BASED_CTLS, c->value.proc);
	vmcs_write(VMCS_SEC_PROC_BASED_CTLS, c->value.proc2);
	vmcs_write(VMCS_EXIT_CTLS, c->value.exit);
	vmcs_write(VMCS_ENTRY_CTLS, entry);
	vmcs_write(VMCS_EXCEPTION_BITMAP, 0);
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_EPT_POINTER, ept_eptp(&d->arch.ept));
	/* The guest reads the TSC directly; it starts at 0 with the domain's
	 * clock, which the device models count from (SDM 3C 26.3). */
	vmcs_write(VMCS_TSC_OFFSET, -d->start_tsc);
	if (c->io_bitmaps) {
		vmcs_write(VMCS_IO_BITMAP_A, vmx_io_bitmap(0));
		vmcs_write(VMCS_IO_BITMAP_B, vmx_io_bitmap(1));
	}
	if (c->msr_bitmaps)
		vmcs_write(VMCS_MSR_BITMAP, vmx_msr_bitmap());
	if (c->vpid)
		vmcs_write(VMCS_VPID, d->arch.vpid);
	if (c->preemption_timer) {
		/* The timer counts down once every 2^rate TSC ticks (SDM 3C 26.5.1). */
		uint64_t ticks = tsc_us_to_ticks(TIME_SLICE_US) >> caps->preempt_rate;
		vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, MIN(ticks, 0xffffffffull));
	}
}

/* Test-only faults (domain config test_fault): states a real CPU refuses. */
static void apply_test_fault(const struct vcpu *v)
{
	const struct vmx_caps *caps = vmx_active_caps();

	switch (v->dom->cfg.test_fault) {
	case TEST_FAULT_BAD_CONTROL:
		/* Clearing must-be-one pin-based bits: VMfailValid, error 7. */
		vmcs_write(VMCS_PIN_BASED_CTLS, vmcs_read(VMCS_PIN_BASED_CTLS) & ~caps->pin.must_be_one);
		break;
	case TEST_FAULT_BAD_GUEST_STATE:
		/* CR0.PG without CR0.PE: invalid guest state, exit reason 33. */
		vmcs_write(VMCS_GUEST_CR0, (vmcs_read(VMCS_GUEST_CR0) | CR0_PG) & ~(uint64_t)CR0_PE);
		break;
	case TEST_FAULT_NONE:
		break;
	}
}

/* What the guest's CPUID offers decides which MSRs exist for it: the
 * virtual LAPIC's (x2APIC and TSC deadline); no MTRRs or speculation
 * controls yet. */
static void msr_platform_for(const struct vcpu *v, struct msr_platform *p)
{
	uint32_t widths = cpuid(0x80000008).eax;

	*p = (struct msr_platform){
		.bsp = v->id == 0,
		.x2apic = true,
		.tsc_deadline = true,
		.nx = cpuid(0x80000001).edx & CPUID80000001_EDX_NX,
		.pa_bits = (uint8_t)widths,
		.la_bits = (uint8_t)(widths >> 8),
	};
}

int arch_vcpu_init(struct vcpu *v, const struct vcpu_boot_state *boot, char *err, size_t errlen)
{
	const struct vmx_caps *caps = vmx_active_caps();
	paddr_t vmcs = mm_alloc_pages(1);

	if (vmcs == PADDR_INVALID) {
		fmt_snprintf(err, errlen, "no memory for the VMCS");
		return -1;
	}
	if (boot->mode == VCPU_BOOT_LONG64 &&
	    !(caps->entry.may_be_one & VMX_ENTRY_IA32E_MODE_GUEST)) {
		mm_free_pages(vmcs, 1);
		fmt_snprintf(err, errlen, "the CPU cannot enter a guest in long mode");
		return -1;
	}
	*(uint32_t *)phys_to_virt(vmcs) = caps->vmcs_revision;
	v->arch.vmcs = vmcs;
	if (guest_context_init(&v->arch.ctx)) {
		fmt_snprintf(err, errlen, "no memory for the extended state");
		return -1;
	}
	v->arch.launched = false;
	/* VMCLEAR initialises the region and its launch state (SDM 3C 25.11.3). */
	if (vmclear(vmcs) != VMX_OK || vmptrld(vmcs) != VMX_OK) {
		fmt_snprintf(err, errlen, "VMCLEAR/VMPTRLD of the new VMCS failed");
		return -1;
	}
	vmcs_error_take();
	write_controls(v, boot->mode == VCPU_BOOT_LONG64);
	vmx_write_host_state();
	vmx_write_guest_state(boot);
	msr_platform_for(v, &v->arch.msr_platform);
	msr_vcpu_state_init(&v->arch.msr_platform, &v->arch.msr);
	v->arch.regs.gpr[GUEST_REG_RAX] = boot->rax;
	v->arch.regs.gpr[GUEST_REG_RBX] = boot->rbx;
	v->arch.regs.gpr[GUEST_REG_RSI] = boot->rsi;
	apply_test_fault(v);
	if (vmcs_error_take()) {
		fmt_snprintf(err, errlen, "writing the VMCS failed (see the vmcs: lines above)");
		return -1;
	}
	return 0;
}

static bool read_field(uint32_t field, uint64_t *val, void *ctx)
{
	return vmread_raw(field, val) == VMX_OK;
}

/* The software VM-entry checker: true when the state may be entered. */
static bool entry_state_ok(struct vcpu *v)
{
	enum vmx_entry_check mode = vmx_entry_check_mode();
	struct vmentry_problem problems[ENTRY_CHECK_MAX_PROBLEMS];

	if (mode == VMX_ENTRY_CHECK_OFF || (mode == VMX_ENTRY_CHECK_LAUNCH && v->arch.launched))
		return true;
	/* The physical and linear address widths bound several checks
	 * (CPUID 0x80000008: EAX[7:0] and EAX[15:8]). */
	uint32_t widths = cpuid(0x80000008).eax;
	struct vmentry_cpu cpu = {(uint8_t)widths, (uint8_t)(widths >> 8)};
	size_t n = vmentry_check_cpu(read_field, NULL, vmx_active_caps(), &cpu, problems,
				     ARRAY_SIZE(problems));
	if (!n)
		return true;
	log_err("dom%u %s: VM-entry check refused the state (%zu problems):", v->dom->id,
		v->dom->cfg.name, n);
	for (size_t i = 0; i < MIN(n, ARRAY_SIZE(problems)); i++)
		log_err("  %s: %s", vmcs_field_name(problems[i].field) ? vmcs_field_name(problems[i].field) : "-",
			problems[i].check);
	return false;
}

/* VMLAUNCH/VMRESUME failed as an instruction (SDM 3C 28.1-28.2). */
static void entry_failed_instruction(struct vcpu *v, int status)
{
	if (status == VMX_FAIL_INVALID) {
		log_err("dom%u %s: VM entry failed: VMfailInvalid (no current VMCS)", v->dom->id,
			v->dom->cfg.name);
	} else {
		uint32_t e = (uint32_t)vmcs_read(VMCS_VM_INSTRUCTION_ERROR);
		log_err("dom%u %s: VM entry failed: VM-instruction error %u (%s)", v->dom->id,
			v->dom->cfg.name, e, vmx_instruction_error_name(e));
	}
	vmcs_dump();
	domain_end(v->dom, DOMAIN_END_ENTRY_FAILED, 0);
}

/* The entry failed while loading guest state: a VM exit with bit 31 of the
 * exit reason set (SDM 3C 28.8). */
static void entry_failed_exit(struct vcpu *v, uint32_t reason)
{
	uint32_t basic = reason & VMX_EXIT_REASON_BASIC_MASK;
	const char *name = vmx_exit_reason_name(basic);
	log_err("dom%u %s: VM entry failed: exit reason %u (%s), qualification %#lx", v->dom->id,
		v->dom->cfg.name, basic, name ? name : "unknown",
		vmcs_read(VMCS_EXIT_QUALIFICATION));
	vmcs_dump();
	domain_end(v->dom, DOMAIN_END_ENTRY_FAILED, 0);
}

void arch_vcpu_run(struct vcpu *v)
{
	struct domain *d = v->dom;

	if (vmptrld(v->arch.vmcs) != VMX_OK) {
		log_err("dom%u %s: VMPTRLD failed", d->id, d->cfg.name);
		domain_end(d, DOMAIN_END_ENTRY_FAILED, 0);
		return;
	}
	vmx_write_host_state();
	guest_context_load(&v->arch.ctx);
	while (domain_running(d)) {
		if (!entry_state_ok(v)) {
			vmcs_dump();
			domain_end(d, DOMAIN_END_ENTRY_FAILED, 0);
			break;
		}
		/* Host interrupts stay off from the injection decision to the
		 * entry: a device timer firing in between would otherwise leave
		 * its interrupt pending, with no window requested, until some
		 * later exit. Held off, it makes the entry exit at once instead. */
		irq_disable();
		vmx_intr_before_entry(v);
		vmx_event_before_entry(v);
		if (!d->first_entry_tsc)
			d->first_entry_tsc = rdtsc();
		int status = vmx_enter_guest(&v->arch.regs, v->arch.launched);
		irq_enable(); /* a host interrupt that caused the exit runs here */
		if (status != VMX_OK) {
			entry_failed_instruction(v, status);
			break;
		}
		v->arch.launched = true;
		uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
		d->exits++;
		v->arch.exit_counts[MIN(reason & VMX_EXIT_REASON_BASIC_MASK, VMX_EXIT_STATS_SLOTS - 1)]++;
		if (reason & VMX_EXIT_REASON_ENTRY_FAILURE) {
			entry_failed_exit(v, reason);
			break;
		}
		vmx_event_after_exit(v);
		vmx_exit_dispatch(v, reason & VMX_EXIT_REASON_BASIC_MASK);
	}
	guest_context_save(&v->arch.ctx);
}

void arch_vcpu_destroy(struct vcpu *v)
{
	guest_context_free(&v->arch.ctx);
	if (!v->arch.vmcs)
		return;
	/* VMCLEAR writes any cached VMCS data back and makes the region
	 * inactive: only then may the page be reused (SDM 3C 25.11.1). */
	if (vmclear(v->arch.vmcs) != VMX_OK)
		log_err("dom%u: VMCLEAR of the VMCS failed", v->dom->id);
	mm_free_pages(v->arch.vmcs, 1);
	v->arch.vmcs = 0;
}
