/* Unit tests for hv/format.c: the host's snprintf is the oracle for every
 * format C defines; the hypervisor-specific behaviour is checked directly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/format.h"

#define OUT_SIZE 256

/* Fails with the format text, so a mismatch in a generated table can be
 * reproduced. The byte after the output is compared too: it must be NUL. */
static void expect_same(const char *what, int want_n, const char *want, int got_n, const char *got)
{
	if (want_n == got_n && want_n >= 0 && want_n < OUT_SIZE && memcmp(want, got, (size_t)want_n + 1) == 0)
		return;
	print_error("format %s: want %d \"%s\", got %d \"%s\"\n", what, want_n, want, got_n, got);
	fail();
}

/* Literal formats go through both printf attributes, so -Wformat checks the
 * argument types of every table entry. */
#define CHECK(...)                                                               \
	do {                                                                     \
		char want_[OUT_SIZE], got_[OUT_SIZE];                            \
		memset(got_, 'X', sizeof(got_));                                 \
		int want_n_ = snprintf(want_, sizeof(want_), __VA_ARGS__);       \
		int got_n_ = fmt_snprintf(got_, sizeof(got_), __VA_ARGS__);      \
		expect_same(#__VA_ARGS__, want_n_, want_, got_n_, got_);         \
	} while (0)

/* Wrappers without the format attribute, for formats built at run time and
 * for the deliberately malformed ones -Wformat would reject. */
static int host_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static int our_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define CHECK_RT(fmt, arg)                                                       \
	do {                                                                     \
		char want_[OUT_SIZE], got_[OUT_SIZE];                            \
		memset(got_, 'X', sizeof(got_));                                 \
		int want_n_ = host_fmt(want_, sizeof(want_), (fmt), arg);        \
		int got_n_ = our_fmt(got_, sizeof(got_), (fmt), arg);            \
		expect_same((fmt), want_n_, want_, got_n_, got_);                \
		checked++;                                                       \
	} while (0)

static unsigned long checked;

static void test_oracle_signed(void **state)
{
	CHECK("%d", 0);
	CHECK("%d", 1);
	CHECK("%d", -1);
	CHECK("%i", 123456);
	CHECK("%d", INT_MAX);
	CHECK("%d", INT_MIN);
	CHECK("%ld", LONG_MAX);
	CHECK("%ld", LONG_MIN);
	CHECK("%lld", LLONG_MAX);
	CHECK("%lld", LLONG_MIN);
	CHECK("%" PRId64, INT64_MIN);
	CHECK("%" PRIi64, INT64_MAX);
	CHECK("%hhd", (signed char)-128);
	CHECK("%hhd", (signed char)127);
	CHECK("%hhi", (signed char)-1);
	CHECK("%hd", (short)-32768);
	CHECK("%hd", (short)32767);
	CHECK("%zd", (ptrdiff_t)-5);
	CHECK("%td", PTRDIFF_MIN);
	CHECK("%jd", INTMAX_MIN);
	CHECK("%jd", INTMAX_MAX);
	CHECK("%+d", 5);
	CHECK("%+d", -5);
	CHECK("%+d", 0);
	CHECK("% d", 5);
	CHECK("% d", -5);
	CHECK("%5d", 42);
	CHECK("%-5d|", 42);
	CHECK("%05d", 42);
	CHECK("%05d", -42);
	CHECK("%+05d", 42);
	CHECK("% 05d", 42);
	CHECK("%.5d", 42);
	CHECK("%.5d", -42);
	CHECK("%8.5d", -42);
	CHECK("%-8.5d|", -42);
	CHECK("%08.5d", 42);
	CHECK("%.0d", 0);
	CHECK("%5.0d|", 0);
	CHECK("%+.0d", 0);
	CHECK("% .0d", 0);
	CHECK("%.d", 0);
	CHECK("%.0d", 7);
	CHECK("%1d", 12345);
	CHECK("%25lld", LLONG_MIN);
	CHECK("%-25lld|", LLONG_MIN);
	CHECK("%025lld", LLONG_MIN);
	CHECK("%.25lld", LLONG_MIN);
	CHECK("%+.22lld", LLONG_MAX);
}

static void test_oracle_unsigned(void **state)
{
	CHECK("%u", 0u);
	CHECK("%u", UINT_MAX);
	CHECK("%lu", ULONG_MAX);
	CHECK("%llu", ULLONG_MAX);
	CHECK("%" PRIu64, UINT64_MAX);
	CHECK("%hhu", (unsigned char)255);
	CHECK("%hu", (unsigned short)65535);
	CHECK("%zu", SIZE_MAX);
	CHECK("%zu", (size_t)0);
	CHECK("%ju", UINTMAX_MAX);
	CHECK("%x", 0u);
	CHECK("%x", 0xdeadbeefu);
	CHECK("%X", 0xdeadbeefu);
	CHECK("%lx", ULONG_MAX);
	CHECK("%llX", 0x0123456789abcdefull);
	CHECK("%" PRIx64, UINT64_MAX);
	CHECK("%hhx", (unsigned char)0xab);
	CHECK("%hx", (unsigned short)0xbeef);
	CHECK("%zx", (size_t)0x1000);
	CHECK("%#x", 0u);
	CHECK("%#x", 255u);
	CHECK("%#X", 255u);
	CHECK("%#10x", 255u);
	CHECK("%#-10x|", 255u);
	CHECK("%#010x", 255u);
	CHECK("%#.6x", 255u);
	CHECK("%#.0x", 0u);
	CHECK("%016" PRIx64, (uint64_t)0xcafe);
	CHECK("%o", 0u);
	CHECK("%o", 8u);
	CHECK("%o", UINT_MAX);
	CHECK("%llo", ULLONG_MAX);
	CHECK("%#o", 0u);
	CHECK("%#o", 8u);
	CHECK("%#.0o", 0u);
	CHECK("%#.3o", 8u);
	CHECK("%#.1o", 8u);
	CHECK("%#5o", 8u);
	CHECK("%#05o", 8u);
	CHECK("%.0u", 0u);
	CHECK("%.0x|", 0u);
	CHECK("%-#8o|", 9u);
}

static void test_oracle_str_char(void **state)
{
	CHECK("%s", "");
	CHECK("%s", "hello");
	CHECK("%10s|", "hello");
	CHECK("%-10s|", "hello");
	CHECK("%.3s|", "hello");
	CHECK("%.0s|", "hello");
	CHECK("%.10s|", "hello");
	CHECK("%10.3s|", "hello");
	CHECK("%-10.3s|", "hello");
	CHECK("%2s|", "hello");
	CHECK("%c", 'a');
	CHECK("%5c|", 'a');
	CHECK("%-5c|", 'a');
	CHECK("%c%c%c", 'x', 'y', 'z');
	CHECK("%c", '\0');
	CHECK("%c", (char)0xff);
	CHECK("%%");
	CHECK("100%%");
	CHECK("%%d %d %%", 3);
	CHECK("");
	CHECK("plain text");
	CHECK("%s=%d, %s=%#x", "a", -1, "b", 16u);
	CHECK("[%*d]", 6, 42);
	CHECK("[%*d]", -6, 42);
	CHECK("[%-*d]", -6, 42);
	CHECK("[%.*d]", 4, 42);
	CHECK("[%.*d]", -1, 42);
	CHECK("[%.*d]", -1, 0);
	CHECK("[%*.*d]", 8, 4, -42);
	CHECK("[%*.*s]", -8, 2, "hello");
	CHECK("[%0*d]", 5, -3);
	CHECK("[%.*s]", 0, "x");
}

static const char *const flag_chars = "-0+ #";

static void int_case(const char *fmt, char len, bool is_signed, uint64_t v)
{
	switch (len) {
	case 'H': /* hh */
		if (is_signed)
			CHECK_RT(fmt, (int)(signed char)v);
		else
			CHECK_RT(fmt, (unsigned)(unsigned char)v);
		break;
	case 'h':
		if (is_signed)
			CHECK_RT(fmt, (int)(short)v);
		else
			CHECK_RT(fmt, (unsigned)(unsigned short)v);
		break;
	case 'l':
		if (is_signed)
			CHECK_RT(fmt, (long)v);
		else
			CHECK_RT(fmt, (unsigned long)v);
		break;
	case 'L': /* ll */
		if (is_signed)
			CHECK_RT(fmt, (long long)v);
		else
			CHECK_RT(fmt, (unsigned long long)v);
		break;
	case 'z':
	case 't':
		if (is_signed)
			CHECK_RT(fmt, (ptrdiff_t)v);
		else
			CHECK_RT(fmt, (size_t)v);
		break;
	case 'j':
		if (is_signed)
			CHECK_RT(fmt, (intmax_t)v);
		else
			CHECK_RT(fmt, (uintmax_t)v);
		break;
	default:
		if (is_signed)
			CHECK_RT(fmt, (int)v);
		else
			CHECK_RT(fmt, (unsigned)v);
		break;
	}
}

/* Every flag combination x width x precision x length x conversion x value
 * that C defines ('#' only with o/x/X). '+' and ' ' on unsigned conversions
 * and flags overridden by another ('+ ', '-0') are covered here only: clang's
 * -Wformat rejects them in literals, though C defines or the host accepts them. */
static void test_oracle_generated_ints(void **state)
{
	static const char *const widths[] = { "", "1", "5", "12", "30" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".20" };
	/* The code is what int_case() switches on; 'H' and 'L' stand for hh and ll. */
	static const struct {
		const char *text;
		char code;
	} lens[] = {
		{ "", 0 }, { "hh", 'H' }, { "h", 'h' }, { "l", 'l' },
		{ "ll", 'L' }, { "z", 'z' }, { "t", 't' }, { "j", 'j' },
	};
	static const char convs[] = "diuoxX";
	static const uint64_t values[] = {
		0, 1, 7, 8, 42, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, INT64_MAX, (uint64_t)INT64_MIN,
		UINT64_MAX, (uint64_t)-42, 0x123456789abcdef0,
	};

	checked = 0;
	for (unsigned mask = 0; mask < 32; mask++) {
		char flags[8];
		size_t nf = 0;
		for (unsigned b = 0; b < 5; b++)
			if (mask & (1u << b))
				flags[nf++] = flag_chars[b];
		flags[nf] = '\0';
		for (size_t c = 0; convs[c]; c++) {
			bool is_signed = convs[c] == 'd' || convs[c] == 'i';
			if ((mask & 16) && !strchr("oxX", convs[c]))
				continue;
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
				for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
					for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
						char fmt[32];
						snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags, widths[w], precs[p], lens[l].text, convs[c]);
						for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
							int_case(fmt, lens[l].code, is_signed, values[v]);
					}
		}
	}
	assert_true(checked > 100000);
}

