/* VMX capability discovery as pure logic: reads the capability MSRs through an
 * injected rdmsr, decodes them, says what this hypervisor lacks, and logs them. */
#ifndef ARCH_X86_VMX_VMX_CAPS_H
#define ARCH_X86_VMX_VMX_CAPS_H

#include "hv/types.h"
#include "arch/x86/msr_index.h"

/* Reads one MSR into *val; false means the read raised #GP. */
typedef bool (*vmx_rdmsr_fn)(uint32_t msr, uint64_t *val, void *ctx);

/* Bit of vmx_msrs.present for a capability MSR in 0x480..0x492. */
#define VMX_MSR_BIT(msr) (UINT32_C(1) << ((msr) - MSR_IA32_VMX_BASIC))

/* Raw capability MSR values; one that was not read is 0 and absent from present. */
struct vmx_msrs {
	uint64_t basic;
	uint64_t pinbased_ctls;
	uint64_t procbased_ctls;
	uint64_t exit_ctls;
	uint64_t entry_ctls;
	uint64_t misc;
	uint64_t cr0_fixed0;
	uint64_t cr0_fixed1;
	uint64_t cr4_fixed0;
	uint64_t cr4_fixed1;
	uint64_t vmcs_enum;
	uint64_t procbased_ctls2;
	uint64_t ept_vpid_cap;
	uint64_t true_pinbased_ctls;
	uint64_t true_procbased_ctls;
	uint64_t true_exit_ctls;
	uint64_t true_entry_ctls;
	uint64_t vmfunc;
	uint64_t procbased_ctls3;
	uint32_t present; /* VMX_MSR_BIT() of each MSR read */
};

/* Reads exactly the capability MSRs that SDM Appendix A says exist on this
 * CPU; the caller has checked CPUID.1:ECX.VMX. Returns 0, or -1 with a message
 * naming the MSR whose read raised #GP in err (NUL-terminated if errlen > 0). */
int vmx_msrs_read(vmx_rdmsr_fn rd, void *ctx, struct vmx_msrs *out, char *err, size_t errlen);

/* Allowed settings of one 32-bit control field: a control outside may_be_one
 * must be 0, one inside must_be_one must be 1. */
struct vmx_ctl_caps {
	uint32_t must_be_one;
	uint32_t may_be_one;
};

/* The value for a control field: every must-be-one bit, every required bit and
 * those optional bits the CPU allows. False, *out untouched, if a required bit
 * may not be 1. */
bool vmx_ctl_resolve(const struct vmx_ctl_caps *c, uint32_t required, uint32_t optional, uint32_t *out);

#define VMX_MEMTYPE_UC 0
#define VMX_MEMTYPE_WB 6

struct vmx_ept_caps {
	bool present; /* "enable EPT" may be 1 */
	bool walk4, walk5;
	bool uc, wb;
	bool page_2m, page_1g;
	bool ad;
	bool exec_only;
	bool invept, invept_single, invept_all;
	bool usable; /* present, 4-level walk, WB, INVEPT single- or all-context */
};

struct vmx_vpid_caps {
	bool present; /* "enable VPID" may be 1 */
	bool invvpid;
	bool inv_addr, inv_single, inv_all, inv_single_globals;
};

struct vmx_caps {
	/* IA32_VMX_BASIC */
	uint32_t vmcs_revision;
	uint32_t vmcs_size;
	uint8_t vmcs_memtype;
	bool vmcs_addr_32bit;
	bool ins_outs_info;
	bool true_ctls;
	bool entry_errcode_optional;

	/* From the TRUE_ MSRs when true_ctls; proc2 is all-zero without
	 * secondary controls. Tertiary controls are 64 bits, all may be 0. */
	struct vmx_ctl_caps pin, proc, proc2, exit, entry;
	uint64_t proc3_may_be_one;

	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint32_t vmcs_max_index;

	struct vmx_ept_caps ept;
	struct vmx_vpid_caps vpid;
	bool unrestricted_guest; /* and EPT usable, which it requires */

	bool preempt_timer;
	uint8_t preempt_rate; /* the timer counts down every 2^rate TSC ticks */

	/* IA32_VMX_MISC */
	bool act_hlt, act_shutdown, act_wait_sipi;
	uint32_t cr3_targets;
	uint32_t max_msr_list; /* entries per MSR load/store list */
	bool vmwrite_exit_info;
	uint32_t mseg_revision;

	bool tpr_shadow, io_bitmaps, msr_bitmaps, mtf;
	bool apic_access, x2apic_virt, apic_reg_virt, virt_intr, posted_intr;
	bool pml, vmcs_shadowing, vmfunc, eptp_switching;
	bool xsaves, tsc_scaling, rdtscp, invpcid;
	bool exit_save_efer, exit_load_efer, exit_save_pat, exit_load_pat;
	bool entry_load_efer, entry_load_pat;
	bool exit_load_perf_global, entry_load_perf_global;
};

void vmx_caps_decode(const struct vmx_msrs *m, struct vmx_caps *c);

/* Writes what this hypervisor requires and the CPU lacks, e.g. "EPT,
 * unrestricted guest"; empty when nothing is missing. Returns the length of
 * the whole text (snprintf-style: buf holds at most n - 1 of it). */
size_t vmx_caps_missing(const struct vmx_caps *c, char *buf, size_t n);

/* Passes a few compact lines, each starting "vmx: ", to emit. */
typedef void (*vmx_emit_fn)(const char *line, void *ctx);
void vmx_caps_log(const struct vmx_caps *c, vmx_emit_fn emit, void *ctx);

/* IA32_FEATURE_CONTROL: VMXON raises #GP unless the MSR is locked with "enable
 * VMX outside SMX" set (SDM Vol. 3C, "Enabling and Entering VMX Operation"). */
enum vmx_fc_action {
	VMX_FC_OK,     /* locked, VMX enabled: nothing to do */
	VMX_FC_WRITE,  /* unlocked: write *new_value */
	VMX_FC_REFUSE, /* locked with VMX disabled: VT-x is unusable */
};

enum vmx_fc_action vmx_feature_control_decide(uint64_t value, uint64_t *new_value);
const char *vmx_feature_control_msg(enum vmx_fc_action action);

#endif
