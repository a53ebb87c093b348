/* VMX operation on each CPU: fixed CR0/CR4 bits, a VMXON region, VMXON. */
#ifndef ARCH_X86_VMX_VMX_CPU_H
#define ARCH_X86_VMX_VMX_CPU_H

#include "arch/x86/vmx/vmx_exec_controls.h"

/* Enter VMX operation on every online CPU; each logs "cpu<N> vmx on" or why
 * not. Returns how many CPUs are in VMX operation. */
unsigned int vmx_enable_all_cpus(const struct vmx_caps *caps);

/* What every VMCS is built from, fixed once VMX is on. */
const struct vmx_caps *vmx_active_caps(void);
const struct vmx_exec_controls *vmx_active_controls(void);
/* Pages shared by every VMCS: I/O bitmaps A and B (all ones: every port
 * access exits), and the MSR bitmap from the MSR policy. */
paddr_t vmx_io_bitmap(int which);
paddr_t vmx_msr_bitmap(void);

/* Whether INS/OUTS exits report address size and segment (IA32_VMX_BASIC
 * bit 54); the test-only cmdline option vmx_mask_ins_outs_info makes the
 * hypervisor decode them itself even when the CPU does. */
bool vmx_ins_outs_info_usable(void);
void vmx_mask_ins_outs_info(void);

/* When the software VM-entry checker runs (cmdline vmentry_check=). */
enum vmx_entry_check { VMX_ENTRY_CHECK_OFF, VMX_ENTRY_CHECK_LAUNCH, VMX_ENTRY_CHECK_ALWAYS };
void vmx_set_entry_check(enum vmx_entry_check mode);
enum vmx_entry_check vmx_entry_check_mode(void);

#endif
