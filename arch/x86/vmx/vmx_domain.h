/* The VMX side of a domain: its EPT and its VPID. */
#ifndef ARCH_X86_VMX_VMX_DOMAIN_H
#define ARCH_X86_VMX_VMX_DOMAIN_H

#include "arch/x86/vmx/ept.h"

struct domain_arch {
	struct ept ept;
	bool ept_ready;
	uint16_t vpid; /* 0: VPID not in use */
};

#endif
