/* Unit tests for hv/emul/x86emu*.c on real encodings (tests/fixtures/x86emu/
 * x86emu_forms.S, assembled): each form's registers, memory and flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hv/emul/x86emu.h"
#include "hv/types.h"
#include "tests/fixtures/x86emu/x86emu_env.h"
#include "tests/fixtures/x86emu/x86emu_forms.h"

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define ES X86_SEG_ES
#define SS X86_SEG_SS
#define DS X86_SEG_DS
#define FS X86_SEG_FS
#define GS X86_SEG_GS
#define CF X86_FLAG_CF
#define PF X86_FLAG_PF
#define AF X86_FLAG_AF
#define ZF X86_FLAG_ZF
#define SF X86_FLAG_SF
#define DF X86_FLAG_DF
#define OF X86_FLAG_OF
/* Bit 1 of RFLAGS is always set; the emulator must keep it. */
#define FL1 0x2u

static const struct x86emu_form *form(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(x86emu_forms); i++)
		if (strcmp(x86emu_forms[i].name, name) == 0)
			return &x86emu_forms[i];
	fail_msg("no fixture %s", name);
	return NULL;
}

static enum x86emu_mode mode_of(const struct x86emu_form *f)
{
	return f->mode == 16 ? X86EMU_MODE_16 : f->mode == 32 ? X86EMU_MODE_32 : X86EMU_MODE_64;
}

/* Every register starts distinct and full, so a write that should keep or
 * clear the upper bits shows which it did. */
static void base_regs(struct x86emu_regs *regs, const struct x86emu_form *f)
{
	memset(regs, 0, sizeof(*regs));
	for (unsigned i = 0; i < 16; i++)
		regs->gpr[i] = 0x1111111111111111ull * (i + 1);
	regs->rip = ENV_RIP;
	regs->rflags = FL1;
	regs->mode = mode_of(f);
}

static struct env *env_new(const struct x86emu_form *f)
{
	struct env *e = test_calloc(1, sizeof(*e));
	e->code = f->bytes;
	e->code_len = f->len;
	e->fault_at = -1;
	return e;
}

static void put(struct env *e, uint64_t addr, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		e->mem[addr + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const struct env *e, uint64_t addr, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)e->mem[addr + i] << (8 * i);
	return v;
}

/* --- one access per form: the table ------------------------------------------------ */

struct rv {
	uint8_t r; /* register + 1; 0 ends the list */
	uint64_t v;
};
#define R(reg, val) { (reg) + 1, (val) }

struct tcase {
	const char *form;
	struct rv in[4], out[4];
	uint64_t fl_in, fl_out; /* arithmetic flags and DF; bit 1 is added */
	enum x86_seg seg;
	uint64_t addr;
	unsigned size;          /* the one memory access; 0 for none */
	bool write;             /* the access ends with a write */
	uint64_t mem_in, mem_out;
};

#define M(s, a, n, i, o) .seg = (s), .addr = (a), .size = (n), .mem_in = (i), .mem_out = (o)
#define RB R(RBX, 0x3000)

