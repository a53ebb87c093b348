/* Unit tests for hv/emul/decode_mov*.c on real encodings (tests/fixtures/emul/
 * mov_forms.S, assembled): every form and mode, refusals, truncation, merges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hv/emul/decode_mov.h"
#include "tests/fixtures/emul/mov_forms.h"

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define NO MOV_NO_REG
#define ES MOV_SEG_ES
#define CS MOV_SEG_CS
#define SS MOV_SEG_SS
#define DS MOV_SEG_DS
#define FS MOV_SEG_FS
#define GS MOV_SEG_GS

static const struct mov_form *form(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mov_forms); i++)
		if (strcmp(mov_forms[i].name, name) == 0)
			return &mov_forms[i];
	fail_msg("no fixture %s", name);
	return NULL;
}

static enum mov_mode mode_of(const struct mov_form *f)
{
	return f->mode == 16 ? MOV_MODE_16 : f->mode == 32 ? MOV_MODE_32 : MOV_MODE_64;
}

/* Decodes a fixture, which must succeed with its whole length. */
static struct mov_insn decode_ok(const char *name)
{
	const struct mov_form *f = form(name);
	struct mov_insn insn;
	char err[128];
	enum mov_status st = mov_decode(f->bytes, f->len, mode_of(f), &insn, err, sizeof(err));
	if (st != MOV_OK)
		fail_msg("%s (%s): status %d: %s", name, f->text, st, err);
	assert_int_equal(insn.len, f->len);
	assert_int_equal(insn.mode, mode_of(f));
	return insn;
}

/* --- what every accepted fixture decodes to ---------------------------------------- */

/* Expected fields; reg_size 0 means "same as size", scale 0 means 1. The
 * memory operand is spelled out in every row: base and index (NO for none). */
struct expect {
	const char *name;
	bool write;
	unsigned size, reg_size;
	bool imm_src;
	uint64_t imm;
	unsigned reg;
	bool high;
	bool zx, sx;
	enum mov_seg seg;
	unsigned asz;
	uint8_t base, index, scale;
	bool rip;
	uint64_t disp;
};

#define W .write = true
#define IMM(v) .imm_src = true, .imm = (v)
#define MEM(b, i, s, d) .base = (b), .index = (i), .scale = (s), .disp = (uint64_t)(d)

