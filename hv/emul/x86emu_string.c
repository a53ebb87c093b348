/* MOVS, STOS and LODS (A4/A5, AA/AB, AC/AD) with or without REP (Vol. 2
 * "MOVS", "STOS", "LODS", "REP"): one element per iteration, DF's direction. */
#include "hv/emul/x86emu_internal.h"

enum { RAX, RCX, RSI = 6, RDI = 7 };

/* One element: source DS:rSI (or the override) for MOVS and LODS, and
 * destination ES:rDI, never overridden, for MOVS and STOS. Registers change
 * only once its accesses are done. */
static enum x86emu_result element(struct x86emu_regs *regs, const struct x86emu_ops *ops, void *ctx,
				  const struct x86emu_insn *insn, struct x86emu_out *out)
{
	const struct x86emu_operand acc = { .reg = RAX }, si = { .reg = RSI }, di = { .reg = RDI };
	unsigned size = insn->opsize, asz = insn->addrsize;
	uint64_t step = regs->rflags & X86_FLAG_DF ? (uint64_t)0 - size : size;
	uint64_t rsi = x86emu_get_reg(regs, si, asz), rdi = x86emu_get_reg(regs, di, asz), v = 0;
	uint8_t op = insn->op & 0xfe;
	enum x86emu_result r;
	if (op == 0xaa)
		v = x86emu_get_reg(regs, acc, size);
	else if ((r = x86emu_load(ops, ctx, insn->seg, rsi, size, &v, out)) != X86EMU_OK)
		return r;
	if (op != 0xac && (r = x86emu_store(ops, ctx, X86_SEG_ES, rdi, size, v, out)) != X86EMU_OK)
		return r;
	if (op == 0xac)
		x86emu_set_reg(regs, acc, size, v);
	if (op != 0xaa)
		x86emu_set_reg(regs, si, asz, rsi + step);
	if (op != 0xac)
		x86emu_set_reg(regs, di, asz, rdi + step);
	return X86EMU_OK;
}

/* A REP form stops after rep_max elements with RIP still on it, and a fault
 * leaves rCX, rSI and rDI counting the elements done, so that executing it
 * again carries on where it stopped, as the CPU resumes it after an
 * interrupt or exception. F2 acts as F3 on these (no flags to compare). */
enum x86emu_result x86emu_exec_string(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				      void *ctx, const struct x86emu_insn *insn, unsigned rep_max,
				      struct x86emu_out *out)
{
	const struct x86emu_operand cx = { .reg = RCX };
	unsigned asz = insn->addrsize;
	enum x86emu_result r;
	if (!insn->rep) {
		if ((r = element(regs, ops, ctx, insn, out)) == X86EMU_OK)
			regs->rip = x86emu_rip_next(regs, insn);
		return r;
	}
	for (unsigned i = 0; i < rep_max; i++) {
		uint64_t count = x86emu_get_reg(regs, cx, asz);
		if (count == 0)
			break;
		if ((r = element(regs, ops, ctx, insn, out)) != X86EMU_OK)
			return r;
		x86emu_set_reg(regs, cx, asz, count - 1);
	}
	if (x86emu_get_reg(regs, cx, asz) == 0)
		regs->rip = x86emu_rip_next(regs, insn);
	return X86EMU_OK;
}
