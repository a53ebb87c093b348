/* TSC frequency: from CPUID leaf 0x15 when it is complete, else measured
 * against the ACPI PM timer, else against PIT channel 2. */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include "hv/types.h"

enum tsc_source { TSC_SOURCE_NONE, TSC_SOURCE_CPUID_15H, TSC_SOURCE_ACPI_PM, TSC_SOURCE_PIT };

extern uint64_t tsc_khz;

/* pm_tmr_port 0 means no ACPI PM timer. Returns where the value came from. */
enum tsc_source tsc_calibrate(uint16_t pm_tmr_port, bool pm_tmr_32bit);
const char *tsc_source_name(enum tsc_source s);

/* Pure: kHz from CPUID.15H (EAX = denominator, EBX = numerator, ECX = crystal
 * Hz); 0 unless all three are non-zero (SDM 2A CPUID leaf 15H). */
uint64_t tsc_khz_from_cpuid_15h(uint32_t eax, uint32_t ebx, uint32_t ecx);

uint64_t tsc_us_to_ticks(uint64_t us);
uint64_t tsc_ticks_to_us(uint64_t ticks);
/* Nanosecond conversions for device-model clocks; 128-bit intermediates so
 * hours of ticks at GHz rates do not overflow. */
uint64_t tsc_ticks_to_ns(uint64_t ticks);
uint64_t tsc_ns_to_ticks(uint64_t ns);
void tsc_delay_us(uint64_t us);

#endif
