/* The VM-entry checks on guest non-register state (SDM Vol. 3C 27.3.1.5:
 * activity and interruptibility state, pending debug exceptions, VMCS link
 * pointer) and on the guest PDPTEs (27.3.1.6). */
#include "arch/x86/vmx/vmentry_check_internal.h"

#define VECTOR_DB 1
#define VECTOR_MC 18

/* PDPTE reserved bits 2:1 and 8:5 (SDM Vol. 3A "PAE Paging"). */
#define PDPTE_P BIT64(0)
#define PDPTE_RESERVED UINT64_C(0x1e6)

/* --- 27.3.1.5 Checks on guest non-register state -------------------------- */

/* Which injected events the CPU can deliver in a given activity state. */
static bool event_allowed_in(uint64_t activity, uint32_t type, uint32_t vector)
{
	switch (activity) {
	case VMX_ACTIVITY_ACTIVE:
		return true;
	case VMX_ACTIVITY_HLT:
		return type == VMX_INTR_TYPE_EXT_INTR || type == VMX_INTR_TYPE_NMI ||
		       (type == VMX_INTR_TYPE_HW_EXCEPTION && (vector == VECTOR_DB || vector == VECTOR_MC)) ||
		       (type == VMX_INTR_TYPE_OTHER_EVENT && vector == 0);
	case VMX_ACTIVITY_SHUTDOWN:
		return type == VMX_INTR_TYPE_NMI || (type == VMX_INTR_TYPE_HW_EXCEPTION && vector == VECTOR_MC);
	default:
		return false;
	}
}

static void check_activity(struct chk *c, uint64_t activity, uint64_t intr)
{
	const struct vmx_caps *k = c->caps;
	bool supported = activity == VMX_ACTIVITY_ACTIVE || (activity == VMX_ACTIVITY_HLT && k->act_hlt) ||
			 (activity == VMX_ACTIVITY_SHUTDOWN && k->act_shutdown) ||
			 (activity == VMX_ACTIVITY_WAIT_SIPI && k->act_wait_sipi);
	const uint32_t f = VMCS_GUEST_ACTIVITY_STATE;

	expect(c, supported, f, "guest activity state must be 0-3 and allowed by IA32_VMX_MISC bits 8:6 (SDM 27.3.1.5)");
	expect(c, activity != VMX_ACTIVITY_HLT || ar_dpl(c->seg[SEG_SS].ar) == 0, f,
	       "guest activity state HLT needs SS DPL 0 (SDM 27.3.1.5)");
	expect(c, activity == VMX_ACTIVITY_ACTIVE || !(intr & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS)),
	       f, "guest activity state must be active with blocking by STI or MOV SS (SDM 27.3.1.5)");
	if (c->intr_info & VMX_INTR_INFO_VALID)
		expect(c,
		       event_allowed_in(activity, (c->intr_info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT,
					c->intr_info & VMX_INTR_INFO_VECTOR_MASK),
		       f, "guest activity state cannot take the injected event (SDM 27.3.1.5)");
}

