/* Event injection (see vmx_event.h; SDM 3C 27.6 "Event Injection", 28.2.4
 * "Information for VM Exits During Event Delivery"). */
#include "arch/x86/vmx/vmx_event.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "hv/log.h"

enum exception_class { BENIGN, CONTRIBUTORY, PAGE_FAULT };

static enum exception_class classify(uint8_t vector)
{
	switch (vector) {
	case X86_VECTOR_DE:
	case X86_VECTOR_TS:
	case X86_VECTOR_NP:
	case X86_VECTOR_SS:
	case X86_VECTOR_GP:
		return CONTRIBUTORY;
	case X86_VECTOR_PF:
		return PAGE_FAULT;
	default:
		return BENIGN;
	}
}

/* SDM 3A Table 6-5: which pairs of exceptions make a double fault. */
static bool makes_double_fault(uint8_t first, uint8_t second)
{
	enum exception_class a = classify(first), b = classify(second);
	return (a == CONTRIBUTORY && b == CONTRIBUTORY) ||
	       (a == PAGE_FAULT && (b == CONTRIBUTORY || b == PAGE_FAULT));
}

void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	struct vmx_event *e = &v->arch.event;

	if (e->pending && e->type == VMX_INTR_TYPE_HW_EXCEPTION) {
		if (e->vector == X86_VECTOR_DF) {
			log_info("dom%u %s: exception %u while delivering #DF: triple fault", v->dom->id,
				 v->dom->cfg.name, vector);
			vmx_dump_guest(v, VMX_EXIT_REASON_TRIPLE_FAULT);
			domain_end(v->dom, DOMAIN_END_TRIPLE_FAULT, 0);
			return;
		}
		if (makes_double_fault(e->vector, vector)) {
			*e = (struct vmx_event){true, VMX_INTR_TYPE_HW_EXCEPTION, X86_VECTOR_DF, true, 0, 0};
			return;
		}
	}
	/* Otherwise the new exception is delivered first; an interrupted
	 * benign exception would recur when its instruction restarts. */
	*e = (struct vmx_event){true, VMX_INTR_TYPE_HW_EXCEPTION, vector, has_error, error, 0};
}

void vmx_event_after_exit(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);

	if (!(info & VMX_INTR_INFO_VALID))
		return;
	struct vmx_event *e = &v->arch.event;
	e->pending = true;
	e->type = (uint8_t)((info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT);
	e->vector = (uint8_t)(info & VMX_INTR_INFO_VECTOR_MASK);
	e->has_error = info & VMX_INTR_INFO_ERROR_CODE;
	e->error = e->has_error ? (uint32_t)vmcs_read(VMCS_IDT_VECTORING_ERROR_CODE) : 0;
	/* Software events restart with their instruction length (SDM 3C 27.6.1.3). */
	e->instruction_len = (uint32_t)vmcs_read(VMCS_EXIT_INSTRUCTION_LEN);
}

static bool is_software_event(uint8_t type)
{
	return type == VMX_INTR_TYPE_SW_INTR || type == VMX_INTR_TYPE_PRIV_SW_EXCEPTION ||
	       type == VMX_INTR_TYPE_SW_EXCEPTION;
}

void vmx_event_before_entry(struct vcpu *v)
{
	struct vmx_event *e = &v->arch.event;

	if (!e->pending)
		return;
	uint32_t info = VMX_INTR_INFO_VALID | ((uint32_t)e->type << VMX_INTR_INFO_TYPE_SHIFT) | e->vector;
	/* Real mode delivers no error codes (SDM 3C 27.2.1.3). */
	bool protected_mode = vmcs_read(VMCS_GUEST_CR0) & 1;
	if (e->has_error && protected_mode) {
		info |= VMX_INTR_INFO_ERROR_CODE;
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, e->error);
	}
	if (is_software_event(e->type))
		vmcs_write(VMCS_ENTRY_INSTRUCTION_LEN, e->instruction_len);
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
	e->pending = false;
}
