/* ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST and CMPXCHG, with the status
 * flags each sets (SDM Vol. 2 instruction pages, Vol. 1 3.4.3.1). */
#include "hv/emul/x86emu_internal.h"

/* PF: set when the low byte of the result has an even number of ones. */
static bool even_parity(uint64_t r)
{
	uint8_t b = (uint8_t)r;
	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

/* The carries come from the operands' and result's top bits, which works at
 * 64 bits with no wider type: a carry (or borrow) out of the top bit is the
 * majority of the operands' top bits and the carry into it, and OF is set
 * when the carry into the top bit differs from the carry out. AF is the
 * carry out of bit 3, seen in bit 4 of a ^ b ^ r. The logic operations clear
 * CF and OF (their pages); AF is undefined there and cleared here. */
uint64_t x86emu_alu(enum x86emu_alu op, uint64_t a, uint64_t b, unsigned size, uint64_t *rflags)
{
	uint64_t m = x86emu_mask(size), msb = (uint64_t)1 << (8 * size - 1);
	uint64_t cin = *rflags & X86_FLAG_CF ? 1 : 0, r, cf = 0, of = 0, af = 0;
	a &= m;
	b &= m;
	switch (op) {
	case ALU_ADD:
	case ALU_ADC:
		r = a + b + (op == ALU_ADC ? cin : 0);
		cf = ((a & b) | ((a | b) & ~r)) & msb;
		of = (a ^ r) & (b ^ r) & msb;
		af = (a ^ b ^ r) & 0x10;
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
		r = a - b - (op == ALU_SBB ? cin : 0);
		cf = ((~a & b) | ((~a | b) & r)) & msb;
		of = (a ^ b) & (a ^ r) & msb;
		af = (a ^ b ^ r) & 0x10;
		break;
	case ALU_OR:
		r = a | b;
		break;
	case ALU_AND:
		r = a & b;
		break;
	default:
		r = a ^ b;
		break;
	}
	r &= m;
	uint64_t f = *rflags & ~(uint64_t)X86_FLAGS_ARITH;
	f |= cf ? X86_FLAG_CF : 0;
	f |= of ? X86_FLAG_OF : 0;
	f |= af ? X86_FLAG_AF : 0;
	f |= even_parity(r) ? X86_FLAG_PF : 0;
	f |= r == 0 ? X86_FLAG_ZF : 0;
	f |= r & msb ? X86_FLAG_SF : 0;
	*rflags = f;
	return r;
}

/* CMPXCHG (Vol. 2 "CMPXCHG"): flags as CMP accumulator, destination. The
 * destination always receives a write, as the SDM's Operation says: the
 * source when equal, its own value back otherwise (the CPU's bus cycle, so
 * a read-only page faults either way); the accumulator is loaded only when
 * they differ. */
static enum x86emu_result cmpxchg(struct x86emu_regs *regs, const struct x86emu_ops *ops, void *ctx,
				  const struct x86emu_insn *insn, struct x86emu_out *out)
{
	unsigned size = insn->opsize;
	struct x86emu_operand acc = { .reg = 0 };
	uint64_t dest, flags = regs->rflags;
	enum x86emu_result r = x86emu_read_operand(regs, ops, ctx, insn, insn->rm, size, &dest, out);
	if (r != X86EMU_OK)
		return r;
	x86emu_alu(ALU_CMP, x86emu_get_reg(regs, acc, size), dest, size, &flags);
	bool equal = flags & X86_FLAG_ZF;
	uint64_t value = equal ? x86emu_get_reg(regs, insn->reg, size) : dest;
	if ((r = x86emu_write_memory(ops, ctx, insn, insn->rm, size, value, out)) != X86EMU_OK)
		return r;
	if (!insn->rm.mem)
		x86emu_set_reg(regs, insn->rm, size, value);
	if (!equal)
		x86emu_set_reg(regs, acc, size, dest);
	regs->rflags = flags;
	regs->rip = x86emu_rip_next(regs, insn);
	return X86EMU_OK;
}

/* Which operation, destination and source an opcode names: the ALU rows
 * (00-3D), group 1 (80-83, by ModRM.reg), and TEST (84, 85, A8, A9, F6 /0
 * and its alias /1, F7). TEST is AND that writes nothing. */
static void operands(const struct x86emu_insn *insn, enum x86emu_alu *op, bool *test,
		     struct x86emu_operand *dst, struct x86emu_operand *src, bool *src_imm)
{
	const struct x86emu_operand acc = { .reg = 0 };
	uint8_t o = insn->op;
	*test = false;
	*src_imm = false;
	if (o < 0x40) {
		*op = (enum x86emu_alu)(o >> 3);
		switch (o & 7) {
		case 0: case 1: *dst = insn->rm; *src = insn->reg; break;
		case 2: case 3: *dst = insn->reg; *src = insn->rm; break;
		default: *dst = acc; *src_imm = true; break;
		}
		return;
	}
	if (o >= 0x80 && o <= 0x83) {
		*op = (enum x86emu_alu)(insn->modrm_reg & 7);
		*dst = insn->rm;
		*src_imm = true;
		return;
	}
	*op = ALU_AND;
	*test = true;
	if (o == 0x84 || o == 0x85) {
		*dst = insn->rm;
		*src = insn->reg;
	} else if (o == 0xa8 || o == 0xa9) {
		*dst = acc;
		*src_imm = true;
	} else {
		*dst = insn->rm;
		*src_imm = true;
	}
}

enum x86emu_result x86emu_exec_alu(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				   void *ctx, const struct x86emu_insn *insn, struct x86emu_out *out)
{
	if (insn->two_byte)
		return cmpxchg(regs, ops, ctx, insn, out);
	enum x86emu_alu op;
	bool test, src_imm;
	struct x86emu_operand dst, src = { .reg = 0 };
	operands(insn, &op, &test, &dst, &src, &src_imm);
	unsigned size = insn->opsize;
	uint64_t a, b, flags = regs->rflags;
	enum x86emu_result r = x86emu_read_operand(regs, ops, ctx, insn, dst, size, &a, out);
	if (r != X86EMU_OK)
		return r;
	if (src_imm)
		b = insn->imm;
	else if ((r = x86emu_read_operand(regs, ops, ctx, insn, src, size, &b, out)) != X86EMU_OK)
		return r;
	uint64_t v = x86emu_alu(op, a, b, size, &flags);
	if (!test && op != ALU_CMP) {
		if ((r = x86emu_write_memory(ops, ctx, insn, dst, size, v, out)) != X86EMU_OK)
			return r;
		if (!dst.mem)
			x86emu_set_reg(regs, dst, size, v);
	}
	regs->rflags = flags;
	regs->rip = x86emu_rip_next(regs, insn);
	return X86EMU_OK;
}