static void test_oracle_generated_str_char(void **state)
{
	static const char *const flagsets[] = { "", "-" };
	static const char *const widths[] = { "", "0", "1", "3", "9", "40" };
	static const char *const precs[] = { "", ".", ".0", ".2", ".8", ".50" };
	static const char *const strs[] = { "", "a", "abc", "hello, world", "0123456789012345678901234567890123456789xyz" };
	static const int chars[] = { 'a', ' ', '%', 0x7f };

	checked = 0;
	for (size_t f = 0; f < 2; f++)
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			char fmt[32];
			for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
				snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", flagsets[f], widths[w], precs[p]);
				for (size_t s = 0; s < sizeof(strs) / sizeof(strs[0]); s++)
					CHECK_RT(fmt, strs[s]);
			}
			snprintf(fmt, sizeof(fmt), "<%%%s%sc>", flagsets[f], widths[w]);
			for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++)
				CHECK_RT(fmt, chars[c]);
		}
	assert_true(checked > 300);
}

/* C converts an hh/h argument, and %c's, to the narrow type before printing;
 * callers may pass any int. */
static void test_oracle_narrowing(void **state)
{
	CHECK_RT("%hhd", 200);
	CHECK_RT("%hhd", -129);
	CHECK_RT("%hhu", 300);
	CHECK_RT("%hhu", -1);
	CHECK_RT("%hhx", 0x1ff);
	CHECK_RT("%hd", 70000);
	CHECK_RT("%hd", -32769);
	CHECK_RT("%hu", -1);
	CHECK_RT("%ho", 0x12345);
	CHECK_RT("%c", 0x141);
}

