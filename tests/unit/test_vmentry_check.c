/* Unit tests for arch/x86/vmx/vmentry_check.c: two valid VMCSs (64-bit guest,
 * real-mode guest under unrestricted guest) on Bochs' capabilities pass, and
 * breaking one field reports exactly that field and the rule it breaks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arch/x86/vmx/vmcs_fields.h"
#include "arch/x86/vmx/vmentry_check.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "tests/fixtures/vmcs/guest64.h"
#include "tests/fixtures/vmcs/guest_realmode.h"
#include "tests/fixtures/vmcs/host64.h"
#include "tests/fixtures/vmx/bochs_skylake_x.h"

#define MAX_PROBLEMS 32

struct fake_vmcs {
	size_t n;
	struct vmcs_field_value f[192];
};

struct env {
	struct vmx_caps caps;
	struct fake_vmcs vmcs;
	struct vmentry_cpu cpu;
	struct vmentry_problem p[MAX_PROBLEMS];
	size_t count;
};

/* Like VMREAD: a field the fixture does not list is unsupported. */
static bool fake_vmread(uint32_t field, uint64_t *val, void *ctx)
{
	const struct fake_vmcs *v = ctx;

	for (size_t i = 0; i < v->n; i++) {
		if (v->f[i].field == field) {
			*val = v->f[i].value;
			return true;
		}
	}
	return false;
}

static void set(struct env *e, uint32_t field, uint64_t value)
{
	struct fake_vmcs *v = &e->vmcs;

	for (size_t i = 0; i < v->n; i++) {
		if (v->f[i].field == field) {
			v->f[i].value = value;
			return;
		}
	}
	assert_true(v->n < ARRAY_SIZE(v->f));
	v->f[v->n++] = (struct vmcs_field_value){ field, value };
}

static uint64_t get(const struct env *e, uint32_t field)
{
	uint64_t v = 0;

	assert_true(fake_vmread(field, &v, (void *)&e->vmcs));
	return v;
}

static void drop(struct env *e, uint32_t field)
{
	struct fake_vmcs *v = &e->vmcs;

	for (size_t i = 0; i < v->n; i++) {
		if (v->f[i].field == field) {
			v->f[i] = v->f[--v->n];
			return;
		}
	}
	fail_msg("field %#x not in the fixture", field);
}

static void load(struct env *e, const struct vmcs_field_value *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		set(e, f[i].field, f[i].value);
}

static bool fixture_rdmsr(uint32_t msr, uint64_t *val, void *ctx)
{
	const struct vmx_fixture *fx = ctx;

	for (const struct vmx_fixture_msr *m = fx->msrs; m->index; m++) {
		if (m->index == msr) {
			*val = m->value;
			return true;
		}
	}
	return false;
}

static void bochs_caps(struct vmx_caps *c)
{
	struct vmx_msrs m;
	char err[96];

	assert_int_equal(vmx_msrs_read(fixture_rdmsr, (void *)&vmx_fixture_bochs_skylake_x, &m, err, sizeof(err)), 0);
	vmx_caps_decode(&m, c);
}

static void env_init(struct env *e, const struct vmcs_field_value *guest, size_t n)
{
	memset(e, 0, sizeof(*e));
	bochs_caps(&e->caps);
	e->cpu = (struct vmentry_cpu){ .pa_bits = 39, .la_bits = 48 };
	load(e, vmcs_fixture_host64, ARRAY_SIZE(vmcs_fixture_host64));
	load(e, guest, n);
}

static void guest64(struct env *e)
{
	env_init(e, vmcs_fixture_guest64, ARRAY_SIZE(vmcs_fixture_guest64));
}

static void realmode(struct env *e)
{
	env_init(e, vmcs_fixture_guest_realmode, ARRAY_SIZE(vmcs_fixture_guest_realmode));
}

static void run(struct env *e)
{
	e->count = vmentry_check_cpu(fake_vmread, &e->vmcs, &e->caps, &e->cpu, e->p, MAX_PROBLEMS);
}

static void dump(const struct env *e)
{
	for (size_t i = 0; i < e->count && i < MAX_PROBLEMS; i++) {
		const char *name = vmcs_field_name(e->p[i].field);

		print_error("  %s: %s\n", name ? name : "?", e->p[i].check);
	}
}

static void expect_none(struct env *e)
{
	run(e);
	if (e->count != 0) {
		print_error("expected no problems, got %zu:\n", e->count);
		dump(e);
		fail();
	}
}

static bool matches(const struct vmentry_problem *p, uint32_t field, const char *rule)
{
	return p->field == field && strstr(p->check, rule) != NULL;
}

/* Exactly one problem: field, a rule containing `rule`, with its SDM section. */
static void expect_only(struct env *e, uint32_t field, const char *rule, enum vmentry_area area)
{
	run(e);
	if (e->count != 1 || !matches(&e->p[0], field, rule) || e->p[0].area != area) {
		print_error("expected only %s \"%s\" (area %d), got %zu:\n", vmcs_field_name(field), rule, (int)area,
			    e->count);
		dump(e);
		fail();
	}
	assert_non_null(strstr(e->p[0].check, "(SDM "));
}

/* Among other problems, one names field and rule. */
static void expect_includes(struct env *e, uint32_t field, const char *rule)
{
	run(e);
	for (size_t i = 0; i < e->count && i < MAX_PROBLEMS; i++)
		if (matches(&e->p[i], field, rule))
			return;
	print_error("expected %s \"%s\" among %zu:\n", vmcs_field_name(field), rule, e->count);
	dump(e);
	fail();
}

static void update(struct env *e, uint32_t field, uint64_t set_bits, uint64_t clear_bits)
{
	set(e, field, (get(e, field) & ~clear_bits) | set_bits);
}

#define C VMENTRY_AREA_CONTROLS
#define H VMENTRY_AREA_HOST
#define G VMENTRY_AREA_GUEST

/* --- the valid fixtures and the API --------------------------------------- */

static void test_good_guest64(void **state)
{
	struct env e;

	guest64(&e);
	expect_none(&e);
	/* The default widths accept it too. */
	assert_int_equal(vmentry_check(fake_vmread, &e.vmcs, &e.caps, e.p, MAX_PROBLEMS), 0);
}

static void test_good_realmode_unrestricted(void **state)
{
	struct env e;

	realmode(&e);
	assert_true(e.caps.unrestricted_guest);
	expect_none(&e);
}

/* The fixture's controls are what vmx_ctl_resolve computes from the caps. */
static void test_fixture_controls_resolve(void **state)
{
	struct env e;
	uint32_t v;

	guest64(&e);
	assert_true(vmx_ctl_resolve(&e.caps.pin, VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING, 0, &v));
	assert_int_equal(v, get(&e, VMCS_PIN_BASED_CTLS));
	assert_true(vmx_ctl_resolve(&e.caps.proc,
				    VMX_PROC_HLT_EXITING | VMX_PROC_IO_BITMAPS | VMX_PROC_MSR_BITMAPS |
					    VMX_PROC_SECONDARY_CTLS,
				    0, &v));
	assert_int_equal(v, get(&e, VMCS_PRI_PROC_BASED_CTLS));
	assert_true(vmx_ctl_resolve(&e.caps.entry,
				    VMX_ENTRY_LOAD_DEBUG_CTLS | VMX_ENTRY_IA32E_MODE_GUEST | VMX_ENTRY_LOAD_PAT |
					    VMX_ENTRY_LOAD_EFER,
				    0, &v));
	assert_int_equal(v, get(&e, VMCS_ENTRY_CTLS));
}

