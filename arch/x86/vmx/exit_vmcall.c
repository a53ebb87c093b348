/* VMCALL exits: hypercalls from CPL 0 (ABI: include/public/hypercall.h);
 * VMCALL from CPL 3 gets #UD, as the ABI promises. */
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "arch/x86/vmx/vmx_event.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "hv/hypercall.h"

#define EFER_LMA_BIT (1u << 10)

/* CPL is SS.DPL (SDM 3C 25.4.1). */
static unsigned int guest_cpl(void)
{
	return (unsigned int)((vmcs_read(VMCS_GUEST_SS_AR) & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT);
}

/* In 64-bit mode (EFER.LMA and CS.L) all 64 register bits count; otherwise
 * only the low 32, the rest being undefined to the guest. */
static bool guest_in_64bit_mode(void)
{
	return (vmcs_read(VMCS_GUEST_EFER) & EFER_LMA_BIT) && (vmcs_read(VMCS_GUEST_CS_AR) & VMX_AR_L);
}

void vmx_exit_vmcall(struct vcpu *v)
{
	uint64_t *r = v->arch.regs.gpr;

	if (guest_cpl() != 0) {
		vmx_inject_ud(v);
		return;
	}
	uint64_t mask = guest_in_64bit_mode() ? ~0ull : 0xffffffffull;
	struct hypercall_args a = {
		.nr = r[GUEST_REG_RAX] & mask,
		.arg = {r[GUEST_REG_RBX] & mask, r[GUEST_REG_RCX] & mask, r[GUEST_REG_RDX] & mask,
			r[GUEST_REG_RSI] & mask},
	};
	r[GUEST_REG_RAX] = (uint64_t)hypercall_dispatch(v->dom, &a) & mask;
	vmx_skip_instruction();
}
