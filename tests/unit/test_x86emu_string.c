/* REP and string instructions in hv/emul/x86emu_string.c: direction,
 * per-call caps, a count of zero, faults mid-way, address-size wrapping. */
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

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

static const struct x86emu_form *form(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(x86emu_forms); i++)
		if (strcmp(x86emu_forms[i].name, name) == 0)
			return &x86emu_forms[i];
	fail_msg("no fixture %s", name);
	return NULL;
}

struct run {
	struct env *e;
	struct x86emu_regs regs;
	struct x86emu_out out;
	const struct x86emu_form *f;
};

/* RSI 0x2000 (source bytes 0x10, 0x11, ...), RDI 0x3000, RCX count. */
static void start(struct run *t, const char *name, uint64_t count, bool df)
{
	t->f = form(name);
	t->e = test_calloc(1, sizeof(*t->e));
	t->e->code = t->f->bytes;
	t->e->code_len = t->f->len;
	t->e->fault_at = -1;
	for (unsigned i = 0; i < 0x100; i++)
		t->e->mem[0x2000 + i] = (uint8_t)(0x10 + i);
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.mode = t->f->mode == 16 ? X86EMU_MODE_16 : t->f->mode == 32 ? X86EMU_MODE_32
									     : X86EMU_MODE_64;
	t->regs.gpr[RAX] = 0x1122334455667788;
	t->regs.gpr[RCX] = count;
	t->regs.gpr[RSI] = 0x2000;
	t->regs.gpr[RDI] = 0x3000;
	t->regs.rip = ENV_RIP;
	t->regs.rflags = 0x2 | (df ? X86_FLAG_DF : 0);
}

static void test_rep_movsb_up_down(void **state)
{
	(void)state;
	struct run t;
	start(&t, "m64_rep_movsb", 5, false);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 100, &t.out), X86EMU_OK);
	assert_memory_equal(t.e->mem + 0x3000, "\x10\x11\x12\x13\x14", 5);
	assert_int_equal(t.e->mem[0x3005], 0);
	assert_int_equal(t.regs.gpr[RCX], 0);
	assert_int_equal(t.regs.gpr[RSI], 0x2005);
	assert_int_equal(t.regs.gpr[RDI], 0x3005);
	assert_int_equal(t.regs.rip, ENV_RIP + t.f->len);
	assert_int_equal(t.e->nlog, 10);
	assert_int_equal(t.e->log[0].seg, X86_SEG_DS);
	assert_int_equal(t.e->log[1].seg, X86_SEG_ES);
	test_free(t.e);

	start(&t, "m64_rep_movsb", 3, true);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 100, &t.out), X86EMU_OK);
	assert_memory_equal(t.e->mem + 0x2ffe, "\x00\x00\x10", 3);
	assert_int_equal(t.regs.gpr[RSI], 0x1ffd);
	assert_int_equal(t.regs.gpr[RDI], 0x2ffd);
	assert_int_equal(t.regs.gpr[RCX], 0);
	test_free(t.e);
}

/* The cap: RIP stays, the registers count what was done; the next call
 * finishes the job. */
static void test_rep_cap_resumes(void **state)
{
	(void)state;
	struct run t;
	start(&t, "m64_rep_stosq", 5, true);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 2, &t.out), X86EMU_OK);
	assert_int_equal(t.regs.rip, ENV_RIP);
	assert_int_equal(t.regs.gpr[RCX], 3);
	assert_int_equal(t.regs.gpr[RDI], 0x3000 - 16);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 2, &t.out), X86EMU_OK);
	assert_int_equal(t.regs.gpr[RCX], 1);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 2, &t.out), X86EMU_OK);
	assert_int_equal(t.regs.gpr[RCX], 0);
	assert_int_equal(t.regs.rip, ENV_RIP + t.f->len);
	assert_int_equal(t.regs.gpr[RDI], 0x3000 - 40);
	for (unsigned i = 0; i < 5; i++)
		assert_memory_equal(t.e->mem + 0x3000 - 8 * i, "\x88\x77\x66\x55\x44\x33\x22\x11", 8);
	test_free(t.e);
}

/* A cap of 0 means 1, and a count of 0 does nothing but move RIP on. */
static void test_rep_zero(void **state)
{
	(void)state;
	struct run t;
	start(&t, "m64_rep_stosq", 0, false);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 0, &t.out), X86EMU_OK);
	assert_int_equal(t.e->nlog, 0);
	assert_int_equal(t.regs.rip, ENV_RIP + t.f->len);
	assert_int_equal(t.regs.gpr[RDI], 0x3000);
	test_free(t.e);
	start(&t, "m64_rep_stosq", 4, false);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 0, &t.out), X86EMU_OK);
	assert_int_equal(t.regs.gpr[RCX], 3);
	assert_int_equal(t.regs.rip, ENV_RIP);
	test_free(t.e);
}

