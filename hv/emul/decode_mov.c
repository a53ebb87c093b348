/* Decoding of the memory MOV forms: prefixes, opcode, ModRM/SIB (SDM Vol. 2
 * 2.1 to 2.2 and Tables 2-1 to 2-3), displacements, moffs and immediates. */
#include <stdarg.h>

#include "hv/emul/decode_mov.h"
#include "hv/format.h"

struct dec {
	const uint8_t *b;
	size_t n;   /* bytes available, at most MOV_MAX_LEN */
	size_t pos; /* next byte */
	uint8_t op[2];
	unsigned nop; /* opcode bytes seen, for messages */
	char *err;
	size_t errlen;
};

/* Writes "opcode XX[ YY]: <reason>" (or just the reason before any opcode
 * byte) and returns st. */
__attribute__((format(printf, 3, 4)))
static enum mov_status fail(struct dec *d, enum mov_status st, const char *fmt, ...)
{
	if (d->errlen == 0)
		return st;
	int k = 0;
	if (d->nop == 1)
		k = fmt_snprintf(d->err, d->errlen, "opcode %02x: ", d->op[0]);
	else if (d->nop == 2)
		k = fmt_snprintf(d->err, d->errlen, "opcode %02x %02x: ", d->op[0], d->op[1]);
	if (k < 0 || (size_t)k >= d->errlen)
		return st;
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(d->err + k, d->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return st;
}

/* Reads size bytes, little-endian (*out is 0 on failure). Past byte 15 the
 * instruction is too long whatever the caller supplied; before that, running
 * out means truncated. */
static enum mov_status take(struct dec *d, unsigned size, uint64_t *out)
{
	*out = 0;
	for (unsigned i = 0; i < size; i++) {
		if (d->pos >= MOV_MAX_LEN)
			return fail(d, MOV_TOO_LONG, "longer than %u bytes", MOV_MAX_LEN);
		if (d->pos >= d->n)
			return fail(d, MOV_TRUNCATED, "truncated: %zu byte(s) given, more needed", d->n);
		*out |= (uint64_t)d->b[d->pos++] << (8 * i);
	}
	return MOV_OK;
}

static uint64_t sign_extend(uint64_t v, unsigned bytes)
{
	uint64_t sign = (uint64_t)1 << (8 * bytes - 1);
	return (v ^ sign) - sign;
}

/* A displacement of `bytes` bytes, sign-extended to 64 bits. */
static enum mov_status take_disp(struct dec *d, unsigned bytes, struct mov_insn *insn)
{
	uint64_t v;
	enum mov_status st = take(d, bytes, &v);
	if (st == MOV_OK)
		insn->disp = sign_extend(v, bytes);
	return st;
}

/* 16-bit addressing (Table 2-1): rm selects one of eight base/index pairs;
 * rm 6 with mod 0 is a bare disp16. */
static enum mov_status modrm16(struct dec *d, unsigned mod, unsigned rm, struct mov_insn *insn)
{
	enum { AX, CX, DX, BX, SP, BP, SI, DI, NO = MOV_NO_REG };
	static const uint8_t base[8] = { BX, BX, BP, BP, SI, DI, BP, BX };
	static const uint8_t index[8] = { SI, DI, SI, DI, NO, NO, NO, NO };
	if (mod == 0 && rm == 6)
		return take_disp(d, 2, insn);
	insn->base = base[rm];
	insn->index = index[rm];
	return mod == 0 ? MOV_OK : take_disp(d, mod == 1 ? 1 : 2, insn);
}

/* 32- and 64-bit addressing (Tables 2-2 and 2-3, 2.2.1.1 to 2.2.1.6). The
 * special cases go by the 3-bit fields, before REX extends them: rm 4 means
 * a SIB byte, rm 5 with mod 0 a disp32 without base (RIP-relative in 64-bit
 * mode), SIB base 5 with mod 0 a disp32 without base, and SIB index 4 no
 * index, unless REX.X makes it R12. */
static enum mov_status modrm32(struct dec *d, unsigned mod, unsigned rm, uint8_t rex,
			       struct mov_insn *insn)
{
	unsigned rex_b = rex & 1 ? 8 : 0, rex_x = rex & 2 ? 8 : 0;
	enum mov_status st;
	if (rm == 4) {
		uint64_t sib;
		if ((st = take(d, 1, &sib)) != MOV_OK)
			return st;
		unsigned index = ((sib >> 3) & 7) | rex_x;
		insn->index = index == 4 ? MOV_NO_REG : index;
		insn->scale = 1 << (sib >> 6);
		if ((sib & 7) == 5 && mod == 0)
			return take_disp(d, 4, insn);
		insn->base = (sib & 7) | rex_b;
	} else if (rm == 5 && mod == 0) {
		insn->rip_relative = insn->mode == MOV_MODE_64;
		return take_disp(d, 4, insn);
	} else {
		insn->base = rm | rex_b;
	}
	return mod == 0 ? MOV_OK : take_disp(d, mod == 1 ? 1 : 4, insn);
}

/* The memory operand a ModRM byte (already read) describes. */
static enum mov_status modrm_memory(struct dec *d, uint8_t m, uint8_t rex, struct mov_insn *insn)
{
	unsigned mod = m >> 6, rm = m & 7;
	enum mov_status st = insn->addr_size == 2 ? modrm16(d, mod, rm, insn)
						  : modrm32(d, mod, rm, rex, insn);
	/* Vol. 1 3.7.4, Table 3-5: an rBP or rSP base makes SS the default. */
	if (insn->base == 4 || insn->base == 5)
		insn->seg = MOV_SEG_SS;
	return st;
}

/* The forms this decoder knows. */
enum form { F_NONE, F_MODRM, F_IMM, F_MOFFS, F_EXTEND };

static enum form classify(uint8_t op, uint8_t op2)
{
	switch (op) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		return F_MODRM;
	case 0xc6: case 0xc7:
		return F_IMM;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		return F_MOFFS;
	case 0x0f:
		return op2 == 0xb6 || op2 == 0xb7 || op2 == 0xbe || op2 == 0xbf ? F_EXTEND : F_NONE;
	default:
		return F_NONE;
	}
}

