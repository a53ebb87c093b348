/* The emulator's flag arithmetic (hv/emul/x86emu_alu.c) against the host
 * CPU executing the same instruction: every 8-bit pair, and edge and random
 * values at 16, 32 and 64 bits, for ADD, OR, ADC, SBB, AND, SUB, XOR, CMP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hv/emul/x86emu_internal.h"

/* Runs "insn src, dst" with RFLAGS = fin and returns RFLAGS after. The
 * stack pointer steps over the red zone first: push and pop would
 * otherwise overwrite what the compiler keeps there. */
#define HOST_OP(fn, insn, T)                                                                   \
	static uint64_t fn(uint64_t a, uint64_t b, uint64_t fin, uint64_t *res)                \
	{                                                                                      \
		T x = (T)a, y = (T)b;                                                          \
		uint64_t f;                                                                    \
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\tpush %[fin]\n\tpopf\n\t" insn      \
				 " %[y], %[x]\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"   \
				 : [x] "+q"(x), [f] "=&r"(f)                                   \
				 : [y] "q"(y), [fin] "r"(fin)                                  \
				 : "cc", "memory");                                            \
		*res = (uint64_t)x;                                                            \
		return f;                                                                      \
	}
#define HOST_SIZES(name, insn)                                                                 \
	HOST_OP(name##8, insn, uint8_t)                                                        \
	HOST_OP(name##16, insn, uint16_t)                                                      \
	HOST_OP(name##32, insn, uint32_t)                                                      \
	HOST_OP(name##64, insn, uint64_t)

HOST_SIZES(h_add, "add")
HOST_SIZES(h_or, "or")
HOST_SIZES(h_adc, "adc")
HOST_SIZES(h_sbb, "sbb")
HOST_SIZES(h_and, "and")
HOST_SIZES(h_sub, "sub")
HOST_SIZES(h_xor, "xor")
HOST_SIZES(h_cmp, "cmp")

typedef uint64_t (*host_fn)(uint64_t, uint64_t, uint64_t, uint64_t *);

/* [operation in enum x86emu_alu order][log2 size] */
static const host_fn host[8][4] = {
	{ h_add8, h_add16, h_add32, h_add64 }, { h_or8, h_or16, h_or32, h_or64 },
	{ h_adc8, h_adc16, h_adc32, h_adc64 }, { h_sbb8, h_sbb16, h_sbb32, h_sbb64 },
	{ h_and8, h_and16, h_and32, h_and64 }, { h_sub8, h_sub16, h_sub32, h_sub64 },
	{ h_xor8, h_xor16, h_xor32, h_xor64 }, { h_cmp8, h_cmp16, h_cmp32, h_cmp64 },
};

static unsigned checked;

/* One comparison. The SDM leaves AF undefined after OR, AND and XOR, so it
 * is not compared there; CMP's result is its first operand, unchanged. */
static void check(unsigned op, unsigned lg, uint64_t a, uint64_t b, bool cin)
{
	unsigned size = 1u << lg;
	uint64_t m = x86emu_mask(size), fin = 0x2 | (cin ? X86_FLAG_CF : 0), want_r;
	uint64_t want_f = host[op][lg](a, b, fin, &want_r) & X86_FLAGS_ARITH;
	uint64_t got_f = fin;
	uint64_t got_r = x86emu_alu((enum x86emu_alu)op, a, b, size, &got_f);
	uint64_t cmp = X86_FLAGS_ARITH;
	if (op == ALU_OR || op == ALU_AND || op == ALU_XOR)
		cmp &= ~(uint64_t)X86_FLAG_AF;
	if (op == ALU_CMP)
		want_r = a - b;
	checked++;
	if ((got_r & m) != (want_r & m) || (got_f & cmp) != (want_f & cmp) || !(got_f & 0x2))
		fail_msg("op %u size %u a %#llx b %#llx cf %d: got %#llx/%#llx, cpu %#llx/%#llx", op, size,
			 (unsigned long long)a, (unsigned long long)b, cin, (unsigned long long)got_r,
			 (unsigned long long)got_f, (unsigned long long)(want_r & m),
			 (unsigned long long)want_f);
}

static void test_every_byte_pair(void **state)
{
	(void)state;
	checked = 0;
	for (unsigned op = 0; op < 8; op++)
		for (unsigned a = 0; a < 256; a++)
			for (unsigned b = 0; b < 256; b++)
				for (int cin = 0; cin < 2; cin++)
					check(op, 0, a, b, cin);
	assert_int_equal(checked, 8 * 256 * 256 * 2);
}

/* Where carries and overflows change: around 0, the sign bit and the
 * nibble boundary of each width. */
static const uint64_t edges[] = {
	0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
	0x8000000000000000ull, 0xfffffffffffffffeull, 0xffffffffffffffffull, 0x0f0f0f0f0f0f0f0full,
	0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
};

static void test_edges_wide(void **state)
{
	(void)state;
	for (unsigned lg = 1; lg < 4; lg++)
		for (unsigned op = 0; op < 8; op++)
			for (size_t i = 0; i < ARRAY_SIZE(edges); i++)
				for (size_t j = 0; j < ARRAY_SIZE(edges); j++)
					for (int cin = 0; cin < 2; cin++)
						check(op, lg, edges[i], edges[j], cin);
}

static void test_random_wide(void **state)
{
	(void)state;
	uint64_t s = 0x9e3779b97f4a7c15ull;
	for (unsigned n = 0; n < 200000; n++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		uint64_t a = s;
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		check((unsigned)(s >> 3) & 7, 1 + (unsigned)(s % 3), a, s >> (s & 63), (s >> 6) & 1);
	}
}

/* The flags outside the six are never touched: DF, IF, bit 1 and the rest. */
static void test_other_flags_kept(void **state)
{
	(void)state;
	uint64_t f = 0x2 | X86_FLAG_DF | (1u << 9) | (1u << 8) | (1ull << 21) | X86_FLAGS_ARITH;
	x86emu_alu(ALU_XOR, 5, 5, 4, &f);
	assert_int_equal(f, 0x2 | X86_FLAG_DF | (1u << 9) | (1u << 8) | (1ull << 21) | X86_FLAG_ZF |
				    X86_FLAG_PF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_pair),
		cmocka_unit_test(test_edges_wide),
		cmocka_unit_test(test_random_wide),
		cmocka_unit_test(test_other_flags_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