static const struct expect expects[] = {
	/* 16-bit addressing: the eight rm combinations, disp8/disp16, BP means SS. */
	{ "m16_st_bx_si", W, 2, .reg = RAX, .seg = DS, .asz = 2, MEM(RBX, RSI, 1, 0) },
	{ "m16_st_bx_di_d8", W, 2, .reg = RCX, .seg = DS, .asz = 2, MEM(RBX, RDI, 1, -2) },
	{ "m16_ld_bp_si", .size = 2, .reg = RDX, .seg = SS, .asz = 2, MEM(RBP, RSI, 1, 0) },
	{ "m16_ld_bp_di_d16", .size = 2, .reg = RBX, .seg = SS, .asz = 2, MEM(RBP, RDI, 1, 0x1234) },
	{ "m16_ld_si", .size = 2, .reg = RDI, .seg = DS, .asz = 2, MEM(RSI, NO, 1, 0) },
	{ "m16_ld_bp_d16_neg", .size = 2, .reg = RSI, .seg = SS, .asz = 2, MEM(RBP, NO, 1, -0x100) },
	{ "m16_ld_abs16", .size = 2, .reg = RCX, .seg = DS, .asz = 2, MEM(NO, NO, 1, 0x5678) },
	{ "m16_ld8_di_d8", .size = 1, .reg = RAX, .seg = DS, .asz = 2, MEM(RDI, NO, 1, 5) },
	{ "m16_ld8_bp_d8_ah", .size = 1, .reg = RAX, .high = true, .seg = SS, .asz = 2, MEM(RBP, NO, 1, 8) },
	{ "m16_ld8_bx_bh", .size = 1, .reg = RBX, .high = true, .seg = DS, .asz = 2, MEM(RBX, NO, 1, 0) },
	{ "m16_st_imm8", W, 1, IMM(0x7f), .seg = DS, .asz = 2, MEM(RBX, NO, 1, 0) },
	{ "m16_st_imm16", W, 2, IMM(0xbeef), .seg = DS, .asz = 2, MEM(RBX, RSI, 1, 0x10) },
	{ "m16_st_imm32", W, 4, IMM(0x12345678), .seg = DS, .asz = 2, MEM(RDI, NO, 1, 0) },
	{ "m16_st_eax", W, 4, .reg = RAX, .seg = DS, .asz = 2, MEM(RBX, NO, 1, 0) },
	{ "m16_moffs_ld_al", .size = 1, .reg = RAX, .seg = DS, .asz = 2, MEM(NO, NO, 1, 0x1234) },
	{ "m16_moffs_st_ax", W, 2, .reg = RAX, .seg = DS, .asz = 2, MEM(NO, NO, 1, 0x4321) },
	{ "m16_a32_sib", .size = 2, .reg = RCX, .seg = DS, .asz = 4, MEM(RAX, RBX, 4, 0) },
	{ "m16_a32_moffs", .size = 2, .reg = RAX, .seg = DS, .asz = 4, MEM(NO, NO, 1, 0x12345678) },
	{ "m16_es", .size = 2, .reg = RAX, .seg = ES, .asz = 2, MEM(RBX, NO, 1, 0) },
	{ "m16_ds_over_bp", .size = 2, .reg = RAX, .seg = DS, .asz = 2, MEM(RBP, NO, 1, 0) },
	{ "m16_fs_st8", W, 1, .reg = RDX, .seg = FS, .asz = 2, MEM(RBX, RDI, 1, 0) },
	{ "m16_movzbw", .size = 1, .reg_size = 2, .reg = RAX, .zx = true, .seg = DS, .asz = 2, MEM(RBX, NO, 1, 0) },
	{ "m16_movzbl", .size = 1, .reg_size = 4, .reg = RAX, .zx = true, .seg = DS, .asz = 2, MEM(RSI, NO, 1, 0) },
	{ "m16_movswl", .size = 2, .reg_size = 4, .reg = RCX, .sx = true, .seg = DS, .asz = 2, MEM(RBX, NO, 1, 2) },
	{ "m16_movsbw", .size = 1, .reg_size = 2, .reg = RDX, .sx = true, .seg = DS, .asz = 2, MEM(RDI, NO, 1, 0) },

	/* 32-bit: disp32 without base, SIB in all shapes, ESP/EBP base means SS. */
	{ "m32_st_ebx", W, 4, .reg = RAX, .seg = DS, .asz = 4, MEM(RBX, NO, 1, 0) },
	{ "m32_ld_abs", .size = 4, .reg = RCX, .seg = DS, .asz = 4, MEM(NO, NO, 1, 0x12345678) },
	{ "m32_ld_sib", .size = 4, .reg = RDX, .seg = DS, .asz = 4, MEM(RAX, RCX, 8, 0x10) },
	{ "m32_ld_sib_nobase", .size = 4, .reg = RDI, .seg = DS, .asz = 4, MEM(NO, RSI, 2, 0x1000) },
	{ "m32_ld_esp", .size = 4, .reg = RAX, .seg = SS, .asz = 4, MEM(RSP, NO, 1, 4) },
	{ "m32_ld_ebp", .size = 4, .reg = RBX, .seg = SS, .asz = 4, MEM(RBP, NO, 1, -8) },
	{ "m32_ld_ebp_d32", .size = 4, .reg = RSI, .seg = SS, .asz = 4, MEM(RBP, NO, 1, 0x1000) },
	{ "m32_ld_ebp_base", .size = 4, .reg = RDX, .seg = SS, .asz = 4, MEM(RBP, RAX, 1, 0) },
	{ "m32_ld_ebp_index", .size = 4, .reg = RDX, .seg = DS, .asz = 4, MEM(RAX, RBP, 2, 0) },
	{ "m32_st_esp_noindex", W, 4, .reg = RAX, .seg = SS, .asz = 4, MEM(RSP, NO, 2, 0) },
	{ "m32_st8_ah", W, 1, .reg = RAX, .high = true, .seg = DS, .asz = 4, MEM(RCX, NO, 1, 0) },
	{ "m32_st8_bh", W, 1, .reg = RBX, .high = true, .seg = DS, .asz = 4, MEM(RDX, NO, 1, 3) },
	{ "m32_ld8_dh", .size = 1, .reg = RDX, .high = true, .seg = DS, .asz = 4, MEM(RSI, NO, 1, 0) },
	{ "m32_st8_cl", W, 1, .reg = RCX, .seg = DS, .asz = 4, MEM(RDI, NO, 1, 0) },
	{ "m32_st16", W, 2, .reg = RSI, .seg = DS, .asz = 4, MEM(RDI, NO, 1, 0) },
	{ "m32_imm8", W, 1, IMM(0x80), .seg = DS, .asz = 4, MEM(RAX, NO, 1, 0) },
	{ "m32_imm16", W, 2, IMM(0x8000), .seg = DS, .asz = 4, MEM(RBX, NO, 1, 2) },
	{ "m32_imm32", W, 4, IMM(0xdeadbeef), .seg = DS, .asz = 4, MEM(RCX, RDX, 4, 0x11223344) },
	{ "m32_moffs_ld", .size = 4, .reg = RAX, .seg = DS, .asz = 4, MEM(NO, NO, 1, 0xfee00020) },
	{ "m32_moffs_st8", W, 1, .reg = RAX, .seg = DS, .asz = 4, MEM(NO, NO, 1, 0xb8000) },
	{ "m32_moffs_a16", .size = 2, .reg = RAX, .seg = DS, .asz = 2, MEM(NO, NO, 1, 0x1234) },
	{ "m32_a16_modrm", .size = 4, .reg = RAX, .seg = DS, .asz = 2, MEM(RBX, RSI, 1, 0) },
	{ "m32_movzbl", .size = 1, .reg_size = 4, .reg = RAX, .zx = true, .seg = DS, .asz = 4, MEM(RBX, NO, 1, 0x10) },
	{ "m32_movzwl", .size = 2, .reg_size = 4, .reg = RDX, .zx = true, .seg = DS, .asz = 4, MEM(RCX, NO, 1, 0) },
	{ "m32_movzww", .size = 2, .reg_size = 2, .reg = RAX, .zx = true, .seg = DS, .asz = 4, MEM(RAX, NO, 1, 0) },
	{ "m32_movsbl", .size = 1, .reg_size = 4, .reg = RCX, .sx = true, .seg = DS, .asz = 4, MEM(RAX, NO, 1, 0) },
	{ "m32_movswl", .size = 2, .reg_size = 4, .reg = RSI, .sx = true, .seg = SS, .asz = 4, MEM(RBP, NO, 1, -4) },
	{ "m32_movsbw", .size = 1, .reg_size = 2, .reg = RCX, .sx = true, .seg = DS, .asz = 4, MEM(RAX, NO, 1, 0) },
	{ "m32_gs_moffs", .size = 4, .reg = RAX, .seg = GS, .asz = 4, MEM(NO, NO, 1, 0x14) },
	{ "m32_cs", .size = 4, .reg = RBX, .seg = CS, .asz = 4, MEM(RAX, NO, 1, 0) },
	{ "m32_ss", .size = 4, .reg = RBX, .seg = SS, .asz = 4, MEM(RAX, NO, 1, 0) },
	{ "m32_ds_over_ebp", .size = 4, .reg = RAX, .seg = DS, .asz = 4, MEM(RBP, NO, 1, 0) },
	{ "m32_two_segs", .size = 4, .reg = RAX, .seg = FS, .asz = 4, MEM(RAX, NO, 1, 0) },

	/* 64-bit: REX.W/R/X/B, RIP-relative, SIB without base, R12/R13 quirks,
	 * SPL-vs-AH, moffs64, 32-bit addressing, prefix order. */
	{ "m64_st_rax", W, 8, .reg = RAX, .seg = DS, .asz = 8, MEM(RBX, NO, 1, 0) },
	{ "m64_st_eax", W, 4, .reg = RAX, .seg = DS, .asz = 8, MEM(RBX, NO, 1, 0) },
	{ "m64_st_r8d", W, 4, .reg = R8, .seg = DS, .asz = 8, MEM(R9, NO, 1, 0) },
	{ "m64_ld_r15", .size = 8, .reg = R15, .seg = DS, .asz = 8, MEM(RAX, R12, 8, 0) },
	{ "m64_st_r15_sib", W, 8, .reg = R15, .seg = DS, .asz = 8, MEM(R14, R13, 8, 0x12345678) },
	{ "m64_ld_rip", .size = 4, .reg = RAX, .seg = DS, .asz = 8, .rip = true, MEM(NO, NO, 1, 0x12345678) },
	{ "m64_ld_rip_neg", .size = 8, .reg = RCX, .seg = DS, .asz = 8, .rip = true, MEM(NO, NO, 1, -0x10) },
	{ "m64_st_rip_imm", W, 4, IMM(0x11223344), .seg = DS, .asz = 8, .rip = true, MEM(NO, NO, 1, 0x100) },
	{ "m64_rip_a32", .size = 4, .reg = RAX, .seg = DS, .asz = 4, .rip = true, MEM(NO, NO, 1, 0x10) },
	{ "m64_rip_rexb", .size = 4, .reg = RAX, .seg = DS, .asz = 8, .rip = true, MEM(NO, NO, 1, 0x100) },
	{ "m64_sib_nobase", .size = 4, .reg = RDX, .seg = DS, .asz = 8, MEM(NO, RCX, 4, 0x1000) },
	{ "m64_abs32", .size = 4, .reg = RDX, .seg = DS, .asz = 8, MEM(NO, NO, 1, 0x1000) },
	{ "m64_nobase_rexb", .size = 4, .reg = RAX, .seg = DS, .asz = 8, MEM(NO, NO, 1, 0x12345678) },
	{ "m64_r13", .size = 4, .reg = RAX, .seg = DS, .asz = 8, MEM(R13, NO, 1, 0) },
	{ "m64_r12", .size = 4, .reg = RAX, .seg = DS, .asz = 8, MEM(R12, NO, 1, 0) },
	{ "m64_index_r12", .size = 4, .reg = RAX, .seg = DS, .asz = 8, MEM(RAX, R12, 1, 0) },
	{ "m64_rsp", .size = 8, .reg = RAX, .seg = SS, .asz = 8, MEM(RSP, NO, 1, 8) },
	{ "m64_rbp", .size = 8, .reg = RAX, .seg = SS, .asz = 8, MEM(RBP, NO, 1, -8) },
	{ "m64_st8_spl", W, 1, .reg = RSP, .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_st8_ah", W, 1, .reg = RAX, .high = true, .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_st8_dil_rex40", W, 1, .reg = RDI, .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_ld8_sil", .size = 1, .reg = RSI, .seg = DS, .asz = 8, MEM(RDX, NO, 1, 0) },
	{ "m64_ld8_dh", .size = 1, .reg = RDX, .high = true, .seg = DS, .asz = 8, MEM(RDX, NO, 1, 0) },
	{ "m64_st8_r10b", W, 1, .reg = R10, .seg = DS, .asz = 8, MEM(RBX, NO, 1, 0) },
	{ "m64_ld16_r11w", .size = 2, .reg = R11, .seg = DS, .asz = 8, MEM(RSI, NO, 1, 0) },
	{ "m64_imm_neg", W, 8, IMM(0xffffffffffffffffull), .seg = DS, .asz = 8, MEM(RDI, NO, 1, 0) },
	{ "m64_imm_pos", W, 8, IMM(0x7fffffff), .seg = DS, .asz = 8, MEM(RDI, NO, 1, 8) },
	{ "m64_imm8", W, 1, IMM(0xaa), .seg = DS, .asz = 8, MEM(R8, NO, 1, 0) },
	{ "m64_imm16", W, 2, IMM(0x1234), .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_imm32", W, 4, IMM(0x80000000), .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_moffs64_ld", .size = 8, .reg = RAX, .seg = DS, .asz = 8, MEM(NO, NO, 1, 0x1122334455667788ull) },
	{ "m64_moffs64_st8", W, 1, .reg = RAX, .seg = DS, .asz = 8, MEM(NO, NO, 1, 0xffffffffff600000ull) },
	{ "m64_moffs_st_ax", W, 2, .reg = RAX, .seg = DS, .asz = 8, MEM(NO, NO, 1, 0x1000) },
	{ "m64_moffs32", .size = 4, .reg = RAX, .seg = DS, .asz = 4, MEM(NO, NO, 1, 0x12345678) },
	{ "m64_movzbl", .size = 1, .reg_size = 4, .reg = RSI, .zx = true, .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_movzwq", .size = 2, .reg_size = 8, .reg = R9, .zx = true, .seg = DS, .asz = 8, MEM(RBX, NO, 1, 0) },
	{ "m64_movsbq", .size = 1, .reg_size = 8, .reg = RDX, .sx = true, .seg = DS, .asz = 8, MEM(RCX, NO, 1, 1) },
	{ "m64_movswq", .size = 2, .reg_size = 8, .reg = RAX, .sx = true, .seg = DS, .asz = 8, MEM(R8, NO, 1, 0) },
	{ "m64_movsbw", .size = 1, .reg_size = 2, .reg = R10, .sx = true, .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_fs", .size = 8, .reg = RAX, .seg = FS, .asz = 8, MEM(NO, NO, 1, 0x28) },
	{ "m64_gs_rip", .size = 8, .reg = RAX, .seg = GS, .asz = 8, .rip = true, MEM(NO, NO, 1, 0x10) },
	{ "m64_es", .size = 4, .reg = RAX, .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_fs_es", .size = 4, .reg = RAX, .seg = FS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_ss_rax", .size = 4, .reg = RAX, .seg = DS, .asz = 8, MEM(RAX, NO, 1, 0) },
	{ "m64_a32", .size = 4, .reg = RCX, .seg = DS, .asz = 4, MEM(RAX, NO, 1, 0) },
	{ "m64_a32_sib", .size = 8, .reg = RAX, .seg = DS, .asz = 4, MEM(RBX, RSI, 2, 4) },
	{ "m64_rex_then_66", W, 2, .reg = RAX, .seg = DS, .asz = 8, MEM(RBX, NO, 1, 0) },
	{ "m64_66_then_rexw", W, 8, .reg = RAX, .seg = DS, .asz = 8, MEM(RBX, NO, 1, 0) },
	{ "m64_two_rex", W, 8, .reg = RAX, .seg = DS, .asz = 8, MEM(RBX, NO, 1, 0) },
};

/* --- what every refused fixture is refused for -------------------------------------- */

struct refusal {
	const char *name;
	enum mov_status st;
	const char *msg;
};

static const struct refusal refusals[] = {
	{ "m32_rej_dec", MOV_UNKNOWN_OPCODE, "opcode 48: not a MOV to or from memory" },
	{ "m32_rej_movsl", MOV_UNKNOWN_OPCODE, "opcode a5: not a MOV to or from memory" },
	{ "m64_rej_add", MOV_UNKNOWN_OPCODE, "opcode 01: not a MOV to or from memory" },
	{ "m64_rej_lock_add", MOV_UNKNOWN_OPCODE, "opcode 83: not a MOV to or from memory" },
	{ "m64_rej_movsb", MOV_UNKNOWN_OPCODE, "opcode a4: not a MOV to or from memory" },
	{ "m64_rej_stosl", MOV_UNKNOWN_OPCODE, "opcode ab: not a MOV to or from memory" },
	{ "m64_rej_mov_cr0", MOV_UNKNOWN_OPCODE, "opcode 0f 20: not a MOV to or from memory" },
	{ "m64_rej_mov_sreg", MOV_UNKNOWN_OPCODE, "opcode 8c: not a MOV to or from memory" },
	{ "m64_rej_movslq", MOV_UNKNOWN_OPCODE, "opcode 63: not a MOV to or from memory" },
	{ "m64_rej_mov_imm_reg", MOV_UNKNOWN_OPCODE, "opcode b8: not a MOV to or from memory" },
	{ "m64_rej_vex", MOV_UNKNOWN_OPCODE, "opcode c5: not a MOV to or from memory" },
	{ "m64_rej_syscall", MOV_UNKNOWN_OPCODE, "opcode 0f 05: not a MOV to or from memory" },
	{ "m64_rej_movbe", MOV_UNKNOWN_OPCODE, "opcode 0f 38: not a MOV to or from memory" },
	{ "m64_rej_reg_reg", MOV_NO_MEMORY, "opcode 89: ModRM c3 names a register, not memory" },
	{ "m64_rej_movzx_reg", MOV_NO_MEMORY, "opcode 0f b6: ModRM c0 names a register, not memory" },
	{ "m64_rej_c7_reg", MOV_NO_MEMORY, "opcode c7: ModRM c0 names a register, not memory" },
	{ "m64_rej_xbegin", MOV_BAD_MODRM_REG, "opcode c7: ModRM f8: /7 is not MOV (only /0 is)" },
	{ "m64_rej_xabort", MOV_BAD_MODRM_REG, "opcode c6: ModRM f8: /7 is not MOV (only /0 is)" },
	{ "m64_rej_c6_reg1", MOV_BAD_MODRM_REG, "opcode c6: ModRM 08: /1 is not MOV (only /0 is)" },
	{ "m64_rej_lock", MOV_LOCK, "opcode 89: LOCK prefix on MOV (#UD)" },
	{ "m64_rej_xrelease", MOV_REP, "opcode 89: prefix f3 on MOV refused" },
	{ "m64_rej_f2", MOV_REP, "opcode 89: prefix f2 on MOV refused" },
	{ "m64_rej_rep_movzx", MOV_REP, "opcode 0f b6: prefix f3 on MOV refused" },
};

static void check_expect(const struct expect *e)
{
	struct mov_insn insn = decode_ok(e->name);
	const char *text = form(e->name)->text;
	unsigned reg_size = e->reg_size ? e->reg_size : e->size;
	unsigned scale = e->scale ? e->scale : 1;
	bool ok = insn.write == e->write && insn.size == e->size && insn.reg_size == reg_size &&
		  insn.src == (e->imm_src ? MOV_IMM : MOV_REG) && insn.imm == e->imm && insn.reg == e->reg &&
		  insn.high_byte == e->high && insn.zero_extend == e->zx && insn.sign_extend == e->sx &&
		  insn.seg == e->seg && insn.addr_size == e->asz && insn.base == e->base &&
		  insn.index == e->index && insn.scale == scale && insn.rip_relative == e->rip &&
		  insn.disp == e->disp;
	if (!ok)
		fail_msg("%s (%s): write %d size %u reg_size %u src %d imm %#llx reg %u high %d zx %d sx %d "
			 "seg %d asz %u base %u index %u scale %u rip %d disp %#llx",
			 e->name, text, insn.write, insn.size, insn.reg_size, insn.src,
			 (unsigned long long)insn.imm, insn.reg, insn.high_byte, insn.zero_extend,
			 insn.sign_extend, insn.seg, insn.addr_size, insn.base, insn.index, insn.scale,
			 insn.rip_relative, (unsigned long long)insn.disp);
}

static void test_forms(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(expects); i++)
		check_expect(&expects[i]);
}

static void test_refusals(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
		const struct mov_form *f = form(refusals[i].name);
		struct mov_insn insn;
		char err[128];
		enum mov_status st = mov_decode(f->bytes, f->len, mode_of(f), &insn, err, sizeof(err));
		if (st != refusals[i].st || strcmp(err, refusals[i].msg) != 0)
			fail_msg("%s (%s): status %d \"%s\"", f->name, f->text, st, err);
	}
}

/* Every fixture has exactly one expectation, so none goes untested. */
static void test_fixtures_covered(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(mov_forms); i++) {
		unsigned seen = 0;
		for (size_t j = 0; j < ARRAY_SIZE(expects); j++)
			seen += strcmp(expects[j].name, mov_forms[i].name) == 0;
		for (size_t j = 0; j < ARRAY_SIZE(refusals); j++)
			seen += strcmp(refusals[j].name, mov_forms[i].name) == 0;
		if (seen != 1)
			fail_msg("fixture %s has %u expectations", mov_forms[i].name, seen);
	}
	assert_int_equal(ARRAY_SIZE(expects) + ARRAY_SIZE(refusals), ARRAY_SIZE(mov_forms));
}