struct prefixes {
	bool opsize, adsize, lock;
	uint8_t rep; /* F2 or F3, else 0 */
	int seg;     /* an enum mov_seg, or -1 */
	uint8_t rex; /* 0 when none applies */
};

/* Legacy prefixes in any order and number (of segment overrides the last
 * wins), then, in 64-bit mode, REX: only one right before the opcode counts
 * (Vol. 2 2.2.1), so a legacy prefix after a REX cancels it. Returns the
 * first byte that is neither. */
static enum mov_status prefixes(struct dec *d, enum mov_mode mode, struct prefixes *p, uint8_t *first)
{
	*p = (struct prefixes){ .seg = -1 };
	for (;;) {
		uint64_t b;
		enum mov_status st = take(d, 1, &b);
		if (st != MOV_OK)
			return st;
		switch (b) {
		case 0x66: p->opsize = true; break;
		case 0x67: p->adsize = true; break;
		case 0xf0: p->lock = true; break;
		case 0xf2: case 0xf3: p->rep = (uint8_t)b; break;
		/* Vol. 1 3.7.4.1: in 64-bit mode ES, CS, SS and DS have base 0
		 * and no limit, so their overrides select nothing and are
		 * dropped; an FS or GS override before them stands. */
		case 0x26: p->seg = mode == MOV_MODE_64 ? p->seg : MOV_SEG_ES; break;
		case 0x2e: p->seg = mode == MOV_MODE_64 ? p->seg : MOV_SEG_CS; break;
		case 0x36: p->seg = mode == MOV_MODE_64 ? p->seg : MOV_SEG_SS; break;
		case 0x3e: p->seg = mode == MOV_MODE_64 ? p->seg : MOV_SEG_DS; break;
		case 0x64: p->seg = MOV_SEG_FS; break;
		case 0x65: p->seg = MOV_SEG_GS; break;
		default:
			if (mode == MOV_MODE_64 && (b & 0xf0) == 0x40) {
				p->rex = (uint8_t)b;
				continue;
			}
			*first = (uint8_t)b;
			return MOV_OK;
		}
		p->rex = 0;
	}
}

/* Operand size (Vol. 1 3.6, Tables 3-3 and 3-4): the mode's default,
 * 66 toggling 16/32, REX.W making 64 whatever 66 says. */
static unsigned operand_size(enum mov_mode mode, const struct prefixes *p)
{
	if (p->rex & 8)
		return 8;
	bool wide = mode != MOV_MODE_16;
	return wide != p->opsize ? 4 : 2;
}

