/* VMCS field encodings (Intel SDM Appendix B, "Field Encoding in VMCS", in
 * Vol. 3D of current editions), their names and widths, the VM-instruction
 * error numbers and the basic exit reasons, for VMREAD/VMWRITE and dumps. */
#ifndef ARCH_X86_VMX_VMCS_FIELDS_H
#define ARCH_X86_VMX_VMCS_FIELDS_H

#include "hv/types.h"

/* Every field by its full (access type 0) encoding, in encoding order, which
 * is also the SDM's grouping: width, then control / read-only / guest / host.
 * A 64-bit field's high half is its encoding + 1 (SDM Vol. 3C "VMREAD, VMWRITE,
 * and Encodings of VMCS Fields"); those need no names of their own. */
#define VMCS_FIELD_LIST(X)                                                   \
	/* 16-bit control fields (Table B-1). */                             \
	X(VPID, 0x0000)                                                      \
	X(POSTED_INTR_NV, 0x0002)                                            \
	X(EPTP_INDEX, 0x0004)                                                \
	X(HLAT_PREFIX_SIZE, 0x0006)                                          \
	X(LAST_PID_POINTER_INDEX, 0x0008)                                    \
	/* 16-bit guest-state fields (Table B-2). */                         \
	X(GUEST_ES_SELECTOR, 0x0800)                                         \
	X(GUEST_CS_SELECTOR, 0x0802)                                         \
	X(GUEST_SS_SELECTOR, 0x0804)                                         \
	X(GUEST_DS_SELECTOR, 0x0806)                                         \
	X(GUEST_FS_SELECTOR, 0x0808)                                         \
	X(GUEST_GS_SELECTOR, 0x080a)                                         \
	X(GUEST_LDTR_SELECTOR, 0x080c)                                       \
	X(GUEST_TR_SELECTOR, 0x080e)                                         \
	X(GUEST_INTR_STATUS, 0x0810)                                         \
	X(GUEST_PML_INDEX, 0x0812)                                           \
	X(GUEST_UINV, 0x0814)                                                \
	/* 16-bit host-state fields (Table B-3). */                          \
	X(HOST_ES_SELECTOR, 0x0c00)                                          \
	X(HOST_CS_SELECTOR, 0x0c02)                                          \
	X(HOST_SS_SELECTOR, 0x0c04)                                          \
	X(HOST_DS_SELECTOR, 0x0c06)                                          \
	X(HOST_FS_SELECTOR, 0x0c08)                                          \
	X(HOST_GS_SELECTOR, 0x0c0a)                                          \
	X(HOST_TR_SELECTOR, 0x0c0c)                                          \
	/* 64-bit control fields (Table B-4). */                             \
	X(IO_BITMAP_A, 0x2000)                                               \
	X(IO_BITMAP_B, 0x2002)                                               \
	X(MSR_BITMAP, 0x2004)                                                \
	X(EXIT_MSR_STORE_ADDR, 0x2006)                                       \
	X(EXIT_MSR_LOAD_ADDR, 0x2008)                                        \
	X(ENTRY_MSR_LOAD_ADDR, 0x200a)                                       \
	X(EXECUTIVE_VMCS_PTR, 0x200c)                                        \
	X(PML_ADDR, 0x200e)                                                  \
	X(TSC_OFFSET, 0x2010)                                                \
	X(VIRTUAL_APIC_ADDR, 0x2012)                                         \
	X(APIC_ACCESS_ADDR, 0x2014)                                          \
	X(POSTED_INTR_DESC_ADDR, 0x2016)                                     \
	X(VMFUNC_CTLS, 0x2018)                                               \
	X(EPT_POINTER, 0x201a)                                               \
	X(EOI_EXIT_BITMAP0, 0x201c)                                          \
	X(EOI_EXIT_BITMAP1, 0x201e)                                          \
	X(EOI_EXIT_BITMAP2, 0x2020)                                          \
	X(EOI_EXIT_BITMAP3, 0x2022)                                          \
	X(EPTP_LIST_ADDR, 0x2024)                                            \
	X(VMREAD_BITMAP_ADDR, 0x2026)                                        \
	X(VMWRITE_BITMAP_ADDR, 0x2028)                                       \
	X(VE_INFO_ADDR, 0x202a)                                              \
	X(XSS_EXITING_BITMAP, 0x202c)                                        \
	X(ENCLS_EXITING_BITMAP, 0x202e)                                      \
	X(SPP_TABLE_PTR, 0x2030)                                             \
	X(TSC_MULTIPLIER, 0x2032)                                            \
	X(TER_PROC_BASED_CTLS, 0x2034)                                       \
	X(ENCLV_EXITING_BITMAP, 0x2036)                                      \
	X(LOW_PASID_DIR_ADDR, 0x2038)                                        \
	X(HIGH_PASID_DIR_ADDR, 0x203a)                                       \
	X(PCONFIG_EXITING_BITMAP, 0x203e)                                    \
	X(HLATP, 0x2040)                                                     \
	X(PID_POINTER_TABLE_ADDR, 0x2042)                                    \
	X(SEC_EXIT_CTLS, 0x2044)                                             \
	X(SPEC_CTRL_MASK, 0x204a)                                            \
	X(SPEC_CTRL_SHADOW, 0x204c)                                          \
	X(INJECTED_EVENT_DATA, 0x2052)                                       \
	/* 64-bit read-only data fields (Table B-5). */                      \
	X(GUEST_PHYSICAL_ADDR, 0x2400)                                       \
	X(ORIGINAL_EVENT_DATA, 0x2404)                                       \
	/* 64-bit guest-state fields (Table B-6). */                         \
	X(LINK_POINTER, 0x2800)                                              \
	X(GUEST_DEBUGCTL, 0x2802)                                            \
	X(GUEST_PAT, 0x2804)                                                 \
	X(GUEST_EFER, 0x2806)                                                \
	X(GUEST_PERF_GLOBAL_CTRL, 0x2808)                                    \
	X(GUEST_PDPTE0, 0x280a)                                              \
	X(GUEST_PDPTE1, 0x280c)                                              \
	X(GUEST_PDPTE2, 0x280e)                                              \
	X(GUEST_PDPTE3, 0x2810)                                              \
	X(GUEST_BNDCFGS, 0x2812)                                             \
	X(GUEST_RTIT_CTL, 0x2814)                                            \
	X(GUEST_LBR_CTL, 0x2816)                                             \
	X(GUEST_PKRS, 0x2818)                                                \
	X(GUEST_FRED_CONFIG, 0x281a)                                         \
	X(GUEST_FRED_RSP1, 0x281c)                                           \
	X(GUEST_FRED_RSP2, 0x281e)                                           \
	X(GUEST_FRED_RSP3, 0x2820)                                           \
	X(GUEST_FRED_STKLVLS, 0x2822)                                        \
	X(GUEST_FRED_SSP1, 0x2824)                                           \
	X(GUEST_FRED_SSP2, 0x2826)                                           \
	X(GUEST_FRED_SSP3, 0x2828)                                           \
	/* 64-bit host-state fields (Table B-7). */                          \
	X(HOST_PAT, 0x2c00)                                                  \
	X(HOST_EFER, 0x2c02)                                                 \
	X(HOST_PERF_GLOBAL_CTRL, 0x2c04)                                     \
	X(HOST_PKRS, 0x2c06)                                                 \
	X(HOST_FRED_CONFIG, 0x2c08)                                          \
	X(HOST_FRED_RSP1, 0x2c0a)                                            \
	X(HOST_FRED_RSP2, 0x2c0c)                                            \
	X(HOST_FRED_RSP3, 0x2c0e)                                            \
	X(HOST_FRED_STKLVLS, 0x2c10)                                         \
	X(HOST_FRED_SSP1, 0x2c12)                                            \
	X(HOST_FRED_SSP2, 0x2c14)                                            \
	X(HOST_FRED_SSP3, 0x2c16)                                            \
	/* 32-bit control fields (Table B-8). */                             \
	X(PIN_BASED_CTLS, 0x4000)                                            \
	X(PRI_PROC_BASED_CTLS, 0x4002)                                       \
	X(EXCEPTION_BITMAP, 0x4004)                                          \
	X(PF_ERROR_CODE_MASK, 0x4006)                                        \
	X(PF_ERROR_CODE_MATCH, 0x4008)                                       \
	X(CR3_TARGET_COUNT, 0x400a)                                          \
	X(EXIT_CTLS, 0x400c)                                                 \
	X(EXIT_MSR_STORE_COUNT, 0x400e)                                      \
	X(EXIT_MSR_LOAD_COUNT, 0x4010)                                       \
	X(ENTRY_CTLS, 0x4012)                                                \
	X(ENTRY_MSR_LOAD_COUNT, 0x4014)                                      \
	X(ENTRY_INTR_INFO, 0x4016)                                           \
	X(ENTRY_EXCEPTION_ERROR_CODE, 0x4018)                                \
	X(ENTRY_INSTRUCTION_LEN, 0x401a)                                     \
	X(TPR_THRESHOLD, 0x401c)                                             \
	X(SEC_PROC_BASED_CTLS, 0x401e)                                       \
	X(PLE_GAP, 0x4020)                                                   \
	X(PLE_WINDOW, 0x4022)                                                \
	X(INSTRUCTION_TIMEOUT_CTL, 0x4024)                                   \
	/* 32-bit read-only data fields (Table B-9). */                      \
	X(VM_INSTRUCTION_ERROR, 0x4400)                                      \
	X(EXIT_REASON, 0x4402)                                               \
	X(EXIT_INTR_INFO, 0x4404)                                            \
	X(EXIT_INTR_ERROR_CODE, 0x4406)                                      \
	X(IDT_VECTORING_INFO, 0x4408)                                        \
	X(IDT_VECTORING_ERROR_CODE, 0x440a)                                  \
	X(EXIT_INSTRUCTION_LEN, 0x440c)                                      \
	X(EXIT_INSTRUCTION_INFO, 0x440e)                                     \
	/* 32-bit guest-state fields (Table B-10). */                        \
	X(GUEST_ES_LIMIT, 0x4800)                                            \
	X(GUEST_CS_LIMIT, 0x4802)                                            \
	X(GUEST_SS_LIMIT, 0x4804)                                            \
	X(GUEST_DS_LIMIT, 0x4806)                                            \
	X(GUEST_FS_LIMIT, 0x4808)                                            \
	X(GUEST_GS_LIMIT, 0x480a)                                            \
	X(GUEST_LDTR_LIMIT, 0x480c)                                          \
	X(GUEST_TR_LIMIT, 0x480e)                                            \
	X(GUEST_GDTR_LIMIT, 0x4810)                                          \
	X(GUEST_IDTR_LIMIT, 0x4812)                                          \
	X(GUEST_ES_AR, 0x4814)                                               \
	X(GUEST_CS_AR, 0x4816)                                               \
	X(GUEST_SS_AR, 0x4818)                                               \
	X(GUEST_DS_AR, 0x481a)                                               \
	X(GUEST_FS_AR, 0x481c)                                               \
	X(GUEST_GS_AR, 0x481e)                                               \
	X(GUEST_LDTR_AR, 0x4820)                                             \
	X(GUEST_TR_AR, 0x4822)                                               \
	X(GUEST_INTERRUPTIBILITY, 0x4824)                                    \
	X(GUEST_ACTIVITY_STATE, 0x4826)                                      \
	X(GUEST_SMBASE, 0x4828)                                              \
	X(GUEST_SYSENTER_CS, 0x482a)                                         \
	X(PREEMPTION_TIMER_VALUE, 0x482e)                                    \
	/* 32-bit host-state field (Table B-11). */                          \
	X(HOST_SYSENTER_CS, 0x4c00)                                          \
	/* Natural-width control fields (Table B-12). */                     \
	X(CR0_GUEST_HOST_MASK, 0x6000)                                       \
	X(CR4_GUEST_HOST_MASK, 0x6002)                                       \
	X(CR0_READ_SHADOW, 0x6004)                                           \
	X(CR4_READ_SHADOW, 0x6006)                                           \
	X(CR3_TARGET0, 0x6008)                                               \
	X(CR3_TARGET1, 0x600a)                                               \
	X(CR3_TARGET2, 0x600c)                                               \
	X(CR3_TARGET3, 0x600e)                                               \
	/* Natural-width read-only data fields (Table B-13). */              \
	X(EXIT_QUALIFICATION, 0x6400)                                        \
	X(IO_RCX, 0x6402)                                                    \
	X(IO_RSI, 0x6404)                                                    \
	X(IO_RDI, 0x6406)                                                    \
	X(IO_RIP, 0x6408)                                                    \
	X(GUEST_LINEAR_ADDR, 0x640a)                                         \
	/* Natural-width guest-state fields (Table B-14). */                 \
	X(GUEST_CR0, 0x6800)                                                 \
	X(GUEST_CR3, 0x6802)                                                 \
	X(GUEST_CR4, 0x6804)                                                 \
	X(GUEST_ES_BASE, 0x6806)                                             \
	X(GUEST_CS_BASE, 0x6808)                                             \
	X(GUEST_SS_BASE, 0x680a)                                             \
	X(GUEST_DS_BASE, 0x680c)                                             \
	X(GUEST_FS_BASE, 0x680e)                                             \
	X(GUEST_GS_BASE, 0x6810)                                             \
	X(GUEST_LDTR_BASE, 0x6812)                                           \
	X(GUEST_TR_BASE, 0x6814)                                             \
	X(GUEST_GDTR_BASE, 0x6816)                                           \
	X(GUEST_IDTR_BASE, 0x6818)                                           \
	X(GUEST_DR7, 0x681a)                                                 \
	X(GUEST_RSP, 0x681c)                                                 \
	X(GUEST_RIP, 0x681e)                                                 \
	X(GUEST_RFLAGS, 0x6820)                                              \
	X(GUEST_PENDING_DBG_EXCEPTIONS, 0x6822)                              \
	X(GUEST_SYSENTER_ESP, 0x6824)                                        \
	X(GUEST_SYSENTER_EIP, 0x6826)                                        \
	X(GUEST_S_CET, 0x6828)                                               \
	X(GUEST_SSP, 0x682a)                                                 \
	X(GUEST_INTR_SSP_TABLE_ADDR, 0x682c)                                 \
	/* Natural-width host-state fields (Table B-15). */                  \
	X(HOST_CR0, 0x6c00)                                                  \
	X(HOST_CR3, 0x6c02)                                                  \
	X(HOST_CR4, 0x6c04)                                                  \
	X(HOST_FS_BASE, 0x6c06)                                              \
	X(HOST_GS_BASE, 0x6c08)                                              \
	X(HOST_TR_BASE, 0x6c0a)                                              \
	X(HOST_GDTR_BASE, 0x6c0c)                                            \
	X(HOST_IDTR_BASE, 0x6c0e)                                            \
	X(HOST_SYSENTER_ESP, 0x6c10)                                         \
	X(HOST_SYSENTER_EIP, 0x6c12)                                         \
	X(HOST_RSP, 0x6c14)                                                  \
	X(HOST_RIP, 0x6c16)                                                  \
	X(HOST_S_CET, 0x6c18)                                                \
	X(HOST_SSP, 0x6c1a)                                                  \
	X(HOST_INTR_SSP_TABLE_ADDR, 0x6c1c)