static void test_count_exceeds_max(void **state)
{
	struct env e;
	struct vmentry_problem one[2] = { { 0 }, { .field = 0xdead } };

	guest64(&e);
	set(&e, VMCS_VPID, 0);
	set(&e, VMCS_HOST_CS_SELECTOR, 0);
	set(&e, VMCS_GUEST_GDTR_LIMIT, 0x10000);
	assert_int_equal(vmentry_check_cpu(fake_vmread, &e.vmcs, &e.caps, &e.cpu, one, 1), 3);
	assert_int_equal(one[0].field, VMCS_VPID); /* controls come first, as the SDM orders them */
	assert_int_equal(one[1].field, 0xdead);
	assert_int_equal(vmentry_check_cpu(fake_vmread, &e.vmcs, &e.caps, &e.cpu, NULL, 0), 3);
}

/* A field the CPU does not support reads as 0: RFLAGS 0 lacks bit 1. */
static void test_unsupported_field_is_zero(void **state)
{
	struct env e;

	guest64(&e);
	drop(&e, VMCS_GUEST_RFLAGS);
	expect_only(&e, VMCS_GUEST_RFLAGS, "bit 1 must be 1", G);
}

/* The physical-address width comes from the caller; the default is 52. */
static void test_physical_width(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_MSR_BITMAP, UINT64_C(1) << 40);
	expect_only(&e, VMCS_MSR_BITMAP, "4-KiB aligned and within the physical-address width", C);
	assert_int_equal(vmentry_check(fake_vmread, &e.vmcs, &e.caps, e.p, MAX_PROBLEMS), 0);
}

/* --- 27.2.1.1 VM-execution controls --------------------------------------- */

/* The integration tests' "invalid control fields" (VM-instruction error 7). */
static void test_pin_must_be_one_cleared(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_PIN_BASED_CTLS, 0, VMX_BIT(1));
	expect_only(&e, VMCS_PIN_BASED_CTLS, "PINBASED_CTLS requires to be 1 is 0", C);
}

static void test_pin_not_allowed(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_PIN_BASED_CTLS, VMX_PIN_POSTED_INTR, 0);
	expect_includes(&e, VMCS_PIN_BASED_CTLS, "PINBASED_CTLS does not allow is 1");
}

static void test_proc_must_be_one_cleared(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_PRI_PROC_BASED_CTLS, 0, VMX_BIT(26));
	expect_only(&e, VMCS_PRI_PROC_BASED_CTLS, "PROCBASED_CTLS requires to be 1 is 0", C);
}

static void test_proc2_not_allowed(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, VMX_BIT(29), 0);
	expect_only(&e, VMCS_SEC_PROC_BASED_CTLS, "PROCBASED_CTLS2 does not allow is 1", C);
}

/* Without "activate secondary controls" the secondary field counts as 0. */
static void test_proc2_ignored_when_inactive(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_PRI_PROC_BASED_CTLS, 0, VMX_PROC_SECONDARY_CTLS);
	set(&e, VMCS_SEC_PROC_BASED_CTLS, 0xffffffff);
	expect_none(&e);
}

static void test_proc3_not_allowed(void **state)
{
	struct env e;

	guest64(&e);
	e.caps.proc.may_be_one |= VMX_PROC_TERTIARY_CTLS;
	e.caps.proc3_may_be_one = VMX_PROC3_LOADIWKEY_EXITING;
	update(&e, VMCS_PRI_PROC_BASED_CTLS, VMX_PROC_TERTIARY_CTLS, 0);
	set(&e, VMCS_TER_PROC_BASED_CTLS, VMX_PROC3_LOADIWKEY_EXITING);
	expect_none(&e);
	set(&e, VMCS_TER_PROC_BASED_CTLS, VMX_PROC3_HLAT);
	expect_only(&e, VMCS_TER_PROC_BASED_CTLS, "PROCBASED_CTLS3 does not allow", C);
}

static void test_cr3_target_count(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_CR3_TARGET_COUNT, e.caps.cr3_targets);
	expect_none(&e);
	set(&e, VMCS_CR3_TARGET_COUNT, e.caps.cr3_targets + 1);
	expect_only(&e, VMCS_CR3_TARGET_COUNT, "CR3-target count", C);
}

static void test_io_bitmap_misaligned(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_IO_BITMAP_B, 0x11800);
	expect_only(&e, VMCS_IO_BITMAP_B, "4-KiB aligned", C);
}

/* Without "use I/O bitmaps" the addresses are not looked at. */
static void test_io_bitmap_unused(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_PRI_PROC_BASED_CTLS, 0, VMX_PROC_IO_BITMAPS);
	set(&e, VMCS_IO_BITMAP_A, 0x123);
	expect_none(&e);
}

static void test_virtual_nmis_need_nmi_exiting(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_PIN_BASED_CTLS, VMX_PIN_VIRTUAL_NMIS, VMX_PIN_NMI_EXITING);
	expect_only(&e, VMCS_PIN_BASED_CTLS, "\"virtual NMIs\" needs \"NMI exiting\"", C);
}

static void test_nmi_window_needs_virtual_nmis(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_PRI_PROC_BASED_CTLS, VMX_PROC_NMI_WINDOW_EXITING, 0);
	expect_only(&e, VMCS_PRI_PROC_BASED_CTLS, "\"NMI-window exiting\" needs \"virtual NMIs\"", C);
}

/* TPR shadow, virtual-APIC page and virtual-interrupt delivery, valid. */
static void with_virtual_interrupts(struct env *e)
{
	guest64(e);
	update(e, VMCS_PRI_PROC_BASED_CTLS, VMX_PROC_TPR_SHADOW, 0);
	set(e, VMCS_VIRTUAL_APIC_ADDR, 0x13000);
	set(e, VMCS_TPR_THRESHOLD, 0);
	update(e, VMCS_SEC_PROC_BASED_CTLS, VMX_PROC2_VIRT_INTR_DELIVERY | VMX_PROC2_APIC_REG_VIRT, 0);
	expect_none(e);
}

static void test_vid_needs_external_interrupt_exiting(void **state)
{
	struct env e;

	with_virtual_interrupts(&e);
	update(&e, VMCS_PIN_BASED_CTLS, 0, VMX_PIN_EXT_INTR_EXITING);
	expect_only(&e, VMCS_PIN_BASED_CTLS, "needs \"external-interrupt exiting\"", C);
}

static void test_vid_needs_tpr_shadow(void **state)
{
	struct env e;

	with_virtual_interrupts(&e);
	update(&e, VMCS_PRI_PROC_BASED_CTLS, 0, VMX_PROC_TPR_SHADOW);
	expect_only(&e, VMCS_SEC_PROC_BASED_CTLS, "need \"use TPR shadow\"", C);
}

static void test_tpr_threshold_without_vid(void **state)
{
	struct env e;

	with_virtual_interrupts(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_VIRT_INTR_DELIVERY);
	set(&e, VMCS_TPR_THRESHOLD, 0x10);
	expect_only(&e, VMCS_TPR_THRESHOLD, "bits 31:4 must be 0", C);
}

