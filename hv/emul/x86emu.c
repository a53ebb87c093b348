/* The emulator's entry point and the helpers its parts share: registers as
 * the CPU writes them, memory through the callbacks, results and messages. */
#include <stdarg.h>

#include "hv/emul/x86emu_internal.h"
#include "hv/format.h"
#include "hv/string.h"

enum x86emu_result x86emu_unsupported(struct x86emu_out *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(out->msg, sizeof(out->msg), fmt, ap);
	va_end(ap);
	return X86EMU_UNSUPPORTED;
}

enum x86emu_result x86emu_raise(struct x86emu_out *out, uint8_t vector, bool has_ec,
				const char *why)
{
	out->fault = (struct x86emu_fault){ .vector = vector, .has_error_code = has_ec };
	fmt_snprintf(out->msg, sizeof(out->msg), "%s", why);
	return X86EMU_FAULT;
}

uint64_t x86emu_mask(unsigned bytes)
{
	return bytes >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * bytes)) - 1;
}

uint64_t x86emu_sext(uint64_t v, unsigned bytes)
{
	uint64_t sign = (uint64_t)1 << (8 * bytes - 1);
	v &= x86emu_mask(bytes);
	return (v ^ sign) - sign;
}

uint64_t x86emu_get_reg(const struct x86emu_regs *regs, struct x86emu_operand o, unsigned size)
{
	uint64_t v = regs->gpr[o.reg];
	return (o.high8 ? v >> 8 : v) & x86emu_mask(size);
}

void x86emu_set_reg(struct x86emu_regs *regs, struct x86emu_operand o, unsigned size, uint64_t v)
{
	uint64_t *r = &regs->gpr[o.reg];
	if (o.high8)
		*r = (*r & ~(uint64_t)0xff00) | ((v & 0xff) << 8);
	else if (size == 4)
		*r = v & 0xffffffffu;
	else
		*r = (*r & ~x86emu_mask(size)) | (v & x86emu_mask(size));
}

/* A callback's answer: anything but OK or FAULT is a refusal. */
static enum x86emu_result callback(int r, const char *what, enum x86_seg seg, uint64_t offset,
				   struct x86emu_out *out)
{
	if (r == X86EMU_OK || r == X86EMU_FAULT)
		return (enum x86emu_result)r;
	return x86emu_unsupported(out, "%s of seg %d offset %#llx refused", what, (int)seg,
				  (unsigned long long)offset);
}

enum x86emu_result x86emu_load(const struct x86emu_ops *ops, void *ctx, enum x86_seg seg,
			       uint64_t offset, unsigned size, uint64_t *v, struct x86emu_out *out)
{
	uint8_t buf[8];
	memset(buf, 0, sizeof(buf));
	enum x86emu_result r = callback(ops->read(ctx, seg, offset, buf, size, &out->fault), "read",
					seg, offset, out);
	*v = 0;
	for (unsigned i = 0; i < size; i++)
		*v |= (uint64_t)buf[i] << (8 * i);
	return r;
}

enum x86emu_result x86emu_store(const struct x86emu_ops *ops, void *ctx, enum x86_seg seg,
				uint64_t offset, unsigned size, uint64_t v, struct x86emu_out *out)
{
	uint8_t buf[8];
	for (unsigned i = 0; i < size; i++)
		buf[i] = (uint8_t)(v >> (8 * i));
	return callback(ops->write(ctx, seg, offset, buf, size, &out->fault), "write", seg, offset,
			out);
}

enum x86emu_result x86emu_read_operand(const struct x86emu_regs *regs, const struct x86emu_ops *ops,
				       void *ctx, const struct x86emu_insn *insn,
				       struct x86emu_operand o, unsigned size, uint64_t *v,
				       struct x86emu_out *out)
{
	if (o.mem)
		return x86emu_load(ops, ctx, insn->seg, insn->ea, size, v, out);
	*v = x86emu_get_reg(regs, o, size);
	return X86EMU_OK;
}

enum x86emu_result x86emu_write_memory(const struct x86emu_ops *ops, void *ctx,
				       const struct x86emu_insn *insn, struct x86emu_operand o,
				       unsigned size, uint64_t v, struct x86emu_out *out)
{
	if (!o.mem)
		return X86EMU_OK;
	return x86emu_store(ops, ctx, insn->seg, insn->ea, size, v, out);
}

/* Which family carries the opcode out; the decoder accepted only these. */
static bool is_alu(const struct x86emu_insn *insn)
{
	uint8_t op = insn->op;
	if (insn->two_byte)
		return op == 0xb0 || op == 0xb1;
	return op < 0x40 || (op >= 0x80 && op <= 0x85) || op == 0xa8 || op == 0xa9 || op == 0xf6 ||
	       op == 0xf7;
}

enum x86emu_result x86emu_run(struct x86emu_regs *regs, const struct x86emu_ops *ops, void *ctx,
			      unsigned rep_max, struct x86emu_out *out)
{
	struct x86emu_insn insn;
	*out = (struct x86emu_out){ .len = 0 };
	enum x86emu_result r = x86emu_decode(regs, ops, ctx, &insn, out);
	if (r != X86EMU_OK)
		return r;
	uint8_t op = insn.op;
	if (insn.two_byte && (op == 0xa3 || op == 0xab || op == 0xb3 || op == 0xbb || op == 0xba))
		return x86emu_exec_bt(regs, ops, ctx, &insn, out);
	if (!insn.two_byte && op >= 0xa4 && op <= 0xad && op != 0xa8 && op != 0xa9)
		return x86emu_exec_string(regs, ops, ctx, &insn, rep_max ? rep_max : 1, out);
	if (is_alu(&insn))
		return x86emu_exec_alu(regs, ops, ctx, &insn, out);
	return x86emu_exec_mov(regs, ops, ctx, &insn, out);
}