/* --- lengths -------------------------------------------------------------------------- */

/* Every accepted encoding cut short at every length is truncated, never
 * misread; so is every refusal cut before the byte that refuses it. */
static void test_truncated_every_length(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(expects); i++) {
		const struct mov_form *f = form(expects[i].name);
		for (unsigned n = 0; n < f->len; n++) {
			struct mov_insn insn;
			char err[128];
			enum mov_status st = mov_decode(f->bytes, n, mode_of(f), &insn, err, sizeof(err));
			if (st != MOV_TRUNCATED)
				fail_msg("%s cut to %u bytes: status %d \"%s\"", f->name, n, st, err);
			char want[64];
			snprintf(want, sizeof(want), "truncated: %u byte(s) given, more needed", n);
			if (!strstr(err, want))
				fail_msg("%s cut to %u bytes: \"%s\"", f->name, n, err);
		}
	}
	/* The message names the opcode once it has been read. */
	static const uint8_t mov[] = { 0x8b, 0x44, 0x24 };
	struct mov_insn insn;
	char err[128];
	assert_int_equal(mov_decode(mov, 3, MOV_MODE_32, &insn, err, sizeof(err)), MOV_TRUNCATED);
	assert_string_equal(err, "opcode 8b: truncated: 3 byte(s) given, more needed");
	static const uint8_t ext[] = { 0x66, 0x0f };
	assert_int_equal(mov_decode(ext, 2, MOV_MODE_32, &insn, err, sizeof(err)), MOV_TRUNCATED);
	assert_string_equal(err, "opcode 0f: truncated: 2 byte(s) given, more needed");
	assert_int_equal(mov_decode(ext, 1, MOV_MODE_32, &insn, err, sizeof(err)), MOV_TRUNCATED);
	assert_string_equal(err, "truncated: 1 byte(s) given, more needed");
}