static void test_virtual_apic_page_misaligned(void **state)
{
	struct env e;

	with_virtual_interrupts(&e);
	set(&e, VMCS_VIRTUAL_APIC_ADDR, 0x13010);
	expect_only(&e, VMCS_VIRTUAL_APIC_ADDR, "4-KiB aligned", C);
}

static void test_x2apic_and_apic_access_exclusive(void **state)
{
	struct env e;

	with_virtual_interrupts(&e);
	set(&e, VMCS_APIC_ACCESS_ADDR, 0x14000);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, VMX_PROC2_VIRT_APIC_ACCESS, 0);
	expect_none(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, VMX_PROC2_VIRT_X2APIC, 0);
	expect_only(&e, VMCS_SEC_PROC_BASED_CTLS, "cannot both be 1", C);
}

/* Bochs lacks posted interrupts; pretend it has them. */
static void with_posted_interrupts(struct env *e)
{
	with_virtual_interrupts(e);
	e->caps.pin.may_be_one |= VMX_PIN_POSTED_INTR;
	update(e, VMCS_PIN_BASED_CTLS, VMX_PIN_POSTED_INTR, 0);
	set(e, VMCS_POSTED_INTR_NV, 0xf2);
	set(e, VMCS_POSTED_INTR_DESC_ADDR, 0x15040);
	expect_none(e);
}

static void test_posted_interrupts_need_ack_on_exit(void **state)
{
	struct env e;

	with_posted_interrupts(&e);
	update(&e, VMCS_EXIT_CTLS, 0, VMX_EXIT_ACK_INTR_ON_EXIT);
	expect_only(&e, VMCS_EXIT_CTLS, "\"acknowledge interrupt on exit\"", C);
}

static void test_posted_interrupts_need_vid(void **state)
{
	struct env e;

	with_posted_interrupts(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_VIRT_INTR_DELIVERY);
	expect_only(&e, VMCS_PIN_BASED_CTLS, "needs virtual-interrupt delivery", C);
}

static void test_posted_interrupt_vector_and_descriptor(void **state)
{
	struct env e;

	with_posted_interrupts(&e);
	set(&e, VMCS_POSTED_INTR_NV, 0x1f2);
	expect_only(&e, VMCS_POSTED_INTR_NV, "bits 15:8 must be 0", C);
	set(&e, VMCS_POSTED_INTR_NV, 0xf2);
	set(&e, VMCS_POSTED_INTR_DESC_ADDR, 0x15020);
	expect_only(&e, VMCS_POSTED_INTR_DESC_ADDR, "64-byte aligned", C);
}

static void test_vpid_zero(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_VPID, 0);
	expect_only(&e, VMCS_VPID, "VPID must not be 0", C);
}

static void test_eptp_memory_type(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_EPT_POINTER, 0x2001d); /* type 5 */
	expect_only(&e, VMCS_EPT_POINTER, "memory type must be UC or WB", C);
	e.caps.ept.uc = false;
	set(&e, VMCS_EPT_POINTER, 0x20018); /* UC, which this CPU now lacks */
	expect_only(&e, VMCS_EPT_POINTER, "memory type must be UC or WB", C);
}

static void test_eptp_walk_length(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_EPT_POINTER, 0x20026); /* 5 levels: Bochs has 4 only */
	expect_only(&e, VMCS_EPT_POINTER, "page-walk length", C);
	e.caps.ept.walk5 = true;
	expect_none(&e);
	set(&e, VMCS_EPT_POINTER, 0x20016); /* 3 levels */
	expect_only(&e, VMCS_EPT_POINTER, "page-walk length", C);
}

static void test_eptp_accessed_dirty(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_EPT_POINTER, 0x2005e);
	expect_none(&e);
	e.caps.ept.ad = false;
	expect_only(&e, VMCS_EPT_POINTER, "accessed and dirty flags", C);
}

static void test_eptp_reserved(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_EPT_POINTER, 0x2011e);
	expect_only(&e, VMCS_EPT_POINTER, "bits 11:8", C);
	set(&e, VMCS_EPT_POINTER, (UINT64_C(1) << 39) | 0x1e);
	expect_only(&e, VMCS_EPT_POINTER, "bits 11:8", C);
}

static void test_unrestricted_guest_needs_ept(void **state)
{
	struct env e;

	realmode(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_EPT);
	expect_only(&e, VMCS_SEC_PROC_BASED_CTLS, "need \"enable EPT\"", C);
}

static void test_pml_address(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, VMX_PROC2_PML, 0);
	set(&e, VMCS_PML_ADDR, 0x16000);
	expect_none(&e);
	set(&e, VMCS_PML_ADDR, 0x16008);
	expect_only(&e, VMCS_PML_ADDR, "4-KiB aligned", C);
}

static void test_vmcs_shadowing_bitmaps(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, VMX_PROC2_VMCS_SHADOWING, 0);
	set(&e, VMCS_VMREAD_BITMAP_ADDR, 0x17000);
	set(&e, VMCS_VMWRITE_BITMAP_ADDR, 0x18000);
	expect_none(&e);
	set(&e, VMCS_VMWRITE_BITMAP_ADDR, UINT64_C(1) << 45);
	expect_only(&e, VMCS_VMWRITE_BITMAP_ADDR, "within the physical-address width", C);
}

static void test_vm_functions(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, VMX_PROC2_VMFUNC, 0);
	set(&e, VMCS_VMFUNC_CTLS, 1);
	set(&e, VMCS_EPTP_LIST_ADDR, 0x19000);
	expect_none(&e);
	set(&e, VMCS_VMFUNC_CTLS, 3);
	expect_only(&e, VMCS_VMFUNC_CTLS, "IA32_VMX_VMFUNC does not allow", C);
	set(&e, VMCS_VMFUNC_CTLS, 1);
	set(&e, VMCS_EPTP_LIST_ADDR, 0x19004);
	expect_only(&e, VMCS_EPTP_LIST_ADDR, "4-KiB aligned", C);
}

/* --- 27.2.1.2 VM-exit controls -------------------------------------------- */

static void test_exit_must_be_one_cleared(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_EXIT_CTLS, 0, VMX_BIT(0));
	expect_only(&e, VMCS_EXIT_CTLS, "EXIT_CTLS requires to be 1 is 0", C);
}

static void test_save_preemption_timer_needs_timer(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_EXIT_CTLS, VMX_EXIT_SAVE_PREEMPTION_TIMER, 0);
	expect_only(&e, VMCS_EXIT_CTLS, "\"activate VMX-preemption timer\"", C);
	update(&e, VMCS_PIN_BASED_CTLS, VMX_PIN_PREEMPTION_TIMER, 0);
	expect_none(&e);
}

static void test_exit_msr_load_area(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_EXIT_MSR_LOAD_COUNT, 2);
	set(&e, VMCS_EXIT_MSR_LOAD_ADDR, 0x1a000);
	expect_none(&e);
	set(&e, VMCS_EXIT_MSR_LOAD_ADDR, 0x1a008);
	expect_only(&e, VMCS_EXIT_MSR_LOAD_ADDR, "16-byte aligned", C);
	/* The last entry crosses the 39-bit physical-address width. */
	set(&e, VMCS_EXIT_MSR_LOAD_ADDR, (UINT64_C(1) << 39) - 16);
	expect_only(&e, VMCS_EXIT_MSR_LOAD_ADDR, "whole area within the physical-address width", C);
}

