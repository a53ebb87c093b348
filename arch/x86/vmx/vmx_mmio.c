/* MMIO emulation (see vmx_mmio.h). The exit gives the guest-physical
 * address; the instruction says the size, the direction and the register. */
#include "arch/x86/vmx/vmx_mmio.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/vmx/vmx_guest_memory.h"
#include "hv/log.h"

#define MAX_INSN_LEN 15

static bool fetch_and_decode(struct vcpu *v, struct mov_insn *insn)
{
	uint8_t bytes[MAX_INSN_LEN];
	char why[96];
	uint64_t rip = vmcs_read(VMCS_GUEST_RIP);
	uint64_t linear = vmcs_read(VMCS_GUEST_CS_BASE) + rip;
	enum mov_mode mode = vmx_guest_code_mode();

	if (mode != MOV_MODE_64)
		linear &= 0xffffffffull;
	size_t n = vmx_guest_read_linear(v, linear, bytes, sizeof(bytes), true);
	if (mov_decode(bytes, n, mode, insn, why, sizeof(why)) != MOV_OK) {
		log_err("dom%u %s: MMIO access by an instruction not emulated at rip=%#lx: %s", v->dom->id,
			v->dom->cfg.name, rip, why);
		return false;
	}
	return true;
}

bool vmx_emulate_mmio(struct vcpu *v, uint64_t gpa)
{
	struct mov_insn insn;
	uint64_t *gpr = v->arch.regs.gpr;

	if (!fetch_and_decode(v, &insn))
		return false;
	/* The decoder sees RSP among the GPRs; the VMCS holds it. */
	gpr[GUEST_REG_RSP] = vmcs_read(VMCS_GUEST_RSP);
	uint64_t value = insn.write ? mov_store_value(&insn, gpr) : 0;
	enum mmio_result res = mmio_bus_access(&v->dom->mmio, gpa, insn.size, insn.write, &value);
	if (res != MMIO_CLAIMED) {
		log_err("dom%u %s: %u-byte MMIO %s at %#lx is not inside one device's region", v->dom->id,
			v->dom->cfg.name, insn.size, insn.write ? "write" : "read", gpa);
		return false;
	}
	if (!insn.write) {
		mov_apply_load(&insn, gpr, value);
		vmcs_write(VMCS_GUEST_RSP, gpr[GUEST_REG_RSP]);
	}
	vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + insn.len);
	return true;
}
