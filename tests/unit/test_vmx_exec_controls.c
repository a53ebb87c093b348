/* The VM-execution, exit and entry controls computed from real capability
 * MSR values: Bochs 2.7's corei7_skylake_x and a real Core i7-6700K (both
 * with TRUE_* controls), and a Xeon X5482 (Penryn: no EPT) that must be
 * refused with the missing control named. Fixture sources are in each
 * tests/fixtures/vmx/ file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/vmx/vmx_controls.h"
#include "arch/x86/vmx/vmx_exec_controls.h"
#include "tests/fixtures/vmx/bochs_skylake_x.h"
#include "tests/fixtures/vmx/intel_core_i7_6700k.h"
#include "tests/fixtures/vmx/intel_xeon_x5482.h"

static bool fixture_rdmsr(uint32_t msr, uint64_t *val, void *ctx)
{
	const struct vmx_fixture *f = ctx;
	for (const struct vmx_fixture_msr *m = f->msrs; m->index; m++) {
		if (m->index == msr) {
			*val = m->value;
			return true;
		}
	}
	return false;
}

static void decode(const struct vmx_fixture *f, struct vmx_caps *caps)
{
	struct vmx_msrs msrs;
	char err[128];
	assert_int_equal(vmx_msrs_read(fixture_rdmsr, (void *)f, &msrs, err, sizeof(err)), 0);
	vmx_caps_decode(&msrs, caps);
}

/* Every control value must hold all must-be-one bits and nothing the CPU
 * does not allow (SDM 3C A.3-A.5). */
static void assert_allowed(const struct vmx_ctl_caps *c, uint32_t value)
{
	assert_int_equal(value & c->must_be_one, c->must_be_one);
	assert_int_equal(value & ~c->may_be_one, 0);
}

static void assert_consistent(const struct vmx_caps *caps, const struct vmx_exec_controls *c)
{
	assert_allowed(&caps->pin, c->value.pin);
	assert_allowed(&caps->proc, c->value.proc);
	assert_allowed(&caps->proc2, c->value.proc2);
	assert_allowed(&caps->exit, c->value.exit);
	assert_allowed(&caps->entry, c->value.entry);
	assert_true(c->value.pin & VMX_PIN_EXT_INTR_EXITING);
	assert_true(c->value.pin & VMX_PIN_NMI_EXITING);
	assert_true(c->value.proc & VMX_PROC_HLT_EXITING);
	assert_true(c->value.proc2 & VMX_PROC2_EPT);
	assert_true(c->value.proc2 & VMX_PROC2_UNRESTRICTED_GUEST);
	assert_true(c->value.exit & VMX_EXIT_HOST_ADDR_SPACE_SIZE);
	assert_true(c->value.exit & VMX_EXIT_LOAD_EFER);
	assert_true(c->value.entry & VMX_ENTRY_LOAD_EFER);
	/* Long mode is chosen per vCPU, never by default. */
	assert_false(c->value.entry & VMX_ENTRY_IA32E_MODE_GUEST);
	/* Port accesses always exit: through bitmaps, or unconditionally. */
	assert_true(c->io_bitmaps || (c->value.proc & VMX_PROC_UNCOND_IO_EXITING));
}

static void bochs_skylake(void **state)
{
	struct vmx_caps caps;
	struct vmx_exec_controls c;
	char err[128];

	decode(&vmx_fixture_bochs_skylake_x, &caps);
	assert_int_equal(vmx_exec_controls_compute(&caps, &c, err, sizeof(err)), 0);
	assert_consistent(&caps, &c);
	assert_true(c.io_bitmaps && c.msr_bitmaps && c.vpid && c.preemption_timer);
	/* TRUE_PROCBASED lets CR3-load/store exiting be 0 (bits 15, 16). */
	assert_false(c.value.proc & (VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING));
	assert_false(c.value.proc & VMX_PROC_UNCOND_IO_EXITING);
	assert_int_equal(c.unsupported.pin | c.unsupported.proc | c.unsupported.proc2, 0);
	/* Exact values: must-be-one bits plus what this hypervisor asks for. */
	assert_int_equal(c.value.pin, 0x16 | VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING |
					      VMX_PIN_PREEMPTION_TIMER);
	assert_int_equal(c.value.proc2, VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED_GUEST | VMX_PROC2_VPID);
}

static void real_skylake(void **state)
{
	struct vmx_caps caps;
	struct vmx_exec_controls c;
	char err[128];

	decode(&vmx_fixture_core_i7_6700k, &caps);
	assert_int_equal(vmx_exec_controls_compute(&caps, &c, err, sizeof(err)), 0);
	assert_consistent(&caps, &c);
	assert_true(c.vpid && c.preemption_timer && c.io_bitmaps && c.msr_bitmaps);
}

static void entry_controls_per_vcpu(void **state)
{
	struct vmx_caps caps;
	struct vmx_exec_controls c;
	uint32_t entry;
	char err[128];

	decode(&vmx_fixture_bochs_skylake_x, &caps);
	assert_int_equal(vmx_exec_controls_compute(&caps, &c, err, sizeof(err)), 0);
	assert_true(vmx_entry_controls_for(&caps, &c, true, &entry));
	assert_int_equal(entry, c.value.entry | VMX_ENTRY_IA32E_MODE_GUEST);
	assert_true(vmx_entry_controls_for(&caps, &c, false, &entry));
	assert_int_equal(entry, c.value.entry);
	caps.entry.may_be_one &= ~VMX_ENTRY_IA32E_MODE_GUEST;
	assert_false(vmx_entry_controls_for(&caps, &c, true, &entry));
}

static void penryn_refused(void **state)
{
	struct vmx_caps caps;
	struct vmx_exec_controls c;
	char err[128];

	decode(&vmx_fixture_xeon_x5482, &caps);
	assert_int_equal(vmx_exec_controls_compute(&caps, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "secondary processor-based controls"));
}

/* Without I/O bitmaps every port access must exit unconditionally, and the
 * wanted-but-missing bits are reported. */
static void no_bitmaps_fall_back(void **state)
{
	struct vmx_caps caps;
	struct vmx_exec_controls c;
	char err[128];

	decode(&vmx_fixture_bochs_skylake_x, &caps);
	caps.proc.may_be_one &= ~(VMX_PROC_IO_BITMAPS | VMX_PROC_MSR_BITMAPS);
	caps.pin.may_be_one &= ~VMX_PIN_PREEMPTION_TIMER;
	assert_int_equal(vmx_exec_controls_compute(&caps, &c, err, sizeof(err)), 0);
	assert_true(c.value.proc & VMX_PROC_UNCOND_IO_EXITING);
	assert_false(c.io_bitmaps || c.msr_bitmaps || c.preemption_timer);
	assert_int_equal(c.unsupported.proc, VMX_PROC_IO_BITMAPS | VMX_PROC_MSR_BITMAPS);
	assert_int_equal(c.unsupported.pin, VMX_PIN_PREEMPTION_TIMER);
}

static void required_exit_control_missing(void **state)
{
	struct vmx_caps caps;
	struct vmx_exec_controls c;
	char err[128];

	decode(&vmx_fixture_bochs_skylake_x, &caps);
	caps.exit.may_be_one &= ~VMX_EXIT_LOAD_EFER;
	assert_int_equal(vmx_exec_controls_compute(&caps, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "VM-exit controls"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bochs_skylake),
		cmocka_unit_test(real_skylake),
		cmocka_unit_test(entry_controls_per_vcpu),
		cmocka_unit_test(penryn_refused),
		cmocka_unit_test(no_bitmaps_fall_back),
		cmocka_unit_test(required_exit_control_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
