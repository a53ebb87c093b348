/* Bit layouts of VMCS fields: the VM-execution, VM-exit and VM-entry controls
 * (SDM Vol. 3C "VM-Execution Control Fields", "VM-Exit Control Fields",
 * "VM-Entry Control Fields") and the formats of the fields VM entry checks. */
#ifndef ARCH_X86_VMX_VMX_CONTROLS_H
#define ARCH_X86_VMX_VMX_CONTROLS_H

#include "hv/types.h"

#define VMX_BIT(n) (UINT32_C(1) << (n))
#define VMX_BIT64(n) (UINT64_C(1) << (n))

/* Table "Definitions of Pin-Based VM-Execution Controls". */
#define VMX_PIN_EXT_INTR_EXITING VMX_BIT(0)
#define VMX_PIN_NMI_EXITING VMX_BIT(3)
#define VMX_PIN_VIRTUAL_NMIS VMX_BIT(5)
#define VMX_PIN_PREEMPTION_TIMER VMX_BIT(6)
#define VMX_PIN_POSTED_INTR VMX_BIT(7)

/* Table "Definitions of Primary Processor-Based VM-Execution Controls". */
#define VMX_PROC_INTR_WINDOW_EXITING VMX_BIT(2)
#define VMX_PROC_TSC_OFFSETTING VMX_BIT(3)
#define VMX_PROC_HLT_EXITING VMX_BIT(7)
#define VMX_PROC_INVLPG_EXITING VMX_BIT(9)
#define VMX_PROC_MWAIT_EXITING VMX_BIT(10)
#define VMX_PROC_RDPMC_EXITING VMX_BIT(11)
#define VMX_PROC_RDTSC_EXITING VMX_BIT(12)
#define VMX_PROC_CR3_LOAD_EXITING VMX_BIT(15)
#define VMX_PROC_CR3_STORE_EXITING VMX_BIT(16)
#define VMX_PROC_TERTIARY_CTLS VMX_BIT(17)
#define VMX_PROC_CR8_LOAD_EXITING VMX_BIT(19)
#define VMX_PROC_CR8_STORE_EXITING VMX_BIT(20)
#define VMX_PROC_TPR_SHADOW VMX_BIT(21)
#define VMX_PROC_NMI_WINDOW_EXITING VMX_BIT(22)
#define VMX_PROC_MOV_DR_EXITING VMX_BIT(23)
#define VMX_PROC_UNCOND_IO_EXITING VMX_BIT(24)
#define VMX_PROC_IO_BITMAPS VMX_BIT(25)
#define VMX_PROC_MTF VMX_BIT(27)
#define VMX_PROC_MSR_BITMAPS VMX_BIT(28)
#define VMX_PROC_MONITOR_EXITING VMX_BIT(29)
#define VMX_PROC_PAUSE_EXITING VMX_BIT(30)
#define VMX_PROC_SECONDARY_CTLS VMX_BIT(31)

/* Table "Definitions of Secondary Processor-Based VM-Execution Controls". */
#define VMX_PROC2_VIRT_APIC_ACCESS VMX_BIT(0)
#define VMX_PROC2_EPT VMX_BIT(1)
#define VMX_PROC2_DESC_TABLE_EXITING VMX_BIT(2)
#define VMX_PROC2_RDTSCP VMX_BIT(3)
#define VMX_PROC2_VIRT_X2APIC VMX_BIT(4)
#define VMX_PROC2_VPID VMX_BIT(5)
#define VMX_PROC2_WBINVD_EXITING VMX_BIT(6)
#define VMX_PROC2_UNRESTRICTED_GUEST VMX_BIT(7)
#define VMX_PROC2_APIC_REG_VIRT VMX_BIT(8)
#define VMX_PROC2_VIRT_INTR_DELIVERY VMX_BIT(9)
#define VMX_PROC2_PAUSE_LOOP_EXITING VMX_BIT(10)
#define VMX_PROC2_RDRAND_EXITING VMX_BIT(11)
#define VMX_PROC2_INVPCID VMX_BIT(12)
#define VMX_PROC2_VMFUNC VMX_BIT(13)
#define VMX_PROC2_VMCS_SHADOWING VMX_BIT(14)
#define VMX_PROC2_ENCLS_EXITING VMX_BIT(15)
#define VMX_PROC2_RDSEED_EXITING VMX_BIT(16)
#define VMX_PROC2_PML VMX_BIT(17)
#define VMX_PROC2_EPT_VE VMX_BIT(18)
#define VMX_PROC2_PT_CONCEAL VMX_BIT(19)
#define VMX_PROC2_XSAVES VMX_BIT(20)
#define VMX_PROC2_PASID_TRANSLATION VMX_BIT(21)
#define VMX_PROC2_MODE_BASED_EPT_EXEC VMX_BIT(22)
#define VMX_PROC2_SPP VMX_BIT(23)
#define VMX_PROC2_PT_GUEST_PHYS VMX_BIT(24)
#define VMX_PROC2_TSC_SCALING VMX_BIT(25)
#define VMX_PROC2_USER_WAIT_PAUSE VMX_BIT(26)
#define VMX_PROC2_PCONFIG VMX_BIT(27)
#define VMX_PROC2_ENCLV_EXITING VMX_BIT(28)
#define VMX_PROC2_BUS_LOCK_DETECTION VMX_BIT(30)
#define VMX_PROC2_INSTRUCTION_TIMEOUT VMX_BIT(31)