static const struct tcase cases[] = {
	/* MOV stores: every size, byte registers with and without REX, SIB. */
	{ "m64_mov_st8_sil", { RB }, {}, 0, 0, M(DS, 0x3000, 1, 0, 0x77), .write = true },
	{ "m64_mov_st8_ah", { RB, R(RAX, 0x1234) }, {}, 0, 0, M(DS, 0x3000, 1, 0, 0x12), .write = true },
	{ "m64_mov_st16", { RB }, {}, 0, 0, M(DS, 0x3002, 2, 0, 0x2222), .write = true },
	{ "m64_mov_st32_sib", { RB, R(RCX, 3) }, {}, 0, 0, M(DS, 0x301c, 4, 0, 0x33333333), .write = true },
	{ "m64_mov_st64", { RB }, {}, 0, 0, M(DS, 0x2ff8, 8, 0, 0xaaaaaaaaaaaaaaaa), .write = true },
	/* MOV loads: 8/16 merge, 32 zero-extends, 64 replaces. */
	{ "m64_mov_ld8_dh", { RB }, { R(RDX, 0x3333333333335a33) }, 0, 0, M(DS, 0x3000, 1, 0x5a, 0x5a) },
	{ "m64_mov_ld8_r10b", { RB }, { R(R10, 0xbbbbbbbbbbbbbb5a) }, 0, 0, M(DS, 0x3000, 1, 0x5a, 0x5a) },
	{ "m64_mov_ld16", { RB }, { R(RAX, 0x111111111111beef) }, 0, 0, M(DS, 0x3000, 2, 0xbeef, 0xbeef) },
	{ "m64_mov_ld32", { RB }, { R(RAX, 0x89abcdef) }, 0, 0, M(DS, 0x3000, 4, 0x89abcdef, 0x89abcdef) },
	{ "m64_mov_ld64_r12", { R(R12, 0x3000) }, { R(R15, 0x0123456789abcdef) }, 0, 0,
	  M(DS, 0x3010, 8, 0x0123456789abcdef, 0x0123456789abcdef) },
	/* MOV immediates; the 64-bit one is a sign-extended imm32. */
	{ "m64_mov_imm8", { RB }, {}, 0, 0, M(DS, 0x3000, 1, 0, 0x80), .write = true },
	{ "m64_mov_imm16", { RB }, {}, 0, 0, M(DS, 0x3000, 2, 0, 0xbeef), .write = true },
	{ "m64_mov_imm32", { RB }, {}, 0, 0, M(DS, 0x3000, 4, 0, 0xdeadbeef), .write = true },
	{ "m64_mov_imm64", { RB }, {}, 0, 0, M(DS, 0x3000, 8, 0, 0xfffffffffffffffe), .write = true },
	{ "m64_long_ok", { RB }, {}, 0, 0, M(DS, 0x3000, 2, 0, 0x1234), .write = true },
	/* RIP-relative: from the next instruction, after any immediate. */
	{ "m64_mov_rip", {}, { R(RAX, 0xcafef00d) }, 0, 0, M(DS, 0x1106, 4, 0xcafef00d, 0xcafef00d) },
	{ "m64_mov_rip_imm", {}, {}, 0, 0, M(DS, 0xfea, 4, 0, 0x11223344), .write = true },
	/* moffs: 8 bytes in 64-bit mode, 4 in 32, 2 in 16. */
	{ "m64_mov_moffs_ld64", {}, { R(RAX, 0x0102030405060708) }, 0, 0,
	  M(DS, 0x2000, 8, 0x0102030405060708, 0x0102030405060708) },
	{ "m64_mov_moffs_st8", {}, {}, 0, 0, M(DS, 0x2008, 1, 0, 0x11), .write = true },
	{ "m32_mov_moffs_st8", {}, {}, 0, 0, M(DS, 0x2008, 1, 0, 0x11), .write = true },
	{ "m32_mov_abs", {}, { R(RCX, 0x87654321) }, 0, 0, M(DS, 0x2000, 4, 0x87654321, 0x87654321) },
	{ "m16_mov_abs", {}, { R(RCX, 0x222222222222abcd) }, 0, 0, M(DS, 0x2000, 2, 0xabcd, 0xabcd) },
	/* Address size: 67 truncates to 32 bits; 16-bit sums wrap at 64 KiB. */
	{ "m64_mov_a32", { R(RBX, 0xffffffff00003000) }, { R(RAX, 7) }, 0, 0, M(DS, 0x3000, 4, 7, 7) },
	{ "m16_mov_ld", { R(RBX, 0xffff), R(RSI, 0x3001) }, { R(RAX, 0x111111111111aa55) }, 0, 0,
	  M(DS, 0x3000, 2, 0xaa55, 0xaa55) },
	{ "m16_a32_ld", { R(RAX, 0x1000), R(RBX, 0x1000) }, { R(RCX, 0x2222222222220102) }, 0, 0,
	  M(DS, 0x3000, 2, 0x0102, 0x0102) },
	{ "m32_mov_a16", { R(RBX, 0x1000), R(RSI, 0x2000) }, {}, 0, 0, M(DS, 0x3000, 2, 0, 0x1111),
	  .write = true },
	{ "m16_mov_st32", { R(RDI, 0x3000) }, {}, 0, 0, M(DS, 0x3000, 4, 0, 0x12345678), .write = true },
	{ "m32_mov_ld", { RB }, { R(RAX, 0xfeedface) }, 0, 0, M(DS, 0x3000, 4, 0xfeedface, 0xfeedface) },
	/* Segments: overrides, ES..DS ignored in 64-bit mode, SS for rBP/rSP. */
	{ "m64_mov_fs", { RB }, { R(RAX, 1) }, 0, 0, M(FS, 0x3000, 4, 1, 1) },
	{ "m64_mov_gs_st", { RB }, {}, 0, 0, M(GS, 0x3008, 8, 0, 0x2222222222222222), .write = true },
	{ "m64_mov_es_ignored", { RB }, { R(RAX, 2) }, 0, 0, M(DS, 0x3000, 4, 2, 2) },
	{ "m64_mov_rbp_ss", { R(RBP, 0x3000) }, { R(RAX, 3) }, 0, 0, M(SS, 0x3004, 4, 3, 3) },
	{ "m64_mov_rsp_ss", { R(RSP, 0x3000) }, { R(RAX, 4) }, 0, 0, M(SS, 0x3008, 4, 4, 4) },
	{ "m64_mov_r13_ds", { R(R13, 0x3000) }, { R(RAX, 5) }, 0, 0, M(DS, 0x3000, 4, 5, 5) },
	{ "m64_mov_nobase", { R(RCX, 0x400) }, { R(RAX, 6) }, 0, 0, M(DS, 0x3000, 4, 6, 6) },
	{ "m64_mov_r12_index", { RB, R(R12, 8) }, { R(RAX, 7) }, 0, 0, M(DS, 0x3010, 4, 7, 7) },
	{ "m32_mov_ebp_ss", { R(RBP, 0x3004) }, { R(RAX, 8) }, 0, 0, M(SS, 0x3000, 4, 8, 8) },
	{ "m32_mov_es", { RB }, { R(RAX, 9) }, 0, 0, M(ES, 0x3000, 4, 9, 9) },
	{ "m64_mov_rex_cancelled", { RB }, {}, 0, 0, M(DS, 0x3000, 2, 0, 0x1111), .write = true },
	{ "m64_mov_reg", {}, { R(RAX, 0x22222222) }, 0, 0, .size = 0 },
	/* MOVZX / MOVSX. */
	{ "m64_movzbl", { RB }, { R(RAX, 0x80) }, 0, 0, M(DS, 0x3000, 1, 0x80, 0x80) },
	{ "m64_movzwq", { RB }, { R(RAX, 0x8001) }, 0, 0, M(DS, 0x3000, 2, 0x8001, 0x8001) },
	{ "m64_movsbq", { RB }, { R(RAX, 0xffffffffffffff80) }, 0, 0, M(DS, 0x3000, 1, 0x80, 0x80) },
	{ "m64_movswl", { RB }, { R(RCX, 0xffff8001) }, 0, 0, M(DS, 0x3000, 2, 0x8001, 0x8001) },
	{ "m64_movsbw", { RB }, { R(RDX, 0x333333333333ff80) }, 0, 0, M(DS, 0x3000, 1, 0x80, 0x80) },
	{ "m64_movzbl_ah", { R(RAX, 0x1234) }, { R(RCX, 0x12) }, 0, 0, .size = 0 },
	/* The ALU group, its flags (Vol. 1 3.4.3.1). */
	{ "m64_add_st32", { RB, R(RAX, 1) }, {}, 0, CF | PF | AF | ZF,
	  M(DS, 0x3000, 4, 0xffffffff, 0), .write = true },
	{ "m64_add_ld32", { RB, R(RCX, 0xffffffff7fffffff) }, { R(RCX, 0x80000000) }, 0,
	  OF | SF | AF | PF, M(DS, 0x3000, 4, 1, 1) },
	{ "m64_or_imm8", { RB }, {}, CF | OF | AF, SF | PF, M(DS, 0x3000, 1, 1, 0x81), .write = true },
	{ "m64_adc_st64", { RB, R(RAX, ~0ull) }, {}, CF, CF | PF | AF | ZF, M(DS, 0x3000, 8, 0, 0),
	  .write = true },
	{ "m64_sbb_ld8", { RB, R(RAX, 0x1100) }, { R(RAX, 0x11ff) }, CF, CF | SF | AF | PF,
	  M(DS, 0x3000, 1, 0, 0) },
	{ "m64_and_imm8s", { RB }, {}, CF | OF, PF, M(DS, 0x3000, 8, 0x123456789abcdef7, 0x123456789abcdef0),
	  .write = true },
	{ "m64_sub_imm32", { RB }, {}, 0, ZF | PF, M(DS, 0x3000, 4, 0x12345678, 0), .write = true },
	{ "m64_xor_st8", { RB }, {}, 0, ZF | PF, M(DS, 0x3000, 1, 0x33, 0), .write = true },
	{ "m64_cmp_imm16", { RB }, {}, 0, CF | SF | AF | PF, M(DS, 0x3000, 2, 0, 0) },
	{ "m64_cmp_ld64", { RB, R(RAX, 0x8000000000000000) }, {}, 0, OF | AF | PF, M(DS, 0x3000, 8, 1, 1) },
	{ "m64_lock_add", { RB }, {}, 0, OF | SF | AF | PF, M(DS, 0x3000, 4, 0x7fffffff, 0x80000000),
	  .write = true },
	{ "m64_add_reg", { R(RAX, 1), R(RCX, 2) }, { R(RAX, 3) }, 0, PF, .size = 0 },
	{ "m64_add_al_imm", { R(RAX, 0x11fb) }, { R(RAX, 0x1100) }, 0, CF | ZF | PF | AF, .size = 0 },
	{ "m64_sub_rax_imm", { R(RAX, 0) }, { R(RAX, 1) }, 0, CF | AF, .size = 0 },
	{ "m32_add_st16", { RB }, {}, 0, PF, M(DS, 0x3000, 2, 1, 0x1112), .write = true },
	{ "m16_add_bp_ss", { R(RBP, 0x2ffd) }, {}, 0, PF, M(SS, 0x3000, 1, 1, 0x12), .write = true },
	/* TEST: AND that writes nothing, CF and OF cleared. */
	{ "m64_test_st32", { RB, R(RAX, 0x80000000) }, {}, CF | OF | AF, SF | PF,
	  M(DS, 0x3000, 4, 0x80000001, 0x80000001) },
	{ "m64_test_imm8", { RB }, {}, 0, ZF | PF, M(DS, 0x3000, 1, 0x7e, 0x7e) },
	{ "m64_test_f7", { RB }, {}, 0, SF | PF, M(DS, 0x3000, 4, 0x80000000, 0x80000000) },
	{ "m64_test_a9", { R(RAX, 0) }, {}, 0, ZF | PF, .size = 0 },
	/* XCHG. */
	{ "m64_xchg32", { RB }, { R(RAX, 0xdeadbeef) }, 0, 0, M(DS, 0x3000, 4, 0xdeadbeef, 0x11111111),
	  .write = true },
	{ "m64_xchg8_r8b", { RB }, { R(R8, 0x999999999999995a) }, 0, 0, M(DS, 0x3000, 1, 0x5a, 0x99),
	  .write = true },
	{ "m64_xchg_reg", {}, { R(RCX, 0x3333333333333333), R(RDX, 0x2222222222222222) }, 0, 0, .size = 0 },
	/* CMPXCHG: equal stores the source; unequal writes the old value back
	 * and loads the accumulator. */
	{ "m64_cmpxchg32", { RB, R(RAX, 5) }, {}, 0, ZF | PF, M(DS, 0x3000, 4, 5, 0x22222222), .write = true },
	{ "m64_cmpxchg32", { RB, R(RAX, 0xffffffff00000004) }, { R(RAX, 5) }, 0, CF | SF | AF | PF,
	  M(DS, 0x3000, 4, 5, 5), .write = true },
	{ "m64_lock_cmpxchg64", { RB, R(RAX, 0x1234) }, {}, 0, ZF | PF,
	  M(DS, 0x3000, 8, 0x1234, 0x2222222222222222), .write = true },
	{ "m64_cmpxchg8", { RB }, {}, 0, ZF | PF, M(DS, 0x3000, 1, 0x11, 0x22), .write = true },
	/* BT*: a register offset reaches past the operand, either way. */
	{ "m64_bt_reg", { RB, R(RAX, 35) }, {}, 0, CF, M(DS, 0x3004, 4, 8, 8) },
	{ "m64_bt_reg", { RB, R(RAX, 0xffffffff) }, {}, CF | ZF, CF | ZF, M(DS, 0x2ffc, 4, 0x80000000, 0x80000000) },
	{ "m64_bt_reg", { RB, R(RAX, 3) }, {}, CF | SF, SF, M(DS, 0x3000, 4, 0xf7, 0xf7) },
	{ "m64_bts_imm", { RB }, {}, CF, 0, M(DS, 0x3000, 4, 0, 8), .write = true },
	{ "m64_btr_reg64", { RB, R(RCX, 69) }, {}, 0, CF, M(DS, 0x3008, 8, 0x21, 1), .write = true },
	{ "m64_btc_imm64", { RB }, {}, 0, 0, M(DS, 0x3000, 8, 0, 0x8000000000000000), .write = true },
	{ "m64_lock_bts", { RB, R(RAX, 17) }, {}, 0, 0, M(DS, 0x3002, 2, 0, 2), .write = true },
	{ "m64_bt_regreg", { R(RAX, 2), R(RCX, 33) }, {}, 0, CF, .size = 0 },
	/* Single string elements; DF counts down. */
	{ "m64_stosb", { R(RDI, 0x3000) }, { R(RDI, 0x3001) }, 0, 0, M(ES, 0x3000, 1, 0, 0x11), .write = true },
	{ "m64_stosl", { R(RDI, 0x3000) }, { R(RDI, 0x2ffc) }, DF, DF, M(ES, 0x3000, 4, 0, 0x11111111),
	  .write = true },
	{ "m64_lodsl", { R(RSI, 0x3000) }, { R(RSI, 0x3004), R(RAX, 0x99) }, 0, 0, M(DS, 0x3000, 4, 0x99, 0x99) },
	{ "m64_a32_stosb", { R(RDI, 0xffffffff00003000) }, { R(RDI, 0x3001) }, 0, 0,
	  M(ES, 0x3000, 1, 0, 0x11), .write = true },
};