static unsigned address_size(enum mov_mode mode, const struct prefixes *p)
{
	switch (mode) {
	case MOV_MODE_16: return p->adsize ? 4 : 2;
	case MOV_MODE_32: return p->adsize ? 2 : 4;
	default: return p->adsize ? 4 : 8;
	}
}

enum mov_status mov_decode(const uint8_t *bytes, size_t n, enum mov_mode mode,
			   struct mov_insn *insn, char *err, size_t errlen)
{
	struct dec d = { .b = bytes, .n = MIN(n, (size_t)MOV_MAX_LEN), .err = err, .errlen = errlen };
	struct prefixes p;
	uint8_t op, op2 = 0;
	enum mov_status st;
	*insn = (struct mov_insn){ .mode = mode, .seg = MOV_SEG_DS, .base = MOV_NO_REG,
				   .index = MOV_NO_REG, .scale = 1 };
	if (errlen)
		err[0] = 0;
	if ((st = prefixes(&d, mode, &p, &op)) != MOV_OK)
		return st;
	d.op[d.nop++] = op;
	if (op == 0x0f) {
		uint64_t b;
		if ((st = take(&d, 1, &b)) != MOV_OK)
			return st;
		op2 = (uint8_t)b;
		d.op[d.nop++] = op2;
	}
	enum form form = classify(op, op2);
	if (form == F_NONE)
		return fail(&d, MOV_UNKNOWN_OPCODE, "not a MOV to or from memory");
	if (p.lock)
		return fail(&d, MOV_LOCK, "LOCK prefix on MOV (#UD)");
	if (p.rep)
		return fail(&d, MOV_REP, "prefix %02x on MOV refused", p.rep);

	unsigned opsize = operand_size(mode, &p);
	insn->addr_size = address_size(mode, &p);
	/* Bit 0 of 88-8B, C6/C7 and A0-A3 selects byte or full size; bit 1 of
	 * 88-8B the direction (to the register), of A0-A3 the direction (to
	 * memory). */
	bool byte_op = form != F_EXTEND && !(op & 1);
	insn->size = insn->reg_size = byte_op ? 1 : opsize;
	unsigned reg = 0;
	if (form == F_MOFFS) {
		insn->write = op & 2;
		st = take(&d, insn->addr_size, &insn->disp);
	} else {
		uint64_t m;
		if ((st = take(&d, 1, &m)) != MOV_OK)
			return st;
		reg = (m >> 3) & 7;
		if (form == F_IMM && reg != 0)
			return fail(&d, MOV_BAD_MODRM_REG, "ModRM %02x: /%u is not MOV (only /0 is)",
				    (unsigned)m, reg);
		if (m >> 6 == 3)
			return fail(&d, MOV_NO_MEMORY, "ModRM %02x names a register, not memory",
				    (unsigned)m);
		insn->write = form == F_IMM || (form == F_MODRM && !(op & 2));
		if (form == F_EXTEND) {
			/* 0F B6/BE read a byte, B7/BF a word; BE/BF sign-extend. */
			insn->size = op2 & 1 ? 2 : 1;
			insn->zero_extend = !(op2 & 8);
			insn->sign_extend = op2 & 8;
		}
		st = modrm_memory(&d, (uint8_t)m, p.rex, insn);
	}
	if (st != MOV_OK)
		return st;
	if (p.seg >= 0)
		insn->seg = (enum mov_seg)p.seg;

	if (form == F_IMM) {
		uint64_t imm;
		unsigned imm_size = MIN(insn->size, 4u); /* 8-byte stores take imm32 */
		if ((st = take(&d, imm_size, &imm)) != MOV_OK)
			return st;
		insn->src = MOV_IMM;
		insn->imm = insn->size == 8 ? sign_extend(imm, 4) : imm;
	} else if (form != F_MOFFS) {
		insn->reg = reg | (p.rex & 4 ? 8 : 0);
		/* Vol. 2 2.2.1.2 and Table 3-1: without any REX, byte registers 4-7
		 * are AH, CH, DH, BH; with one, SPL, BPL, SIL, DIL. */
		if (insn->reg_size == 1 && !p.rex && reg >= 4) {
			insn->reg = reg - 4;
			insn->high_byte = true;
		}
	}
	insn->len = (unsigned)d.pos;
	return MOV_OK;
}