/* Every buffer size from 0 to past the full length: return value, contents
 * and termination must match the host, and nothing past size is written. */
static void test_truncation_matches_host(void **state)
{
	for (size_t size = 0; size < 40; size++) {
		char want[48], got[48];
		memset(want, '#', sizeof(want));
		memset(got, '#', sizeof(got));
		int want_n = snprintf(want, size, "%s-%d-%#x-%5c", "hello", -12345, 0xabcu, 'z');
		int got_n = fmt_snprintf(got, size, "%s-%d-%#x-%5c", "hello", -12345, 0xabcu, 'z');
		assert_int_equal(got_n, want_n);
		assert_memory_equal(got, want, sizeof(got));
	}
}

static void test_size_zero_null_buffer(void **state)
{
	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 12345), 5);
	assert_int_equal(fmt_snprintf(NULL, 0, ""), 0);
	assert_int_equal(fmt_snprintf(NULL, 0, "%s", "a longer string"), 15);
	assert_int_equal(fmt_snprintf(NULL, 0, "%p", (void *)0), 18);
}

static void test_size_one(void **state)
{
	char buf[4] = { 'a', 'b', 'c', 'd' };
	assert_int_equal(fmt_snprintf(buf, 1, "%s", "xyz"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'b');
}

static void test_width_larger_than_buffer(void **state)
{
	char buf[8];
	memset(buf, '#', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 4, "%100d", 7), 100);
	assert_string_equal(buf, "   ");
	assert_int_equal(buf[4], '#');
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%-100d", -7), 100);
	assert_string_equal(buf, "-7     ");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.100d", 7), 100);
	assert_string_equal(buf, "0000000");
}