static void test_too_long(void **state)
{
	uint8_t b[20];
	struct mov_insn insn;
	char err[128];
	/* 13 prefixes + 89 03: exactly 15 bytes, fine. */
	memset(b, 0x66, sizeof(b));
	b[13] = 0x89;
	b[14] = 0x03;
	assert_int_equal(mov_decode(b, sizeof(b), MOV_MODE_32, &insn, err, sizeof(err)), MOV_OK);
	assert_int_equal(insn.len, 15);
	assert_int_equal(insn.size, 2);
	/* 14 prefixes: the ModRM would be byte 16, whatever follows in the buffer. */
	memset(b, 0x66, sizeof(b));
	b[14] = 0x89;
	b[15] = 0x03;
	assert_int_equal(mov_decode(b, sizeof(b), MOV_MODE_32, &insn, err, sizeof(err)), MOV_TOO_LONG);
	assert_string_equal(err, "opcode 89: longer than 15 bytes");
	/* Nothing but prefixes. */
	memset(b, 0x2e, sizeof(b));
	assert_int_equal(mov_decode(b, sizeof(b), MOV_MODE_16, &insn, err, sizeof(err)), MOV_TOO_LONG);
	assert_string_equal(err, "longer than 15 bytes");
	/* The longest real form (11 bytes) behind five prefixes: the last
	 * immediate byte is byte 16. */
	const struct mov_form *f = form("m32_imm32");
	memset(b, 0x3e, 5);
	memcpy(b + 5, f->bytes, f->len);
	assert_int_equal(mov_decode(b, 5 + f->len, MOV_MODE_32, &insn, err, sizeof(err)), MOV_TOO_LONG);
	assert_int_equal(mov_decode(b + 1, 4 + f->len, MOV_MODE_32, &insn, err, sizeof(err)), MOV_OK);
	assert_int_equal(insn.len, 15);
	assert_int_equal(insn.imm, 0xdeadbeef);
	/* Given fewer than 15 bytes, running out is truncation, not length. */
	memset(b, 0x66, sizeof(b));
	assert_int_equal(mov_decode(b, 14, MOV_MODE_32, &insn, err, sizeof(err)), MOV_TRUNCATED);
}

