/* XSETBV always exits (SDM 3C 26.1.2). The new XCR0 is checked as the CPU
 * checks it (SDM 2 XSETBV: #GP for ECX != 0, bit 0 clear, AVX without SSE,
 * the AVX-512 components without AVX or not all together, bits not
 * supported) against what the hypervisor lets guests enable. */
#include "arch/x86/fpu.h"
#include "arch/x86/vmx/vmx_event.h"
#include "arch/x86/vmx/vmx_exit.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */

static bool xcr0_valid(uint64_t v)
{
	if (!(v & XCR0_X87) || (v & ~fpu_host_xcr0()))
		return false;
	if ((v & XCR0_AVX) && !(v & XCR0_SSE))
		return false;
	if (v & XCR0_AVX512)
		return (v & XCR0_AVX512) == XCR0_AVX512 && (v & XCR0_AVX);
	return true;
}

void vmx_exit_xsetbv(struct vcpu *v)
{
	uint64_t *r = v->arch.regs.gpr;
	uint64_t value = (r[GUEST_REG_RDX] << 32) | (uint32_t)r[GUEST_REG_RAX];

	if ((uint32_t)r[GUEST_REG_RCX] != 0 || !xcr0_valid(value)) {
		vmx_inject_gp0(v);
		return;
	}
	v->arch.ctx.xcr0 = value;
	fpu_set_xcr0(value); /* the vCPU runs with its own XCR0 */
	vmx_skip_instruction();
}
