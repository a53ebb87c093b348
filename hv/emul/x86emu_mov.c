/* The data movements: MOV (88-8B, A0-A3, C6/C7 /0), MOVZX and MOVSX
 * (0F B6/B7/BE/BF) and XCHG (86/87), per their SDM Vol. 2 pages; no flags. */
#include "hv/emul/x86emu_internal.h"

/* XCHG with memory is locked by the CPU whatever the prefixes say (Vol. 2
 * "XCHG"); the callbacks already make each access whole. The memory write
 * comes first so that a fault leaves the register untouched. */
static enum x86emu_result xchg(struct x86emu_regs *regs, const struct x86emu_ops *ops, void *ctx,
			       const struct x86emu_insn *insn, struct x86emu_out *out)
{
	unsigned size = insn->opsize;
	uint64_t a, b = x86emu_get_reg(regs, insn->reg, size);
	enum x86emu_result r = x86emu_read_operand(regs, ops, ctx, insn, insn->rm, size, &a, out);
	if (r != X86EMU_OK)
		return r;
	if ((r = x86emu_write_memory(ops, ctx, insn, insn->rm, size, b, out)) != X86EMU_OK)
		return r;
	if (!insn->rm.mem)
		x86emu_set_reg(regs, insn->rm, size, b);
	x86emu_set_reg(regs, insn->reg, size, a);
	return X86EMU_OK;
}

static enum x86emu_result mov(struct x86emu_regs *regs, const struct x86emu_ops *ops, void *ctx,
			      const struct x86emu_insn *insn, struct x86emu_out *out)
{
	const struct x86emu_operand acc = { .reg = 0 }, moffs = { .mem = true };
	unsigned size = insn->opsize;
	uint64_t v;
	enum x86emu_result r;
	switch (insn->op) {
	case 0x88: case 0x89: case 0xc6: case 0xc7:
		v = insn->op >= 0xc6 ? insn->imm : x86emu_get_reg(regs, insn->reg, size);
		if ((r = x86emu_write_memory(ops, ctx, insn, insn->rm, size, v, out)) != X86EMU_OK)
			return r;
		if (!insn->rm.mem)
			x86emu_set_reg(regs, insn->rm, size, v);
		return X86EMU_OK;
	case 0x8a: case 0x8b:
		r = x86emu_read_operand(regs, ops, ctx, insn, insn->rm, size, &v, out);
		if (r == X86EMU_OK)
			x86emu_set_reg(regs, insn->reg, size, v);
		return r;
	case 0xa0: case 0xa1:
		r = x86emu_read_operand(regs, ops, ctx, insn, moffs, size, &v, out);
		if (r == X86EMU_OK)
			x86emu_set_reg(regs, acc, size, v);
		return r;
	default: /* A2, A3 */
		return x86emu_write_memory(ops, ctx, insn, moffs, size, x86emu_get_reg(regs, acc, size),
					   out);
	}
}

/* MOVZX/MOVSX: the source is a byte (B6, BE) or a word (B7, BF), extended
 * to the operand size. */
static enum x86emu_result movx(struct x86emu_regs *regs, const struct x86emu_ops *ops, void *ctx,
			       const struct x86emu_insn *insn, struct x86emu_out *out)
{
	unsigned src = insn->op & 1 ? 2 : 1;
	uint64_t v;
	enum x86emu_result r = x86emu_read_operand(regs, ops, ctx, insn, insn->rm, src, &v, out);
	if (r != X86EMU_OK)
		return r;
	if (insn->op >= 0xbe)
		v = x86emu_sext(v, src);
	x86emu_set_reg(regs, insn->reg, insn->opsize, v);
	return X86EMU_OK;
}

enum x86emu_result x86emu_exec_mov(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				   void *ctx, const struct x86emu_insn *insn, struct x86emu_out *out)
{
	enum x86emu_result r;
	if (insn->two_byte)
		r = movx(regs, ops, ctx, insn, out);
	else if (insn->op == 0x86 || insn->op == 0x87)
		r = xchg(regs, ops, ctx, insn, out);
	else
		r = mov(regs, ops, ctx, insn, out);
	if (r == X86EMU_OK)
		regs->rip = x86emu_rip_next(regs, insn);
	return r;
}