/* Bytes past the instruction are not looked at. */
static void test_extra_bytes_ignored(void **state)
{
	const struct mov_form *f = form("m64_st_rip_imm");
	uint8_t b[15];
	memset(b, 0xf0, sizeof(b));
	memcpy(b, f->bytes, f->len);
	struct mov_insn insn;
	assert_int_equal(mov_decode(b, sizeof(b), MOV_MODE_64, &insn, NULL, 0), MOV_OK);
	assert_int_equal(insn.len, f->len);
}

/* --- the same bytes in other modes ---------------------------------------------------- */

static void test_modes_differ(void **state)
{
	struct mov_insn insn;
	/* 8b 05 disp32: RIP-relative in 64-bit mode, absolute in 32-bit mode. */
	const struct mov_form *f = form("m64_ld_rip");
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_32, &insn, NULL, 0), MOV_OK);
	assert_false(insn.rip_relative);
	assert_int_equal(insn.base, NO);
	assert_int_equal(insn.disp, 0x12345678);
	/* 89 00: [BX+SI] with 16-bit addressing, [EAX] or [RAX] otherwise. */
	f = form("m16_st_bx_si");
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_32, &insn, NULL, 0), MOV_OK);
	assert_int_equal(insn.base, RAX);
	assert_int_equal(insn.index, NO);
	assert_int_equal(insn.size, 4);
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_64, &insn, NULL, 0), MOV_OK);
	assert_int_equal(insn.addr_size, 8);
	assert_int_equal(insn.size, 4);
	/* A REX byte outside 64-bit mode is INC/DEC. */
	f = form("m64_st_rax");
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_16, &insn, NULL, 0), MOV_UNKNOWN_OPCODE);
	/* 66 toggles: 32 bits in 16-bit mode, 16 in 32- and 64-bit mode. */
	static const uint8_t o66[] = { 0x66, 0x89, 0x07 };
	assert_int_equal(mov_decode(o66, 3, MOV_MODE_16, &insn, NULL, 0), MOV_OK);
	assert_int_equal(insn.size, 4);
	assert_int_equal(mov_decode(o66, 3, MOV_MODE_32, &insn, NULL, 0), MOV_OK);
	assert_int_equal(insn.size, 2);
	assert_int_equal(mov_decode(o66, 3, MOV_MODE_64, &insn, NULL, 0), MOV_OK);
	assert_int_equal(insn.size, 2);
	/* Null segment overrides count outside 64-bit mode: 64 26 is ES there. */
	f = form("m64_fs_es");
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_32, &insn, NULL, 0), MOV_OK);
	assert_int_equal(insn.seg, ES);
}

