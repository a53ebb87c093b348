/* INS and OUTS, with or without REP (SDM 2 INS/OUTS; SDM 3C 28.2.5 for the
 * VM-exit instruction-information field). The address size and OUTS's
 * segment come from that field when IA32_VMX_BASIC[54] says the CPU
 * provides it, else from the instruction's own prefixes. Each element goes
 * through the guest's paging to its RAM and through the domain's port bus. */
#include "arch/x86/cpu.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_cpu.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/vmx/vmx_guest_memory.h"
#include "hv/log.h"

/* A long REP is done in slices: the instruction stays at RIP with RCX
 * lowered and exits again, so interrupts are not held off for long. */
#define MAX_ELEMENTS_PER_EXIT 4096
#define RFLAGS_DF (1u << 10)
#define SEG_ES 0
#define SEG_DS 3

/* Segment base fields in the order of the instruction-information encoding. */
static const uint32_t seg_base_field[6] = {
	VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE, VMCS_GUEST_SS_BASE,
	VMCS_GUEST_DS_BASE, VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE,
};

struct string_op {
	unsigned int addr_bytes; /* 2, 4 or 8 */
	unsigned int seg;        /* OUTS's source segment; INS writes ES:rDI */
};

/* Prefixes decide when the CPU does not report them (SDM 2 2.1.1). */
static bool decode_prefixes(const struct vcpu *v, enum x86emu_mode mode, struct string_op *op)
{
	uint8_t bytes[15];
	uint64_t linear = vmcs_read(VMCS_GUEST_CS_BASE) + vmcs_read(VMCS_GUEST_RIP);
	size_t n = vmx_guest_read_linear(v, mode == X86EMU_MODE_64 ? linear : linear & 0xffffffffull,
					 bytes, sizeof(bytes), true);
	bool addr_toggle = false;

	op->seg = SEG_DS;
	for (size_t i = 0; i < n; i++) {
		switch (bytes[i]) {
		case 0x67: addr_toggle = true; continue;
		case 0x26: op->seg = 0; continue;
		case 0x2e: op->seg = 1; continue;
		case 0x36: op->seg = 2; continue;
		case 0x3e: op->seg = 3; continue;
		case 0x64: op->seg = 4; continue;
		case 0x65: op->seg = 5; continue;
		case 0x66: case 0xf2: case 0xf3: continue;
		default:
			if (mode == X86EMU_MODE_64 && (bytes[i] & 0xf0) == 0x40)
				continue; /* REX */
			if (bytes[i] < 0x6c || bytes[i] > 0x6f)
				return false;
			if (mode == X86EMU_MODE_64)
				op->addr_bytes = addr_toggle ? 4 : 8;
			else if (mode == X86EMU_MODE_32)
				op->addr_bytes = addr_toggle ? 2 : 4;
			else
				op->addr_bytes = addr_toggle ? 4 : 2;
			return true;
		}
	}
	return false;
}

static bool describe(const struct vcpu *v, struct string_op *op)
{
	if (vmx_ins_outs_info_usable()) {
		uint64_t info = vmcs_read(VMCS_EXIT_INSTRUCTION_INFO);
		op->addr_bytes = 2u << ((info >> 7) & 7); /* 0: 16, 1: 32, 2: 64 bits */
		op->seg = (unsigned int)((info >> 15) & 7);
		return op->addr_bytes <= 8 && op->seg < 6;
	}
	return decode_prefixes(v, vmx_guest_code_mode(), op);
}

/* Write back a register the way the address size says: 16-bit keeps the
 * upper bits, 32-bit zero-extends, 64-bit replaces. */
static uint64_t with_addr_size(uint64_t old, uint64_t new, unsigned int bytes)
{
	if (bytes == 2)
		return (old & ~0xffffull) | (new & 0xffff);
	return bytes == 4 ? (uint32_t)new : new;
}

void vmx_exit_io_string(struct vcpu *v, uint16_t port, unsigned int size, bool in, bool rep)
{
	uint64_t *r = v->arch.regs.gpr;
	struct string_op op;

	if (!describe(v, &op)) {
		vmx_dump_guest(v, VMX_EXIT_REASON_IO);
		domain_end(v->dom, DOMAIN_END_UNHANDLED_EXIT, 0);
		return;
	}
	uint64_t amask = op.addr_bytes == 8 ? ~0ull : (1ull << (8 * op.addr_bytes)) - 1;
	uint64_t count = rep ? r[GUEST_REG_RCX] & amask : 1;
	int64_t step = (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	unsigned int index = in ? GUEST_REG_RDI : GUEST_REG_RSI;
	uint64_t base = vmcs_read(seg_base_field[in ? SEG_ES : op.seg]);
	uint64_t done = 0;

	for (; done < count && done < MAX_ELEMENTS_PER_EXIT; done++) {
		uint64_t linear = base + (r[index] & amask);
		uint32_t value = 0;
		bool ok;
		if (in) {
			domain_port_io(v->dom, port, size, false, &value);
			ok = vmx_guest_write_linear(v, linear, &value, size);
		} else {
			ok = vmx_guest_read_linear(v, linear, &value, size, false) == size;
			if (ok)
				domain_port_io(v->dom, port, size, true, &value);
		}
		if (!ok) {
			log_err("dom%u %s: %s buffer at linear %#lx is not mapped RAM", v->dom->id,
				v->dom->cfg.name, in ? "INS" : "OUTS", linear);
			domain_end(v->dom, DOMAIN_END_BAD_ACCESS, 0);
			return;
		}
		r[index] = with_addr_size(r[index], r[index] + (uint64_t)step, op.addr_bytes);
	}
	if (rep)
		r[GUEST_REG_RCX] = with_addr_size(r[GUEST_REG_RCX], r[GUEST_REG_RCX] - done, op.addr_bytes);
	if (done == count)
		vmx_skip_instruction();
}