static void test_exit_msr_store_count(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_EXIT_MSR_STORE_ADDR, 0x1a000);
	set(&e, VMCS_EXIT_MSR_STORE_COUNT, e.caps.max_msr_list + 1);
	expect_only(&e, VMCS_EXIT_MSR_STORE_COUNT, "maximum IA32_VMX_MISC recommends", C);
}

/* An area with no entries has no address to check. */
static void test_msr_area_unused(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_MSR_LOAD_ADDR, 0x3);
	expect_none(&e);
	set(&e, VMCS_ENTRY_MSR_LOAD_COUNT, 1);
	expect_only(&e, VMCS_ENTRY_MSR_LOAD_ADDR, "16-byte aligned", C);
}

/* --- 27.2.1.3 VM-entry controls and event injection ----------------------- */

static void test_entry_not_allowed(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_ENTRY_CTLS, VMX_BIT(30), 0);
	expect_only(&e, VMCS_ENTRY_CTLS, "ENTRY_CTLS does not allow is 1", C);
}

static void test_entry_to_smm(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_ENTRY_CTLS, VMX_ENTRY_TO_SMM, 0);
	expect_only(&e, VMCS_ENTRY_CTLS, "must be 0 outside SMM", C);
}

static uint32_t event(uint32_t type, uint32_t vector, bool errcode)
{
	return VMX_INTR_INFO_VALID | (type << VMX_INTR_INFO_TYPE_SHIFT) | vector |
	       (errcode ? VMX_INTR_INFO_ERROR_CODE : 0);
}

static void test_inject_valid_events(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 13, true));
	set(&e, VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0x18);
	expect_none(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_EXT_INTR, 0x20, false));
	expect_none(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_NMI, 2, false));
	expect_none(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_SW_INTR, 0x80, false));
	set(&e, VMCS_ENTRY_INSTRUCTION_LEN, 2);
	expect_none(&e);
}

static void test_inject_reserved_type(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(1, 0x20, false));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "type 1 is reserved", C);
}

static void test_inject_nmi_vector(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_NMI, 3, false));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "NMI must have vector 2", C);
}

static void test_inject_exception_vector(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 32, false));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "at most 31", C);
}

/* A vector above 63 is one problem, not undefined behaviour in the
 * error-code rule (UBSan aborts this test if the shift comes back). */
static void test_inject_exception_vector_above_63(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 200, true));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "at most 31", C);
}

static void test_inject_missing_error_code(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 14, false));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "exactly for #DF", C);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 6, true));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "exactly for #DF", C);
	/* IA32_VMX_BASIC[56] makes it optional for hardware exceptions. */
	e.caps.entry_errcode_optional = true;
	expect_none(&e);
}

static void test_inject_error_code_in_real_mode(void **state)
{
	struct env e;

	realmode(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 13, false));
	expect_none(&e);
	e.caps.entry_errcode_optional = true;
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 13, true));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "no error code in real mode", C);
}

static void test_inject_error_code_high_bits(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 13, true));
	set(&e, VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0x10000);
	expect_only(&e, VMCS_ENTRY_EXCEPTION_ERROR_CODE, "bits 31:16 must be 0", C);
}

static void test_inject_reserved_bits(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_EXT_INTR, 0x20, false) | VMX_BIT(12));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "reserved bits 30:12", C);
}

static void test_inject_instruction_length(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_SW_EXCEPTION, 3, false));
	set(&e, VMCS_ENTRY_INSTRUCTION_LEN, 16);
	expect_only(&e, VMCS_ENTRY_INSTRUCTION_LEN, "at most 15", C);
}

/* "Other event" (a pending MTF exit) needs the monitor trap flag, which
 * Bochs lacks. */
static void test_inject_other_event(void **state)
{
	struct env e;

	guest64(&e);
	assert_false(e.caps.mtf);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_OTHER_EVENT, 0, false));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "type 7 needs monitor-trap-flag support", C);
	e.caps.mtf = true;
	expect_none(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_OTHER_EVENT, 1, false));
	expect_only(&e, VMCS_ENTRY_INTR_INFO, "vector 0", C);
}

/* --- 27.2.2 - 27.2.4 host state -------------------------------------------- */

static void test_host_cr0_fixed(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_HOST_CR0, 0, 1);
	expect_only(&e, VMCS_HOST_CR0, "IA32_VMX_CR0_FIXED0 fixes to 1 is 0", H);
	update(&e, VMCS_HOST_CR0, UINT64_C(1) << 32, 0);
	expect_includes(&e, VMCS_HOST_CR0, "IA32_VMX_CR0_FIXED1 fixes to 0 is 1");
}

static void test_host_cr4_fixed(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_HOST_CR4, 0, 0x2000);
	expect_only(&e, VMCS_HOST_CR4, "IA32_VMX_CR4_FIXED0 fixes to 1 is 0", H);
}

static void test_host_cr3_width(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_CR3, UINT64_C(1) << 39);
	expect_only(&e, VMCS_HOST_CR3, "beyond the physical-address width", H);
}

static void test_host_selector_rpl_ti(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_DS_SELECTOR, 0x13);
	expect_only(&e, VMCS_HOST_DS_SELECTOR, "RPL and TI must be 0", H);
	set(&e, VMCS_HOST_DS_SELECTOR, 0x14);
	expect_only(&e, VMCS_HOST_DS_SELECTOR, "RPL and TI must be 0", H);
}

static void test_host_cs_tr_nonzero(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_CS_SELECTOR, 0);
	expect_only(&e, VMCS_HOST_CS_SELECTOR, "CS selector must not be 0", H);
	guest64(&e);
	set(&e, VMCS_HOST_TR_SELECTOR, 0);
	expect_only(&e, VMCS_HOST_TR_SELECTOR, "TR selector must not be 0", H);
}

/* A null host SS is fine for a 64-bit host. */
static void test_host_ss_null_in_64bit(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_SS_SELECTOR, 0);
	expect_none(&e);
}

static void test_host_bases_canonical(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_GS_BASE, 0x0000800000000000);
	expect_only(&e, VMCS_HOST_GS_BASE, "must be canonical", H);
	guest64(&e);
	set(&e, VMCS_HOST_IDTR_BASE, 0xfff0000000000000);
	expect_only(&e, VMCS_HOST_IDTR_BASE, "must be canonical", H);
	/* With 57-bit linear addresses that base is canonical. */
	e.cpu.la_bits = 57;
	set(&e, VMCS_HOST_IDTR_BASE, 0xff80000000000000);
	expect_none(&e);
}

static void test_host_rip_canonical(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_RIP, 0x8000000000001000);
	expect_only(&e, VMCS_HOST_RIP, "host RIP must be canonical", H);
}

static void test_host_pae(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_HOST_CR4, 0, 0x20);
	expect_only(&e, VMCS_HOST_CR4, "CR4.PAE must be 1", H);
}

