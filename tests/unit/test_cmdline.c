/* Unit tests for hv/cmdline.c: word splitting, exact keys, last-wins, quoting,
 * safe truncation, number parsing and choice matching. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hv/cmdline.h"

#define GRUB_LINE "loglevel=debug selftest=pf cpus=2 quiet"

/* Asserts key is present with exactly the value want. */
static void expect_get(const char *cmdline, const char *key, const char *want)
{
	char val[64];
	memset(val, 'X', sizeof(val));
	assert_true(cmdline_get(cmdline, key, val, sizeof(val)));
	assert_string_equal(val, want);
}

static void expect_absent(const char *cmdline, const char *key)
{
	char val[8] = "keep";
	assert_false(cmdline_get(cmdline, key, val, sizeof(val)));
	assert_false(cmdline_has(cmdline, key));
	assert_string_equal(val, "keep");
}

static void test_basic_words(void **state)
{
	expect_get(GRUB_LINE, "loglevel", "debug");
	expect_get(GRUB_LINE, "selftest", "pf");
	expect_get(GRUB_LINE, "cpus", "2");
	expect_get(GRUB_LINE, "quiet", "");
	assert_true(cmdline_has(GRUB_LINE, "quiet"));
	assert_true(cmdline_has(GRUB_LINE, "cpus"));
	expect_absent(GRUB_LINE, "debug");
	expect_absent(GRUB_LINE, "pf");
}

static void test_key_positions(void **state)
{
	expect_get("a=1 b=2 c=3", "a", "1");
	expect_get("a=1 b=2 c=3", "b", "2");
	expect_get("a=1 b=2 c=3", "c", "3");
	expect_get("only", "only", "");
	expect_get("only=x", "only", "x");
	expect_get("x first", "first", "");
	expect_get("first x", "first", "");
}

static void test_exact_key_match(void **state)
{
	expect_absent("loglevel=3", "log");
	expect_absent("loglevel=3", "level");
	expect_absent("loglevel=3", "loglevel3");
	expect_absent("loglevel=3", "loglevel=");
	expect_absent("loglevel=3", "loglevel=3");
	expect_absent("log", "loglevel");
	expect_get("log=1 loglevel=3", "loglevel", "3");
	expect_get("loglevel=3 log=1", "log", "1");
	expect_absent("Quiet", "quiet");
}

static void test_repeated_key_last_wins(void **state)
{
	expect_get("a=1 b=2 a=3", "a", "3");
	expect_get("a=1 a=2 a=3", "a", "3");
	expect_get("a=1 a", "a", "");
	expect_get("a a=5", "a", "5");
	expect_get("a=\"x y\" a=z", "a", "z");
}

static void test_whitespace(void **state)
{
	const char *line = "  \t a=1\t\tb=2   c \t";
	expect_get(line, "a", "1");
	expect_get(line, "b", "2");
	expect_get(line, "c", "");
	expect_get("a=1\nb=2\r\n", "b", "2");
	expect_get("a=1\nb=2\r\n", "a", "1");
}

static void test_empty_and_null(void **state)
{
	expect_absent("", "a");
	expect_absent("   \t ", "a");
	expect_absent(NULL, "a");
	assert_int_equal(cmdline_match(NULL, "a", NULL, 0), -1);
	uint64_t n = 7;
	assert_int_equal(cmdline_get_u64(NULL, "a", &n), CMDLINE_ABSENT);
	assert_int_equal(n, 7);
}

/* A word "=x" has an empty key; asking for "" must not find it. */
static void test_empty_key(void **state)
{
	expect_absent("=x a=1", "");
	expect_absent("a=1", "");
	expect_get("=x a=1", "a", "1");
}

static void test_value_with_equals(void **state)
{
	expect_get("a=b=c", "a", "b=c");
	expect_get("a==", "a", "=");
	expect_get("a= b=1", "a", "");
	expect_get("a= b=1", "b", "1");
}

static void test_quoted_values(void **state)
{
	expect_get("extra=\"a b\"", "extra", "a b");
	expect_get("extra=\"a b\" next=1", "next", "1");
	expect_get("extra=\"a b\" next=1", "extra", "a b");
	expect_get("x=\"\" y=2", "x", "");
	expect_get("x=\"\" y=2", "y", "2");
	expect_get("x=\"k=v w\"", "x", "k=v w");
	expect_get("x=a\"b c\"d e=1", "x", "ab cd");
	expect_get("x=\"\t\"", "x", "\t");
}

