/* BT, BTS, BTR and BTC (0F A3/AB/B3/BB, and 0F BA /4-/7 with an immediate),
 * per their SDM Vol. 2 pages: CF gets the bit, the rest is unchanged. */
#include "hv/emul/x86emu_internal.h"

/* A register bit offset into memory is a signed index into a bit string
 * starting at the operand (Vol. 2 "BT", and Vol. 1 3.4.3 "Bit Offset"): the
 * operand-size unit holding it lies offset / bits units away, rounded down,
 * so the address moves by that many units, wrapping in the address size. An
 * immediate offset, or any offset into a register, is taken modulo the
 * operand's width. OF, SF, AF and PF are undefined after these and left as
 * they were; ZF is unaffected. */
enum x86emu_result x86emu_exec_bt(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				  void *ctx, const struct x86emu_insn *insn, struct x86emu_out *out)
{
	unsigned size = insn->opsize, bits = 8 * size;
	unsigned shift = size == 2 ? 4 : size == 4 ? 5 : 6;
	struct x86emu_insn at = *insn;
	uint64_t offset, v;
	unsigned action; /* 0 BT, 1 BTS, 2 BTR, 3 BTC */
	if (insn->op == 0xba) {
		offset = insn->imm;
		action = (insn->modrm_reg & 7) - 4;
	} else {
		offset = x86emu_get_reg(regs, insn->reg, size);
		action = insn->op == 0xa3 ? 0 : insn->op == 0xab ? 1 : insn->op == 0xb3 ? 2 : 3;
		if (insn->rm.mem) {
			uint64_t s = x86emu_sext(offset, size);
			uint64_t units = s >> shift;
			if (s >> 63)
				units |= ~(~(uint64_t)0 >> shift);
			at.ea = (insn->ea + units * size) & x86emu_mask(insn->addrsize);
		}
	}
	uint64_t bit = (uint64_t)1 << (offset & (bits - 1));
	enum x86emu_result r = x86emu_read_operand(regs, ops, ctx, &at, at.rm, size, &v, out);
	if (r != X86EMU_OK)
		return r;
	bool cf = (v & bit) != 0;
	if (action != 0) {
		v = action == 1 ? v | bit : action == 2 ? v & ~bit : v ^ bit;
		if ((r = x86emu_write_memory(ops, ctx, &at, at.rm, size, v, out)) != X86EMU_OK)
			return r;
		if (!at.rm.mem)
			x86emu_set_reg(regs, at.rm, size, v);
	}
	regs->rflags = (regs->rflags & ~(uint64_t)X86_FLAG_CF) | (cf ? X86_FLAG_CF : 0);
	regs->rip = x86emu_rip_next(regs, insn);
	return X86EMU_OK;
}