static void test_host_efer(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_EFER, 0x901); /* LMA clear */
	expect_only(&e, VMCS_HOST_EFER, "LMA and LME must equal", H);
	set(&e, VMCS_HOST_EFER, 0xd03);
	expect_only(&e, VMCS_HOST_EFER, "reserved bits must be 0", H);
	/* Not loaded, not checked. */
	update(&e, VMCS_EXIT_CTLS, 0, VMX_EXIT_LOAD_EFER);
	expect_none(&e);
}

static void test_host_pat(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_HOST_PAT, 0x0007040600070402);
	expect_only(&e, VMCS_HOST_PAT, "every entry must be", H);
}

/* "host address-space size" 0 from 64-bit mode breaks several rules at once. */
static void test_host_address_space_size(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_EXIT_CTLS, 0, VMX_EXIT_HOST_ADDR_SPACE_SIZE);
	expect_includes(&e, VMCS_EXIT_CTLS, "must be 1 for VM entry from IA-32e mode");
	expect_includes(&e, VMCS_ENTRY_CTLS, "\"IA-32e mode guest\" needs \"host address-space size\"");
	expect_includes(&e, VMCS_HOST_RIP, "bits 63:32 must be 0");
	expect_includes(&e, VMCS_HOST_EFER, "LMA and LME must equal");
	for (size_t i = 0; i < e.count; i++)
		assert_int_equal(e.p[i].area, H);
}

/* --- 27.3.1.1 guest control registers, debug registers and MSRs ------------ */

/* The integration tests' "invalid guest state" (exit reason 33, bit 31). */
static void test_guest_pg_without_pe(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_GUEST_CR0, 0, 1);
	expect_only(&e, VMCS_GUEST_CR0, "PG=1 requires PE=1", G);
}

/* Without unrestricted guest, PE and PG are fixed to 1. */
static void test_guest_cr0_fixed_without_ug(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_UNRESTRICTED_GUEST);
	expect_none(&e);
	update(&e, VMCS_GUEST_CR0, 0, 0x20); /* NE */
	expect_only(&e, VMCS_GUEST_CR0, "IA32_VMX_CR0_FIXED0 fixes to 1 is 0", G);
	realmode(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_UNRESTRICTED_GUEST);
	expect_includes(&e, VMCS_GUEST_CR0, "IA32_VMX_CR0_FIXED0 fixes to 1 is 0");
}

static void test_guest_cr4_fixed(void **state)
{
	struct env e;

	realmode(&e);
	set(&e, VMCS_GUEST_CR4, 0);
	expect_only(&e, VMCS_GUEST_CR4, "IA32_VMX_CR4_FIXED0 fixes to 1 is 0", G);
	set(&e, VMCS_GUEST_CR4, 0x402000); /* bit 22 is not in FIXED1 */
	expect_only(&e, VMCS_GUEST_CR4, "IA32_VMX_CR4_FIXED1 fixes to 0 is 1", G);
}

static void test_guest_ia32e_needs_paging(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_GUEST_CR4, 0, 0x20);
	expect_only(&e, VMCS_GUEST_CR4, "CR4.PAE must be 1 for an IA-32e mode guest", G);
	guest64(&e);
	update(&e, VMCS_GUEST_CR0, 0, UINT64_C(1) << 31);
	expect_only(&e, VMCS_GUEST_CR0, "CR0.PG must be 1 for an IA-32e mode guest", G);
}

static void test_guest_pcide_outside_ia32e(void **state)
{
	struct env e;

	realmode(&e);
	update(&e, VMCS_GUEST_CR4, UINT64_C(1) << 17, 0);
	expect_only(&e, VMCS_GUEST_CR4, "PCIDE must be 0", G);
}

static void test_guest_cr3_width(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_CR3, UINT64_C(1) << 40);
	expect_only(&e, VMCS_GUEST_CR3, "beyond the physical-address width", G);
}

static void test_guest_debug_controls(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_DR7, 0x100000400);
	expect_only(&e, VMCS_GUEST_DR7, "bits 63:32 must be 0", G);
	set(&e, VMCS_GUEST_DR7, 0x400);
	set(&e, VMCS_GUEST_DEBUGCTL, 0x10000);
	expect_only(&e, VMCS_GUEST_DEBUGCTL, "reserved bits must be 0", G);
	/* Without "load debug controls" neither is loaded or checked. */
	update(&e, VMCS_ENTRY_CTLS, 0, VMX_ENTRY_LOAD_DEBUG_CTLS);
	set(&e, VMCS_GUEST_DR7, 0x100000400);
	expect_none(&e);
}

static void test_guest_efer(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_EFER, 0xd03);
	expect_only(&e, VMCS_GUEST_EFER, "reserved bits must be 0", G);
	set(&e, VMCS_GUEST_EFER, 0x901);
	expect_includes(&e, VMCS_GUEST_EFER, "LMA must equal \"IA-32e mode guest\"");
	set(&e, VMCS_GUEST_EFER, 0x401);
	expect_only(&e, VMCS_GUEST_EFER, "LME must equal LMA", G);
	realmode(&e);
	set(&e, VMCS_GUEST_EFER, 0x400);
	expect_only(&e, VMCS_GUEST_EFER, "LMA must equal \"IA-32e mode guest\"", G);
}

static void test_guest_pat(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_PAT, 0x0807040600070406);
	expect_only(&e, VMCS_GUEST_PAT, "every entry must be", G);
}

static void test_guest_sysenter_canonical(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_SYSENTER_EIP, 0x0001000000000000);
	expect_only(&e, VMCS_GUEST_SYSENTER_EIP, "must be canonical", G);
}

/* --- 27.3.1.2 guest segment registers ------------------------------------- */

/* The integration tests' second "invalid guest state". */
static void test_guest_tr_unusable(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_GUEST_TR_AR, VMX_AR_UNUSABLE, 0);
	expect_only(&e, VMCS_GUEST_TR_AR, "TR must be usable", G);
}

static void test_guest_tr_type(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_TR_AR, 0x83); /* busy 16-bit TSS */
	expect_only(&e, VMCS_GUEST_TR_AR, "must be 11 (busy TSS) in IA-32e mode", G);
	realmode(&e);
	set(&e, VMCS_GUEST_TR_AR, 0x83);
	expect_none(&e);
	set(&e, VMCS_GUEST_TR_AR, 0x89); /* available, not busy */
	expect_only(&e, VMCS_GUEST_TR_AR, "must be 3 or 11", G);
}

static void test_guest_tr_selector_ti(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_TR_SELECTOR, 0x1c);
	expect_only(&e, VMCS_GUEST_TR_SELECTOR, "TI must be 0", G);
}

static void test_guest_ldtr(void **state)
{
	struct env e;

	guest64(&e);
	/* Unusable: nothing else about it matters. */
	set(&e, VMCS_GUEST_LDTR_SELECTOR, 0x4);
	set(&e, VMCS_GUEST_LDTR_BASE, 0x8000000000000000);
	expect_none(&e);
	realmode(&e);
	set(&e, VMCS_GUEST_LDTR_AR, 0x83);
	expect_only(&e, VMCS_GUEST_LDTR_AR, "LDTR type must be 2", G);
	realmode(&e);
	set(&e, VMCS_GUEST_LDTR_SELECTOR, 0x4);
	expect_only(&e, VMCS_GUEST_LDTR_SELECTOR, "TI must be 0", G);
}