static void test_exact_fit(void **state)
{
	char buf[6];
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "hello"), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "hello!"), 6);
	assert_string_equal(buf, "hello");
}

static void test_pointer_fixed_width(void **state)
{
	char buf[64];
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%p", (void *)0), 18);
	assert_string_equal(buf, "0x0000000000000000");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1234), 18);
	assert_string_equal(buf, "0x0000000000001234");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%p", (void *)UINTPTR_MAX), 18);
	assert_string_equal(buf, "0xffffffffffffffff");
	fmt_snprintf(buf, sizeof(buf), "[%20p]", (void *)0xabc);
	assert_string_equal(buf, "[  0x0000000000000abc]");
	fmt_snprintf(buf, sizeof(buf), "[%-20p]", (void *)0xabc);
	assert_string_equal(buf, "[0x0000000000000abc  ]");
	fmt_snprintf(buf, sizeof(buf), "[%5p]", (void *)0xabc);
	assert_string_equal(buf, "[0x0000000000000abc]");
}

static void test_null_string(void **state)
{
	char buf[32];
	const char *null = NULL;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", null), 6);
	assert_string_equal(buf, "(null)");
	fmt_snprintf(buf, sizeof(buf), "[%8s]", null);
	assert_string_equal(buf, "[  (null)]");
	fmt_snprintf(buf, sizeof(buf), "[%-8s]", null);
	assert_string_equal(buf, "[(null)  ]");
}

/* The heap block holds exactly the characters with no NUL, so ASan reports
 * any read past the precision. */
static void test_precision_unterminated_string(void **state)
{
	char buf[32];
	char *raw = malloc(4);
	assert_non_null(raw);
	memcpy(raw, "abcd", 4);
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.4s", raw), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "[%6.2s]", raw), 8);
	assert_string_equal(buf, "[    ab]");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.*s", 3, raw), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.0s|", raw), 1);
	assert_string_equal(buf, "|");
	free(raw);
}

static void test_unknown_conversion_literal(void **state)
{
	char buf[64];
	assert_int_equal(our_fmt(buf, sizeof(buf), "%q"), 2);
	assert_string_equal(buf, "%q");
	assert_int_equal(our_fmt(buf, sizeof(buf), "a%qb%d", 5), 5);
	assert_string_equal(buf, "a%qb5");
	our_fmt(buf, sizeof(buf), "%-08.3lq|%d", 1);
	assert_string_equal(buf, "%-08.3lq|1");
	our_fmt(buf, sizeof(buf), "%n");
	assert_string_equal(buf, "%n");
	our_fmt(buf, sizeof(buf), "%f");
	assert_string_equal(buf, "%f");
	our_fmt(buf, sizeof(buf), "%Ld");
	assert_string_equal(buf, "%Ld");
}

