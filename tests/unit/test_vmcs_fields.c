/* Unit tests for arch/x86/vmx/vmcs_fields.c: the field list's order and
 * encodings, width and type decoding, and the name look-ups. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "arch/x86/vmx/vmcs_fields.h"

/* Binary search needs strictly increasing encodings; every entry is a full
 * (access type 0) encoding with no bits above 14 or in the reserved bit 12. */
static void test_table_sorted_and_well_formed(void **state)
{
	size_t n = vmcs_field_count();

	assert_true(n > 150);
	for (size_t i = 0; i < n; i++) {
		const struct vmcs_field_desc *d = vmcs_field_at(i);

		assert_non_null(d);
		assert_int_equal(d->enc & (VMCS_ENC_HIGH | 0x1000u | ~0x7fffu), 0);
		assert_true(d->name[0] != '\0');
		if (i > 0)
			assert_true(vmcs_field_at(i - 1)->enc < d->enc);
	}
	assert_null(vmcs_field_at(n));
}

/* Spot checks against SDM Appendix B. */
static void test_known_encodings(void **state)
{
	assert_int_equal(VMCS_VPID, 0x0000);
	assert_int_equal(VMCS_GUEST_CS_SELECTOR, 0x0802);
	assert_int_equal(VMCS_HOST_TR_SELECTOR, 0x0c0c);
	assert_int_equal(VMCS_MSR_BITMAP, 0x2004);
	assert_int_equal(VMCS_EPT_POINTER, 0x201a);
	assert_int_equal(VMCS_GUEST_PHYSICAL_ADDR, 0x2400);
	assert_int_equal(VMCS_LINK_POINTER, 0x2800);
	assert_int_equal(VMCS_HOST_EFER, 0x2c02);
	assert_int_equal(VMCS_PIN_BASED_CTLS, 0x4000);
	assert_int_equal(VMCS_PRI_PROC_BASED_CTLS, 0x4002);
	assert_int_equal(VMCS_EXIT_CTLS, 0x400c);
	assert_int_equal(VMCS_ENTRY_CTLS, 0x4012);
	assert_int_equal(VMCS_SEC_PROC_BASED_CTLS, 0x401e);
	assert_int_equal(VMCS_VM_INSTRUCTION_ERROR, 0x4400);
	assert_int_equal(VMCS_EXIT_REASON, 0x4402);
	assert_int_equal(VMCS_GUEST_TR_AR, 0x4822);
	assert_int_equal(VMCS_PREEMPTION_TIMER_VALUE, 0x482e);
	assert_int_equal(VMCS_HOST_SYSENTER_CS, 0x4c00);
	assert_int_equal(VMCS_CR3_TARGET3, 0x600e);
	assert_int_equal(VMCS_EXIT_QUALIFICATION, 0x6400);
	assert_int_equal(VMCS_GUEST_RIP, 0x681e);
	assert_int_equal(VMCS_GUEST_RFLAGS, 0x6820);
	assert_int_equal(VMCS_HOST_RIP, 0x6c16);
}

static void test_width_and_type(void **state)
{
	assert_int_equal(vmcs_field_width(VMCS_GUEST_CS_SELECTOR), VMCS_WIDTH_16);
	assert_int_equal(vmcs_field_width(VMCS_EPT_POINTER), VMCS_WIDTH_64);
	assert_int_equal(vmcs_field_width(VMCS_EPT_POINTER | VMCS_ENC_HIGH), VMCS_WIDTH_64);
	assert_int_equal(vmcs_field_width(VMCS_EXIT_REASON), VMCS_WIDTH_32);
	assert_int_equal(vmcs_field_width(VMCS_HOST_RIP), VMCS_WIDTH_NATURAL);
	assert_int_equal(vmcs_field_type(VMCS_PIN_BASED_CTLS), VMCS_TYPE_CONTROL);
	assert_int_equal(vmcs_field_type(VMCS_EXIT_QUALIFICATION), VMCS_TYPE_READ_ONLY);
	assert_int_equal(vmcs_field_type(VMCS_GUEST_RIP), VMCS_TYPE_GUEST);
	assert_int_equal(vmcs_field_type(VMCS_HOST_CR3), VMCS_TYPE_HOST);
	assert_int_equal(vmcs_field_type(VMCS_LINK_POINTER), VMCS_TYPE_GUEST);
}

