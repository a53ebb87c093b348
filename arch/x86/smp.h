/* Starting the other CPUs (INIT-SIPI-SIPI, SDM 3A 9.4.4), IPIs between CPUs
 * and stopping them all. */
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

#include "drivers/acpi/acpi.h"

/* Start every enabled CPU of the MADT; logs one line per CPU. */
void smp_boot(const struct acpi_info *acpi);
/* Ping every other online CPU by IPI; returns how many answered. */
unsigned int smp_ping_all(void);
/* Run fn(arg) on CPU cpu_id (in its interrupt context, or directly when it
 * is the calling CPU) and wait for it to finish; false if it did not answer. */
bool smp_call_on(unsigned int cpu_id, void (*fn)(void *arg), void *arg);

/* Stop every other CPU (NMI); they halt for good. */
void smp_stop_other_cpus(void);
bool smp_stop_requested(void);

#endif