/* A fault in the third element: the two before it stay done and counted,
 * RIP stays on the instruction (SDM Vol. 2 "REP": restartable). */
static void test_rep_fault_midway(void **state)
{
	(void)state;
	static const int fault_at[] = { 4, 5 }; /* the third element's read, then its write */
	for (size_t i = 0; i < ARRAY_SIZE(fault_at); i++) {
		struct run t;
		start(&t, "m64_rep_movsb", 6, false);
		t.e->fault_at = fault_at[i];
		assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 100, &t.out), X86EMU_FAULT);
		assert_int_equal(t.out.fault.vector, X86_EXC_PF);
		assert_int_equal(t.out.fault.cr2, i == 0 ? 0x2002 : 0x3002);
		assert_int_equal(t.regs.gpr[RCX], 4);
		assert_int_equal(t.regs.gpr[RSI], 0x2002);
		assert_int_equal(t.regs.gpr[RDI], 0x3002);
		assert_int_equal(t.regs.rip, ENV_RIP);
		assert_memory_equal(t.e->mem + 0x3000, "\x10\x11\x00", 3);
		test_free(t.e);
	}
}

/* LODS merges into AL; the FS override moves MOVS's source only; F2 repeats
 * STOS like F3. */
static void test_lods_movs_segments(void **state)
{
	(void)state;
	struct run t;
	start(&t, "m64_rep_lodsb", 3, false);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 10, &t.out), X86EMU_OK);
	assert_int_equal(t.regs.gpr[RAX], 0x1122334455667712);
	assert_int_equal(t.regs.gpr[RSI], 0x2003);
	test_free(t.e);

	start(&t, "m64_fs_movsb", 0, false);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 10, &t.out), X86EMU_OK);
	assert_int_equal(t.e->log[0].seg, X86_SEG_FS);
	assert_int_equal(t.e->log[1].seg, X86_SEG_ES);
	assert_int_equal(t.e->mem[0x3000], 0x10);
	assert_int_equal(t.regs.gpr[RCX], 0);
	test_free(t.e);

	start(&t, "m64_movsw", 0, true);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 10, &t.out), X86EMU_OK);
	assert_memory_equal(t.e->mem + 0x3000, "\x10\x11", 2);
	assert_int_equal(t.regs.gpr[RSI], 0x1ffe);
	test_free(t.e);

	start(&t, "m64_repne_stosb", 2, false);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 10, &t.out), X86EMU_OK);
	assert_memory_equal(t.e->mem + 0x3000, "\x88\x88", 2);
	assert_int_equal(t.regs.gpr[RCX], 0);
	test_free(t.e);
}

/* 16-bit addressing: SI, DI and CX wrap at 16 bits and keep the bits above. */
static void test_rep_16bit_wrap(void **state)
{
	(void)state;
	struct run t;
	start(&t, "m16_rep_movsb", 0xabcd0000 | 2, false);
	t.regs.gpr[RSI] = 0x5555ffff;
	t.e->mem[0xffff] = 0xaa;
	t.e->mem[0] = 0xbb;
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 10, &t.out), X86EMU_OK);
	assert_int_equal(t.e->log[0].offset, 0xffff);
	assert_int_equal(t.e->log[2].offset, 0);
	assert_memory_equal(t.e->mem + 0x3000, "\xaa\xbb", 2);
	assert_int_equal(t.regs.gpr[RSI], 0x55550001);
	assert_int_equal(t.regs.gpr[RCX], 0xabcd0000);
	test_free(t.e);

	start(&t, "m16_rep_stosw", 2, true);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 10, &t.out), X86EMU_OK);
	assert_int_equal(t.regs.gpr[RDI], 0x2ffc);
	assert_memory_equal(t.e->mem + 0x2ffe, "\x88\x77\x88\x77", 4);
	test_free(t.e);

	start(&t, "m32_a16_rep_movsl", 0x10001, false);
	assert_int_equal(x86emu_run(&t.regs, &env_ops, t.e, 10, &t.out), X86EMU_OK);
	assert_int_equal(t.regs.gpr[RCX], 0x10000);
	assert_int_equal(t.regs.gpr[RDI], 0x3004);
	assert_memory_equal(t.e->mem + 0x3000, "\x10\x11\x12\x13", 4);
	test_free(t.e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rep_movsb_up_down),
		cmocka_unit_test(test_rep_cap_resumes),
		cmocka_unit_test(test_rep_zero),
		cmocka_unit_test(test_rep_fault_midway),
		cmocka_unit_test(test_lods_movs_segments),
		cmocka_unit_test(test_rep_16bit_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