/* Words inside a quoted value are part of it, not keys of their own. */
static void test_quotes_hide_words(void **state)
{
	const char *line = "extra=\"quiet loglevel=9\" loglevel=1";
	expect_absent(line, "quiet");
	expect_get(line, "loglevel", "1");
	expect_get(line, "extra", "quiet loglevel=9");
}

static void test_unterminated_quote(void **state)
{
	expect_get("extra=\"a b c", "extra", "a b c");
	expect_get("a=1 extra=\"x b=2 ", "extra", "x b=2 ");
	expect_absent("a=1 extra=\"x b=2", "b");
	expect_get("a=1 extra=\"x b=2", "a", "1");
	expect_get("x=\"", "x", "");
}

/* The canary after val_size must survive and the result be terminated. */
static void test_truncation(void **state)
{
	char val[8];

	memset(val, '#', sizeof(val));
	assert_true(cmdline_get("a=abcdef", "a", val, 4));
	assert_string_equal(val, "abc");
	assert_int_equal(val[4], '#');

	memset(val, '#', sizeof(val));
	assert_true(cmdline_get("a=abcdef", "a", val, 1));
	assert_int_equal(val[0], '\0');
	assert_int_equal(val[1], '#');

	memset(val, '#', sizeof(val));
	assert_true(cmdline_get("a=abcdef", "a", val, 0));
	assert_int_equal(val[0], '#');

	memset(val, '#', sizeof(val));
	assert_true(cmdline_get("a=\"ab cdef\"", "a", val, 6));
	assert_string_equal(val, "ab cd");

	assert_true(cmdline_get("a=abcdef", "a", val, 7));
	assert_string_equal(val, "abcdef");

	assert_true(cmdline_get("a=abcdef", "a", NULL, 0));
	assert_true(cmdline_get("a=abcdef", "a", NULL, 100));
	assert_false(cmdline_get("a=abcdef", "b", NULL, 0));
}

/* An exactly sized heap buffer lets ASan catch a write past val_size. */
static void test_truncation_heap(void **state)
{
	char *val = malloc(3);
	assert_non_null(val);
	assert_true(cmdline_get("key=0123456789", "key", val, 3));
	assert_string_equal(val, "01");
	free(val);
}

static void expect_u64(const char *cmdline, uint64_t want)
{
	uint64_t n = 0xdead;
	assert_int_equal(cmdline_get_u64(cmdline, "n", &n), CMDLINE_OK);
	assert_int_equal(n, want);
}

static void expect_u64_bad(const char *cmdline)
{
	uint64_t n = 0xdead;
	assert_int_equal(cmdline_get_u64(cmdline, "n", &n), CMDLINE_BAD);
	assert_int_equal(n, 0xdead);
}

static void test_u64_valid(void **state)
{
	expect_u64("n=0", 0);
	expect_u64("n=2", 2);
	expect_u64("a=1 n=1234567890 b=2", 1234567890);
	expect_u64("n=007", 7);
	expect_u64("n=0000000000000000000000000000000001", 1);
	expect_u64("n=0x0", 0);
	expect_u64("n=0x1f", 0x1f);
	expect_u64("n=0X1F", 0x1f);
	expect_u64("n=0xDeadBeef", 0xdeadbeef);
	expect_u64("n=0x00000000000000000000ff", 0xff);
	expect_u64("n=18446744073709551615", UINT64_MAX);
	expect_u64("n=0xffffffffffffffff", UINT64_MAX);
	expect_u64("n=\"42\"", 42);
	expect_u64("n=1 n=2", 2);
	expect_u64("n=12 ", 12);
}

