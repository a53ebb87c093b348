/* The VM-entry checks on guest control and debug registers and MSRs (SDM
 * Vol. 3C 27.3.1.1) and on guest RIP and RFLAGS (27.3.1.4). */
#include "arch/x86/vmx/vmentry_check_internal.h"

/* --- 27.3.1.1 Checks on guest control registers, debug registers and MSRs - */

static void check_guest_regs(struct chk *c)
{
	const struct vmx_caps *k = c->caps;
	/* Unrestricted guest lifts the PE and PG requirement of FIXED0. */
	uint64_t fixed0 = c->ug ? k->cr0_fixed0 & ~(CR0_PE | CR0_PG) : k->cr0_fixed0;

	check_fixed(c, VMCS_GUEST_CR0, c->cr0, fixed0, k->cr0_fixed1,
		    "guest CR0: a bit IA32_VMX_CR0_FIXED0 fixes to 1 is 0 (PE and PG free with unrestricted guest) "
		    "(SDM 27.3.1.1)",
		    "guest CR0: a bit IA32_VMX_CR0_FIXED1 fixes to 0 is 1 (SDM 27.3.1.1)");
	expect(c, !(c->cr0 & CR0_PG) || (c->cr0 & CR0_PE), VMCS_GUEST_CR0,
	       "guest CR0: PG=1 requires PE=1 (SDM 27.3.1.1)");
	check_fixed(c, VMCS_GUEST_CR4, c->cr4, k->cr4_fixed0, k->cr4_fixed1,
		    "guest CR4: a bit IA32_VMX_CR4_FIXED0 fixes to 1 is 0 (SDM 27.3.1.1)",
		    "guest CR4: a bit IA32_VMX_CR4_FIXED1 fixes to 0 is 1 (SDM 27.3.1.1)");
	expect(c, !(c->cr4 & CR4_CET) || (c->cr0 & CR0_WP), VMCS_GUEST_CR4, "guest CR4.CET needs CR0.WP (SDM 27.3.1.1)");
	if (c->entry & VMX_ENTRY_LOAD_DEBUG_CTLS) {
		expect(c, (field(c, VMCS_GUEST_DEBUGCTL) & DEBUGCTL_RESERVED) == 0, VMCS_GUEST_DEBUGCTL,
		       "guest IA32_DEBUGCTL: reserved bits must be 0 with \"load debug controls\" (SDM 27.3.1.1)");
		expect(c, (field(c, VMCS_GUEST_DR7) & HIGH32) == 0, VMCS_GUEST_DR7,
		       "guest DR7: bits 63:32 must be 0 with \"load debug controls\" (SDM 27.3.1.1)");
	}
	if (c->ia32e) {
		expect(c, c->cr0 & CR0_PG, VMCS_GUEST_CR0, "guest CR0.PG must be 1 for an IA-32e mode guest (SDM 27.3.1.1)");
		expect(c, c->cr4 & CR4_PAE, VMCS_GUEST_CR4, "guest CR4.PAE must be 1 for an IA-32e mode guest (SDM 27.3.1.1)");
	} else {
		expect(c, !(c->cr4 & CR4_PCIDE), VMCS_GUEST_CR4,
		       "guest CR4.PCIDE must be 0 outside IA-32e mode (SDM 27.3.1.1)");
	}
	expect(c, within(field(c, VMCS_GUEST_CR3), c->pa_bits), VMCS_GUEST_CR3,
	       "guest CR3: bits beyond the physical-address width must be 0 (SDM 27.3.1.1)");
	expect(c, canonical(c, field(c, VMCS_GUEST_SYSENTER_ESP)), VMCS_GUEST_SYSENTER_ESP,
	       "guest IA32_SYSENTER_ESP must be canonical (SDM 27.3.1.1)");
	expect(c, canonical(c, field(c, VMCS_GUEST_SYSENTER_EIP)), VMCS_GUEST_SYSENTER_EIP,
	       "guest IA32_SYSENTER_EIP must be canonical (SDM 27.3.1.1)");
}

