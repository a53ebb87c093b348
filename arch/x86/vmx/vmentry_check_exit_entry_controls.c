/* The VM-entry checks on the VM-exit and VM-entry control fields (SDM Vol. 3C
 * 27.2.1.2 and 27.2.1.3): allowed bits, MSR-load/store areas, event injection. */
#include "arch/x86/vmx/vmentry_check_internal.h"

#define MSR_ENTRY_SIZE 16 /* one MSR-load/store area entry */
#define MSR_AREA_ALIGN_MASK UINT64_C(0xf)

/* Exceptions that push an error code (SDM Vol. 3A "Exception and Interrupt
 * Reference"): #DF, #TS, #NP, #SS, #GP, #PF, #AC. */
#define ERRCODE_VECTORS (BIT64(8) | BIT64(10) | BIT64(11) | BIT64(12) | BIT64(13) | BIT64(14) | BIT64(17))
/* #CP pushes one only on processors with CET, which vmx_caps does not say. */
#define VECTOR_CP 21
#define VECTOR_NMI 2
#define MAX_EXCEPTION_VECTOR 31
#define MAX_INSTRUCTION_LEN 15

/* --- 27.2.1.2 / 27.2.1.3 Checks on VM-exit and VM-entry control fields ---- */

static void check_msr_area(struct chk *c, uint32_t count_field, uint32_t addr_field, const char *section_check)
{
	uint64_t count = field(c, count_field);

	expect(c, count <= c->caps->max_msr_list, count_field,
	       "MSR-area count exceeds the maximum IA32_VMX_MISC recommends (SDM Vol. 3D A.6)");
	if (count == 0)
		return;
	uint64_t addr = field(c, addr_field);
	uint64_t last = addr + count * MSR_ENTRY_SIZE - 1;
	expect(c, (addr & MSR_AREA_ALIGN_MASK) == 0 && within(addr, c->ref_bits) && within(last, c->ref_bits),
	       addr_field, section_check);
}

static void check_exit_controls(struct chk *c)
{
	static const char area_rule[] =
		"MSR-area address: must be 16-byte aligned and the whole area within the physical-address "
		"width (SDM 27.2.1.2)";
	const struct ctl_rule r = {
		VMCS_EXIT_CTLS, &c->caps->exit, c->exit,
		"VM-exit controls: a bit IA32_VMX_(TRUE_)EXIT_CTLS requires to be 1 is 0 (SDM 27.2.1.2)",
		"VM-exit controls: a bit IA32_VMX_(TRUE_)EXIT_CTLS does not allow is 1 (SDM 27.2.1.2)",
	};

	check_ctl_reserved(c, &r);
	expect(c, (c->pin & VMX_PIN_PREEMPTION_TIMER) || !(c->exit & VMX_EXIT_SAVE_PREEMPTION_TIMER), VMCS_EXIT_CTLS,
	       "\"save VMX-preemption timer value\" needs \"activate VMX-preemption timer\" (SDM 27.2.1.2)");
	check_msr_area(c, VMCS_EXIT_MSR_STORE_COUNT, VMCS_EXIT_MSR_STORE_ADDR, area_rule);
	check_msr_area(c, VMCS_EXIT_MSR_LOAD_COUNT, VMCS_EXIT_MSR_LOAD_ADDR, area_rule);
}

/* Fields relevant to event injection (27.2.1.3; the format is in "VM-Entry
 * Controls for Event Injection"). */
