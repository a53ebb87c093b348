/* Control-register exits. Only writes that would change a bit the
 * hypervisor owns through the CR0/CR4 guest/host masks exit (SDM 3C 26.1.3):
 * bits VMX forces on (kept set underneath, the guest sees its own value in
 * the read shadow) and bits the CPU cannot have, which get #GP. */
#include "arch/x86/asm_defs.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_cpu.h"
#include "arch/x86/vmx/vmx_event.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/cpu.h"
#include "hv/domain.h"

/* Exit qualification for control-register accesses (SDM 3C Table 28-3). */
#define CRQ_NUMBER(q) ((q) & 0xf)
#define CRQ_TYPE(q) (((q) >> 4) & 0x3)
#define CRQ_GPR(q) (((q) >> 8) & 0xf)
#define CRQ_MOV_TO_CR 0
#define CRQ_MOV_FROM_CR 1

/* A write of value to CR0 (n = 0) or CR4 (n = 4): false means #GP. */
static bool write_cr(unsigned int n, uint64_t value)
{
	const struct vmx_caps *caps = vmx_active_caps();
	uint64_t fixed0 = n == 0 ? caps->cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG) : caps->cr4_fixed0;
	uint64_t fixed1 = n == 0 ? caps->cr0_fixed1 | CR0_PE | CR0_PG : caps->cr4_fixed1;

	/* VMX itself is not offered to guests (CPUID hides it): CR4.VMXE is
	 * reserved for them, and so is every bit the CPU cannot set. */
	if (value & ~fixed1 || (n == 4 && (value & CR4_VMXE)))
		return false;
	vmcs_write(n == 0 ? VMCS_GUEST_CR0 : VMCS_GUEST_CR4, value | fixed0);
	vmcs_write(n == 0 ? VMCS_CR0_READ_SHADOW : VMCS_CR4_READ_SHADOW, value);
	return true;
}

/* MOV to or from CR8 (64-bit mode only): the virtual LAPIC's TPR. A write
 * with bits 63:4 set is #GP (SDM 2 MOV-Control Registers); that check comes
 * before the exit, so it is not repeated here. */
static void cr8_access(struct vcpu *v, uint64_t q)
{
	unsigned int gpr = CRQ_GPR(q);
	uint64_t flags = irq_save(); /* the LAPIC's timer fires from host interrupts */

	if (CRQ_TYPE(q) == CRQ_MOV_TO_CR) {
		uint64_t value = gpr == GUEST_REG_RSP ? vmcs_read(VMCS_GUEST_RSP) : v->arch.regs.gpr[gpr];
		lapic_write_cr8(&v->lapic, value);
	} else if (gpr == GUEST_REG_RSP) {
		vmcs_write(VMCS_GUEST_RSP, lapic_read_cr8(&v->lapic));
	} else {
		v->arch.regs.gpr[gpr] = lapic_read_cr8(&v->lapic);
	}
	irq_restore(flags);
	vmx_skip_instruction();
}

void vmx_exit_cr_access(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	unsigned int n = CRQ_NUMBER(q);

	if (n == 8 && CRQ_TYPE(q) <= CRQ_MOV_FROM_CR) {
		cr8_access(v, q);
		return;
	}
	if (CRQ_TYPE(q) != CRQ_MOV_TO_CR || (n != 0 && n != 4)) {
		/* Only MOV to CR0/CR4/CR8 and from CR8 exit with the controls in use. */
		vmx_dump_guest(v, VMX_EXIT_REASON_CR_ACCESS);
		domain_end(v->dom, DOMAIN_END_UNHANDLED_EXIT, 0);
		return;
	}
	unsigned int gpr = CRQ_GPR(q);
	uint64_t value = gpr == GUEST_REG_RSP ? vmcs_read(VMCS_GUEST_RSP) : v->arch.regs.gpr[gpr];
	if (!write_cr(n, value)) {
		vmx_inject_gp0(v);
		return;
	}
	vmx_skip_instruction();
}
