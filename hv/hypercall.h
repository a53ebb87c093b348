/* Hypercall dispatch, vendor-neutral: the backend decodes the trap (VMCALL)
 * and the guest's mode; this file validates every argument and acts. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include "hv/domain.h"

struct hypercall_args {
	uint64_t nr;
	uint64_t arg[4];
};

/* The value for the guest's RAX. A shutdown ends the domain. */
int64_t hypercall_dispatch(struct domain *d, const struct hypercall_args *a);

#endif