static void set_rv(uint64_t *gpr, const struct rv *list)
{
	for (unsigned i = 0; i < 4 && list[i].r; i++)
		gpr[list[i].r - 1] = list[i].v;
}

static void setup_case(const struct tcase *c, const struct x86emu_form *f, struct x86emu_regs *regs,
		       struct env *e)
{
	base_regs(regs, f);
	set_rv(regs->gpr, c->in);
	regs->rflags = FL1 | c->fl_in;
	if (c->size)
		put(e, c->addr, c->size, c->mem_in);
}

static void run_case(const struct tcase *c)
{
	const struct x86emu_form *f = form(c->form);
	struct env *e = env_new(f);
	struct x86emu_regs regs, want;
	struct x86emu_out out;
	setup_case(c, f, &regs, e);
	want = regs;
	set_rv(want.gpr, c->out);
	want.rip = ENV_RIP + f->len;
	want.rflags = FL1 | c->fl_out;
	int r = x86emu_run(&regs, &env_ops, e, 1, &out);
	if (r != X86EMU_OK)
		fail_msg("%s (%s): result %d: %s", c->form, f->text, r, out.msg);
	assert_int_equal(out.len, f->len);
	for (unsigned i = 0; i < 16; i++)
		if (regs.gpr[i] != want.gpr[i])
			fail_msg("%s: gpr %u = %#llx, want %#llx", c->form, i,
				 (unsigned long long)regs.gpr[i], (unsigned long long)want.gpr[i]);
	assert_int_equal(regs.rip, want.rip);
	if (regs.rflags != want.rflags)
		fail_msg("%s: rflags %#llx, want %#llx", c->form, (unsigned long long)regs.rflags,
			 (unsigned long long)want.rflags);
	if (c->size == 0) {
		assert_int_equal(e->nlog, 0);
	} else {
		assert_true(e->nlog >= 1);
		for (unsigned i = 0; i < e->nlog; i++) {
			if (e->log[i].seg != c->seg || e->log[i].offset != c->addr || e->log[i].len != c->size)
				fail_msg("%s: access %u: seg %d offset %#llx len %u", c->form, i,
					 e->log[i].seg, (unsigned long long)e->log[i].offset, e->log[i].len);
		}
		assert_int_equal(e->log[e->nlog - 1].write, c->write);
		if (get(e, c->addr, c->size) != c->mem_out)
			fail_msg("%s: memory %#llx, want %#llx", c->form,
				 (unsigned long long)get(e, c->addr, c->size), (unsigned long long)c->mem_out);
	}
	test_free(e);
}

