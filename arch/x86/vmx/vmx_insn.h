/* The VMX instructions. Each reports the SDM's three outcomes (SDM 3C 31.2,
 * "Conventions"): success, VMfailInvalid (CF=1: no current VMCS) or
 * VMfailValid (ZF=1: the VM-instruction error field says why). */
#ifndef ARCH_X86_VMX_VMX_INSN_H
#define ARCH_X86_VMX_VMX_INSN_H

#include "hv/types.h"

enum vmx_status { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

/* After a VMX instruction: CF -> VMfailInvalid, ZF -> VMfailValid. */
#define VMX_STATUS_ASM "setc %b[cf]\n\tsetz %b[zf]\n"
static inline enum vmx_status vmx_status_from(uint8_t cf, uint8_t zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

static inline enum vmx_status vmxon(paddr_t region)
{
	uint8_t cf, zf;
	__asm__ volatile("vmxon %[pa]\n\t" VMX_STATUS_ASM
			 : [cf] "=q"(cf), [zf] "=q"(zf)
			 : [pa] "m"(region)
			 : "cc", "memory");
	return vmx_status_from(cf, zf);
}

static inline void vmxoff(void)
{
	__asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline enum vmx_status vmclear(paddr_t vmcs)
{
	uint8_t cf, zf;
	__asm__ volatile("vmclear %[pa]\n\t" VMX_STATUS_ASM
			 : [cf] "=q"(cf), [zf] "=q"(zf)
			 : [pa] "m"(vmcs)
			 : "cc", "memory");
	return vmx_status_from(cf, zf);
}

static inline enum vmx_status vmptrld(paddr_t vmcs)
{
	uint8_t cf, zf;
	__asm__ volatile("vmptrld %[pa]\n\t" VMX_STATUS_ASM
			 : [cf] "=q"(cf), [zf] "=q"(zf)
			 : [pa] "m"(vmcs)
			 : "cc", "memory");
	return vmx_status_from(cf, zf);
}

static inline enum vmx_status vmread_raw(uint64_t field, uint64_t *val)
{
	uint8_t cf, zf;
	uint64_t v;
	__asm__ volatile("vmread %[field], %[val]\n\t" VMX_STATUS_ASM
			 : [val] "=rm"(v), [cf] "=q"(cf), [zf] "=q"(zf)
			 : [field] "r"(field)
			 : "cc");
	*val = v;
	return vmx_status_from(cf, zf);
}

static inline enum vmx_status vmwrite_raw(uint64_t field, uint64_t val)
{
	uint8_t cf, zf;
	__asm__ volatile("vmwrite %[val], %[field]\n\t" VMX_STATUS_ASM
			 : [cf] "=q"(cf), [zf] "=q"(zf)
			 : [field] "r"(field), [val] "rm"(val)
			 : "cc");
	return vmx_status_from(cf, zf);
}

/* INVEPT / INVVPID types (SDM 3C 31.3). */
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT 2

static inline enum vmx_status invept(uint64_t type, uint64_t eptp)
{
	struct {
		uint64_t eptp, reserved;
	} desc = {eptp, 0};
	uint8_t cf, zf;
	__asm__ volatile("invept %[desc], %[type]\n\t" VMX_STATUS_ASM
			 : [cf] "=q"(cf), [zf] "=q"(zf)
			 : [desc] "m"(desc), [type] "r"(type)
			 : "cc", "memory");
	return vmx_status_from(cf, zf);
}

static inline enum vmx_status invvpid(uint64_t type, uint16_t vpid, uint64_t addr)
{
	struct {
		uint64_t vpid, addr;
	} desc = {vpid, addr};
	uint8_t cf, zf;
	__asm__ volatile("invvpid %[desc], %[type]\n\t" VMX_STATUS_ASM
			 : [cf] "=q"(cf), [zf] "=q"(zf)
			 : [desc] "m"(desc), [type] "r"(type)
			 : "cc", "memory");
	return vmx_status_from(cf, zf);
}

#endif
