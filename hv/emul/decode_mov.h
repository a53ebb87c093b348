/* A decoder for the MOV forms that access memory (SDM Vol. 2 "MOV", "MOVZX",
 * "MOVSX"), enough to complete an MMIO exit until the full emulator exists. */
#ifndef HV_EMUL_DECODE_MOV_H
#define HV_EMUL_DECODE_MOV_H

#include "hv/types.h"

/* An instruction longer than this raises #GP (SDM Vol. 2 2.3.11, Vol. 3A
 * 6.15 "Interrupt 13"). */
#define MOV_MAX_LEN 15

/* The code segment's default operand and address size: 16 in real and
 * virtual-8086 mode and with CS.D = 0, 32 with CS.D = 1, 64 in 64-bit mode
 * (EFER.LMA = 1 and CS.L = 1; compatibility mode goes by CS.D). */
enum mov_mode { MOV_MODE_16, MOV_MODE_32, MOV_MODE_64 };

/* Segment registers numbered as the sreg field encodes them (SDM Vol. 2
 * Appendix B): ES, CS, SS, DS, FS, GS. */
enum mov_seg { MOV_SEG_ES, MOV_SEG_CS, MOV_SEG_SS, MOV_SEG_DS, MOV_SEG_FS, MOV_SEG_GS };

/* Where a store's value comes from. */
enum mov_src { MOV_REG, MOV_IMM };

#define MOV_NO_REG 0xff

struct mov_insn {
	unsigned len;      /* bytes, prefixes through the last immediate byte */
	bool write;        /* true: register or immediate to memory; false: memory to register */
	unsigned size;     /* the memory operand: 1, 2, 4 or 8 bytes */
	enum mov_src src;  /* for a write */
	unsigned reg;      /* the register operand, 0-15 (RAX .. R15); for MOV_IMM, 0 */
	bool high_byte;    /* the register operand is bits 15:8 of reg: AH, CH, DH, BH */
	unsigned reg_size; /* the register operand: size, but for MOVZX/MOVSX the destination's */
	uint64_t imm;      /* MOV_IMM: the value stored, already size bytes wide */
	bool zero_extend;  /* MOVZX */
	bool sign_extend;  /* MOVSX */
	enum mov_seg seg;  /* the override (in 64-bit mode only FS and GS count),
	                    * else DS, or SS for an rBP or rSP base */
	enum mov_mode mode;
	/* The effective address: base + index * scale + disp, or the next
	 * instruction's address + disp when rip_relative, wrapped to addr_size
	 * bytes. A moffs is a disp with neither base nor index. */
	unsigned addr_size; /* 2, 4 or 8 */
	uint8_t base;       /* a register number, or MOV_NO_REG */
	uint8_t index;      /* likewise */
	uint8_t scale;      /* 1, 2, 4 or 8 */
	bool rip_relative;
	uint64_t disp;      /* sign-extended, or the moffs zero-extended */
};

enum mov_status {
	MOV_OK,
	MOV_TRUNCATED,      /* the bytes given end inside the instruction */
	MOV_TOO_LONG,       /* it would run past 15 bytes (#GP) */
	MOV_UNKNOWN_OPCODE, /* not one of the MOV forms below */
	MOV_NO_MEMORY,      /* ModRM.mod = 3: a register operand, nothing for MMIO */
	MOV_BAD_MODRM_REG,  /* C6/C7 with ModRM.reg other than 0 (XABORT, XBEGIN, #UD) */
	MOV_LOCK,           /* LOCK on MOV is #UD */
	MOV_REP,            /* F2/F3 on MOV (ignored REP, or XACQUIRE/XRELEASE): refused */
};

/* Decodes 88/89/8A/8B, C6/C7 /0, A0-A3 and 0F B6/B7/BE/BF with memory
 * operands from the first n bytes (at most 15 are looked at), with prefixes
 * 66, 67, segment overrides and, in 64-bit mode, REX. On failure err holds a
 * line naming the opcode (when one was reached) and the reason; err may be
 * NULL when errlen is 0. */
enum mov_status mov_decode(const uint8_t *bytes, size_t n, enum mov_mode mode,
			   struct mov_insn *insn, char *err, size_t errlen);

/* The effective address (the offset in insn->seg; the caller adds the
 * segment base and checks limits, or canonicality); rip_next is the address
 * of the next instruction, the base of RIP-relative addressing. */
uint64_t mov_effective_address(const struct mov_insn *insn, const uint64_t gpr[16],
			       uint64_t rip_next);

/* A write's value: the immediate, or the register operand, size bytes wide. */
uint64_t mov_store_value(const struct mov_insn *insn, const uint64_t gpr[16]);

/* Completes a read: value holds the size bytes read (higher bits ignored);
 * MOVZX/MOVSX extend it, then it goes into the register as the CPU writes
 * one (SDM Vol. 1 3.4.1.1): 8- and 16-bit destinations keep the rest of the
 * register, 32-bit ones clear bits 63:32. */
void mov_apply_load(const struct mov_insn *insn, uint64_t gpr[16], uint64_t value);

#endif