static void test_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/* A fault from any one of a form's accesses comes back as it was given,
 * with the registers, RIP, flags and memory as before. */
static void test_faults_change_nothing(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct tcase *c = &cases[i];
		const struct x86emu_form *f = form(c->form);
		for (int at = 0; c->size && at < 2; at++) {
			struct env *e = env_new(f);
			struct x86emu_regs regs, before;
			struct x86emu_out out;
			setup_case(c, f, &regs, e);
			e->fault_at = at;
			before = regs;
			uint64_t mem = get(e, c->addr, c->size);
			int r = x86emu_run(&regs, &env_ops, e, 1, &out);
			if ((unsigned)at >= e->nlog) {
				assert_int_equal(r, X86EMU_OK); /* only one access */
				test_free(e);
				continue;
			}
			if (r != X86EMU_FAULT)
				fail_msg("%s: fault at access %d: result %d", c->form, at, r);
			assert_int_equal(out.fault.vector, X86_EXC_PF);
			assert_int_equal(out.fault.cr2, c->addr);
			assert_int_equal(out.fault.error_code, e->log[at].write ? ENV_PF_WRITE : 0);
			assert_memory_equal(&regs, &before, sizeof(regs));
			assert_int_equal(get(e, c->addr, c->size), mem);
			test_free(e);
		}
	}
}

