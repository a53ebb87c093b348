/* The emulator's decoder: prefixes, opcode, ModRM/SIB and the effective
 * address (SDM Vol. 2 chapter 2, Tables 2-1 to 2-3), displacement, immediate. */
#include "hv/emul/x86emu_internal.h"

/* What an opcode takes (SDM Vol. 2 Appendix A, Tables ). */
#define D_MODRM (1u << 0)
#define D_BYTE (1u << 1)   /* operates on bytes whatever the operand size */
#define D_IMM8 (1u << 2)   /* Ib, zero-extended (a byte operand, or BT's bit offset) */
#define D_IMM8S (1u << 3)  /* Ib sign-extended to the operand size (83) */
#define D_IMMZ (1u << 4)   /* Iz: 2 bytes, or 4 sign-extended to 64 bits */
#define D_MOFFS (1u << 5)  /* an address-size offset (A0-A3) */
#define D_LOCK (1u << 6)   /* LOCK allowed with a memory destination */
#define D_STRING (1u << 7) /* REP allowed */
#define D_OK (1u << 8)

struct dec {
	const struct x86emu_regs *regs;
	const struct x86emu_ops *ops;
	void *ctx;
	struct x86emu_out *out;
	unsigned pos;
	bool rip_relative;
};

static unsigned ip_bytes(enum x86emu_mode mode)
{
	return mode == X86EMU_MODE_64 ? 8 : mode == X86EMU_MODE_32 ? 4 : 2;
}

/* One byte at CS:RIP + pos; past 15 bytes the instruction is #GP(0) however
 * the bytes continue (Vol. 2 2.3.11). */
static enum x86emu_result next(struct dec *d, uint8_t *b)
{
	if (d->pos >= X86EMU_MAX_LEN)
		return x86emu_raise(d->out, X86_EXC_GP, true, "longer than 15 bytes");
	uint64_t off = (d->regs->rip + d->pos) & x86emu_mask(ip_bytes(d->regs->mode));
	int r = d->ops->fetch(d->ctx, off, b, &d->out->fault);
	if (r == X86EMU_FAULT)
		return X86EMU_FAULT;
	if (r != X86EMU_OK)
		return x86emu_unsupported(d->out, "instruction fetch at offset %u refused", d->pos);
	d->pos++;
	return X86EMU_OK;
}

/* size bytes little-endian, sign-extended when sext. */
static enum x86emu_result take(struct dec *d, unsigned size, bool sext, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < size; i++) {
		uint8_t b;
		enum x86emu_result r = next(d, &b);
		if (r != X86EMU_OK)
			return r;
		*v |= (uint64_t)b << (8 * i);
	}
	if (sext)
		*v = x86emu_sext(*v, size);
	return X86EMU_OK;
}

