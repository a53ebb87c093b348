/* Names of VMCS fields, VM-instruction errors and basic exit reasons, and the
 * width and type an encoding carries (SDM Appendix B and C, Vol. 3C 31.4). */
#include "arch/x86/vmx/vmcs_fields.h"

/* Encoding layout (SDM Vol. 3C "VMREAD, VMWRITE, and Encodings of VMCS
 * Fields"): bit 0 access type, 9:1 index, 11:10 type, 14:13 width. */
#define ENC_TYPE_SHIFT 10
#define ENC_WIDTH_SHIFT 13
#define ENC_2BIT_MASK 3u

enum vmcs_width vmcs_field_width(uint32_t enc)
{
	return (enum vmcs_width)((enc >> ENC_WIDTH_SHIFT) & ENC_2BIT_MASK);
}

enum vmcs_type vmcs_field_type(uint32_t enc)
{
	return (enum vmcs_type)((enc >> ENC_TYPE_SHIFT) & ENC_2BIT_MASK);
}

#define VMCS_FIELD_DESC(name, enc) { (enc), #name },
static const struct vmcs_field_desc fields[] = { VMCS_FIELD_LIST(VMCS_FIELD_DESC) };
#undef VMCS_FIELD_DESC

size_t vmcs_field_count(void)
{
	return ARRAY_SIZE(fields);
}

const struct vmcs_field_desc *vmcs_field_at(size_t i)
{
	return i < ARRAY_SIZE(fields) ? &fields[i] : NULL;
}

/* The list is in encoding order (the unit test holds it to that), so a
 * binary search finds a field. */