/* Every form cut short at every length takes the fetch's #PF at the first
 * missing byte, before any data access, and changes nothing. */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(x86emu_forms); i++) {
		const struct x86emu_form *f = &x86emu_forms[i];
		if (strstr(f->name, "_rej_"))
			continue;
		for (unsigned n = 0; n < f->len; n++) {
			struct env *e = env_new(f);
			struct x86emu_regs regs, before;
			struct x86emu_out out;
			base_regs(&regs, f);
			e->code_len = n;
			before = regs;
			int r = x86emu_run(&regs, &env_ops, e, 1, &out);
			if (r != X86EMU_FAULT || out.fault.vector != X86_EXC_PF ||
			    out.fault.cr2 != ENV_RIP + n)
				fail_msg("%s cut to %u: result %d vector %u", f->name, n, r, out.fault.vector);
			assert_int_equal(out.fault.error_code, ENV_PF_FETCH);
			assert_int_equal(e->nlog, 0);
			assert_memory_equal(&regs, &before, sizeof(regs));
			test_free(e);
		}
	}
}

/* Refusals: #UD for LOCK where it does not belong, #GP(0) past 15 bytes,
 * and X86EMU_UNSUPPORTED naming the opcode for what is not emulated. */
static void test_rejects(void **state)
{
	(void)state;
	static const struct {
		const char *form;
		int result;
		uint8_t vector;
		const char *msg;
	} rej[] = {
		{ "m64_rej_lock_mov", X86EMU_FAULT, X86_EXC_UD, "LOCK" },
		{ "m64_rej_lock_cmp", X86EMU_FAULT, X86_EXC_UD, "LOCK" },
		{ "m64_rej_lock_reg", X86EMU_FAULT, X86_EXC_UD, "LOCK" },
		{ "m64_rej_lock_bt", X86EMU_FAULT, X86_EXC_UD, "LOCK" },
		{ "m64_rej_lock_test", X86EMU_FAULT, X86_EXC_UD, "LOCK" },
		{ "m64_rej_long", X86EMU_FAULT, X86_EXC_GP, "15" },
		{ "m64_rej_rep_mov", X86EMU_UNSUPPORTED, 0, "opcode 89 with prefix f3" },
		{ "m64_rej_push", X86EMU_UNSUPPORTED, 0, "opcode 50" },
		{ "m64_rej_c6_1", X86EMU_UNSUPPORTED, 0, "opcode c6 /1" },
		{ "m64_rej_neg", X86EMU_UNSUPPORTED, 0, "opcode f7 /3" },
		{ "m64_rej_82", X86EMU_UNSUPPORTED, 0, "opcode 82" },
		{ "m64_rej_0f_unknown", X86EMU_UNSUPPORTED, 0, "opcode 0f a2" },
		{ "m32_inc_unsupported", X86EMU_UNSUPPORTED, 0, "opcode 40" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rej); i++) {
		const struct x86emu_form *f = form(rej[i].form);
		struct env *e = env_new(f);
		struct x86emu_regs regs, before;
		struct x86emu_out out;
		base_regs(&regs, f);
		regs.gpr[RBX] = 0x3000;
		before = regs;
		int r = x86emu_run(&regs, &env_ops, e, 1, &out);
		if (r != rej[i].result || strstr(out.msg, rej[i].msg) == NULL)
			fail_msg("%s: result %d, msg \"%s\"", rej[i].form, r, out.msg);
		if (r == X86EMU_FAULT) {
			assert_int_equal(out.fault.vector, rej[i].vector);
			assert_int_equal(out.fault.has_error_code, rej[i].vector == X86_EXC_GP);
			assert_int_equal(out.fault.error_code, 0);
		}
		assert_int_equal(e->nlog, 0);
		assert_memory_equal(&regs, &before, sizeof(regs));
		test_free(e);
	}
}

/* A callback that refuses (no device there, say) is passed on, nothing done. */
static int refuse_write(void *ctx, enum x86_seg seg, uint64_t offset, const void *buf, unsigned len,
			struct x86emu_fault *f)
{
	return 7;
}

static void test_callback_refusal(void **state)
{
	(void)state;
	const struct x86emu_form *f = form("m64_mov_st64");
	struct env *e = env_new(f);
	struct x86emu_ops ops = env_ops;
	ops.write = refuse_write;
	struct x86emu_regs regs, before;
	struct x86emu_out out;
	base_regs(&regs, f);
	regs.gpr[RBX] = 0x3000;
	before = regs;
	assert_int_equal(x86emu_run(&regs, &ops, e, 1, &out), X86EMU_UNSUPPORTED);
	assert_non_null(strstr(out.msg, "write"));
	assert_memory_equal(&regs, &before, sizeof(regs));
	test_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_faults_change_nothing),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_callback_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
