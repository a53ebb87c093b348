/* Unit tests for hv/domain_config.c: every key, defaults, the xl.cfg syntax
 * variants, and every error message with its exact file:line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/domain_config.h"

/* The three required keys, on lines 1-3; error tests add lines after them. */
#define BASE "name = \"dom1\"\nmemory = 512\nkernel = \"/boot/vmlinuz\"\n"

/* Parses from an exactly sized heap copy, so ASan reports any read past len. */
static int parse_len(const char *text, size_t len, struct domain_config *cfg, char *err,
		     size_t errlen)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, text, len);
	int r = domain_config_parse("dom1.cfg", copy, len, cfg, err, errlen);
	free(copy);
	return r;
}

static struct domain_config parse_ok_len(const char *text, size_t len)
{
	struct domain_config cfg;
	char err[256];
	memset(&cfg, 0xa5, sizeof(cfg));
	memset(err, 'X', sizeof(err));
	int r = parse_len(text, len, &cfg, err, sizeof(err));
	assert_string_equal(err, "");
	assert_int_equal(r, 0);
	return cfg;
}

static struct domain_config parse_ok(const char *text)
{
	return parse_ok_len(text, strlen(text));
}

static void expect_error_len(const char *text, size_t len, const char *want)
{
	struct domain_config cfg;
	char err[256];
	memset(err, 'X', sizeof(err));
	assert_int_equal(parse_len(text, len, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void expect_error(const char *text, const char *want)
{
	expect_error_len(text, strlen(text), want);
}

/* text repeated to n bytes, NUL-terminated; the caller frees it. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* printf into a fresh heap string; the caller frees it. */
__attribute__((format(printf, 1, 2)))
static char *text_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void test_minimal_and_defaults(void **state)
{
	struct domain_config cfg = parse_ok(BASE);
	assert_string_equal(cfg.name, "dom1");
	assert_int_equal(cfg.memory_mib, 512);
	assert_int_equal(cfg.vcpus, 1);
	assert_string_equal(cfg.kernel, "/boot/vmlinuz");
	assert_string_equal(cfg.ramdisk, "");
	assert_string_equal(cfg.extra, "");
	assert_int_equal(cfg.kernel_type, KERNEL_AUTO);
	assert_int_equal(cfg.raw16_cs, 0);
	assert_int_equal(cfg.raw16_ip, 0);
	assert_int_equal(cfg.test_fault, TEST_FAULT_NONE);
}

static void test_every_key(void **state)
{
	struct domain_config cfg = parse_ok("name = \"guest-1.test_A\"\n"
					    "memory = 2048\n"
					    "vcpus = 4\n"
					    "kernel = \"/boot/bzImage\"\n"
					    "ramdisk = \"/boot/initrd.img\"\n"
					    "extra = \"console=ttyS0 root=/dev/ram0 quiet\"\n"
					    "kernel_type = \"raw16\"\n"
					    "raw16_entry = \"0x0800:0x0100\"\n"
					    "test_fault = \"bad-control\"\n");
	assert_string_equal(cfg.name, "guest-1.test_A");
	assert_int_equal(cfg.memory_mib, 2048);
	assert_int_equal(cfg.vcpus, 4);
	assert_string_equal(cfg.kernel, "/boot/bzImage");
	assert_string_equal(cfg.ramdisk, "/boot/initrd.img");
	assert_string_equal(cfg.extra, "console=ttyS0 root=/dev/ram0 quiet");
	assert_int_equal(cfg.kernel_type, KERNEL_RAW16);
	assert_int_equal(cfg.raw16_cs, 0x0800);
	assert_int_equal(cfg.raw16_ip, 0x0100);
	assert_int_equal(cfg.test_fault, TEST_FAULT_BAD_CONTROL);
}

/* The way xl users write these files: comments, blank lines, ';', 'quotes'. */
static void test_xl_style_file(void **state)
{
	struct domain_config cfg = parse_ok("# =====================================\n"
					    "# A Linux guest\n"
					    "# =====================================\n"
					    "\n"
					    "name    = 'linux1'      # shown in the log\n"
					    "memory  = 1024;\n"
					    "vcpus   = 2 ;  # two of them\n"
					    "\n"
					    "kernel  = \"/guests/vmlinuz-6.1\"\n"
					    "ramdisk = '/guests/initrd-6.1';\n"
					    "extra   = 'console=hvc0 earlyprintk=xen'\n"
					    "   \t\n"
					    "# end\n");
	assert_string_equal(cfg.name, "linux1");
	assert_int_equal(cfg.memory_mib, 1024);
	assert_int_equal(cfg.vcpus, 2);
	assert_string_equal(cfg.kernel, "/guests/vmlinuz-6.1");
	assert_string_equal(cfg.ramdisk, "/guests/initrd-6.1");
	assert_string_equal(cfg.extra, "console=hvc0 earlyprintk=xen");
}

static void test_quoting_styles(void **state)
{
	struct domain_config cfg;

	cfg = parse_ok(BASE "extra = 'init=\"/bin/sh\"'\n");
	assert_string_equal(cfg.extra, "init=\"/bin/sh\"");
	cfg = parse_ok(BASE "extra = \"it's\"\n");
	assert_string_equal(cfg.extra, "it's");
	cfg = parse_ok(BASE "extra = \"a # not a comment ; nor this\"\n");
	assert_string_equal(cfg.extra, "a # not a comment ; nor this");
	cfg = parse_ok(BASE "extra = \"\"\n");
	assert_string_equal(cfg.extra, "");
	cfg = parse_ok(BASE "extra = ''\n");
	assert_string_equal(cfg.extra, "");
	cfg = parse_ok(BASE "extra = \"  spaced\tout  \"\n");
	assert_string_equal(cfg.extra, "  spaced\tout  ");
	cfg = parse_ok(BASE "extra = \"x=[1,2] = 'y'\"\n");
	assert_string_equal(cfg.extra, "x=[1,2] = 'y'");
	cfg = parse_ok("name='a'\nmemory=1\nkernel='k'");
	assert_string_equal(cfg.name, "a");
	assert_string_equal(cfg.kernel, "k");
}

static void test_comments_and_blank_lines(void **state)
{
	struct domain_config cfg = parse_ok("\n\n#\n# memory = 9\n   # indented\n\t#tab\n"
					    "name = \"c\" #c\n"
					    "memory = 8#no space needed\n"
					    "kernel = \"k\"# right after\n"
					    "#vcpus = 7\n\n");
	assert_string_equal(cfg.name, "c");
	assert_int_equal(cfg.memory_mib, 8);
	assert_string_equal(cfg.kernel, "k");
	assert_int_equal(cfg.vcpus, 1);
}

static void test_semicolons(void **state)
{
	struct domain_config cfg = parse_ok("name = \"s\";\n"
					    "memory = 16;# comment\n"
					    "vcpus = 3 ; \n"
					    "kernel = 'k';\t\n");
	assert_string_equal(cfg.name, "s");
	assert_int_equal(cfg.memory_mib, 16);
	assert_int_equal(cfg.vcpus, 3);
	assert_string_equal(cfg.kernel, "k");

	expect_error(BASE "vcpus = 2;;\n", "dom1.cfg:4: vcpus: unexpected ';' after the value");
	expect_error(BASE ";\n", "dom1.cfg:4: expected a key, got ';'");
	expect_error(BASE "vcpus = 2; memory = 3\n",
		     "dom1.cfg:4: vcpus: unexpected 'm' after the value");
}

static void test_whitespace_variants(void **state)
{
	struct domain_config cfg = parse_ok("name=\"w\"\n"
					    "\t memory\t=\t64\t\n"
					    "   vcpus    =    8      \n"
					    "kernel =\"k\"\n"
					    "extra= 'e'\n");
	assert_string_equal(cfg.name, "w");
	assert_int_equal(cfg.memory_mib, 64);
	assert_int_equal(cfg.vcpus, 8);
	assert_string_equal(cfg.kernel, "k");
	assert_string_equal(cfg.extra, "e");
}

static void test_crlf_line_ends(void **state)
{
	struct domain_config cfg = parse_ok("# DOS file\r\n"
					    "name = \"crlf\"\r\n"
					    "\r\n"
					    "memory = 0x100\r\n"
					    "vcpus = 2;\r\n"
					    "kernel = 'k' # c\r\n"
					    "extra = \"x\"\r\n");
	assert_string_equal(cfg.name, "crlf");
	assert_int_equal(cfg.memory_mib, 256);
	assert_int_equal(cfg.vcpus, 2);
	assert_string_equal(cfg.kernel, "k");
	assert_string_equal(cfg.extra, "x");

	expect_error("name = \"a\"\r\nmemory = 1\r\nkernel = \"k\"\r\nvpcus = 2\r\n",
		     "dom1.cfg:4: unknown key 'vpcus'");
	expect_error("name = \"a\"\r\nmemory = 1\r\n",
		     "dom1.cfg:2: missing required key 'kernel'");
	expect_error("name = \"a\r\n", "dom1.cfg:1: name: unterminated string");
}

static void test_no_final_newline(void **state)
{
	struct domain_config cfg = parse_ok("name = \"n\"\nmemory = 3\nkernel = \"k\"");
	assert_int_equal(cfg.memory_mib, 3);
	cfg = parse_ok("name = \"n\"\nmemory = 3\nkernel = \"k\" # last");
	assert_string_equal(cfg.kernel, "k");
}

static void test_hex_and_decimal(void **state)
{
	struct domain_config cfg;

	cfg = parse_ok(BASE "vcpus = 0x40\n");
	assert_int_equal(cfg.vcpus, 64);
	cfg = parse_ok(BASE "vcpus = 0X3f\n");
	assert_int_equal(cfg.vcpus, 63);
	cfg = parse_ok(BASE "vcpus = 0x0000000000000000000000001\n");
	assert_int_equal(cfg.vcpus, 1);
	cfg = parse_ok(BASE "vcpus = 10\n");
	assert_int_equal(cfg.vcpus, 10);
	cfg = parse_ok("name = \"n\"\nmemory = 65536\nkernel = \"k\"\n");
	assert_int_equal(cfg.memory_mib, 65536);
	cfg = parse_ok("name = \"n\"\nmemory = 0x10000\nkernel = \"k\"\n");
	assert_int_equal(cfg.memory_mib, 65536);
	cfg = parse_ok("name = \"n\"\nmemory = 0xAbC\nkernel = \"k\"\n");
	assert_int_equal(cfg.memory_mib, 0xabc);
	cfg = parse_ok("name = \"n\"\nmemory = 1\nkernel = \"k\"\n");
	assert_int_equal(cfg.memory_mib, 1);
}

static void test_integer_errors(void **state)
{
	expect_error("name = \"a\"\nkernel = \"k\"\nmemory = \"lots\"\n",
		     "dom1.cfg:3: memory: expected an integer, got \"lots\"");
	expect_error(BASE "vcpus = '2'\n", "dom1.cfg:4: vcpus: expected an integer, got '2'");
	expect_error(BASE "vcpus = two\n", "dom1.cfg:4: vcpus: expected an integer, got two");
	expect_error(BASE "vcpus = 2cpus\n", "dom1.cfg:4: vcpus: expected an integer, got 2cpus");
	expect_error(BASE "vcpus = 0x\n", "dom1.cfg:4: vcpus: expected an integer, got 0x");
	expect_error(BASE "vcpus = 0xg\n", "dom1.cfg:4: vcpus: expected an integer, got 0xg");
	expect_error(BASE "vcpus = 1.5\n", "dom1.cfg:4: vcpus: expected an integer, got 1.5");
	expect_error(BASE "vcpus = +1\n", "dom1.cfg:4: vcpus: expected an integer, got +1");
	expect_error(BASE "vcpus = --1\n", "dom1.cfg:4: vcpus: expected an integer, got --1");
	expect_error(BASE "vcpus = -\n", "dom1.cfg:4: vcpus: expected an integer, got -");
	expect_error(BASE "vcpus = 2,\n", "dom1.cfg:4: vcpus: expected an integer, got 2,");
	expect_error(BASE "vcpus = [2]\n", "dom1.cfg:4: vcpus: expected an integer, got a list");
	expect_error(BASE "vcpus = [ 1,\n 2 ]\n",
		     "dom1.cfg:4: vcpus: expected an integer, got a list");

	expect_error(BASE "vcpus = 0\n", "dom1.cfg:4: vcpus: 0 is out of range (1..64)");
	expect_error(BASE "vcpus = 65\n", "dom1.cfg:4: vcpus: 65 is out of range (1..64)");
	expect_error(BASE "vcpus = 0x41\n", "dom1.cfg:4: vcpus: 0x41 is out of range (1..64)");
	expect_error(BASE "vcpus = -1\n", "dom1.cfg:4: vcpus: -1 is out of range (1..64)");
	expect_error(BASE "vcpus = -0x1\n", "dom1.cfg:4: vcpus: -0x1 is out of range (1..64)");
	expect_error("memory = 0\n", "dom1.cfg:1: memory: 0 is out of range (1..65536)");
	expect_error("memory = 65537\n", "dom1.cfg:1: memory: 65537 is out of range (1..65536)");
	expect_error("memory = 0x10001\n",
		     "dom1.cfg:1: memory: 0x10001 is out of range (1..65536)");
	expect_error("memory = 4294967297\n",
		     "dom1.cfg:1: memory: 4294967297 is out of range (1..65536)");
	expect_error(BASE "vcpus = 4294967297\n",
		     "dom1.cfg:4: vcpus: 4294967297 is out of range (1..64)");

	expect_error(BASE "vcpus = 010\n",
		     "dom1.cfg:4: vcpus: leading zero in 010 (xl would read it as octal)");
	expect_error(BASE "vcpus = 00\n",
		     "dom1.cfg:4: vcpus: leading zero in 00 (xl would read it as octal)");
	expect_error(BASE "vcpus = 08\n",
		     "dom1.cfg:4: vcpus: leading zero in 08 (xl would read it as octal)");
}

/* Past 64 bits is out of range, however many digits, and never wraps. */
static void test_integer_overflow(void **state)
{
	expect_error("memory = 18446744073709551615\n",
		     "dom1.cfg:1: memory: 18446744073709551615 is out of range (1..65536)");
	expect_error("memory = 18446744073709551616\n",
		     "dom1.cfg:1: memory: 18446744073709551616 is out of range (1..65536)");
	expect_error("memory = 18446744073709552128\n",
		     "dom1.cfg:1: memory: 18446744073709552128 is out of range (1..65536)");
	expect_error("memory = 0x10000000000000000\n",
		     "dom1.cfg:1: memory: 0x10000000000000000 is out of range (1..65536)");
	expect_error("memory = 0x10000000000000200\n",
		     "dom1.cfg:1: memory: 0x10000000000000200 is out of range (1..65536)");
	expect_error("memory = 999999999999999999999999999999\n",
		     "dom1.cfg:1: memory: 999999999999999999999999999999 is out of range "
		     "(1..65536)");
	expect_error("memory = 99999999999999999999x\n",
		     "dom1.cfg:1: memory: expected an integer, got 99999999999999999999x");
}

static void test_string_errors(void **state)
{
	expect_error("name = \"a\"\nmemory = 1\nkernel = 42\n",
		     "dom1.cfg:3: kernel: expected a string, got 42");
	expect_error("kernel = /boot/vmlinuz\n",
		     "dom1.cfg:1: kernel: expected a string, got /boot/vmlinuz");
	expect_error("kernel = [ \"a\", \"b\" ]\n",
		     "dom1.cfg:1: kernel: expected a string, got a list");
	expect_error("name = dom1\n", "dom1.cfg:1: name: expected a string, got dom1");
	expect_error(BASE "extra = 0x1\n", "dom1.cfg:4: extra: expected a string, got 0x1");
	expect_error(BASE "ramdisk = []\n", "dom1.cfg:4: ramdisk: expected a string, got a list");

	expect_error("kernel = \"/boot/vmlinuz\n", "dom1.cfg:1: kernel: unterminated string");
	expect_error("kernel = '/boot/vmlinuz\n", "dom1.cfg:1: kernel: unterminated string");
	expect_error("kernel = '/boot/vmlinuz\"\n", "dom1.cfg:1: kernel: unterminated string");
	expect_error("kernel = \"\n\"\n", "dom1.cfg:1: kernel: unterminated string");
	expect_error("kernel = \"", "dom1.cfg:1: kernel: unterminated string");
	expect_error(BASE "extra = \"a\\\"b\"\n",
		     "dom1.cfg:4: extra: backslash escapes are not supported");
	expect_error(BASE "extra = 'a\\b'\n",
		     "dom1.cfg:4: extra: backslash escapes are not supported");

	expect_error("kernel = \"\"\n", "dom1.cfg:1: kernel: must not be empty");
	expect_error(BASE "ramdisk = ''\n", "dom1.cfg:4: ramdisk: must not be empty");
	expect_error("name = \"\"\n", "dom1.cfg:1: name: must not be empty");
}

/* Each string field takes size - 1 bytes; one more is an error, not a cut. */
static void test_string_limits(void **state)
{
	static const struct {
		const char *key;
		size_t offset, size;
		const char *before; /* the other required keys */
		int line;
	} fields[] = {
		{ "name", offsetof(struct domain_config, name), DOMAIN_NAME_MAX,
		  "memory = 1\nkernel = 'k'\n", 3 },
		{ "kernel", offsetof(struct domain_config, kernel), DOMAIN_PATH_MAX,
		  "name = 'n'\nmemory = 1\n", 3 },
		{ "ramdisk", offsetof(struct domain_config, ramdisk), DOMAIN_PATH_MAX, BASE, 4 },
		{ "extra", offsetof(struct domain_config, extra), DOMAIN_EXTRA_MAX, BASE, 4 },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t max = fields[i].size - 1;
		char *fits = repeat('a', max), *over = repeat('a', max + 1);
		const char *key = fields[i].key;
		char *ok_text = text_printf("%s%s = \"%s\"\n", fields[i].before, key, fits);
		char *bad_text = text_printf("%s%s = \"%s\"\n", fields[i].before, key, over);
		char *want = text_printf("dom1.cfg:%d: %s: too long (%zu bytes, at most %zu)",
					 fields[i].line, key, max + 1, max);

		struct domain_config cfg = parse_ok(ok_text);
		assert_string_equal((const char *)&cfg + fields[i].offset, fits);
		expect_error(bad_text, want);
		free(fits);
		free(over);
		free(ok_text);
		free(bad_text);
		free(want);
	}
}

static void test_name_rules(void **state)
{
	struct domain_config cfg = parse_ok("name = 'AZaz09_.-'\nmemory = 1\nkernel = 'k'\n");
	assert_string_equal(cfg.name, "AZaz09_.-");
	cfg = parse_ok("name = '1'\nmemory = 1\nkernel = 'k'\n");
	assert_string_equal(cfg.name, "1");

	expect_error("name = \"dom 1\"\n",
		     "dom1.cfg:1: name: invalid character ' ' (allowed: A-Z a-z 0-9 _ . -)");
	expect_error("name = \"a/b\"\n",
		     "dom1.cfg:1: name: invalid character '/' (allowed: A-Z a-z 0-9 _ . -)");
	expect_error("name = \"d\xc3\xa9\"\n",
		     "dom1.cfg:1: name: invalid character '\\xc3' (allowed: A-Z a-z 0-9 _ . -)");
	expect_error("name = \"a\tb\"\n",
		     "dom1.cfg:1: name: invalid character '\\x09' (allowed: A-Z a-z 0-9 _ . -)");
	expect_error("name = \"x\r\"\n",
		     "dom1.cfg:1: name: invalid character '\\x0d' (allowed: A-Z a-z 0-9 _ . -)");
}

static void test_kernel_type(void **state)
{
	static const struct {
		const char *word;
		enum domain_kernel_type type;
	} types[] = {
		{ "auto", KERNEL_AUTO },
		{ "multiboot", KERNEL_MULTIBOOT },
		{ "elf64", KERNEL_ELF64 },
		{ "linux", KERNEL_LINUX },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char *text = text_printf(BASE "kernel_type = \"%s\"\n", types[i].word);
		assert_int_equal(parse_ok(text).kernel_type, types[i].type);
		free(text);
	}
	assert_int_equal(parse_ok(BASE "kernel_type = 'raw16'\nraw16_entry = '0:0'\n").kernel_type,
			 KERNEL_RAW16);

	expect_error(BASE "kernel_type = \"bzImage\"\n",
		     "dom1.cfg:4: kernel_type: expected \"auto\", \"multiboot\", \"elf64\", "
		     "\"raw16\" or \"linux\", got \"bzImage\"");
	expect_error(BASE "kernel_type = 'ELF64'\n",
		     "dom1.cfg:4: kernel_type: expected \"auto\", \"multiboot\", \"elf64\", "
		     "\"raw16\" or \"linux\", got 'ELF64'");
	expect_error(BASE "kernel_type = \"\"\n",
		     "dom1.cfg:4: kernel_type: expected \"auto\", \"multiboot\", \"elf64\", "
		     "\"raw16\" or \"linux\", got \"\"");
	expect_error(BASE "kernel_type = \"elf\"\n",
		     "dom1.cfg:4: kernel_type: expected \"auto\", \"multiboot\", \"elf64\", "
		     "\"raw16\" or \"linux\", got \"elf\"");
	expect_error(BASE "kernel_type = elf64\n",
		     "dom1.cfg:4: kernel_type: expected a string, got elf64");
}

static void expect_raw16(const char *entry, uint16_t cs, uint16_t ip)
{
	char *text = text_printf(BASE "kernel_type = \"raw16\"\nraw16_entry = \"%s\"\n", entry);
	struct domain_config cfg = parse_ok(text);
	assert_int_equal(cfg.raw16_cs, cs);
	assert_int_equal(cfg.raw16_ip, ip);
	free(text);
}

static void expect_raw16_bad(const char *entry)
{
	char *text = text_printf(BASE "kernel_type = \"raw16\"\nraw16_entry = \"%s\"\n", entry);
	char *want = text_printf("dom1.cfg:5: raw16_entry: expected \"CS:IP\" as 16-bit hex "
				 "numbers like \"0x0800:0x0000\", got \"%s\"",
				 entry);
	expect_error(text, want);
	free(text);
	free(want);
}

static void test_raw16_entry(void **state)
{
	expect_raw16("0x0800:0x0000", 0x0800, 0);
	expect_raw16("0X07C0:0x7c00", 0x07c0, 0x7c00);
	expect_raw16("0800:0100", 0x0800, 0x0100);
	expect_raw16("0xffff:0xFFFF", 0xffff, 0xffff);
	expect_raw16("0:0", 0, 0);
	expect_raw16("0x000000f000:0x0000fff0", 0xf000, 0xfff0);

	expect_raw16_bad("0x0800");
	expect_raw16_bad("0x10000:0");
	expect_raw16_bad("0:0x10000");
	expect_raw16_bad(":0");
	expect_raw16_bad("0:");
	expect_raw16_bad(":");
	expect_raw16_bad("");
	expect_raw16_bad("0x:0");
	expect_raw16_bad("0:0x");
	expect_raw16_bad("0:0:0");
	expect_raw16_bad(" 0:0");
	expect_raw16_bad("0:0 ");
	expect_raw16_bad("g:0");
	expect_raw16_bad("-1:0");
	expect_raw16_bad("0x0800;0");
	expect_error(BASE "kernel_type = \"raw16\"\nraw16_entry = 0x800\n",
		     "dom1.cfg:5: raw16_entry: expected a string, got 0x800");

	/* Either order in the file. */
	struct domain_config cfg =
		parse_ok(BASE "raw16_entry = \"0x1000:0x0010\"\nkernel_type = \"raw16\"\n");
	assert_int_equal(cfg.raw16_cs, 0x1000);
	assert_int_equal(cfg.raw16_ip, 0x10);

	expect_error(BASE "kernel_type = \"raw16\"\n# no entry\n",
		     "dom1.cfg:5: missing key 'raw16_entry' "
		     "(kernel_type \"raw16\" on line 4 needs it)");
	expect_error(BASE "raw16_entry = \"0:0\"\n\n",
		     "dom1.cfg:4: raw16_entry is only allowed with kernel_type \"raw16\"");
	expect_error(BASE "raw16_entry = \"0:0\"\nkernel_type = \"elf64\"\n",
		     "dom1.cfg:4: raw16_entry is only allowed with kernel_type \"raw16\"");
}

static void test_test_fault(void **state)
{
	assert_int_equal(parse_ok(BASE "test_fault = \"none\"\n").test_fault, TEST_FAULT_NONE);
	assert_int_equal(parse_ok(BASE "test_fault = 'bad-guest-state'\n").test_fault,
			 TEST_FAULT_BAD_GUEST_STATE);
	assert_int_equal(parse_ok(BASE "test_fault = \"bad-control\"\n").test_fault,
			 TEST_FAULT_BAD_CONTROL);
	expect_error(BASE "test_fault = \"bad_control\"\n",
		     "dom1.cfg:4: test_fault: expected \"none\", \"bad-guest-state\" or "
		     "\"bad-control\", got \"bad_control\"");
	expect_error(BASE "test_fault = 1\n", "dom1.cfg:4: test_fault: expected a string, got 1");
}

static void test_unknown_keys(void **state)
{
	expect_error(BASE "\n\n\nvpcus = 2\n", "dom1.cfg:7: unknown key 'vpcus'");
	expect_error("Memory = 512\n", "dom1.cfg:1: unknown key 'Memory'");
	expect_error(BASE "on_crash = 'destroy'\n", "dom1.cfg:4: unknown key 'on_crash'");
	expect_error(BASE "disk = [ 'phy:/dev/vg/guest,xvda,w' ]\n",
		     "dom1.cfg:4: unknown key 'disk'");
	expect_error("name_ = 'x'\n", "dom1.cfg:1: unknown key 'name_'");
	expect_error("nam = 'x'\n", "dom1.cfg:1: unknown key 'nam'");
	expect_error("9 = 'x'\n", "dom1.cfg:1: unknown key '9'");
}

static void test_repeated_keys(void **state)
{
	expect_error(BASE "memory = 512\n",
		     "dom1.cfg:4: repeated key 'memory' (first set on line 2)");
	expect_error("vcpus = 1\n# again\nvcpus = 2\n",
		     "dom1.cfg:3: repeated key 'vcpus' (first set on line 1)");
	expect_error(BASE "extra = ''\nextra = 'x'\n",
		     "dom1.cfg:5: repeated key 'extra' (first set on line 4)");
	/* Repetition is the error even when the second value is also bad. */
	expect_error(BASE "name = 42\n", "dom1.cfg:4: repeated key 'name' (first set on line 1)");
}

static void test_syntax_errors(void **state)
{
	expect_error(BASE "vcpus 2\n", "dom1.cfg:4: expected '=' after 'vcpus'");
	expect_error(BASE "vcpus\n", "dom1.cfg:4: expected '=' after 'vcpus'");
	expect_error(BASE "vcpus += 2\n", "dom1.cfg:4: expected '=' after 'vcpus'");
	expect_error(BASE "vcpus: 2\n", "dom1.cfg:4: expected '=' after 'vcpus'");
	expect_error(BASE "= 2\n", "dom1.cfg:4: expected a key, got '='");
	expect_error(BASE "\"vcpus\" = 2\n", "dom1.cfg:4: expected a key, got '\"'");
	expect_error(BASE "-vcpus = 2\n", "dom1.cfg:4: expected a key, got '-'");
	expect_error(BASE "\x01\n", "dom1.cfg:4: expected a key, got '\\x01'");
	expect_error(BASE "\f\n", "dom1.cfg:4: expected a key, got '\\x0c'");
	expect_error(BASE "\xef\xbb\xbfvcpus = 2\n", "dom1.cfg:4: expected a key, got '\\xef'");
	expect_error(BASE "vcpus =\n", "dom1.cfg:4: vcpus: missing value");
	expect_error(BASE "vcpus =   \n", "dom1.cfg:4: vcpus: missing value");
	expect_error(BASE "vcpus = ;\n", "dom1.cfg:4: vcpus: missing value");
	expect_error(BASE "vcpus = # 2\n", "dom1.cfg:4: vcpus: missing value");
	expect_error(BASE "vcpus =", "dom1.cfg:4: vcpus: missing value");
	expect_error(BASE "vcpus = 2 3\n", "dom1.cfg:4: vcpus: unexpected '3' after the value");
	expect_error(BASE "extra = \"a\" \"b\"\n",
		     "dom1.cfg:4: extra: unexpected '\"' after the value");
	expect_error(BASE "extra = \"a\"b\n", "dom1.cfg:4: extra: unexpected 'b' after the value");
	expect_error(BASE "extra = 'a'; x\n", "dom1.cfg:4: extra: unexpected 'x' after the value");
	expect_error(BASE "extra = 'a'\x7f\n",
		     "dom1.cfg:4: extra: unexpected '\\x7f' after the value");
	/* The syntax of the whole line is checked before the value's meaning. */
	expect_error(BASE "vcpus = 99 x\n", "dom1.cfg:4: vcpus: unexpected 'x' after the value");
	/* The first error in the file wins. */
	expect_error("vcpus = 0\nmemory = 0\n", "dom1.cfg:1: vcpus: 0 is out of range (1..64)");
}

static void test_missing_required_keys(void **state)
{
	expect_error("memory = 1\nkernel = 'k'\n", "dom1.cfg:2: missing required key 'name'");
	expect_error("name = 'n'\nkernel = 'k'\n\n# end\n",
		     "dom1.cfg:4: missing required key 'memory'");
	expect_error("name = 'n'\nmemory = 1\n# kernel = 'k'\n\n\n\n\n\n",
		     "dom1.cfg:8: missing required key 'kernel'");
	expect_error("name = 'n'\nmemory = 1", "dom1.cfg:2: missing required key 'kernel'");
	expect_error("name = 'n'\nmemory = 1\n\r\n", "dom1.cfg:3: missing required key 'kernel'");
	expect_error("kernel = 'k'\n", "dom1.cfg:1: missing required key 'name'");
	expect_error("", "dom1.cfg:1: missing required key 'name'");
	expect_error("\n", "dom1.cfg:1: missing required key 'name'");
	expect_error("\n\n\n", "dom1.cfg:3: missing required key 'name'");
	expect_error("# nothing\n  \n", "dom1.cfg:2: missing required key 'name'");
}

/* len ends the text wherever it falls; nothing after it is read. */
static void test_len_cuts_tokens(void **state)
{
	const char *text = BASE "vcpus = 12\nextra = \"quiet\"\n";
	size_t base = strlen(BASE);

	struct domain_config cfg = parse_ok_len(text, base + strlen("vcpus = 1"));
	assert_int_equal(cfg.vcpus, 1);
	expect_error_len(text, base + strlen("vcpus = 12\nextra = \"qu"),
			 "dom1.cfg:5: extra: unterminated string");
	expect_error_len(text, base + strlen("vcpus = 12\nextra = \"quiet"),
			 "dom1.cfg:5: extra: unterminated string");
	cfg = parse_ok_len(text, base + strlen("vcpus = 12\nextra = \"quiet\""));
	assert_string_equal(cfg.extra, "quiet");
	expect_error_len(text, base + strlen("vcpus = 12\nextra ="),
			 "dom1.cfg:5: extra: missing value");
	expect_error_len(text, base + strlen("vcpus = 12\nex"),
			 "dom1.cfg:5: expected '=' after 'ex'");
	expect_error_len(text, base + strlen("vc"), "dom1.cfg:4: expected '=' after 'vc'");
	expect_error_len(BASE "vcpus = 0x40\n", base + strlen("vcpus = 0x"),
			 "dom1.cfg:4: vcpus: expected an integer, got 0x");
	expect_error_len(text, strlen("name = \"do"), "dom1.cfg:1: name: unterminated string");
	const char *junk_after = "name = 'ab'\nmemory = 1\nkernel = 'k'\nX";
	cfg = parse_ok_len(junk_after, strlen(junk_after) - 1);
	assert_string_equal(cfg.kernel, "k");

	/* Every prefix parses or fails cleanly: ASan checks the reads. */
	const char *full = "# c\r\nname = 'full'; # n\nmemory = 0x200\nvcpus = 2\n"
			   "kernel = \"/k\"\nramdisk = '/r'\nextra = \"a b\"\n"
			   "kernel_type = 'raw16'\nraw16_entry = '0x800:0x0'\n"
			   "test_fault = 'none'\n";
	for (size_t len = 0; len <= strlen(full); len++) {
		char err[256];
		int r = parse_len(full, len, &cfg, err, sizeof(err));
		assert_true(r == 0 || r == -1);
		assert_true(r == -1 || err[0] == '\0');
		assert_true(r == 0 || strncmp(err, "dom1.cfg:", 9) == 0);
	}
	assert_int_equal(parse_ok(full).raw16_cs, 0x800);
}

static void test_embedded_nul(void **state)
{
	static const char in_value[] = "name = \"do\0m1\"\n";
	expect_error_len(in_value, sizeof(in_value) - 1, "dom1.cfg:1: NUL byte in the text");
	static const char in_comment[] = BASE "# a \0 in a comment\n";
	expect_error_len(in_comment, sizeof(in_comment) - 1, "dom1.cfg:4: NUL byte in the text");
	static const char at_end[] = BASE "\0";
	expect_error_len(at_end, sizeof(at_end) - 1, "dom1.cfg:4: NUL byte in the text");
	static const char blank_line[] = BASE "\n\0\n";
	expect_error_len(blank_line, sizeof(blank_line) - 1, "dom1.cfg:5: NUL byte in the text");
	/* A NUL where a C string would end must not hide an error after it. */
	static const char hides[] = BASE "vcpus = 2 \0 junk\n";
	expect_error_len(hides, sizeof(hides) - 1, "dom1.cfg:4: NUL byte in the text");
}

static void test_overlong_lines(void **state)
{
	char *comment = repeat('#', DOMAIN_LINE_MAX);
	char *text;

	text = text_printf(BASE "%s\n", comment);
	parse_ok(text);
	free(text);
	text = text_printf(BASE "%s", comment);
	parse_ok(text);
	free(text);
	text = text_printf(BASE "%s\r\n", comment);
	parse_ok(text);
	free(text);
	text = text_printf(BASE "%s#\n", comment);
	expect_error(text, "dom1.cfg:4: line longer than 1024 bytes");
	free(text);
	text = text_printf(BASE "%s \r\n", comment);
	expect_error(text, "dom1.cfg:4: line longer than 1024 bytes");
	free(text);
	text = text_printf(BASE "%s#", comment);
	expect_error(text, "dom1.cfg:4: line longer than 1024 bytes");
	free(text);
	free(comment);

	/* The length rule comes first, whatever else is wrong with the line. */
	char *spaces = repeat(' ', DOMAIN_LINE_MAX);
	text = text_printf("%s\"\n", spaces);
	expect_error(text, "dom1.cfg:1: line longer than 1024 bytes");
	free(text);
	free(spaces);

	char *huge = repeat('x', 100000);
	expect_error(huge, "dom1.cfg:1: line longer than 1024 bytes");
	free(huge);
}

/* A bad value is quoted in the message, but only its first 40 bytes. */
static void test_long_values_cut_in_messages(void **state)
{
	char *word = repeat('7', 100);
	char *text = text_printf("memory = %s\n", word);
	expect_error(text, "dom1.cfg:1: memory: 7777777777777777777777777777777777777777... is out "
			   "of range (1..65536)");
	free(text);
	free(word);

	char *str = repeat('z', 41);
	text = text_printf("memory = '%s'\n", str);
	expect_error(text, "dom1.cfg:1: memory: expected an integer, got "
			   "'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...'");
	free(text);
	free(str);

	expect_error("memory = '\x01\x1b[2J\xff'\n",
		     "dom1.cfg:1: memory: expected an integer, got '\\x01\\x1b[2J\\xff'");
}

static void test_error_buffer(void **state)
{
	struct domain_config cfg;
	char err[16];
	const char *text = BASE "vpcus = 2\n";

	memset(err, 'X', sizeof(err));
	assert_int_equal(parse_len(text, strlen(text), &cfg, err, 12), -1);
	assert_string_equal(err, "dom1.cfg:4:");
	assert_int_equal(err[12], 'X');

	memset(err, 'X', sizeof(err));
	assert_int_equal(parse_len(text, strlen(text), &cfg, err, 5), -1);
	assert_string_equal(err, "dom1");

	memset(err, 'X', sizeof(err));
	assert_int_equal(parse_len(text, strlen(text), &cfg, err, 1), -1);
	assert_int_equal(err[0], '\0');
	assert_int_equal(err[1], 'X');

	assert_int_equal(parse_len(text, strlen(text), &cfg, NULL, 0), -1);
	assert_int_equal(parse_len(BASE, strlen(BASE), &cfg, NULL, 0), 0);

	/* Exactly sized: "dom1.cfg:4: unknown key 'vpcus'" is 31 characters. */
	char *exact = malloc(32);
	assert_non_null(exact);
	assert_int_equal(parse_len(text, strlen(text), &cfg, exact, 32), -1);
	assert_string_equal(exact, "dom1.cfg:4: unknown key 'vpcus'");
	free(exact);

	char ok[8];
	memset(ok, 'X', sizeof(ok));
	assert_int_equal(parse_len(BASE, strlen(BASE), &cfg, ok, sizeof(ok)), 0);
	assert_int_equal(ok[0], '\0');
	assert_int_equal(ok[1], 'X');
}

static void test_file_name_in_messages(void **state)
{
	struct domain_config cfg;
	char err[128];
	assert_int_equal(domain_config_parse("/boot/domains/web.cfg", "vcpus = 0\n", 10, &cfg, err,
					     sizeof(err)),
			 -1);
	assert_string_equal(err, "/boot/domains/web.cfg:1: vcpus: 0 is out of range (1..64)");
}

/* *out holds zeroes and defaults even when the first line is already wrong. */
static void test_out_initialised(void **state)
{
	struct domain_config cfg;
	struct domain_config want;
	char err[64];

	memset(&want, 0, sizeof(want));
	want.vcpus = 1;
	memset(&cfg, 0xa5, sizeof(cfg));
	assert_int_equal(parse_len("bogus\n", 6, &cfg, err, sizeof(err)), -1);
	assert_memory_equal(&cfg, &want, sizeof(cfg));

	memset(&cfg, 0xa5, sizeof(cfg));
	cfg = parse_ok("name = 'n'\nmemory = 1\nkernel = 'k'\n");
	assert_int_equal(cfg.name[1], '\0');
	assert_int_equal(cfg.name[2], '\0');
	assert_int_equal(cfg.ramdisk[0], '\0');
	assert_int_equal(cfg.extra[DOMAIN_EXTRA_MAX - 1], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_and_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_xl_style_file),
		cmocka_unit_test(test_quoting_styles),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_semicolons),
		cmocka_unit_test(test_whitespace_variants),
		cmocka_unit_test(test_crlf_line_ends),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_hex_and_decimal),
		cmocka_unit_test(test_integer_errors),
		cmocka_unit_test(test_integer_overflow),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_string_limits),
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test(test_kernel_type),
		cmocka_unit_test(test_raw16_entry),
		cmocka_unit_test(test_test_fault),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_repeated_keys),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_missing_required_keys),
		cmocka_unit_test(test_len_cuts_tokens),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_overlong_lines),
		cmocka_unit_test(test_long_values_cut_in_messages),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_file_name_in_messages),
		cmocka_unit_test(test_out_initialised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