#define VMCS_FIELD_ENUMERATOR(name, enc) VMCS_##name = (enc),
enum vmcs_field { VMCS_FIELD_LIST(VMCS_FIELD_ENUMERATOR) };
#undef VMCS_FIELD_ENUMERATOR

/* Encoding bits 14:13 (SDM Vol. 3C "VMREAD, VMWRITE, and Encodings of VMCS
 * Fields", table "Structure of VMCS Component Encoding"). */
enum vmcs_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3,
};

/* Encoding bits 11:10, same table. */
enum vmcs_type {
	VMCS_TYPE_CONTROL = 0,
	VMCS_TYPE_READ_ONLY = 1,
	VMCS_TYPE_GUEST = 2,
	VMCS_TYPE_HOST = 3,
};

/* Encoding bit 0: 1 selects the high 32 bits of a 64-bit field. */
#define VMCS_ENC_HIGH 1u

enum vmcs_width vmcs_field_width(uint32_t enc);
enum vmcs_type vmcs_field_type(uint32_t enc);

/* "GUEST_CS_SELECTOR" for VMCS_GUEST_CS_SELECTOR; NULL for an encoding that is
 * not in the list (reserved, or the high half of a 64-bit field). */
const char *vmcs_field_name(uint32_t enc);
bool vmcs_field_known(uint32_t enc);

