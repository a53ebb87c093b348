/* The guest general-purpose registers the VMCS does not hold, saved and
 * loaded by entry.S around every VM entry and exit. Indexed in the
 * architectural register order (0 = RAX ... 15 = R15) so exit handlers can
 * use the register numbers of the exit qualification directly; slot 4 (RSP)
 * is unused: the guest RSP lives in the VMCS. */
#ifndef ARCH_X86_VMX_GUEST_REGS_H
#define ARCH_X86_VMX_GUEST_REGS_H

#define GUEST_REG_RAX 0
#define GUEST_REG_RCX 1
#define GUEST_REG_RDX 2
#define GUEST_REG_RBX 3
#define GUEST_REG_RSP 4
#define GUEST_REG_RBP 5
#define GUEST_REG_RSI 6
#define GUEST_REG_RDI 7
#define GUEST_REG_CR2 16
#define GUEST_REGS_SLOTS 17

#ifndef __ASSEMBLY__
#include "hv/types.h"

struct guest_regs {
	uint64_t gpr[16];
	uint64_t cr2;
};
_Static_assert(sizeof(struct guest_regs) == GUEST_REGS_SLOTS * 8, "entry.S relies on this layout");

/* Enter the guest whose VMCS is current (VMLAUNCH when !launched, else
 * VMRESUME) and return at its next VM exit with regs saved: VMX_OK. A VM
 * entry that fails as an instruction returns VMX_FAIL_INVALID/VALID (enum
 * vmx_status) with regs untouched. Call with interrupts disabled. */
int vmx_enter_guest(struct guest_regs *regs, int launched);
#endif

#endif