/* A message buffer too small for the message stays terminated. */
static void test_error_buffer(void **state)
{
	const struct mov_form *f = form("m64_rej_syscall");
	struct mov_insn insn;
	char err[8];
	memset(err, 'x', sizeof(err));
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_64, &insn, err, sizeof(err)),
			 MOV_UNKNOWN_OPCODE);
	assert_string_equal(err, "opcode ");
	char one[1] = { 'x' };
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_64, &insn, one, 1), MOV_UNKNOWN_OPCODE);
	assert_int_equal(one[0], 0);
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_64, &insn, NULL, 0), MOV_UNKNOWN_OPCODE);
	/* Success leaves an empty message. */
	char ok[16] = "stale";
	f = form("m64_st_rax");
	assert_int_equal(mov_decode(f->bytes, f->len, MOV_MODE_64, &insn, ok, sizeof(ok)), MOV_OK);
	assert_string_equal(ok, "");
}

/* --- effective addresses -------------------------------------------------------------- */

static uint64_t ea(const char *name, const uint64_t gpr[16], uint64_t rip_next)
{
	struct mov_insn insn = decode_ok(name);
	return mov_effective_address(&insn, gpr, rip_next);
}

static void test_effective_address(void **state)
{
	uint64_t gpr[16];
	for (unsigned i = 0; i < 16; i++)
		gpr[i] = 0x0101010100000000ull * (i + 1); /* junk above bit 31 */
	/* 16-bit: BX + SI wraps at 64 KiB; the registers' upper bits do not count. */
	gpr[RBX] = 0xabcd0000fff0ull;
	gpr[RSI] = 0x12340020;
	gpr[RDI] = 0x1;
	gpr[RBP] = 0xffff0100;
	assert_int_equal(ea("m16_st_bx_si", gpr, 0), 0x0010);
	gpr[RBX] = 0;
	assert_int_equal(ea("m16_st_bx_di_d8", gpr, 0), 0xffff);
	assert_int_equal(ea("m16_ld_bp_d16_neg", gpr, 0), 0x0000);
	assert_int_equal(ea("m16_ld_bp_di_d16", gpr, 0), 0x1335);
	assert_int_equal(ea("m16_ld_abs16", gpr, 0), 0x5678);
	assert_int_equal(ea("m16_moffs_ld_al", gpr, 0), 0x1234);
	/* 32-bit addressing under 67 in 16-bit mode: wraps at 4 GiB. */
	gpr[RAX] = 0x10;
	gpr[RBX] = 0x40000000;
	assert_int_equal(ea("m16_a32_sib", gpr, 0), 0x10);
	assert_int_equal(ea("m16_a32_moffs", gpr, 0), 0x12345678);

	/* 32-bit. */
	gpr[RAX] = 0x5555000000001000ull;
	gpr[RCX] = 0x20000000;
	gpr[RBP] = 4;
	gpr[RSI] = 0x80000000;
	assert_int_equal(ea("m32_ld_sib", gpr, 0), 0x00001010);
	assert_int_equal(ea("m32_ld_ebp", gpr, 0), 0xfffffffc);
	assert_int_equal(ea("m32_ld_sib_nobase", gpr, 0), 0x1000);
	assert_int_equal(ea("m32_ld_abs", gpr, 0x99999999), 0x12345678);
	assert_int_equal(ea("m32_ld_ebp_index", gpr, 0), 0x1008);
	gpr[RSP] = 0x7ffc;
	assert_int_equal(ea("m32_st_esp_noindex", gpr, 0), 0x7ffc);
	gpr[RBX] = 0xfffe;
	gpr[RSI] = 0x0003;
	assert_int_equal(ea("m32_a16_modrm", gpr, 0), 0x0001);
	assert_int_equal(ea("m32_moffs_ld", gpr, 0), 0xfee00020);

	/* 64-bit. */
	const uint64_t rip = 0xffffffff81000000ull;
	assert_int_equal(ea("m64_ld_rip", gpr, rip), rip + 0x12345678);
	assert_int_equal(ea("m64_ld_rip_neg", gpr, rip), rip - 0x10);
	assert_int_equal(ea("m64_st_rip_imm", gpr, rip), rip + 0x100);
	assert_int_equal(ea("m64_rip_rexb", gpr, rip), rip + 0x100);
	assert_int_equal(ea("m64_gs_rip", gpr, rip), rip + 0x10);
	/* RIP-relative under 67: the sum is cut to 32 bits. */
	assert_int_equal(ea("m64_rip_a32", gpr, 0xfffffff8), 0x8);
	gpr[RAX] = 0x1000;
	gpr[R12] = 0x200;
	assert_int_equal(ea("m64_ld_r15", gpr, 0), 0x2000);
	assert_int_equal(ea("m64_index_r12", gpr, 0), 0x1200);
	gpr[R14] = 0xffff800000000000ull;
	gpr[R13] = 0x10;
	assert_int_equal(ea("m64_st_r15_sib", gpr, 0), 0xffff8000123456f8ull);
	assert_int_equal(ea("m64_r13", gpr, 0), 0x10);
	/* Without a base REX.B changes nothing: no R13 in the sum. */
	assert_int_equal(ea("m64_nobase_rexb", gpr, rip), 0x12345678);
	assert_int_equal(ea("m64_abs32", gpr, rip), 0x1000);
	assert_int_equal(ea("m64_moffs64_ld", gpr, rip), 0x1122334455667788ull);
	assert_int_equal(ea("m64_moffs64_st8", gpr, rip), 0xffffffffff600000ull);
	assert_int_equal(ea("m64_moffs32", gpr, rip), 0x12345678);
	assert_int_equal(ea("m64_fs", gpr, rip), 0x28);
	gpr[RBX] = 0xaaaaaaaafffffff0ull;
	gpr[RSI] = 0x8;
	assert_int_equal(ea("m64_a32_sib", gpr, 0), 0x4);
	gpr[RBP] = 0x7fffffffe000ull;
	assert_int_equal(ea("m64_rbp", gpr, 0), 0x7fffffffdff8ull);
}