/* The whole list in encoding order, for a VMCS dump: vmcs_field_count()
 * entries, index 0 to count - 1. */
struct vmcs_field_desc {
	uint32_t enc;
	const char *name;
};
size_t vmcs_field_count(void);
const struct vmcs_field_desc *vmcs_field_at(size_t i); /* NULL past the end */

/* VM-instruction error numbers, read from VMCS_VM_INSTRUCTION_ERROR after a
 * VMfailValid (SDM Vol. 3C "VM Instruction Error Numbers"). */
enum vmx_instruction_error {
	VMXERR_VMCALL_IN_ROOT = 1,
	VMXERR_VMCLEAR_INVALID_ADDR = 2,
	VMXERR_VMCLEAR_VMXON_PTR = 3,
	VMXERR_VMLAUNCH_NOT_CLEAR = 4,
	VMXERR_VMRESUME_NOT_LAUNCHED = 5,
	VMXERR_VMRESUME_AFTER_VMXOFF = 6,
	VMXERR_ENTRY_INVALID_CONTROLS = 7,
	VMXERR_ENTRY_INVALID_HOST_STATE = 8,
	VMXERR_VMPTRLD_INVALID_ADDR = 9,
	VMXERR_VMPTRLD_VMXON_PTR = 10,
	VMXERR_VMPTRLD_BAD_REVISION = 11,
	VMXERR_UNSUPPORTED_FIELD = 12,
	VMXERR_VMWRITE_READ_ONLY = 13,
	VMXERR_VMXON_IN_ROOT = 15,
	VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS = 16,
	VMXERR_ENTRY_NON_LAUNCHED_EXECUTIVE_VMCS = 17,
	VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON = 18,
	VMXERR_VMCALL_NOT_CLEAR = 19,
	VMXERR_VMCALL_INVALID_EXIT_CONTROLS = 20,
	VMXERR_VMCALL_BAD_MSEG_REVISION = 22,
	VMXERR_VMXOFF_DUAL_MONITOR = 23,
	VMXERR_VMCALL_INVALID_SMM_FEATURES = 24,
	VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROLS = 25,
	VMXERR_ENTRY_MOV_SS_BLOCKING = 26,
	VMXERR_INVALID_INVEPT_INVVPID = 28,
};