static void check_event_injection(struct chk *c)
{
	uint32_t info = c->intr_info;
	uint32_t vector = info & VMX_INTR_INFO_VECTOR_MASK;
	uint32_t type = (info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT;
	bool errcode = info & VMX_INTR_INFO_ERROR_CODE;
	bool prot_mode = !c->ug || (c->cr0 & CR0_PE);
	const uint32_t f = VMCS_ENTRY_INTR_INFO;

	if (!(info & VMX_INTR_INFO_VALID))
		return;
	expect(c, type != 1 && (type != VMX_INTR_TYPE_OTHER_EVENT || c->caps->mtf), f,
	       "event injection: type 1 is reserved and type 7 needs monitor-trap-flag support (SDM 27.2.1.3)");
	expect(c, type != VMX_INTR_TYPE_NMI || vector == VECTOR_NMI, f,
	       "event injection: an NMI must have vector 2 (SDM 27.2.1.3)");
	expect(c, type != VMX_INTR_TYPE_HW_EXCEPTION || vector <= MAX_EXCEPTION_VECTOR, f,
	       "event injection: a hardware exception's vector must be at most 31 (SDM 27.2.1.3)");
	expect(c, type != VMX_INTR_TYPE_OTHER_EVENT || vector == 0, f,
	       "event injection: an other event (pending MTF) must have vector 0 (SDM 27.2.1.3)");
	if (!prot_mode || type != VMX_INTR_TYPE_HW_EXCEPTION)
		expect(c, !errcode, f,
		       "event injection: no error code in real mode or for anything but a hardware exception (SDM 27.2.1.3)");
	/* A vector above 31 is already reported above; its error-code rule
	 * would shift past 63, so it is not looked at. */
	else if (!c->caps->entry_errcode_optional && vector != VECTOR_CP &&
		 vector <= MAX_EXCEPTION_VECTOR)
		expect(c, errcode == !!(ERRCODE_VECTORS & BIT64(vector)), f,
		       "event injection: deliver an error code exactly for #DF, #TS, #NP, #SS, #GP, #PF and #AC (SDM 27.2.1.3)");
	expect(c, (info & ~(VMX_INTR_INFO_VALID | VMX_INTR_INFO_ERROR_CODE | VMX_INTR_INFO_TYPE_MASK |
			    VMX_INTR_INFO_VECTOR_MASK)) == 0,
	       f, "event injection: reserved bits 30:12 must be 0 (SDM 27.2.1.3)");
	if (errcode)
		expect(c, (field(c, VMCS_ENTRY_EXCEPTION_ERROR_CODE) & ~UINT64_C(0xffff)) == 0,
		       VMCS_ENTRY_EXCEPTION_ERROR_CODE, "event injection: error code bits 31:16 must be 0 (SDM 27.2.1.3)");
	if (type == VMX_INTR_TYPE_SW_INTR || type == VMX_INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == VMX_INTR_TYPE_SW_EXCEPTION)
		expect(c, field(c, VMCS_ENTRY_INSTRUCTION_LEN) <= MAX_INSTRUCTION_LEN, VMCS_ENTRY_INSTRUCTION_LEN,
		       "event injection: a software interrupt or exception's instruction length must be at most 15 "
		       "(SDM 27.2.1.3)");
}

static void check_entry_controls(struct chk *c)
{
	const struct ctl_rule r = {
		VMCS_ENTRY_CTLS, &c->caps->entry, c->entry,
		"VM-entry controls: a bit IA32_VMX_(TRUE_)ENTRY_CTLS requires to be 1 is 0 (SDM 27.2.1.3)",
		"VM-entry controls: a bit IA32_VMX_(TRUE_)ENTRY_CTLS does not allow is 1 (SDM 27.2.1.3)",
	};

	check_ctl_reserved(c, &r);
	check_event_injection(c);
	check_msr_area(c, VMCS_ENTRY_MSR_LOAD_COUNT, VMCS_ENTRY_MSR_LOAD_ADDR,
		       "MSR-area address: must be 16-byte aligned and the whole area within the physical-address "
		       "width (SDM 27.2.1.3)");
	/* Only VM entry from SMM may set these. */
	expect(c, !(c->entry & (VMX_ENTRY_TO_SMM | VMX_ENTRY_DEACT_DUAL_MONITOR)), VMCS_ENTRY_CTLS,
	       "\"entry to SMM\" and \"deactivate dual-monitor treatment\" must be 0 outside SMM (SDM 27.2.1.3)");
}

void vmentry_check_exit_entry_controls(struct chk *c)
{
	check_exit_controls(c);
	check_entry_controls(c);
}