static unsigned classify(uint8_t op, bool two_byte, enum x86emu_mode mode)
{
	if (two_byte) {
		switch (op) {
		case 0xb0: return D_OK | D_MODRM | D_BYTE | D_LOCK;       /* CMPXCHG Eb,Gb */
		case 0xb1: return D_OK | D_MODRM | D_LOCK;                /* CMPXCHG Ev,Gv */
		case 0xb6: case 0xbe: return D_OK | D_MODRM;              /* MOVZX/MOVSX Gv,Eb */
		case 0xb7: case 0xbf: return D_OK | D_MODRM;              /* MOVZX/MOVSX Gv,Ew */
		case 0xa3: return D_OK | D_MODRM;                         /* BT Ev,Gv */
		case 0xab: case 0xb3: case 0xbb: return D_OK | D_MODRM | D_LOCK; /* BTS/BTR/BTC */
		case 0xba: return D_OK | D_MODRM | D_IMM8 | D_LOCK;       /* group 8 */
		default: return 0;
		}
	}
	if (op < 0x40 && (op & 7) < 6) {
		/* The ALU rows: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz. */
		static const unsigned form[6] = { D_MODRM | D_BYTE | D_LOCK, D_MODRM | D_LOCK,
						  D_MODRM | D_BYTE, D_MODRM, D_BYTE | D_IMM8, D_IMMZ };
		return D_OK | form[op & 7];
	}
	switch (op) {
	case 0x80: return D_OK | D_MODRM | D_BYTE | D_IMM8 | D_LOCK;
	case 0x81: return D_OK | D_MODRM | D_IMMZ | D_LOCK;
	case 0x82: return mode == X86EMU_MODE_64 ? 0 : D_OK | D_MODRM | D_BYTE | D_IMM8 | D_LOCK;
	case 0x83: return D_OK | D_MODRM | D_IMM8S | D_LOCK;
	case 0x84: return D_OK | D_MODRM | D_BYTE;                /* TEST Eb,Gb */
	case 0x85: return D_OK | D_MODRM;
	case 0x86: return D_OK | D_MODRM | D_BYTE | D_LOCK;       /* XCHG */
	case 0x87: return D_OK | D_MODRM | D_LOCK;
	case 0x88: case 0x8a: return D_OK | D_MODRM | D_BYTE;     /* MOV */
	case 0x89: case 0x8b: return D_OK | D_MODRM;
	case 0xa0: case 0xa2: return D_OK | D_BYTE | D_MOFFS;
	case 0xa1: case 0xa3: return D_OK | D_MOFFS;
	case 0xa4: case 0xaa: case 0xac: return D_OK | D_BYTE | D_STRING; /* MOVS/STOS/LODS */
	case 0xa5: case 0xab: case 0xad: return D_OK | D_STRING;
	case 0xa8: return D_OK | D_BYTE | D_IMM8;                 /* TEST AL,Ib */
	case 0xa9: return D_OK | D_IMMZ;
	case 0xc6: return D_OK | D_MODRM | D_BYTE | D_IMM8;       /* MOV Eb,Ib */
	case 0xc7: return D_OK | D_MODRM | D_IMMZ;
	case 0xf6: return D_OK | D_MODRM | D_BYTE | D_IMM8;       /* group 3: TEST only */
	case 0xf7: return D_OK | D_MODRM | D_IMMZ;
	default: return 0;
	}
}

/* 16-bit addressing (Table 2-1): eight base/index pairs, rm 6 with mod 0 a
 * bare disp16; BP-based forms default to SS. */
static enum x86emu_result modrm16(struct dec *d, unsigned mod, unsigned rm, struct x86emu_insn *insn)
{
	enum { BX = 3, BP = 5, SI = 6, DI = 7, NO = X86EMU_NO_REG };
	static const uint8_t base[8] = { BX, BX, BP, BP, SI, DI, BP, BX };
	static const uint8_t index[8] = { SI, DI, SI, DI, NO, NO, NO, NO };
	uint64_t disp = 0;
	enum x86emu_result r = X86EMU_OK;
	if (mod == 0 && rm == 6)
		return take(d, 2, false, &insn->ea);
	if (mod == 1)
		r = take(d, 1, true, &disp);
	else if (mod == 2)
		r = take(d, 2, false, &disp);
	if (r != X86EMU_OK)
		return r;
	insn->ea = disp + d->regs->gpr[base[rm]];
	if (index[rm] != NO)
		insn->ea += d->regs->gpr[index[rm]];
	if (base[rm] == BP)
		insn->seg = X86_SEG_SS;
	return X86EMU_OK;
}

/* 32/64-bit addressing (Tables 2-2, 2-3): rm 4 brings a SIB byte, rm 5 with
 * mod 0 is disp32 (RIP-relative in 64-bit mode, 2.2.1.6), SIB base 5 with
 * mod 0 has no base; index 4 (without REX.X) is none. The special cases go
 * by the 3-bit fields, before REX extends them. rSP and rBP bases default
 * to SS, R12 and R13 do not (they are not the stack registers). */