static void test_guest_cs_type(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_CS_AR, 0xa091); /* read-only data */
	expect_only(&e, VMCS_GUEST_CS_AR, "CS type must be", G);
	set(&e, VMCS_GUEST_CS_AR, 0xa09a); /* not accessed */
	expect_only(&e, VMCS_GUEST_CS_AR, "CS type must be", G);
}

static void test_guest_cs_l_and_db(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_CS_AR, 0xe09b);
	expect_only(&e, VMCS_GUEST_CS_AR, "D/B must be 0 when CS.L is 1", G);
}

static void test_guest_cs_dpl(void **state)
{
	struct env e;

	realmode(&e);
	set(&e, VMCS_GUEST_CS_AR, 0xfb); /* DPL 3, SS DPL 0 */
	expect_only(&e, VMCS_GUEST_CS_AR, "must equal SS DPL for a non-conforming", G);
	set(&e, VMCS_GUEST_CS_AR, 0xff); /* conforming */
	expect_only(&e, VMCS_GUEST_CS_AR, "must not exceed SS DPL for a conforming", G);
}

/* Real mode under unrestricted guest may run with CS as data (type 3). */
static void test_guest_cs_type3_unrestricted(void **state)
{
	struct env e;

	realmode(&e);
	set(&e, VMCS_GUEST_CS_AR, 0x93);
	expect_none(&e);
	set(&e, VMCS_GUEST_CS_AR, 0xb3);
	expect_only(&e, VMCS_GUEST_CS_AR, "CS DPL must be 0 with type 3", G);
}

static void test_guest_ss_type(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_SS_AR, 0xc095); /* read-only expand-down */
	expect_only(&e, VMCS_GUEST_SS_AR, "SS type must be 3 or 7", G);
}

static void test_guest_ss_dpl_real_mode(void **state)
{
	struct env e;

	realmode(&e);
	set(&e, VMCS_GUEST_SS_AR, 0xf3);
	expect_includes(&e, VMCS_GUEST_SS_AR, "SS DPL must be 0 when CS type is 3 or CR0.PE is 0");
}

static void test_guest_ss_rpl_without_ug(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_UNRESTRICTED_GUEST);
	set(&e, VMCS_GUEST_SS_SELECTOR, 0x13);
	expect_includes(&e, VMCS_GUEST_SS_SELECTOR, "SS RPL must equal CS RPL");
	expect_includes(&e, VMCS_GUEST_SS_AR, "SS DPL must equal SS RPL");
}

static void test_guest_data_segment(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_DS_AR, 0xc092);
	expect_only(&e, VMCS_GUEST_DS_AR, "accessed bit must be 1", G);
	set(&e, VMCS_GUEST_DS_AR, 0xc099); /* execute-only code */
	expect_only(&e, VMCS_GUEST_DS_AR, "code segment must be readable", G);
	set(&e, VMCS_GUEST_DS_AR, 0xc083); /* system */
	expect_only(&e, VMCS_GUEST_DS_AR, "S must be 1", G);
	set(&e, VMCS_GUEST_DS_AR, 0xc013);
	expect_only(&e, VMCS_GUEST_DS_AR, "P must be 1", G);
	set(&e, VMCS_GUEST_DS_AR, 0xc193);
	expect_only(&e, VMCS_GUEST_DS_AR, "reserved bits 11:8 and 31:17", G);
}

static void test_guest_data_segment_dpl_without_ug(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_UNRESTRICTED_GUEST);
	set(&e, VMCS_GUEST_DS_SELECTOR, 0x13);
	expect_only(&e, VMCS_GUEST_DS_AR, "DPL must not be below RPL", G);
}

static void test_guest_limit_granularity(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_DS_AR, 0x4093); /* G clear with a 4-GiB limit */
	expect_only(&e, VMCS_GUEST_DS_AR, "G must be 1", G);
	set(&e, VMCS_GUEST_DS_AR, 0xc093);
	set(&e, VMCS_GUEST_DS_LIMIT, 0xffff0000);
	expect_only(&e, VMCS_GUEST_DS_AR, "G must be 0", G);
}

/* An unusable segment's other access-rights bits and limit do not matter. */
static void test_guest_unusable_segment(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_FS_AR, 0x10001);
	set(&e, VMCS_GUEST_ES_LIMIT, 0xffffffff);
	set(&e, VMCS_GUEST_ES_BASE, 0xffffffff00000000);
	expect_none(&e);
}

static void test_guest_bases(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_FS_BASE, 0x0000800000000000);
	expect_only(&e, VMCS_GUEST_FS_BASE, "must be canonical", G);
	guest64(&e);
	set(&e, VMCS_GUEST_DS_BASE, 0x100000000);
	expect_only(&e, VMCS_GUEST_DS_BASE, "bits 63:32 must be 0", G);
	guest64(&e);
	set(&e, VMCS_GUEST_TR_BASE, 0x0000800000000000);
	expect_only(&e, VMCS_GUEST_TR_BASE, "must be canonical", G);
}

/* Virtual-8086 mode: protected mode with RFLAGS.VM, every segment 0xf3. */
static void v8086(struct env *e)
{
	static const uint32_t sel[] = { VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_SS_SELECTOR,
					VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR };

	realmode(e);
	set(e, VMCS_GUEST_CR0, 0x31);
	set(e, VMCS_GUEST_RFLAGS, 0x20202);
	for (size_t i = 0; i < ARRAY_SIZE(sel); i++)
		set(e, sel[i] - VMCS_GUEST_ES_SELECTOR + VMCS_GUEST_ES_AR, 0xf3);
	expect_none(e);
}

static void test_guest_v8086(void **state)
{
	struct env e;

	v8086(&e);
	set(&e, VMCS_GUEST_CS_LIMIT, 0xfffff);
	expect_only(&e, VMCS_GUEST_CS_LIMIT, "0xffff in virtual-8086 mode", G);
	v8086(&e);
	set(&e, VMCS_GUEST_DS_BASE, 0x10);
	expect_only(&e, VMCS_GUEST_DS_BASE, "selector << 4", G);
	v8086(&e);
	set(&e, VMCS_GUEST_SS_AR, 0x93);
	expect_only(&e, VMCS_GUEST_SS_AR, "0xf3 in virtual-8086 mode", G);
}

static void test_guest_vm_flag(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_GUEST_RFLAGS, 0x20000, 0);
	expect_includes(&e, VMCS_GUEST_RFLAGS, "RFLAGS.VM must be 0 in IA-32e mode");
	realmode(&e);
	update(&e, VMCS_GUEST_RFLAGS, 0x20000, 0);
	expect_includes(&e, VMCS_GUEST_RFLAGS, "RFLAGS.VM must be 0 in IA-32e mode or with CR0.PE 0");
}

/* --- 27.3.1.3 / 27.3.1.4 descriptor tables, RIP and RFLAGS ----------------- */

static void test_guest_descriptor_tables(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_IDTR_LIMIT, 0x10000);
	expect_only(&e, VMCS_GUEST_IDTR_LIMIT, "bits 31:16 must be 0", G);
	guest64(&e);
	set(&e, VMCS_GUEST_GDTR_BASE, 0x00ff000000000000);
	expect_only(&e, VMCS_GUEST_GDTR_BASE, "must be canonical", G);
}