/* --- store values and load merges ------------------------------------------------------ */

static void test_store_value(void **state)
{
	uint64_t gpr[16];
	for (unsigned i = 0; i < 16; i++)
		gpr[i] = 0x8877665544332211ull + i * 0x0101010101010101ull;
	struct mov_insn insn = decode_ok("m64_st_rax");
	assert_int_equal(mov_store_value(&insn, gpr), gpr[RAX]);
	insn = decode_ok("m64_st_eax");
	assert_int_equal(mov_store_value(&insn, gpr), 0x44332211);
	insn = decode_ok("m64_rex_then_66");
	assert_int_equal(mov_store_value(&insn, gpr), 0x2211);
	insn = decode_ok("m64_st8_ah");
	assert_int_equal(mov_store_value(&insn, gpr), 0x22);
	insn = decode_ok("m64_st8_spl");
	assert_int_equal(mov_store_value(&insn, gpr), (gpr[RSP] & 0xff));
	insn = decode_ok("m32_st8_bh");
	assert_int_equal(mov_store_value(&insn, gpr), (gpr[RBX] >> 8) & 0xff);
	insn = decode_ok("m64_st8_r10b");
	assert_int_equal(mov_store_value(&insn, gpr), gpr[R10] & 0xff);
	insn = decode_ok("m64_st_r15_sib");
	assert_int_equal(mov_store_value(&insn, gpr), gpr[R15]);
	insn = decode_ok("m64_imm_neg");
	assert_int_equal(mov_store_value(&insn, gpr), 0xffffffffffffffffull);
	insn = decode_ok("m16_st_imm16");
	assert_int_equal(mov_store_value(&insn, gpr), 0xbeef);
	insn = decode_ok("m64_moffs64_st8");
	assert_int_equal(mov_store_value(&insn, gpr), 0x11);
}

