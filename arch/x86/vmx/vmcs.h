/* VMCS access for the current VMCS: every VMREAD/VMWRITE is checked, and a
 * failure is reported with the field, the VM-instruction error and the
 * caller, then remembered until vmcs_error_take(). */
#ifndef ARCH_X86_VMX_VMCS_H
#define ARCH_X86_VMX_VMCS_H

#include "arch/x86/vmx/vmcs_fields.h"
#include "hv/types.h"

uint64_t vmcs_read_from(uint32_t field, const char *caller);
void vmcs_write_from(uint32_t field, uint64_t value, const char *caller);
#define vmcs_read(field) vmcs_read_from((field), __func__)
#define vmcs_write(field, value) vmcs_write_from((field), (value), __func__)

/* Whether any access failed since the last call, and forget it. */
bool vmcs_error_take(void);

/* Every field the CPU supports, one log line per few fields. */
void vmcs_dump(void);

#endif
