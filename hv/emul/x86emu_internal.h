/* What the emulator's parts share: the decoded instruction, the decoder, the
 * flag arithmetic and the executors of each instruction family. */
#ifndef HV_EMUL_X86EMU_INTERNAL_H
#define HV_EMUL_X86EMU_INTERNAL_H

#include "hv/emul/x86emu.h"

#define X86EMU_NO_REG 0xff

/* An operand: a register (reg, or bits 15:8 of reg for AH..BH) or memory. */
struct x86emu_operand {
	bool mem;
	uint8_t reg;
	bool high8;
};

struct x86emu_insn {
	unsigned len;
	uint8_t op;         /* the opcode byte; after 0F when two_byte */
	bool two_byte;
	unsigned opsize;    /* 1, 2, 4 or 8: the size the opcode operates on */
	unsigned addrsize;  /* 2, 4 or 8 */
	uint8_t rex;        /* 0 when none applies */
	bool lock;
	uint8_t rep;        /* 0, 0xF2 or 0xF3 */
	enum x86_seg seg;   /* the data segment: the override, else DS or SS */
	bool has_modrm;
	uint8_t modrm_reg;  /* ModRM.reg extended by REX.R */
	struct x86emu_operand rm;  /* the ModRM r/m operand */
	struct x86emu_operand reg; /* the ModRM reg operand, as a register */
	uint64_t ea;        /* a memory r/m or moffs: the effective address */
	uint64_t imm;       /* sign- or zero-extended as the opcode says */
};

/* Formats out->msg and returns X86EMU_UNSUPPORTED. */
__attribute__((format(printf, 2, 3)))
enum x86emu_result x86emu_unsupported(struct x86emu_out *out, const char *fmt, ...);

/* Sets out->fault to the exception vector (with error code 0 when has_ec)
 * and out->msg to why, and returns X86EMU_FAULT. */
enum x86emu_result x86emu_raise(struct x86emu_out *out, uint8_t vector, bool has_ec,
				const char *why);

/* Decodes the instruction at regs->rip into insn (ea already computed from
 * regs, RIP-relative included). */
enum x86emu_result x86emu_decode(const struct x86emu_regs *regs, const struct x86emu_ops *ops,
				 void *ctx, struct x86emu_insn *insn, struct x86emu_out *out);

uint64_t x86emu_mask(unsigned bytes);
uint64_t x86emu_sext(uint64_t v, unsigned bytes);

/* Register access as the CPU writes (SDM Vol. 1 3.4.1.1): 8- and 16-bit
 * writes keep the rest, 32-bit ones clear bits 63:32. */
uint64_t x86emu_get_reg(const struct x86emu_regs *regs, struct x86emu_operand o, unsigned size);
void x86emu_set_reg(struct x86emu_regs *regs, struct x86emu_operand o, unsigned size, uint64_t v);

/* Memory through the callbacks, little-endian values of size bytes. */
enum x86emu_result x86emu_load(const struct x86emu_ops *ops, void *ctx, enum x86_seg seg,
			       uint64_t offset, unsigned size, uint64_t *v, struct x86emu_out *out);
enum x86emu_result x86emu_store(const struct x86emu_ops *ops, void *ctx, enum x86_seg seg,
				uint64_t offset, unsigned size, uint64_t v, struct x86emu_out *out);

/* An operand of insn: a register, or memory at insn->seg:insn->ea. */
enum x86emu_result x86emu_read_operand(const struct x86emu_regs *regs, const struct x86emu_ops *ops,
				       void *ctx, const struct x86emu_insn *insn,
				       struct x86emu_operand o, unsigned size, uint64_t *v,
				       struct x86emu_out *out);
/* Only memory is written here; a register operand is left for the caller to
 * set once nothing can fault any more. */
enum x86emu_result x86emu_write_memory(const struct x86emu_ops *ops, void *ctx,
				       const struct x86emu_insn *insn, struct x86emu_operand o,
				       unsigned size, uint64_t v, struct x86emu_out *out);

/* The eight arithmetic/logic operations in opcode order (SDM Vol. 2
 * Table A-2 rows 0-3, and group 1's ModRM.reg). */
enum x86emu_alu { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* a op b in size bytes; *rflags gets CF, PF, AF, ZF, SF, OF. */
uint64_t x86emu_alu(enum x86emu_alu op, uint64_t a, uint64_t b, unsigned size, uint64_t *rflags);

/* The instruction families; each leaves regs alone unless it succeeds and
 * sets regs->rip itself (rip_next, or unchanged for an unfinished REP). */
enum x86emu_result x86emu_exec_mov(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				   void *ctx, const struct x86emu_insn *insn, struct x86emu_out *out);
enum x86emu_result x86emu_exec_alu(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				   void *ctx, const struct x86emu_insn *insn, struct x86emu_out *out);
enum x86emu_result x86emu_exec_bt(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				  void *ctx, const struct x86emu_insn *insn, struct x86emu_out *out);
enum x86emu_result x86emu_exec_string(struct x86emu_regs *regs, const struct x86emu_ops *ops,
				      void *ctx, const struct x86emu_insn *insn, unsigned rep_max,
				      struct x86emu_out *out);

/* The next instruction's address, wrapped to the mode's IP width. */
uint64_t x86emu_rip_next(const struct x86emu_regs *regs, const struct x86emu_insn *insn);

#endif