static void test_guest_rip(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_RIP, 0xffffffff80000000);
	expect_none(&e);
	set(&e, VMCS_GUEST_RIP, 0x0000800000000000);
	expect_only(&e, VMCS_GUEST_RIP, "canonical in 64-bit mode", G);
	realmode(&e);
	set(&e, VMCS_GUEST_RIP, 0x10000fff0);
	expect_only(&e, VMCS_GUEST_RIP, "bits 63:32 must be 0 outside 64-bit mode", G);
	/* Compatibility mode: IA-32e with CS.L 0. */
	guest64(&e);
	set(&e, VMCS_GUEST_CS_AR, 0xc09b);
	set(&e, VMCS_GUEST_RIP, 0xffffffff80000000);
	expect_only(&e, VMCS_GUEST_RIP, "bits 63:32 must be 0 outside 64-bit mode", G);
}

static void test_guest_rflags_reserved(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_RFLAGS, 0x8202);
	expect_only(&e, VMCS_GUEST_RFLAGS, "bits 63:22, 15, 5 and 3 must be 0", G);
	set(&e, VMCS_GUEST_RFLAGS, 0x200);
	expect_only(&e, VMCS_GUEST_RFLAGS, "bit 1 must be 1", G);
}

static void test_guest_if_for_external_interrupt(void **state)
{
	struct env e;

	realmode(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_EXT_INTR, 8, false));
	expect_only(&e, VMCS_GUEST_RFLAGS, "IF must be 1 to inject an external interrupt", G);
}

/* --- 27.3.1.5 guest non-register state ------------------------------------ */

static void test_guest_activity_state(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_HLT);
	expect_none(&e);
	set(&e, VMCS_GUEST_ACTIVITY_STATE, 4);
	expect_only(&e, VMCS_GUEST_ACTIVITY_STATE, "must be 0-3 and allowed", G);
	set(&e, VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_HLT);
	e.caps.act_hlt = false;
	expect_only(&e, VMCS_GUEST_ACTIVITY_STATE, "must be 0-3 and allowed", G);
}

static void test_guest_hlt_needs_ss_dpl0(void **state)
{
	struct env e;

	guest64(&e);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_UNRESTRICTED_GUEST);
	set(&e, VMCS_GUEST_CS_SELECTOR, 0x2b);
	set(&e, VMCS_GUEST_CS_AR, 0xa0fb);
	set(&e, VMCS_GUEST_SS_SELECTOR, 0x33);
	set(&e, VMCS_GUEST_SS_AR, 0xc0f3);
	set(&e, VMCS_GUEST_DS_SELECTOR, 0x33);
	set(&e, VMCS_GUEST_DS_AR, 0xc0f3);
	expect_none(&e);
	set(&e, VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_HLT);
	expect_only(&e, VMCS_GUEST_ACTIVITY_STATE, "HLT needs SS DPL 0", G);
}

static void test_guest_activity_with_blocking(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_STI);
	expect_none(&e);
	set(&e, VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_HLT);
	expect_only(&e, VMCS_GUEST_ACTIVITY_STATE, "must be active with blocking", G);
}

static void test_guest_activity_and_injection(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_HLT);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_EXT_INTR, 0x20, false));
	expect_none(&e);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_HW_EXCEPTION, 13, true));
	expect_only(&e, VMCS_GUEST_ACTIVITY_STATE, "cannot take the injected event", G);
	set(&e, VMCS_GUEST_ACTIVITY_STATE, VMX_ACTIVITY_WAIT_SIPI);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_NMI, 2, false));
	expect_only(&e, VMCS_GUEST_ACTIVITY_STATE, "cannot take the injected event", G);
}

static void test_guest_interruptibility(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, 0x20);
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "bits 31:5 must be 0", G);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS);
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "cannot both be 1", G);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_SMI);
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "blocking by SMI must be 0 outside SMM", G);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_ENCLAVE | VMX_INTERRUPTIBILITY_MOV_SS);
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "enclave interruption", G);
}

static void test_guest_sti_blocking_needs_if(void **state)
{
	struct env e;

	realmode(&e);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_STI);
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "blocking by STI needs RFLAGS.IF 1", G);
}

static void test_guest_blocking_and_injection(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_MOV_SS);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_EXT_INTR, 0x20, false));
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "when injecting an external interrupt", G);
	set(&e, VMCS_ENTRY_INTR_INFO, event(VMX_INTR_TYPE_NMI, 2, false));
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "no blocking by MOV SS when injecting an NMI", G);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_NMI);
	expect_none(&e);
	update(&e, VMCS_PIN_BASED_CTLS, VMX_PIN_VIRTUAL_NMIS, 0);
	expect_only(&e, VMCS_GUEST_INTERRUPTIBILITY, "no blocking by NMI when injecting an NMI with virtual NMIs", G);
}

static void test_guest_pending_debug_reserved(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0x10);
	expect_only(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, "bits 11:4, 13, 15 and 63:17", G);
}

/* Single-stepping over STI: the #DB is pending with BS set. */
static void test_guest_pending_single_step(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_RFLAGS, 0x302);
	set(&e, VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_STI);
	expect_only(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, "BS must be 1 exactly when RFLAGS.TF is 1", G);
	set(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, VMX_PENDING_DBG_BS);
	expect_none(&e);
	/* Branch single-stepping: no single-step trap. */
	set(&e, VMCS_GUEST_DEBUGCTL, 2);
	expect_only(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, "BS must be 1 exactly when RFLAGS.TF is 1", G);
}

static void test_guest_pending_rtm(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, VMX_PENDING_DBG_RTM | VMX_PENDING_DBG_ENABLED_BP);
	expect_none(&e);
	set(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, VMX_PENDING_DBG_RTM | VMX_PENDING_DBG_ENABLED_BP | 1);
	expect_only(&e, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, "RTM needs bit 12 alone", G);
}

static void test_guest_link_pointer(void **state)
{
	struct env e;

	guest64(&e);
	set(&e, VMCS_LINK_POINTER, 0);
	expect_only(&e, VMCS_LINK_POINTER, "all ones without VMCS shadowing", G);
	update(&e, VMCS_SEC_PROC_BASED_CTLS, VMX_PROC2_VMCS_SHADOWING, 0);
	set(&e, VMCS_VMREAD_BITMAP_ADDR, 0x17000);
	set(&e, VMCS_VMWRITE_BITMAP_ADDR, 0x18000);
	set(&e, VMCS_LINK_POINTER, 0x1b000);
	expect_none(&e);
	set(&e, VMCS_LINK_POINTER, 0x1b800);
	expect_only(&e, VMCS_LINK_POINTER, "4-KiB aligned", G);
}

/* --- 27.3.1.6 guest PDPTEs -------------------------------------------------- */

/* Protected mode with PAE paging, outside IA-32e mode, under EPT. */
static void pae_guest(struct env *e)
{
	realmode(e);
	set(e, VMCS_GUEST_CR0, 0x80000031);
	set(e, VMCS_GUEST_CR4, 0x2020);
	set(e, VMCS_GUEST_CR3, 0x30000);
	set(e, VMCS_GUEST_PDPTE0, 0x31001);
	set(e, VMCS_GUEST_PDPTE1, 0x32001);
	set(e, VMCS_GUEST_PDPTE2, 0);
	set(e, VMCS_GUEST_PDPTE3, 0x6); /* not present: the rest is not looked at */
	expect_none(e);
}

