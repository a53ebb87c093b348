/* Shared between the msr_policy*.c files: the MSR families that live in
 * their own file (APIC, MTRRs and PAT) and their entry points. */
#ifndef ARCH_X86_MSR_POLICY_INTERNAL_H
#define ARCH_X86_MSR_POLICY_INTERNAL_H

#include "arch/x86/msr_policy.h"

uint64_t msr_apic_base_power_on(const struct msr_platform *p);
enum msr_result msr_apic_base_write(const struct msr_platform *p, struct msr_vcpu_state *s,
				    uint64_t value);
/* The x2APIC register range: the virtual LAPIC's in x2APIC mode, else #GP. */
enum msr_result msr_x2apic_access(const struct msr_vcpu_state *s, uint32_t *where);

/* The MTRR family (IA32_MTRRCAP and 0x200-0x2ff without IA32_PAT); false
 * for any other MSR. */
bool msr_is_mtrr(uint32_t msr);
enum msr_result msr_mtrr_read(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
			      uint64_t *value);
enum msr_result msr_mtrr_write(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
			       uint64_t value);
/* Every IA32_PAT entry one of the encodings SDM 3A 12.12.2 allows. */
bool msr_pat_valid(uint64_t pat);

#endif