static void test_truncated_spec_at_end(void **state)
{
	char buf[64];
	assert_int_equal(our_fmt(buf, sizeof(buf), "abc%"), 4);
	assert_string_equal(buf, "abc%");
	assert_int_equal(our_fmt(buf, sizeof(buf), "x%-5"), 4);
	assert_string_equal(buf, "x%-5");
	assert_int_equal(our_fmt(buf, sizeof(buf), "x%ll"), 4);
	assert_string_equal(buf, "x%ll");
	assert_int_equal(our_fmt(buf, sizeof(buf), "x%.*", 3), 4);
	assert_string_equal(buf, "x%.*");
}

/* C makes a width or precision beyond INT_MAX an error (EOVERFLOW). */
static void test_width_overflow_is_error(void **state)
{
	char buf[16];
	assert_int_equal(our_fmt(buf, sizeof(buf), "ab%2147483648d", 1), -1);
	assert_int_equal(our_fmt(buf, sizeof(buf), "ab%.99999999999999999999999d", 1), -1);
	assert_int_equal(our_fmt(buf, sizeof(buf), "ab%*d", INT_MIN, 1), -1);
	assert_string_equal(buf, "ab");
}

struct collect {
	char text[20000];
	size_t len;
};

static void collect_putc(char c, void *ctx)
{
	struct collect *col = ctx;
	assert_true(col->len < sizeof(col->text));
	col->text[col->len++] = c;
}

static int collect_fmt(struct collect *col, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int collect_fmt(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vformat(collect_putc, col, fmt, ap);
	va_end(ap);
	return n;
}

/* The callback sees every character, including an embedded NUL from %c, and
 * needs no buffer for output longer than any the console keeps. */
static void test_vformat_callback(void **state)
{
	struct collect *col = calloc(1, sizeof(*col));
	assert_non_null(col);

	assert_int_equal(collect_fmt(col, "rip=%p err=%#x %s", (void *)0xffffffff80001000, 0xeu, "ok"), 33);
	assert_int_equal(col->len, 33);
	assert_memory_equal(col->text, "rip=0xffffffff80001000 err=0xe ok", 33);

	col->len = 0;
	assert_int_equal(collect_fmt(col, "a%cb", '\0'), 3);
	assert_int_equal(col->len, 3);
	assert_memory_equal(col->text, "a\0b", 3);

	col->len = 0;
	assert_int_equal(collect_fmt(col, "%15000d|", 1), 15001);
	assert_int_equal(col->len, 15001);
	assert_int_equal(col->text[14998], ' ');
	assert_int_equal(col->text[14999], '1');
	assert_int_equal(col->text[15000], '|');
	free(col);
}

static int via_vsnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int via_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf_direct(void **state)
{
	char buf[16];
	assert_int_equal(via_vsnprintf(buf, sizeof(buf), "%s:%u", "cpu", 3u), 5);
	assert_string_equal(buf, "cpu:3");
	assert_int_equal(via_vsnprintf(buf, 3, "%s:%u", "cpu", 3u), 5);
	assert_string_equal(buf, "cp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_signed),
		cmocka_unit_test(test_oracle_unsigned),
		cmocka_unit_test(test_oracle_str_char),
		cmocka_unit_test(test_oracle_generated_ints),
		cmocka_unit_test(test_oracle_generated_str_char),
		cmocka_unit_test(test_oracle_narrowing),
		cmocka_unit_test(test_truncation_matches_host),
		cmocka_unit_test(test_size_zero_null_buffer),
		cmocka_unit_test(test_size_one),
		cmocka_unit_test(test_width_larger_than_buffer),
		cmocka_unit_test(test_exact_fit),
		cmocka_unit_test(test_pointer_fixed_width),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_precision_unterminated_string),
		cmocka_unit_test(test_unknown_conversion_literal),
		cmocka_unit_test(test_truncated_spec_at_end),
		cmocka_unit_test(test_width_overflow_is_error),
		cmocka_unit_test(test_vformat_callback),
		cmocka_unit_test(test_vsnprintf_direct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