/* The list follows the SDM grouping: width, then type, never going back. */
static void test_table_grouped(void **state)
{
	static const enum vmcs_width order[] = { VMCS_WIDTH_16, VMCS_WIDTH_64, VMCS_WIDTH_32, VMCS_WIDTH_NATURAL };
	size_t group = 0;
	enum vmcs_type type = VMCS_TYPE_CONTROL;

	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_desc *d = vmcs_field_at(i);

		if (vmcs_field_width(d->enc) != order[group]) {
			group++;
			assert_true(group < 4);
			assert_int_equal(vmcs_field_width(d->enc), order[group]);
			type = VMCS_TYPE_CONTROL;
		}
		assert_true(vmcs_field_type(d->enc) >= type);
		type = vmcs_field_type(d->enc);
	}
	assert_int_equal(group, 3);
}

static void test_names(void **state)
{
	assert_string_equal(vmcs_field_name(VMCS_GUEST_CS_SELECTOR), "GUEST_CS_SELECTOR");
	assert_string_equal(vmcs_field_name(VMCS_PIN_BASED_CTLS), "PIN_BASED_CTLS");
	assert_string_equal(vmcs_field_name(VMCS_HOST_INTR_SSP_TABLE_ADDR), "HOST_INTR_SSP_TABLE_ADDR");
	assert_string_equal(vmcs_field_name(VMCS_VPID), "VPID");
	assert_null(vmcs_field_name(VMCS_EPT_POINTER | VMCS_ENC_HIGH));
	assert_null(vmcs_field_name(0x0001));
	assert_null(vmcs_field_name(0x482c)); /* a gap between SYSENTER_CS and the preemption timer */
	assert_null(vmcs_field_name(0xffffffff));
	assert_true(vmcs_field_known(VMCS_GUEST_RIP));
	assert_false(vmcs_field_known(VMCS_GUEST_RIP + 2 * 64));
	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_desc *d = vmcs_field_at(i);

		assert_ptr_equal(vmcs_field_name(d->enc), d->name);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(vmcs_field_at(j)->name, d->name);
	}
}

static void test_instruction_errors(void **state)
{
	assert_string_equal(vmx_instruction_error_name(VMXERR_ENTRY_INVALID_CONTROLS),
			    "VM entry with invalid control field(s)");
	assert_string_equal(vmx_instruction_error_name(8), "VM entry with invalid host-state field(s)");
	assert_string_equal(vmx_instruction_error_name(28), "invalid operand to INVEPT/INVVPID");
	assert_null(vmx_instruction_error_name(0));
	assert_null(vmx_instruction_error_name(14));
	assert_null(vmx_instruction_error_name(21));
	assert_null(vmx_instruction_error_name(27));
	assert_null(vmx_instruction_error_name(29));
	assert_null(vmx_instruction_error_name(0xffffffff));
}

static void test_exit_reasons(void **state)
{
	size_t named = 0;

	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_REASON_INVALID_GUEST_STATE),
			    "VM-entry failure due to invalid guest state");
	/* The raw field: bit 31 says VM entry failed; the basic reason is 15:0. */
	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_REASON_ENTRY_FAILURE | 33),
			    "VM-entry failure due to invalid guest state");
	assert_string_equal(vmx_exit_reason_name(12), "HLT");
	assert_string_equal(vmx_exit_reason_name(48), "EPT violation");
	assert_null(vmx_exit_reason_name(35));
	assert_null(vmx_exit_reason_name(38));
	assert_null(vmx_exit_reason_name(42));
	assert_null(vmx_exit_reason_name(78));
	assert_null(vmx_exit_reason_name(0xffff));
	for (uint32_t r = 0; r < 100; r++)
		named += vmx_exit_reason_name(r) != NULL;
	assert_int_equal(named, 74);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sorted_and_well_formed),
		cmocka_unit_test(test_known_encodings),
		cmocka_unit_test(test_width_and_type),
		cmocka_unit_test(test_table_grouped),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_instruction_errors),
		cmocka_unit_test(test_exit_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
