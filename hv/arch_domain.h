/* What the vendor-neutral core needs from a virtualization backend (today
 * VMX in arch/x86/vmx/; an SVM backend would implement the same). */
#ifndef HV_ARCH_DOMAIN_H
#define HV_ARCH_DOMAIN_H

#include "hv/domain.h"

/* Second-level address space for the domain's RAM. */
int arch_domain_init(struct domain *d, char *err, size_t errlen);
/* Tear it down: flush the TLBs that may hold its translations first. */
void arch_domain_destroy(struct domain *d);

int arch_vcpu_init(struct vcpu *v, const struct vcpu_boot_state *boot, char *err, size_t errlen);
/* Run until the domain ends. */
void arch_vcpu_run(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);

/* One line of per-reason exit counts for the domain. */
void arch_domain_log_exit_stats(const struct domain *d);

#endif