static enum x86emu_result modrm32(struct dec *d, unsigned mod, unsigned rm, struct x86emu_insn *insn)
{
	unsigned rex_b = insn->rex & 1 ? 8 : 0, rex_x = insn->rex & 2 ? 8 : 0;
	unsigned base = rm | rex_b;
	bool has_base = true;
	uint64_t ea = 0, disp = 0;
	enum x86emu_result r;
	if (rm == 4) {
		uint64_t sib;
		if ((r = take(d, 1, false, &sib)) != X86EMU_OK)
			return r;
		unsigned index = ((sib >> 3) & 7) | rex_x;
		if (index != 4)
			ea = d->regs->gpr[index] << (sib >> 6);
		base = (sib & 7) | rex_b;
		if ((sib & 7) == 5 && mod == 0) {
			has_base = false;
			mod = 2;
		}
	} else if (rm == 5 && mod == 0) {
		has_base = false;
		d->rip_relative = d->regs->mode == X86EMU_MODE_64;
		mod = 2;
	}
	if (mod == 1)
		r = take(d, 1, true, &disp);
	else if (mod == 2)
		r = take(d, 4, true, &disp);
	else
		r = X86EMU_OK;
	if (r != X86EMU_OK)
		return r;
	insn->ea = ea + disp + (has_base ? d->regs->gpr[base] : 0);
	if (has_base && (base == 4 || base == 5))
		insn->seg = X86_SEG_SS;
	return X86EMU_OK;
}

static enum x86emu_result modrm(struct dec *d, struct x86emu_insn *insn, bool byte_reg)
{
	uint64_t m;
	enum x86emu_result r = take(d, 1, false, &m);
	if (r != X86EMU_OK)
		return r;
	unsigned mod = (unsigned)m >> 6, rm = m & 7;
	insn->has_modrm = true;
	insn->modrm_reg = (uint8_t)(((m >> 3) & 7) | (insn->rex & 4 ? 8 : 0));
	/* Without any REX, byte registers 4-7 are AH, CH, DH, BH (Vol. 2 Table 3-1). */
	bool legacy8 = byte_reg && insn->rex == 0;
	insn->reg.reg = legacy8 && insn->modrm_reg >= 4 ? insn->modrm_reg - 4 : insn->modrm_reg;
	insn->reg.high8 = legacy8 && insn->modrm_reg >= 4;
	if (mod == 3) {
		unsigned n = rm | (insn->rex & 1 ? 8 : 0);
		insn->rm.reg = (uint8_t)(legacy8 && n >= 4 ? n - 4 : n);
		insn->rm.high8 = legacy8 && n >= 4;
		return X86EMU_OK;
	}
	insn->rm.mem = true;
	insn->rm.reg = X86EMU_NO_REG;
	return insn->addrsize == 2 ? modrm16(d, mod, rm, insn) : modrm32(d, mod, rm, insn);
}

/* Legacy prefixes in any order, then in 64-bit mode a REX, which counts
 * only right before the opcode (Vol. 2 2.2.1): a legacy prefix after it
 * cancels it. */
static enum x86emu_result prefixes(struct dec *d, struct x86emu_insn *insn, uint8_t *op,
				   bool *opsize16, bool *seg_over)
{
	for (;;) {
		enum x86emu_result r = next(d, op);
		if (r != X86EMU_OK)
			return r;
		uint8_t b = *op;
		if (d->regs->mode == X86EMU_MODE_64 && (b & 0xf0) == 0x40) {
			insn->rex = b;
			continue;
		}
		if (b == 0xf0)
			insn->lock = true;
		else if (b == 0xf2 || b == 0xf3)
			insn->rep = b;
		else if (b == 0x66)
			*opsize16 = true;
		else if (b == 0x67)
			insn->addrsize = d->regs->mode == X86EMU_MODE_64 ? 4
					 : d->regs->mode == X86EMU_MODE_32 ? 2 : 4;
		else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65) {
			/* In 64-bit mode ES, CS, SS and DS overrides are ignored (3.3.7). */
			if (d->regs->mode != X86EMU_MODE_64 || b >= 0x64) {
				*seg_over = true;
				insn->seg = b >= 0x64 ? (enum x86_seg)(b - 0x64 + X86_SEG_FS)
						      : (enum x86_seg)((b >> 3) & 3);
			}
		} else
			return X86EMU_OK;
		insn->rex = 0;
	}
}

/* Operand size (Vol. 1 3.6, Vol. 2 2.2.1.2): the mode's default, 66
 * toggling 16/32, REX.W making 64 whatever 66 says. */
static unsigned operand_size(const struct x86emu_regs *regs, const struct x86emu_insn *insn,
			     bool opsize16)
{
	if (insn->rex & 8)
		return 8;
	if (regs->mode == X86EMU_MODE_16)
		return opsize16 ? 4 : 2;
	return opsize16 ? 2 : 4;
}