static void test_guest_pdptes(void **state)
{
	struct env e;

	pae_guest(&e);
	set(&e, VMCS_GUEST_PDPTE1, 0x32003);
	expect_only(&e, VMCS_GUEST_PDPTE1, "reserved bits 2:1, 8:5", G);
	set(&e, VMCS_GUEST_PDPTE1, (UINT64_C(1) << 40) | 1);
	expect_only(&e, VMCS_GUEST_PDPTE1, "beyond the physical-address width", G);
	/* Without EPT the CPU reads them from memory instead. */
	update(&e, VMCS_SEC_PROC_BASED_CTLS, 0, VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED_GUEST);
	expect_none(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_guest64),
		cmocka_unit_test(test_good_realmode_unrestricted),
		cmocka_unit_test(test_fixture_controls_resolve),
		cmocka_unit_test(test_count_exceeds_max),
		cmocka_unit_test(test_unsupported_field_is_zero),
		cmocka_unit_test(test_physical_width),
		cmocka_unit_test(test_pin_must_be_one_cleared),
		cmocka_unit_test(test_pin_not_allowed),
		cmocka_unit_test(test_proc_must_be_one_cleared),
		cmocka_unit_test(test_proc2_not_allowed),
		cmocka_unit_test(test_proc2_ignored_when_inactive),
		cmocka_unit_test(test_proc3_not_allowed),
		cmocka_unit_test(test_cr3_target_count),
		cmocka_unit_test(test_io_bitmap_misaligned),
		cmocka_unit_test(test_io_bitmap_unused),
		cmocka_unit_test(test_virtual_nmis_need_nmi_exiting),
		cmocka_unit_test(test_nmi_window_needs_virtual_nmis),
		cmocka_unit_test(test_vid_needs_external_interrupt_exiting),
		cmocka_unit_test(test_vid_needs_tpr_shadow),
		cmocka_unit_test(test_tpr_threshold_without_vid),
		cmocka_unit_test(test_virtual_apic_page_misaligned),
		cmocka_unit_test(test_x2apic_and_apic_access_exclusive),
		cmocka_unit_test(test_posted_interrupts_need_ack_on_exit),
		cmocka_unit_test(test_posted_interrupts_need_vid),
		cmocka_unit_test(test_posted_interrupt_vector_and_descriptor),
		cmocka_unit_test(test_vpid_zero),
		cmocka_unit_test(test_eptp_memory_type),
		cmocka_unit_test(test_eptp_walk_length),
		cmocka_unit_test(test_eptp_accessed_dirty),
		cmocka_unit_test(test_eptp_reserved),
		cmocka_unit_test(test_unrestricted_guest_needs_ept),
		cmocka_unit_test(test_pml_address),
		cmocka_unit_test(test_vmcs_shadowing_bitmaps),
		cmocka_unit_test(test_vm_functions),
		cmocka_unit_test(test_exit_must_be_one_cleared),
		cmocka_unit_test(test_save_preemption_timer_needs_timer),
		cmocka_unit_test(test_exit_msr_load_area),
		cmocka_unit_test(test_exit_msr_store_count),
		cmocka_unit_test(test_msr_area_unused),
		cmocka_unit_test(test_entry_not_allowed),
		cmocka_unit_test(test_entry_to_smm),
		cmocka_unit_test(test_inject_valid_events),
		cmocka_unit_test(test_inject_reserved_type),
		cmocka_unit_test(test_inject_nmi_vector),
		cmocka_unit_test(test_inject_exception_vector),
		cmocka_unit_test(test_inject_exception_vector_above_63),
		cmocka_unit_test(test_inject_missing_error_code),
		cmocka_unit_test(test_inject_error_code_in_real_mode),
		cmocka_unit_test(test_inject_error_code_high_bits),
		cmocka_unit_test(test_inject_reserved_bits),
		cmocka_unit_test(test_inject_instruction_length),
		cmocka_unit_test(test_inject_other_event),
		cmocka_unit_test(test_host_cr0_fixed),
		cmocka_unit_test(test_host_cr4_fixed),
		cmocka_unit_test(test_host_cr3_width),
		cmocka_unit_test(test_host_selector_rpl_ti),
		cmocka_unit_test(test_host_cs_tr_nonzero),
		cmocka_unit_test(test_host_ss_null_in_64bit),
		cmocka_unit_test(test_host_bases_canonical),
		cmocka_unit_test(test_host_rip_canonical),
		cmocka_unit_test(test_host_pae),
		cmocka_unit_test(test_host_efer),
		cmocka_unit_test(test_host_pat),
		cmocka_unit_test(test_host_address_space_size),
		cmocka_unit_test(test_guest_pg_without_pe),
		cmocka_unit_test(test_guest_cr0_fixed_without_ug),
		cmocka_unit_test(test_guest_cr4_fixed),
		cmocka_unit_test(test_guest_ia32e_needs_paging),
		cmocka_unit_test(test_guest_pcide_outside_ia32e),
		cmocka_unit_test(test_guest_cr3_width),
		cmocka_unit_test(test_guest_debug_controls),
		cmocka_unit_test(test_guest_efer),
		cmocka_unit_test(test_guest_pat),
		cmocka_unit_test(test_guest_sysenter_canonical),
		cmocka_unit_test(test_guest_tr_unusable),
		cmocka_unit_test(test_guest_tr_type),
		cmocka_unit_test(test_guest_tr_selector_ti),
		cmocka_unit_test(test_guest_ldtr),
		cmocka_unit_test(test_guest_cs_type),
		cmocka_unit_test(test_guest_cs_l_and_db),
		cmocka_unit_test(test_guest_cs_dpl),
		cmocka_unit_test(test_guest_cs_type3_unrestricted),
		cmocka_unit_test(test_guest_ss_type),
		cmocka_unit_test(test_guest_ss_dpl_real_mode),
		cmocka_unit_test(test_guest_ss_rpl_without_ug),
		cmocka_unit_test(test_guest_data_segment),
		cmocka_unit_test(test_guest_data_segment_dpl_without_ug),
		cmocka_unit_test(test_guest_limit_granularity),
		cmocka_unit_test(test_guest_unusable_segment),
		cmocka_unit_test(test_guest_bases),
		cmocka_unit_test(test_guest_v8086),
		cmocka_unit_test(test_guest_vm_flag),
		cmocka_unit_test(test_guest_descriptor_tables),
		cmocka_unit_test(test_guest_rip),
		cmocka_unit_test(test_guest_rflags_reserved),
		cmocka_unit_test(test_guest_if_for_external_interrupt),
		cmocka_unit_test(test_guest_activity_state),
		cmocka_unit_test(test_guest_hlt_needs_ss_dpl0),
		cmocka_unit_test(test_guest_activity_with_blocking),
		cmocka_unit_test(test_guest_activity_and_injection),
		cmocka_unit_test(test_guest_interruptibility),
		cmocka_unit_test(test_guest_sti_blocking_needs_if),
		cmocka_unit_test(test_guest_blocking_and_injection),
		cmocka_unit_test(test_guest_pending_debug_reserved),
		cmocka_unit_test(test_guest_pending_single_step),
		cmocka_unit_test(test_guest_pending_rtm),
		cmocka_unit_test(test_guest_link_pointer),
		cmocka_unit_test(test_guest_pdptes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