/* Table "Definitions of Tertiary Processor-Based VM-Execution Controls" (a
 * 64-bit field). */
#define VMX_PROC3_LOADIWKEY_EXITING VMX_BIT64(0)
#define VMX_PROC3_HLAT VMX_BIT64(1)
#define VMX_PROC3_EPT_PAGING_WRITE VMX_BIT64(2)
#define VMX_PROC3_GUEST_PAGING_VERIFY VMX_BIT64(3)
#define VMX_PROC3_IPI_VIRT VMX_BIT64(4)
#define VMX_PROC3_VIRT_SPEC_CTRL VMX_BIT64(7)

/* Table "Definitions of Primary VM-Exit Controls". */
#define VMX_EXIT_SAVE_DEBUG_CTLS VMX_BIT(2)
#define VMX_EXIT_HOST_ADDR_SPACE_SIZE VMX_BIT(9)
#define VMX_EXIT_LOAD_PERF_GLOBAL_CTRL VMX_BIT(12)
#define VMX_EXIT_ACK_INTR_ON_EXIT VMX_BIT(15)
#define VMX_EXIT_SAVE_PAT VMX_BIT(18)
#define VMX_EXIT_LOAD_PAT VMX_BIT(19)
#define VMX_EXIT_SAVE_EFER VMX_BIT(20)
#define VMX_EXIT_LOAD_EFER VMX_BIT(21)
#define VMX_EXIT_SAVE_PREEMPTION_TIMER VMX_BIT(22)
#define VMX_EXIT_CLEAR_BNDCFGS VMX_BIT(23)
#define VMX_EXIT_PT_CONCEAL VMX_BIT(24)
#define VMX_EXIT_CLEAR_RTIT_CTL VMX_BIT(25)
#define VMX_EXIT_CLEAR_LBR_CTL VMX_BIT(26)
#define VMX_EXIT_CLEAR_UINV VMX_BIT(27)
#define VMX_EXIT_LOAD_CET VMX_BIT(28)
#define VMX_EXIT_LOAD_PKRS VMX_BIT(29)
#define VMX_EXIT_SAVE_PERF_GLOBAL_CTRL VMX_BIT(30)
#define VMX_EXIT_SECONDARY_CTLS VMX_BIT(31)

/* Table "Definitions of VM-Entry Controls". */
#define VMX_ENTRY_LOAD_DEBUG_CTLS VMX_BIT(2)
#define VMX_ENTRY_IA32E_MODE_GUEST VMX_BIT(9)
#define VMX_ENTRY_TO_SMM VMX_BIT(10)
#define VMX_ENTRY_DEACT_DUAL_MONITOR VMX_BIT(11)
#define VMX_ENTRY_LOAD_PERF_GLOBAL_CTRL VMX_BIT(13)
#define VMX_ENTRY_LOAD_PAT VMX_BIT(14)
#define VMX_ENTRY_LOAD_EFER VMX_BIT(15)
#define VMX_ENTRY_LOAD_BNDCFGS VMX_BIT(16)
#define VMX_ENTRY_PT_CONCEAL VMX_BIT(17)
#define VMX_ENTRY_LOAD_RTIT_CTL VMX_BIT(18)
#define VMX_ENTRY_LOAD_UINV VMX_BIT(19)
#define VMX_ENTRY_LOAD_CET VMX_BIT(20)
#define VMX_ENTRY_LOAD_LBR_CTL VMX_BIT(21)
#define VMX_ENTRY_LOAD_PKRS VMX_BIT(22)
#define VMX_ENTRY_LOAD_FRED VMX_BIT(23)

/* The extended-page-table pointer ("Extended-Page-Table Pointer (EPTP)",
 * table "Format of Extended-Page-Table Pointer"). */
