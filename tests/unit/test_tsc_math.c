/* TSC frequency from CPUID leaf 0x15: used only when all three registers are
 * non-zero (Bochs reports ECX = 0 and must fall back to calibration). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/tsc.h"

static void complete_leaf_gives_khz(void **state)
{
	/* Skylake client: 24 MHz crystal, ratio 300/2 -> 3.6 GHz. */
	assert_int_equal(tsc_khz_from_cpuid_15h(2, 300, 24000000), 3600000);
	/* Ratio that does not divide evenly: rounds down to whole kHz. */
	assert_int_equal(tsc_khz_from_cpuid_15h(3, 250, 25000000), 2083333);
}

static void any_zero_register_means_unknown(void **state)
{
	assert_int_equal(tsc_khz_from_cpuid_15h(0, 300, 24000000), 0);
	assert_int_equal(tsc_khz_from_cpuid_15h(2, 0, 24000000), 0);
	/* Bochs corei7_skylake_x: EAX/EBX set, no crystal frequency. */
	assert_int_equal(tsc_khz_from_cpuid_15h(2, 300, 0), 0);
}

static void large_values_do_not_overflow(void **state)
{
	assert_int_equal(tsc_khz_from_cpuid_15h(1, 0xffffffffu, 0xffffffffu),
			 (uint64_t)0xffffffffu * 0xffffffffu / 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(complete_leaf_gives_khz),
		cmocka_unit_test(any_zero_register_means_unknown),
		cmocka_unit_test(large_values_do_not_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