static uint64_t load(const char *name, unsigned reg, uint64_t before, uint64_t value)
{
	uint64_t gpr[16];
	for (unsigned i = 0; i < 16; i++)
		gpr[i] = 0x5a5a5a5a5a5a5a5aull;
	gpr[reg] = before;
	struct mov_insn insn = decode_ok(name);
	mov_apply_load(&insn, gpr, value);
	for (unsigned i = 0; i < 16; i++)
		if (i != reg)
			assert_int_equal(gpr[i], 0x5a5a5a5a5a5a5a5aull);
	return gpr[reg];
}

static void test_apply_load(void **state)
{
	const uint64_t r = 0x1122334455667788ull;
	/* The bits above the operand size in the value read are ignored. */
	const uint64_t v = 0xfedcba9876543210ull;
	/* 8-bit: AL, AH, DH, SIL, and the rest of the register kept. */
	assert_int_equal(load("m16_ld8_di_d8", RAX, r, v), 0x1122334455667710ull);
	assert_int_equal(load("m16_ld8_bp_d8_ah", RAX, r, v), 0x1122334455661088ull);
	assert_int_equal(load("m32_ld8_dh", RDX, r, v), 0x1122334455661088ull);
	assert_int_equal(load("m64_ld8_sil", RSI, r, v), 0x1122334455667710ull);
	/* 16-bit keeps 63:16; 32-bit clears 63:32; 64-bit replaces. */
	assert_int_equal(load("m64_ld16_r11w", R11, r, v), 0x1122334455663210ull);
	assert_int_equal(load("m64_ld_rip", RAX, r, v), 0x0000000076543210ull);
	assert_int_equal(load("m32_ld_sib", RDX, r, v), 0x0000000076543210ull);
	assert_int_equal(load("m64_ld_r15", R15, r, v), v);
	/* MOVZX: to 16 bits keeps 63:16, to 32 clears 63:32. */
	assert_int_equal(load("m16_movzbw", RAX, r, 0xf0), 0x11223344556600f0ull);
	assert_int_equal(load("m32_movzbl", RAX, r, 0xf0), 0xf0);
	assert_int_equal(load("m32_movzwl", RDX, r, 0xfff0), 0xfff0);
	assert_int_equal(load("m32_movzww", RAX, r, 0xfff0), 0x112233445566fff0ull);
	assert_int_equal(load("m64_movzwq", R9, r, 0x12345678fff0ull), 0xfff0);
	/* MOVSX: the sign of the byte or word read, to the destination's width. */
	assert_int_equal(load("m16_movsbw", RDX, r, 0x80), 0x112233445566ff80ull);
	assert_int_equal(load("m16_movsbw", RDX, r, 0x7f), 0x112233445566007full);
	assert_int_equal(load("m32_movsbl", RCX, r, 0xff), 0x00000000ffffffffull);
	assert_int_equal(load("m32_movswl", RSI, r, 0x8000), 0x00000000ffff8000ull);
	assert_int_equal(load("m64_movsbq", RDX, r, 0x80), 0xffffffffffffff80ull);
	assert_int_equal(load("m64_movswq", RAX, r, 0x7fff), 0x7fff);
	assert_int_equal(load("m64_movswq", RAX, r, 0x18000), 0xffffffffffff8000ull);
	assert_int_equal(load("m64_movsbw", R10, r, 0x90), 0x112233445566ff90ull);
	/* moffs loads into the accumulator. */
	assert_int_equal(load("m16_moffs_ld_al", RAX, r, 0xab), 0x11223344556677abull);
	assert_int_equal(load("m64_moffs64_ld", RAX, r, v), v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_fixtures_covered),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_extra_bytes_ignored),
		cmocka_unit_test(test_modes_differ),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_effective_address),
		cmocka_unit_test(test_store_value),
		cmocka_unit_test(test_apply_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