#define VMX_EPTP_MEMTYPE_MASK UINT64_C(0x7)
#define VMX_EPTP_WALK_SHIFT 3 /* bits 5:3: page-walk length minus 1 */
#define VMX_EPTP_WALK_MASK (UINT64_C(0x7) << VMX_EPTP_WALK_SHIFT)
#define VMX_EPTP_WALK(levels) ((uint64_t)((levels) - 1) << VMX_EPTP_WALK_SHIFT)
#define VMX_EPTP_AD VMX_BIT64(6)
#define VMX_EPTP_SSS VMX_BIT64(7) /* supervisor shadow-stack access rights */

/* VM-entry interruption-information field ("VM-Entry Controls for Event
 * Injection", table "Format of the VM-Entry Interruption-Information Field");
 * the exit and IDT-vectoring information fields share the layout. */
#define VMX_INTR_INFO_VECTOR_MASK UINT32_C(0xff)
#define VMX_INTR_INFO_TYPE_SHIFT 8
#define VMX_INTR_INFO_TYPE_MASK (UINT32_C(7) << VMX_INTR_INFO_TYPE_SHIFT)
#define VMX_INTR_INFO_ERROR_CODE VMX_BIT(11)
#define VMX_INTR_INFO_NESTED_EXCEPTION VMX_BIT(13) /* with FRED only */
#define VMX_INTR_INFO_VALID VMX_BIT(31)

enum vmx_intr_type {
	VMX_INTR_TYPE_EXT_INTR = 0,
	VMX_INTR_TYPE_NMI = 2,
	VMX_INTR_TYPE_HW_EXCEPTION = 3,
	VMX_INTR_TYPE_SW_INTR = 4,
	VMX_INTR_TYPE_PRIV_SW_EXCEPTION = 5,
	VMX_INTR_TYPE_SW_EXCEPTION = 6,
	VMX_INTR_TYPE_OTHER_EVENT = 7,
};

/* Guest and host segment access rights ("Guest Register State", table
 * "Format of Access Rights"): the descriptor's bits 47:40 and 55:52 at 7:0
 * and 15:12, plus "segment unusable" at 16. */
#define VMX_AR_TYPE_MASK UINT32_C(0xf)
#define VMX_AR_TYPE_ACCESSED VMX_BIT(0)
#define VMX_AR_TYPE_WRITABLE VMX_BIT(1)   /* data segments; readable for code */
#define VMX_AR_TYPE_CODE VMX_BIT(3)
#define VMX_AR_S VMX_BIT(4)               /* 1: code or data, 0: system */
#define VMX_AR_DPL_SHIFT 5
#define VMX_AR_DPL_MASK (UINT32_C(3) << VMX_AR_DPL_SHIFT)
#define VMX_AR_P VMX_BIT(7)
#define VMX_AR_AVL VMX_BIT(12)
#define VMX_AR_L VMX_BIT(13)
#define VMX_AR_DB VMX_BIT(14)
#define VMX_AR_G VMX_BIT(15)
#define VMX_AR_UNUSABLE VMX_BIT(16)

/* Guest interruptibility state ("Guest Non-Register State", table "Format of
 * Interruptibility State"). */
#define VMX_INTERRUPTIBILITY_STI VMX_BIT(0)
#define VMX_INTERRUPTIBILITY_MOV_SS VMX_BIT(1)
#define VMX_INTERRUPTIBILITY_SMI VMX_BIT(2)
#define VMX_INTERRUPTIBILITY_NMI VMX_BIT(3)
#define VMX_INTERRUPTIBILITY_ENCLAVE VMX_BIT(4)

/* Guest activity state, same section. */
enum vmx_activity_state {
	VMX_ACTIVITY_ACTIVE = 0,
	VMX_ACTIVITY_HLT = 1,
	VMX_ACTIVITY_SHUTDOWN = 2,
	VMX_ACTIVITY_WAIT_SIPI = 3,
};

/* Guest pending debug exceptions, same section (table "Format of Pending-
 * Debug-Exceptions"): B3:B0, enabled breakpoint, BS, RTM. */
#define VMX_PENDING_DBG_B_MASK UINT64_C(0xf)
#define VMX_PENDING_DBG_ENABLED_BP VMX_BIT64(12)
#define VMX_PENDING_DBG_BS VMX_BIT64(14)
#define VMX_PENDING_DBG_RTM VMX_BIT64(16)

/* The VMCS link pointer when no shadow VMCS is linked: all ones (SDM Vol. 3C
 * "Checks on Guest Non-Register State"). */
#define VMX_LINK_POINTER_NONE UINT64_C(0xffffffffffffffff)

#endif
