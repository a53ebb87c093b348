/* The VM-entry checks on the VM-execution control fields (SDM Vol. 3C
 * 27.2.1.1): allowed bits, bitmap and APIC pages, interrupt and EPT controls. */
#include "arch/x86/vmx/vmentry_check_internal.h"

#define PI_DESC_ALIGN_MASK UINT64_C(0x3f)

/* EPTP (table "Format of Extended-Page-Table Pointer"): bits 11:8 are
 * reserved; bit 7 depends on a capability vmx_caps does not decode. */
#define EPTP_RESERVED_LOW UINT64_C(0xf00)
#define EPT_WALK_4 4
#define EPT_WALK_5 5

/* --- 27.2.1.1 Checks on VM-execution control fields ---------------------- */

static const char C_PAGE_PTR[] =
	"address must be 4-KiB aligned and within the physical-address width (SDM 27.2.1.1)";

static void check_page_ptr(struct chk *c, uint32_t f)
{
	uint64_t a = field(c, f);

	expect(c, (a & PAGE_OFFSET_MASK) == 0 && within(a, c->ref_bits), f, C_PAGE_PTR);
}

static void check_exec_reserved(struct chk *c)
{
	const struct vmx_caps *k = c->caps;
	const struct ctl_rule rules[] = {
		{ VMCS_PIN_BASED_CTLS, &k->pin, c->pin,
		  "pin-based controls: a bit IA32_VMX_(TRUE_)PINBASED_CTLS requires to be 1 is 0 (SDM 27.2.1.1)",
		  "pin-based controls: a bit IA32_VMX_(TRUE_)PINBASED_CTLS does not allow is 1 (SDM 27.2.1.1)" },
		{ VMCS_PRI_PROC_BASED_CTLS, &k->proc, c->proc,
		  "primary processor-based controls: a bit IA32_VMX_(TRUE_)PROCBASED_CTLS requires to be 1 is 0 (SDM 27.2.1.1)",
		  "primary processor-based controls: a bit IA32_VMX_(TRUE_)PROCBASED_CTLS does not allow is 1 (SDM 27.2.1.1)" },
		{ VMCS_SEC_PROC_BASED_CTLS, &k->proc2, c->proc2,
		  "secondary processor-based controls: a bit IA32_VMX_PROCBASED_CTLS2 requires to be 1 is 0 (SDM 27.2.1.1)",
		  "secondary processor-based controls: a bit IA32_VMX_PROCBASED_CTLS2 does not allow is 1 (SDM 27.2.1.1)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		check_ctl_reserved(c, &rules[i]);
	/* Every tertiary control may be 0 (SDM Vol. 3D A.3.4). */
	expect(c, (c->proc3 & ~k->proc3_may_be_one) == 0, VMCS_TER_PROC_BASED_CTLS,
	       "tertiary processor-based controls: a bit IA32_VMX_PROCBASED_CTLS3 does not allow is 1 (SDM 27.2.1.1)");
	expect(c, field(c, VMCS_CR3_TARGET_COUNT) <= k->cr3_targets, VMCS_CR3_TARGET_COUNT,
	       "CR3-target count must not exceed IA32_VMX_MISC bits 24:16 (SDM 27.2.1.1)");
}

static void check_bitmaps_and_apic(struct chk *c)
{
	if (c->proc & VMX_PROC_IO_BITMAPS) {
		check_page_ptr(c, VMCS_IO_BITMAP_A);
		check_page_ptr(c, VMCS_IO_BITMAP_B);
	}
	if (c->proc & VMX_PROC_MSR_BITMAPS)
		check_page_ptr(c, VMCS_MSR_BITMAP);
	if (c->proc & VMX_PROC_TPR_SHADOW) {
		check_page_ptr(c, VMCS_VIRTUAL_APIC_ADDR);
		if (!(c->proc2 & VMX_PROC2_VIRT_INTR_DELIVERY))
			expect(c, (field(c, VMCS_TPR_THRESHOLD) & ~UINT64_C(0xf)) == 0, VMCS_TPR_THRESHOLD,
			       "TPR threshold: bits 31:4 must be 0 with a TPR shadow and no virtual-interrupt delivery (SDM 27.2.1.1)");
	} else {
		expect(c, !(c->proc2 & (VMX_PROC2_VIRT_X2APIC | VMX_PROC2_APIC_REG_VIRT | VMX_PROC2_VIRT_INTR_DELIVERY)),
		       VMCS_SEC_PROC_BASED_CTLS,
		       "virtualize x2APIC mode, APIC-register virtualization and virtual-interrupt delivery "
		       "need \"use TPR shadow\" (SDM 27.2.1.1)");
	}
	if (c->proc2 & VMX_PROC2_VIRT_APIC_ACCESS)
		check_page_ptr(c, VMCS_APIC_ACCESS_ADDR);
	expect(c, !has(c->proc2, VMX_PROC2_VIRT_X2APIC | VMX_PROC2_VIRT_APIC_ACCESS), VMCS_SEC_PROC_BASED_CTLS,
	       "\"virtualize x2APIC mode\" and \"virtualize APIC accesses\" cannot both be 1 (SDM 27.2.1.1)");
}

static void check_interrupt_controls(struct chk *c)
{
	expect(c, (c->pin & VMX_PIN_NMI_EXITING) || !(c->pin & VMX_PIN_VIRTUAL_NMIS), VMCS_PIN_BASED_CTLS,
	       "\"virtual NMIs\" needs \"NMI exiting\" (SDM 27.2.1.1)");
	expect(c, (c->pin & VMX_PIN_VIRTUAL_NMIS) || !(c->proc & VMX_PROC_NMI_WINDOW_EXITING),
	       VMCS_PRI_PROC_BASED_CTLS, "\"NMI-window exiting\" needs \"virtual NMIs\" (SDM 27.2.1.1)");
	if (c->proc2 & VMX_PROC2_VIRT_INTR_DELIVERY)
		expect(c, c->pin & VMX_PIN_EXT_INTR_EXITING, VMCS_PIN_BASED_CTLS,
		       "virtual-interrupt delivery needs \"external-interrupt exiting\" (SDM 27.2.1.1)");
	if (!(c->pin & VMX_PIN_POSTED_INTR))
		return;
	expect(c, c->proc2 & VMX_PROC2_VIRT_INTR_DELIVERY, VMCS_PIN_BASED_CTLS,
	       "\"process posted interrupts\" needs virtual-interrupt delivery (SDM 27.2.1.1)");
	expect(c, c->exit & VMX_EXIT_ACK_INTR_ON_EXIT, VMCS_EXIT_CTLS,
	       "\"process posted interrupts\" needs \"acknowledge interrupt on exit\" (SDM 27.2.1.1)");
	expect(c, (field(c, VMCS_POSTED_INTR_NV) & ~UINT64_C(0xff)) == 0, VMCS_POSTED_INTR_NV,
	       "posted-interrupt notification vector: bits 15:8 must be 0 (SDM 27.2.1.1)");
	uint64_t desc = field(c, VMCS_POSTED_INTR_DESC_ADDR);
	expect(c, (desc & PI_DESC_ALIGN_MASK) == 0 && within(desc, c->ref_bits), VMCS_POSTED_INTR_DESC_ADDR,
	       "posted-interrupt descriptor address: must be 64-byte aligned and within the physical-address "
	       "width (SDM 27.2.1.1)");
}

static void check_eptp(struct chk *c, uint32_t f, uint64_t eptp)
{
	const struct vmx_ept_caps *e = &c->caps->ept;
	uint64_t type = eptp & VMX_EPTP_MEMTYPE_MASK;
	uint64_t walk = ((eptp & VMX_EPTP_WALK_MASK) >> VMX_EPTP_WALK_SHIFT) + 1;

	expect(c, (type == VMX_MEMTYPE_UC && e->uc) || (type == VMX_MEMTYPE_WB && e->wb), f,
	       "EPTP: memory type must be UC or WB, as IA32_VMX_EPT_VPID_CAP allows (SDM 27.2.1.1)");
	expect(c, (walk == EPT_WALK_4 && e->walk4) || (walk == EPT_WALK_5 && e->walk5), f,
	       "EPTP: page-walk length must be 4, or 5 where IA32_VMX_EPT_VPID_CAP allows (SDM 27.2.1.1)");
	expect(c, !(eptp & VMX_EPTP_AD) || e->ad, f,
	       "EPTP: accessed and dirty flags need IA32_VMX_EPT_VPID_CAP bit 21 (SDM 27.2.1.1)");
	expect(c, (eptp & EPTP_RESERVED_LOW) == 0 && within(eptp, c->ref_bits), f,
	       "EPTP: bits 11:8 and bits beyond the physical-address width must be 0 (SDM 27.2.1.1)");
}

static const char C_NEEDS_EPT[] =
	"unrestricted guest, PML, mode-based execute control, sub-page permissions, EPTP switching and "
	"PT guest-physical addresses need \"enable EPT\" (SDM 27.2.1.1)";

static void check_ept_controls(struct chk *c)
{
	const uint32_t need_ept = VMX_PROC2_UNRESTRICTED_GUEST | VMX_PROC2_PML | VMX_PROC2_MODE_BASED_EPT_EXEC |
				  VMX_PROC2_SPP | VMX_PROC2_PT_GUEST_PHYS;

	if (c->proc2 & VMX_PROC2_VPID)
		expect(c, field(c, VMCS_VPID) != 0, VMCS_VPID, "VPID must not be 0 with \"enable VPID\" (SDM 27.2.1.1)");
	if (c->proc2 & VMX_PROC2_EPT)
		check_eptp(c, VMCS_EPT_POINTER, field(c, VMCS_EPT_POINTER));
	else
		expect(c, !(c->proc2 & need_ept), VMCS_SEC_PROC_BASED_CTLS, C_NEEDS_EPT);
	if (c->proc2 & VMX_PROC2_PML)
		check_page_ptr(c, VMCS_PML_ADDR);
	if (c->proc2 & VMX_PROC2_SPP)
		check_page_ptr(c, VMCS_SPP_TABLE_PTR);
	if (c->proc2 & VMX_PROC2_EPT_VE)
		check_page_ptr(c, VMCS_VE_INFO_ADDR);
	if (c->proc2 & VMX_PROC2_VMCS_SHADOWING) {
		check_page_ptr(c, VMCS_VMREAD_BITMAP_ADDR);
		check_page_ptr(c, VMCS_VMWRITE_BITMAP_ADDR);
	}
	if (c->proc2 & VMX_PROC2_PT_GUEST_PHYS) {
		expect(c, c->exit & VMX_EXIT_CLEAR_RTIT_CTL, VMCS_EXIT_CTLS,
		       "\"Intel PT uses guest physical addresses\" needs \"clear IA32_RTIT_CTL\" on exit (SDM 27.2.1.1)");
		expect(c, c->entry & VMX_ENTRY_LOAD_RTIT_CTL, VMCS_ENTRY_CTLS,
		       "\"Intel PT uses guest physical addresses\" needs \"load IA32_RTIT_CTL\" on entry (SDM 27.2.1.1)");
	}
	if (!(c->proc2 & VMX_PROC2_VMFUNC))
		return;
	/* EPTP switching (bit 0) is the only VM function vmx_caps knows of. */
	uint64_t vmfunc = field(c, VMCS_VMFUNC_CTLS);
	uint64_t allowed = c->caps->eptp_switching ? 1 : 0;
	expect(c, (vmfunc & ~allowed) == 0, VMCS_VMFUNC_CTLS,
	       "VM-function controls: a bit IA32_VMX_VMFUNC does not allow is 1 (SDM 27.2.1.1)");
	if (vmfunc & 1) {
		expect(c, c->proc2 & VMX_PROC2_EPT, VMCS_SEC_PROC_BASED_CTLS, C_NEEDS_EPT);
		check_page_ptr(c, VMCS_EPTP_LIST_ADDR);
	}
}

void vmentry_check_exec_controls(struct chk *c)
{
	check_exec_reserved(c);
	check_bitmaps_and_apic(c);
	check_interrupt_controls(c);
	check_ept_controls(c);
}
