/* The VM-entry checks on the host-state area (SDM Vol. 3C 27.2.2 - 27.2.4):
 * control registers and MSRs, selectors and bases, address-space size. */
#include "arch/x86/vmx/vmentry_check_internal.h"

/* --- 27.2.2 - 27.2.4 Checks on the host-state area ------------------------ */

static void check_host_regs(struct chk *c)
{
	const struct vmx_caps *k = c->caps;
	uint64_t cr0 = field(c, VMCS_HOST_CR0), cr4 = field(c, VMCS_HOST_CR4);

	check_fixed(c, VMCS_HOST_CR0, cr0, k->cr0_fixed0, k->cr0_fixed1,
		    "host CR0: a bit IA32_VMX_CR0_FIXED0 fixes to 1 is 0 (SDM 27.2.2)",
		    "host CR0: a bit IA32_VMX_CR0_FIXED1 fixes to 0 is 1 (SDM 27.2.2)");
	check_fixed(c, VMCS_HOST_CR4, cr4, k->cr4_fixed0, k->cr4_fixed1,
		    "host CR4: a bit IA32_VMX_CR4_FIXED0 fixes to 1 is 0 (SDM 27.2.2)",
		    "host CR4: a bit IA32_VMX_CR4_FIXED1 fixes to 0 is 1 (SDM 27.2.2)");
	expect(c, !(cr4 & CR4_CET) || (cr0 & CR0_WP), VMCS_HOST_CR4, "host CR4.CET needs CR0.WP (SDM 27.2.2)");
	expect(c, within(field(c, VMCS_HOST_CR3), c->pa_bits), VMCS_HOST_CR3,
	       "host CR3: bits beyond the physical-address width must be 0 (SDM 27.2.2)");
	expect(c, canonical(c, field(c, VMCS_HOST_SYSENTER_ESP)), VMCS_HOST_SYSENTER_ESP,
	       "host IA32_SYSENTER_ESP must be canonical (SDM 27.2.2)");
	expect(c, canonical(c, field(c, VMCS_HOST_SYSENTER_EIP)), VMCS_HOST_SYSENTER_EIP,
	       "host IA32_SYSENTER_EIP must be canonical (SDM 27.2.2)");
	if (c->exit & VMX_EXIT_LOAD_PAT)
		expect(c, pat_valid(field(c, VMCS_HOST_PAT)), VMCS_HOST_PAT,
		       "host IA32_PAT: every entry must be 0, 1, 4, 5, 6 or 7 (SDM 27.2.2)");
	if (c->exit & VMX_EXIT_LOAD_EFER) {
		uint64_t efer = field(c, VMCS_HOST_EFER);
		bool hass = c->exit & VMX_EXIT_HOST_ADDR_SPACE_SIZE;

		expect(c, (efer & ~EFER_DEFINED) == 0, VMCS_HOST_EFER, "host IA32_EFER: reserved bits must be 0 (SDM 27.2.2)");
		expect(c, !!(efer & EFER_LMA) == hass && !!(efer & EFER_LME) == hass, VMCS_HOST_EFER,
		       "host IA32_EFER: LMA and LME must equal \"host address-space size\" (SDM 27.2.2)");
	}
	if (c->exit & VMX_EXIT_LOAD_PKRS)
		expect(c, (field(c, VMCS_HOST_PKRS) & HIGH32) == 0, VMCS_HOST_PKRS,
		       "host IA32_PKRS: bits 63:32 must be 0 (SDM 27.2.2)");
}

static void check_host_segments(struct chk *c)
{
	static const uint32_t sels[] = {
		VMCS_HOST_ES_SELECTOR, VMCS_HOST_CS_SELECTOR, VMCS_HOST_SS_SELECTOR, VMCS_HOST_DS_SELECTOR,
		VMCS_HOST_FS_SELECTOR, VMCS_HOST_GS_SELECTOR, VMCS_HOST_TR_SELECTOR,
	};
	static const uint32_t bases[] = {
		VMCS_HOST_FS_BASE, VMCS_HOST_GS_BASE, VMCS_HOST_GDTR_BASE, VMCS_HOST_IDTR_BASE, VMCS_HOST_TR_BASE,
	};

	for (size_t i = 0; i < ARRAY_SIZE(sels); i++)
		expect(c, (field(c, sels[i]) & (SEL_RPL_MASK | SEL_TI)) == 0, sels[i],
		       "host selector: RPL and TI must be 0 (SDM 27.2.3)");
	expect(c, field(c, VMCS_HOST_CS_SELECTOR) != 0, VMCS_HOST_CS_SELECTOR,
	       "host CS selector must not be 0 (SDM 27.2.3)");
	expect(c, field(c, VMCS_HOST_TR_SELECTOR) != 0, VMCS_HOST_TR_SELECTOR,
	       "host TR selector must not be 0 (SDM 27.2.3)");
	if (!(c->exit & VMX_EXIT_HOST_ADDR_SPACE_SIZE))
		expect(c, field(c, VMCS_HOST_SS_SELECTOR) != 0, VMCS_HOST_SS_SELECTOR,
		       "host SS selector must not be 0 when \"host address-space size\" is 0 (SDM 27.2.3)");
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++)
		expect(c, canonical(c, field(c, bases[i])), bases[i],
		       "host FS, GS, GDTR, IDTR and TR bases must be canonical (SDM 27.2.3)");
}

/* 27.2.4 "Checks Related to Address-Space Size"; this hypervisor executes
 * VMLAUNCH and VMRESUME in 64-bit mode. */
static void check_host_address_space(struct chk *c)
{
	uint64_t rip = field(c, VMCS_HOST_RIP), cr4 = field(c, VMCS_HOST_CR4);

	if (!(c->exit & VMX_EXIT_HOST_ADDR_SPACE_SIZE)) {
		expect(c, false, VMCS_EXIT_CTLS,
		       "\"host address-space size\" must be 1 for VM entry from IA-32e mode (SDM 27.2.4)");
		expect(c, !c->ia32e, VMCS_ENTRY_CTLS,
		       "\"IA-32e mode guest\" needs \"host address-space size\" (SDM 27.2.4)");
		expect(c, !(cr4 & CR4_PCIDE), VMCS_HOST_CR4,
		       "host CR4.PCIDE must be 0 when \"host address-space size\" is 0 (SDM 27.2.4)");
		expect(c, (rip & HIGH32) == 0, VMCS_HOST_RIP,
		       "host RIP bits 63:32 must be 0 when \"host address-space size\" is 0 (SDM 27.2.4)");
		return;
	}
	expect(c, cr4 & CR4_PAE, VMCS_HOST_CR4, "host CR4.PAE must be 1 with \"host address-space size\" (SDM 27.2.4)");
	expect(c, canonical(c, rip), VMCS_HOST_RIP,
	       "host RIP must be canonical with \"host address-space size\" (SDM 27.2.4)");
}

void vmentry_check_host(struct chk *c)
{
	check_host_regs(c);
	check_host_segments(c);
	check_host_address_space(c);
}