static void check_interruptibility(struct chk *c, uint64_t intr)
{
	uint32_t type = (c->intr_info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT;
	bool inject = c->intr_info & VMX_INTR_INFO_VALID;
	const uint64_t sti_movss = VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS;
	const uint32_t f = VMCS_GUEST_INTERRUPTIBILITY;

	expect(c, (intr & ~UINT64_C(0x1f)) == 0, f, "guest interruptibility: bits 31:5 must be 0 (SDM 27.3.1.5)");
	expect(c, !has(intr, sti_movss), f,
	       "guest interruptibility: blocking by STI and by MOV SS cannot both be 1 (SDM 27.3.1.5)");
	expect(c, !(intr & VMX_INTERRUPTIBILITY_STI) || (c->rflags & RFLAGS_IF), f,
	       "guest interruptibility: blocking by STI needs RFLAGS.IF 1 (SDM 27.3.1.5)");
	expect(c, !(inject && type == VMX_INTR_TYPE_EXT_INTR && (intr & sti_movss)), f,
	       "guest interruptibility: no blocking by STI or MOV SS when injecting an external interrupt "
	       "(SDM 27.3.1.5)");
	expect(c, !(inject && type == VMX_INTR_TYPE_NMI && (intr & VMX_INTERRUPTIBILITY_MOV_SS)), f,
	       "guest interruptibility: no blocking by MOV SS when injecting an NMI (SDM 27.3.1.5)");
	expect(c, !(intr & VMX_INTERRUPTIBILITY_SMI), f,
	       "guest interruptibility: blocking by SMI must be 0 outside SMM (SDM 27.3.1.5)");
	expect(c,
	       !(inject && type == VMX_INTR_TYPE_NMI && (c->pin & VMX_PIN_VIRTUAL_NMIS) &&
		 (intr & VMX_INTERRUPTIBILITY_NMI)),
	       f, "guest interruptibility: no blocking by NMI when injecting an NMI with virtual NMIs (SDM 27.3.1.5)");
	expect(c, !has(intr, VMX_INTERRUPTIBILITY_ENCLAVE | VMX_INTERRUPTIBILITY_MOV_SS), f,
	       "guest interruptibility: enclave interruption cannot come with blocking by MOV SS (SDM 27.3.1.5)");
}

static void check_pending_debug(struct chk *c, uint64_t activity, uint64_t intr)
{
	uint64_t pde = field(c, VMCS_GUEST_PENDING_DBG_EXCEPTIONS);
	const uint64_t defined =
		VMX_PENDING_DBG_B_MASK | VMX_PENDING_DBG_ENABLED_BP | VMX_PENDING_DBG_BS | VMX_PENDING_DBG_RTM;
	const uint32_t f = VMCS_GUEST_PENDING_DBG_EXCEPTIONS;

	expect(c, (pde & ~defined) == 0, f,
	       "guest pending debug exceptions: bits 11:4, 13, 15 and 63:17 must be 0 (SDM 27.3.1.5)");
	/* A single-step trap must be pending exactly when the blocked or halted
	 * instruction single-stepped: TF set and not branch-stepping. */
	if ((intr & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS)) || activity == VMX_ACTIVITY_HLT) {
		bool single_step = (c->rflags & RFLAGS_TF) && !(field(c, VMCS_GUEST_DEBUGCTL) & DEBUGCTL_BTF);

		expect(c, !!(pde & VMX_PENDING_DBG_BS) == single_step, f,
		       "guest pending debug exceptions: BS must be 1 exactly when RFLAGS.TF is 1 and DEBUGCTL.BTF "
		       "is 0, with blocking or HLT (SDM 27.3.1.5)");
	}
	if (pde & VMX_PENDING_DBG_RTM)
		expect(c,
		       (pde & ~(VMX_PENDING_DBG_RTM | VMX_PENDING_DBG_ENABLED_BP)) == 0 && (pde & VMX_PENDING_DBG_ENABLED_BP) &&
			       !(intr & VMX_INTERRUPTIBILITY_MOV_SS),
		       f,
		       "guest pending debug exceptions: RTM needs bit 12 alone besides it and no blocking by MOV SS "
		       "(SDM 27.3.1.5)");
}

static void check_link_pointer(struct chk *c)
{
	uint64_t link = field(c, VMCS_LINK_POINTER);

	if (link == VMX_LINK_POINTER_NONE)
		return;
	/* A linked VMCS is checked in memory (its revision identifier); this
	 * model cannot, so it accepts one only with VMCS shadowing. */
	expect(c, c->proc2 & VMX_PROC2_VMCS_SHADOWING, VMCS_LINK_POINTER,
	       "VMCS link pointer must be all ones without VMCS shadowing (SDM 27.3.1.5)");
	expect(c, (link & PAGE_OFFSET_MASK) == 0 && within(link, c->ref_bits), VMCS_LINK_POINTER,
	       "VMCS link pointer: must be 4-KiB aligned and within the physical-address width (SDM 27.3.1.5)");
}

static void check_guest_non_register(struct chk *c)
{
	uint64_t activity = field(c, VMCS_GUEST_ACTIVITY_STATE);
	uint64_t intr = field(c, VMCS_GUEST_INTERRUPTIBILITY);

	check_activity(c, activity, intr);
	check_interruptibility(c, intr);
	check_pending_debug(c, activity, intr);
	check_link_pointer(c);
}

/* --- 27.3.1.6 Checks on guest page-directory-pointer-table entries -------- */

/* With EPT, PAE paging outside IA-32e mode takes the PDPTEs from the VMCS;
 * without EPT the CPU reads them from guest memory, which is not modelled. */
static void check_pdptes(struct chk *c)
{
	if (!(c->cr0 & CR0_PG) || !(c->cr4 & CR4_PAE) || c->ia32e || !(c->proc2 & VMX_PROC2_EPT))
		return;
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t f = VMCS_GUEST_PDPTE0 + 2 * i;
		uint64_t e = field(c, f);

		if (e & PDPTE_P)
			expect(c, (e & PDPTE_RESERVED) == 0 && within(e, c->pa_bits), f,
			       "guest PDPTE: reserved bits 2:1, 8:5 and beyond the physical-address width must be 0 "
			       "when present (SDM 27.3.1.6)");
	}
}

void vmentry_check_guest_state(struct chk *c)
{
	check_guest_non_register(c);
	check_pdptes(c);
}