static const struct vmcs_field_desc *find(uint32_t enc)
{
	size_t lo = 0, hi = ARRAY_SIZE(fields);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fields[mid].enc == enc)
			return &fields[mid];
		if (fields[mid].enc < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *vmcs_field_name(uint32_t enc)
{
	const struct vmcs_field_desc *d = find(enc);

	return d ? d->name : NULL;
}

bool vmcs_field_known(uint32_t enc)
{
	return find(enc) != NULL;
}

const char *vmx_instruction_error_name(uint32_t n)
{
	static const char *const names[] = {
		[VMXERR_VMCALL_IN_ROOT] = "VMCALL executed in VMX root operation",
		[VMXERR_VMCLEAR_INVALID_ADDR] = "VMCLEAR with invalid physical address",
		[VMXERR_VMCLEAR_VMXON_PTR] = "VMCLEAR with VMXON pointer",
		[VMXERR_VMLAUNCH_NOT_CLEAR] = "VMLAUNCH with non-clear VMCS",
		[VMXERR_VMRESUME_NOT_LAUNCHED] = "VMRESUME with non-launched VMCS",
		[VMXERR_VMRESUME_AFTER_VMXOFF] = "VMRESUME after VMXOFF",
		[VMXERR_ENTRY_INVALID_CONTROLS] = "VM entry with invalid control field(s)",
		[VMXERR_ENTRY_INVALID_HOST_STATE] = "VM entry with invalid host-state field(s)",
		[VMXERR_VMPTRLD_INVALID_ADDR] = "VMPTRLD with invalid physical address",
		[VMXERR_VMPTRLD_VMXON_PTR] = "VMPTRLD with VMXON pointer",
		[VMXERR_VMPTRLD_BAD_REVISION] = "VMPTRLD with incorrect VMCS revision identifier",
		[VMXERR_UNSUPPORTED_FIELD] = "VMREAD/VMWRITE from/to unsupported VMCS component",
		[VMXERR_VMWRITE_READ_ONLY] = "VMWRITE to read-only VMCS component",
		[VMXERR_VMXON_IN_ROOT] = "VMXON executed in VMX root operation",
		[VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS] = "VM entry with invalid executive-VMCS pointer",
		[VMXERR_ENTRY_NON_LAUNCHED_EXECUTIVE_VMCS] = "VM entry with non-launched executive VMCS",
		[VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON] =
			"VM entry with executive-VMCS pointer not VMXON pointer",
		[VMXERR_VMCALL_NOT_CLEAR] = "VMCALL with non-clear VMCS",
		[VMXERR_VMCALL_INVALID_EXIT_CONTROLS] = "VMCALL with invalid VM-exit control fields",
		[VMXERR_VMCALL_BAD_MSEG_REVISION] = "VMCALL with incorrect MSEG revision identifier",
		[VMXERR_VMXOFF_DUAL_MONITOR] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
		[VMXERR_VMCALL_INVALID_SMM_FEATURES] = "VMCALL with invalid SMM-monitor features",
		[VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROLS] =
			"VM entry with invalid VM-execution control fields in executive VMCS",
		[VMXERR_ENTRY_MOV_SS_BLOCKING] = "VM entry with events blocked by MOV SS",
		[VMXERR_INVALID_INVEPT_INVVPID] = "invalid operand to INVEPT/INVVPID",
	};

	return n < ARRAY_SIZE(names) ? names[n] : NULL;
}

const char *vmx_exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[VMX_EXIT_REASON_EXCEPTION_NMI] = "exception or NMI",
		[VMX_EXIT_REASON_EXTERNAL_INTR] = "external interrupt",
		[VMX_EXIT_REASON_TRIPLE_FAULT] = "triple fault",
		[VMX_EXIT_REASON_INIT] = "INIT signal",
		[VMX_EXIT_REASON_SIPI] = "start-up IPI",
		[VMX_EXIT_REASON_IO_SMI] = "I/O SMI",
		[VMX_EXIT_REASON_OTHER_SMI] = "other SMI",
		[VMX_EXIT_REASON_INTR_WINDOW] = "interrupt window",
		[VMX_EXIT_REASON_NMI_WINDOW] = "NMI window",
		[VMX_EXIT_REASON_TASK_SWITCH] = "task switch",
		[VMX_EXIT_REASON_CPUID] = "CPUID",
		[VMX_EXIT_REASON_GETSEC] = "GETSEC",
		[VMX_EXIT_REASON_HLT] = "HLT",
		[VMX_EXIT_REASON_INVD] = "INVD",
		[VMX_EXIT_REASON_INVLPG] = "INVLPG",
		[VMX_EXIT_REASON_RDPMC] = "RDPMC",
		[VMX_EXIT_REASON_RDTSC] = "RDTSC",
		[VMX_EXIT_REASON_RSM] = "RSM",
		[VMX_EXIT_REASON_VMCALL] = "VMCALL",
		[VMX_EXIT_REASON_VMCLEAR] = "VMCLEAR",
		[VMX_EXIT_REASON_VMLAUNCH] = "VMLAUNCH",
		[VMX_EXIT_REASON_VMPTRLD] = "VMPTRLD",
		[VMX_EXIT_REASON_VMPTRST] = "VMPTRST",
		[VMX_EXIT_REASON_VMREAD] = "VMREAD",
		[VMX_EXIT_REASON_VMRESUME] = "VMRESUME",
		[VMX_EXIT_REASON_VMWRITE] = "VMWRITE",
		[VMX_EXIT_REASON_VMXOFF] = "VMXOFF",
		[VMX_EXIT_REASON_VMXON] = "VMXON",
		[VMX_EXIT_REASON_CR_ACCESS] = "control-register access",
		[VMX_EXIT_REASON_DR_ACCESS] = "MOV DR",
		[VMX_EXIT_REASON_IO] = "I/O instruction",
		[VMX_EXIT_REASON_RDMSR] = "RDMSR",
		[VMX_EXIT_REASON_WRMSR] = "WRMSR",
		[VMX_EXIT_REASON_INVALID_GUEST_STATE] = "VM-entry failure due to invalid guest state",
		[VMX_EXIT_REASON_MSR_LOADING] = "VM-entry failure due to MSR loading",
		[VMX_EXIT_REASON_MWAIT] = "MWAIT",
		[VMX_EXIT_REASON_MTF] = "monitor trap flag",
		[VMX_EXIT_REASON_MONITOR] = "MONITOR",
		[VMX_EXIT_REASON_PAUSE] = "PAUSE",
		[VMX_EXIT_REASON_MACHINE_CHECK] = "VM-entry failure due to machine-check event",
		[VMX_EXIT_REASON_TPR_BELOW_THRESHOLD] = "TPR below threshold",
		[VMX_EXIT_REASON_APIC_ACCESS] = "APIC access",
		[VMX_EXIT_REASON_VIRTUALIZED_EOI] = "virtualized EOI",
		[VMX_EXIT_REASON_GDTR_IDTR] = "access to GDTR or IDTR",
		[VMX_EXIT_REASON_LDTR_TR] = "access to LDTR or TR",
		[VMX_EXIT_REASON_EPT_VIOLATION] = "EPT violation",
		[VMX_EXIT_REASON_EPT_MISCONFIG] = "EPT misconfiguration",
		[VMX_EXIT_REASON_INVEPT] = "INVEPT",
		[VMX_EXIT_REASON_RDTSCP] = "RDTSCP",
		[VMX_EXIT_REASON_PREEMPTION_TIMER] = "VMX-preemption timer expired",
		[VMX_EXIT_REASON_INVVPID] = "INVVPID",
		[VMX_EXIT_REASON_WBINVD] = "WBINVD or WBNOINVD",
		[VMX_EXIT_REASON_XSETBV] = "XSETBV",
		[VMX_EXIT_REASON_APIC_WRITE] = "APIC write",
		[VMX_EXIT_REASON_RDRAND] = "RDRAND",
		[VMX_EXIT_REASON_INVPCID] = "INVPCID",
		[VMX_EXIT_REASON_VMFUNC] = "VMFUNC",
		[VMX_EXIT_REASON_ENCLS] = "ENCLS",
		[VMX_EXIT_REASON_RDSEED] = "RDSEED",
		[VMX_EXIT_REASON_PML_FULL] = "page-modification log full",
		[VMX_EXIT_REASON_XSAVES] = "XSAVES",
		[VMX_EXIT_REASON_XRSTORS] = "XRSTORS",
		[VMX_EXIT_REASON_PCONFIG] = "PCONFIG",
		[VMX_EXIT_REASON_SPP] = "SPP-related event",
		[VMX_EXIT_REASON_UMWAIT] = "UMWAIT",
		[VMX_EXIT_REASON_TPAUSE] = "TPAUSE",
		[VMX_EXIT_REASON_LOADIWKEY] = "LOADIWKEY",
		[VMX_EXIT_REASON_ENCLV] = "ENCLV",
		[VMX_EXIT_REASON_ENQCMD_PASID] = "ENQCMD PASID translation failure",
		[VMX_EXIT_REASON_ENQCMDS_PASID] = "ENQCMDS PASID translation failure",
		[VMX_EXIT_REASON_BUS_LOCK] = "bus lock",
		[VMX_EXIT_REASON_INSTRUCTION_TIMEOUT] = "instruction timeout",
		[VMX_EXIT_REASON_SEAMCALL] = "SEAMCALL",
		[VMX_EXIT_REASON_TDCALL] = "TDCALL",
	};
	uint32_t basic = reason & VMX_EXIT_REASON_BASIC_MASK;

	return basic < ARRAY_SIZE(names) ? names[basic] : NULL;
}