/* Refusals that depend on ModRM.reg: LOCK needs a lockable form with a
 * memory destination (#UD otherwise, Vol. 2 "LOCK"). */
static enum x86emu_result check(struct x86emu_insn *insn, unsigned flags, struct x86emu_out *out)
{
	unsigned reg = insn->modrm_reg & 7;
	if (!insn->two_byte && (insn->op == 0xc6 || insn->op == 0xc7) && reg != 0)
		return x86emu_unsupported(out, "opcode %02x /%u", insn->op, reg);
	if (!insn->two_byte && (insn->op == 0xf6 || insn->op == 0xf7) && reg > 1)
		return x86emu_unsupported(out, "opcode %02x /%u", insn->op, reg);
	if (insn->two_byte && insn->op == 0xba && reg < 4)
		return x86emu_unsupported(out, "opcode 0f ba /%u", reg);
	if (insn->rep && !(flags & D_STRING))
		return x86emu_unsupported(out, "opcode %s%02x with prefix %02x",
					  insn->two_byte ? "0f " : "", insn->op, insn->rep);
	if (insn->lock) {
		bool cmp = !insn->two_byte && insn->op >= 0x80 && insn->op <= 0x83 && reg == 7;
		bool bt = insn->two_byte && insn->op == 0xba && reg == 4;
		if (!(flags & D_LOCK) || !insn->rm.mem || cmp || bt)
			return x86emu_raise(out, X86_EXC_UD, false, "LOCK on a form that takes none");
	}
	return X86EMU_OK;
}

enum x86emu_result x86emu_decode(const struct x86emu_regs *regs, const struct x86emu_ops *ops,
				 void *ctx, struct x86emu_insn *insn, struct x86emu_out *out)
{
	struct dec d = { .regs = regs, .ops = ops, .ctx = ctx, .out = out };
	*insn = (struct x86emu_insn){ .seg = X86_SEG_DS, .rm.reg = X86EMU_NO_REG };
	insn->addrsize = ip_bytes(regs->mode);
	bool opsize16 = false, seg_over = false;
	uint8_t op;
	enum x86emu_result r = prefixes(&d, insn, &op, &opsize16, &seg_over);
	if (r != X86EMU_OK)
		return r;
	if (op == 0x0f) {
		insn->two_byte = true;
		if ((r = next(&d, &op)) != X86EMU_OK)
			return r;
	}
	insn->op = op;
	unsigned flags = classify(op, insn->two_byte, regs->mode);
	if (!flags)
		return x86emu_unsupported(out, "opcode %s%02x", insn->two_byte ? "0f " : "", op);
	insn->opsize = flags & D_BYTE ? 1 : operand_size(regs, insn, opsize16);
	enum x86_seg seg = insn->seg;
	if (flags & D_MODRM) {
		bool byte_src = insn->two_byte && (op == 0xb6 || op == 0xbe);
		if ((r = modrm(&d, insn, (flags & D_BYTE) != 0)) != X86EMU_OK)
			return r;
		if (byte_src && insn->rm.mem == false && insn->rex == 0 && insn->rm.reg >= 4) {
			insn->rm.reg -= 4;
			insn->rm.high8 = true;
		}
	}
	if (seg_over)
		insn->seg = seg;
	if ((r = check(insn, flags, out)) != X86EMU_OK)
		return r;
	if (flags & D_MOFFS)
		r = take(&d, insn->addrsize, false, &insn->ea);
	else if (flags & (D_IMM8 | D_IMM8S))
		r = take(&d, 1, (flags & D_IMM8S) != 0, &insn->imm);
	else if (flags & D_IMMZ)
		r = take(&d, insn->opsize == 2 ? 2 : 4, true, &insn->imm);
	if (r != X86EMU_OK)
		return r;
	insn->len = d.pos;
	out->len = d.pos;
	if (d.rip_relative)
		insn->ea += x86emu_rip_next(regs, insn);
	insn->ea &= x86emu_mask(insn->addrsize);
	insn->imm &= x86emu_mask(insn->opsize);
	return X86EMU_OK;
}

uint64_t x86emu_rip_next(const struct x86emu_regs *regs, const struct x86emu_insn *insn)
{
	return (regs->rip + insn->len) & x86emu_mask(ip_bytes(regs->mode));
}