static void test_u64_bad(void **state)
{
	expect_u64_bad("n");
	expect_u64_bad("n=");
	expect_u64_bad("n=\"\"");
	expect_u64_bad("n=0x");
	expect_u64_bad("n=0X");
	expect_u64_bad("n=abc");
	expect_u64_bad("n=12abc");
	expect_u64_bad("n=\"12 \"");
	expect_u64_bad("n=\" 12\"");
	expect_u64_bad("n=-1");
	expect_u64_bad("n=+1");
	expect_u64_bad("n=1f");
	expect_u64_bad("n=0x1g");
	expect_u64_bad("n=0xx1");
	expect_u64_bad("n=1.5");
	expect_u64_bad("n=18446744073709551616");
	expect_u64_bad("n=99999999999999999999");
	expect_u64_bad("n=0x10000000000000000");
	expect_u64_bad("n=0x1ffffffffffffffff");
	expect_u64_bad("n=5 n=x");
}

static void test_u64_absent(void **state)
{
	uint64_t n = 0xdead;
	assert_int_equal(cmdline_get_u64("nn=1 xn=2", "n", &n), CMDLINE_ABSENT);
	assert_int_equal(cmdline_get_u64("", "n", &n), CMDLINE_ABSENT);
	assert_int_equal(n, 0xdead);
}

static const char *const levels[] = { "error", "warn", "info", "debug" };
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

static void test_match(void **state)
{
	assert_int_equal(cmdline_match(GRUB_LINE, "loglevel", levels, NLEVELS), 3);
	assert_int_equal(cmdline_match("loglevel=error", "loglevel", levels, NLEVELS), 0);
	assert_int_equal(cmdline_match("loglevel=\"warn\"", "loglevel", levels, NLEVELS), 1);
	assert_int_equal(cmdline_match("loglevel=info loglevel=warn", "loglevel", levels, NLEVELS), 1);
	assert_int_equal(cmdline_match("quiet", "loglevel", levels, NLEVELS), -1);
	assert_int_equal(cmdline_match("loglevel=verbose", "loglevel", levels, NLEVELS), -2);
	assert_int_equal(cmdline_match("loglevel=deb", "loglevel", levels, NLEVELS), -2);
	assert_int_equal(cmdline_match("loglevel=debugx", "loglevel", levels, NLEVELS), -2);
	assert_int_equal(cmdline_match("loglevel=DEBUG", "loglevel", levels, NLEVELS), -2);
	assert_int_equal(cmdline_match("loglevel", "loglevel", levels, NLEVELS), -2);
	assert_int_equal(cmdline_match("loglevel=", "loglevel", levels, NLEVELS), -2);
	assert_int_equal(cmdline_match("loglevel=debug", "loglevel", levels, 0), -2);
	assert_int_equal(cmdline_match("loglevel=debug", "loglevel", NULL, 0), -2);
}

static void test_match_empty_and_duplicate_choices(void **state)
{
	static const char *const choices[] = { "on", "", "off", "on" };
	assert_int_equal(cmdline_match("x", "x", choices, 4), 1);
	assert_int_equal(cmdline_match("x=", "x", choices, 4), 1);
	assert_int_equal(cmdline_match("x=on", "x", choices, 4), 0);
	assert_int_equal(cmdline_match("x=o\"ff\"", "x", choices, 4), 2);
}

static void list_items_in_order(void **state)
{
	char value[] = ",a,,bc,d,";
	char *cursor = value;

	assert_string_equal(cmdline_list_next(&cursor), "a");
	assert_string_equal(cmdline_list_next(&cursor), "bc");
	assert_string_equal(cmdline_list_next(&cursor), "d");
	assert_null(cmdline_list_next(&cursor));
	assert_null(cmdline_list_next(&cursor));
}

static void list_empty_or_only_commas(void **state)
{
	char empty[] = "", commas[] = ",,,";
	char *cursor = empty;

	assert_null(cmdline_list_next(&cursor));
	cursor = commas;
	assert_null(cmdline_list_next(&cursor));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_items_in_order),
		cmocka_unit_test(list_empty_or_only_commas),
		cmocka_unit_test(test_basic_words),
		cmocka_unit_test(test_key_positions),
		cmocka_unit_test(test_exact_key_match),
		cmocka_unit_test(test_repeated_key_last_wins),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_value_with_equals),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_quotes_hide_words),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_heap),
		cmocka_unit_test(test_u64_valid),
		cmocka_unit_test(test_u64_bad),
		cmocka_unit_test(test_u64_absent),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_empty_and_duplicate_choices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