/* The SDM's description of error n, NULL for a number it does not define. */
const char *vmx_instruction_error_name(uint32_t n);

/* Exit reason field layout (SDM Vol. 3C "Basic VM-Exit Information"). */
#define VMX_EXIT_REASON_BASIC_MASK 0xffffu
#define VMX_EXIT_REASON_ENTRY_FAILURE (UINT32_C(1) << 31)

/* Basic exit reasons (SDM Appendix C, "VMX Basic Exit Reasons"). */
enum vmx_exit_reason {
	VMX_EXIT_REASON_EXCEPTION_NMI = 0,
	VMX_EXIT_REASON_EXTERNAL_INTR = 1,
	VMX_EXIT_REASON_TRIPLE_FAULT = 2,
	VMX_EXIT_REASON_INIT = 3,
	VMX_EXIT_REASON_SIPI = 4,
	VMX_EXIT_REASON_IO_SMI = 5,
	VMX_EXIT_REASON_OTHER_SMI = 6,
	VMX_EXIT_REASON_INTR_WINDOW = 7,
	VMX_EXIT_REASON_NMI_WINDOW = 8,
	VMX_EXIT_REASON_TASK_SWITCH = 9,
	VMX_EXIT_REASON_CPUID = 10,
	VMX_EXIT_REASON_GETSEC = 11,
	VMX_EXIT_REASON_HLT = 12,
	VMX_EXIT_REASON_INVD = 13,
	VMX_EXIT_REASON_INVLPG = 14,
	VMX_EXIT_REASON_RDPMC = 15,
	VMX_EXIT_REASON_RDTSC = 16,
	VMX_EXIT_REASON_RSM = 17,
	VMX_EXIT_REASON_VMCALL = 18,
	VMX_EXIT_REASON_VMCLEAR = 19,
	VMX_EXIT_REASON_VMLAUNCH = 20,
	VMX_EXIT_REASON_VMPTRLD = 21,
	VMX_EXIT_REASON_VMPTRST = 22,
	VMX_EXIT_REASON_VMREAD = 23,
	VMX_EXIT_REASON_VMRESUME = 24,
	VMX_EXIT_REASON_VMWRITE = 25,
	VMX_EXIT_REASON_VMXOFF = 26,
	VMX_EXIT_REASON_VMXON = 27,
	VMX_EXIT_REASON_CR_ACCESS = 28,
	VMX_EXIT_REASON_DR_ACCESS = 29,
	VMX_EXIT_REASON_IO = 30,
	VMX_EXIT_REASON_RDMSR = 31,
	VMX_EXIT_REASON_WRMSR = 32,
	VMX_EXIT_REASON_INVALID_GUEST_STATE = 33,
	VMX_EXIT_REASON_MSR_LOADING = 34,
	VMX_EXIT_REASON_MWAIT = 36,
	VMX_EXIT_REASON_MTF = 37,
	VMX_EXIT_REASON_MONITOR = 39,
	VMX_EXIT_REASON_PAUSE = 40,
	VMX_EXIT_REASON_MACHINE_CHECK = 41,
	VMX_EXIT_REASON_TPR_BELOW_THRESHOLD = 43,
	VMX_EXIT_REASON_APIC_ACCESS = 44,
	VMX_EXIT_REASON_VIRTUALIZED_EOI = 45,
	VMX_EXIT_REASON_GDTR_IDTR = 46,
	VMX_EXIT_REASON_LDTR_TR = 47,
	VMX_EXIT_REASON_EPT_VIOLATION = 48,
	VMX_EXIT_REASON_EPT_MISCONFIG = 49,
	VMX_EXIT_REASON_INVEPT = 50,
	VMX_EXIT_REASON_RDTSCP = 51,
	VMX_EXIT_REASON_PREEMPTION_TIMER = 52,
	VMX_EXIT_REASON_INVVPID = 53,
	VMX_EXIT_REASON_WBINVD = 54,
	VMX_EXIT_REASON_XSETBV = 55,
	VMX_EXIT_REASON_APIC_WRITE = 56,
	VMX_EXIT_REASON_RDRAND = 57,
	VMX_EXIT_REASON_INVPCID = 58,
	VMX_EXIT_REASON_VMFUNC = 59,
	VMX_EXIT_REASON_ENCLS = 60,
	VMX_EXIT_REASON_RDSEED = 61,
	VMX_EXIT_REASON_PML_FULL = 62,
	VMX_EXIT_REASON_XSAVES = 63,
	VMX_EXIT_REASON_XRSTORS = 64,
	VMX_EXIT_REASON_PCONFIG = 65,
	VMX_EXIT_REASON_SPP = 66,
	VMX_EXIT_REASON_UMWAIT = 67,
	VMX_EXIT_REASON_TPAUSE = 68,
	VMX_EXIT_REASON_LOADIWKEY = 69,
	VMX_EXIT_REASON_ENCLV = 70,
	VMX_EXIT_REASON_ENQCMD_PASID = 72,
	VMX_EXIT_REASON_ENQCMDS_PASID = 73,
	VMX_EXIT_REASON_BUS_LOCK = 74,
	VMX_EXIT_REASON_INSTRUCTION_TIMEOUT = 75,
	VMX_EXIT_REASON_SEAMCALL = 76,
	VMX_EXIT_REASON_TDCALL = 77,
};

/* Name of the basic exit reason in bits 15:0 of reason (so the raw exit
 * reason field may be passed), NULL for a number Appendix C does not define. */
const char *vmx_exit_reason_name(uint32_t reason);

#endif