static void check_guest_msrs(struct chk *c)
{
	if (c->entry & VMX_ENTRY_LOAD_PAT)
		expect(c, pat_valid(field(c, VMCS_GUEST_PAT)), VMCS_GUEST_PAT,
		       "guest IA32_PAT: every entry must be 0, 1, 4, 5, 6 or 7 (SDM 27.3.1.1)");
	if (c->entry & VMX_ENTRY_LOAD_EFER) {
		uint64_t efer = field(c, VMCS_GUEST_EFER);

		expect(c, (efer & ~EFER_DEFINED) == 0, VMCS_GUEST_EFER,
		       "guest IA32_EFER: reserved bits must be 0 (SDM 27.3.1.1)");
		expect(c, !!(efer & EFER_LMA) == c->ia32e, VMCS_GUEST_EFER,
		       "guest IA32_EFER: LMA must equal \"IA-32e mode guest\" (SDM 27.3.1.1)");
		expect(c, !(c->cr0 & CR0_PG) || !!(efer & EFER_LME) == !!(efer & EFER_LMA), VMCS_GUEST_EFER,
		       "guest IA32_EFER: LME must equal LMA when CR0.PG is 1 (SDM 27.3.1.1)");
	}
	if (c->entry & VMX_ENTRY_LOAD_BNDCFGS) {
		uint64_t bnd = field(c, VMCS_GUEST_BNDCFGS);

		expect(c, (bnd & BNDCFGS_RESERVED) == 0 && canonical(c, bnd & BNDCFGS_BASE_MASK), VMCS_GUEST_BNDCFGS,
		       "guest IA32_BNDCFGS: bits 11:2 must be 0 and the base canonical (SDM 27.3.1.1)");
	}
	if (c->entry & VMX_ENTRY_LOAD_PKRS)
		expect(c, (field(c, VMCS_GUEST_PKRS) & HIGH32) == 0, VMCS_GUEST_PKRS,
		       "guest IA32_PKRS: bits 63:32 must be 0 (SDM 27.3.1.1)");
}

void vmentry_check_guest_regs(struct chk *c)
{
	check_guest_regs(c);
	check_guest_msrs(c);
}

/* --- 27.3.1.4 Checks on guest RIP and RFLAGS ------------------------------ */

void vmentry_check_guest_rip_rflags(struct chk *c)
{
	uint64_t rip = field(c, VMCS_GUEST_RIP);
	if (c->ia32e && c->cs_l)
		expect(c, canonical(c, rip), VMCS_GUEST_RIP, "guest RIP must be canonical in 64-bit mode (SDM 27.3.1.4)");
	else
		expect(c, (rip & HIGH32) == 0, VMCS_GUEST_RIP,
		       "guest RIP bits 63:32 must be 0 outside 64-bit mode (SDM 27.3.1.4)");

	uint32_t type = (c->intr_info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT;
	expect(c, (c->rflags & RFLAGS_RESERVED) == 0 && (c->rflags & RFLAGS_FIXED1), VMCS_GUEST_RFLAGS,
	       "guest RFLAGS: bits 63:22, 15, 5 and 3 must be 0 and bit 1 must be 1 (SDM 27.3.1.4)");
	expect(c, !(c->rflags & RFLAGS_VM) || (!c->ia32e && (c->cr0 & CR0_PE)), VMCS_GUEST_RFLAGS,
	       "guest RFLAGS.VM must be 0 in IA-32e mode or with CR0.PE 0 (SDM 27.3.1.4)");
	if ((c->intr_info & VMX_INTR_INFO_VALID) && type == VMX_INTR_TYPE_EXT_INTR)
		expect(c, c->rflags & RFLAGS_IF, VMCS_GUEST_RFLAGS,
		       "guest RFLAGS.IF must be 1 to inject an external interrupt (SDM 27.3.1.4)");
}
