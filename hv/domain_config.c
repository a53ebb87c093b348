/* Parses a domain configuration file (xl.cfg syntax) one line at a time into a
 * struct domain_config, stopping at the first error with "FILE:LINE: reason". */
#include "hv/ctype.h"
#include "hv/domain_config.h"
#include "hv/format.h"
#include "hv/string.h"

#include <stdarg.h>

enum key_id {
	KEY_NAME,
	KEY_MEMORY,
	KEY_VCPUS,
	KEY_KERNEL,
	KEY_RAMDISK,
	KEY_EXTRA,
	KEY_KERNEL_TYPE,
	KEY_RAW16_ENTRY,
	KEY_TEST_FAULT,
};
#define KEY_COUNT (KEY_TEST_FAULT + 1)

static const char *const key_names[KEY_COUNT] = {
	[KEY_NAME] = "name",
	[KEY_MEMORY] = "memory",
	[KEY_VCPUS] = "vcpus",
	[KEY_KERNEL] = "kernel",
	[KEY_RAMDISK] = "ramdisk",
	[KEY_EXTRA] = "extra",
	[KEY_KERNEL_TYPE] = "kernel_type",
	[KEY_RAW16_ENTRY] = "raw16_entry",
	[KEY_TEST_FAULT] = "test_fault",
};

/* Indexed by enum domain_kernel_type and enum domain_test_fault. */
static const char *const kernel_types[] = { "auto", "multiboot", "elf64", "raw16", "linux" };
static const char *const test_faults[] = { "none", "bad-guest-state", "bad-control" };

enum value_kind { VALUE_WORD, VALUE_STRING, VALUE_LIST };

/* A value as written: a bare word (an integer if it parses), a quoted
 * string's contents without the quotes, or the start of a list. */
struct value {
	enum value_kind kind;
	const char *p;
	size_t n;
	char quote;
};

struct parser {
	const char *file;
	char *err;
	size_t errlen;
	size_t line;
	size_t set_on[KEY_COUNT]; /* the line each key was set on, 0 if not yet */
	const char *key;          /* the key being parsed, for messages */
	struct domain_config *out;
};

/* Bytes of a value quoted in a message before it is cut with "...": enough
 * to recognise it, short enough for one console line. */
#define SHOW_MAX 40

/* Each byte may take 4 characters (\xHH), plus two quotes, "..." and NUL. */
struct shown {
	char s[SHOW_MAX * 4 + 6];
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *ps, size_t line, const char *fmt, ...)
{
	if (ps->errlen == 0)
		return -1;
	int n = fmt_snprintf(ps->err, ps->errlen, "%s:%zu: ", ps->file, line);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_list ap;
		va_start(ap, fmt);
		fmt_vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Renders text for a message: printable ASCII as is, any other byte as \xHH so
 * control characters never reach the console, and long text cut with "...". */
static const char *show(struct shown *b, char quote, const char *p, size_t n)
{
	size_t o = 0;

	if (quote)
		b->s[o++] = quote;
	for (size_t i = 0; i < n && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c < 0x7f)
			b->s[o++] = (char)c;
		else
			o += (size_t)fmt_snprintf(b->s + o, sizeof(b->s) - o, "\\x%02x", c);
	}
	if (n > SHOW_MAX) {
		memcpy(b->s + o, "...", 3);
		o += 3;
	}
	if (quote)
		b->s[o++] = quote;
	b->s[o] = '\0';
	return b->s;
}

/* A value the way the file wrote it, quotes included, or "a list". */
static const char *show_value(struct shown *b, const struct value *v)
{
	if (v->kind == VALUE_LIST)
		return "a list";
	return show(b, v->kind == VALUE_STRING ? v->quote : 0, v->p, v->n);
}

/* '\r' counts as a space so that "\r\n" line ends need no special case. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static size_t skip_space(const char *s, size_t n, size_t i)
{
	while (i < n && is_space(s[i]))
		i++;
	return i;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool is_name_char(char c)
{
	return is_key_char(c) || c == '.' || c == '-';
}

static bool has_hex_prefix(const char *p, size_t n)
{
	return n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
}

enum number { NUM_OK, NUM_BAD, NUM_OCTAL, NUM_RANGE };

/* Decimal or 0x-hex. A negative number or one past 64 bits is RANGE, not BAD,
 * so the message can say what is wrong with it. */
static enum number parse_number(const char *p, size_t n, uint64_t *out)
{
	bool negative = n > 0 && p[0] == '-';
	unsigned base = 10;
	uint64_t v = 0;
	bool overflow = false;

	if (negative) {
		p++;
		n--;
	}
	if (has_hex_prefix(p, n)) {
		base = 16;
		p += 2;
		n -= 2;
	}
	if (n == 0)
		return NUM_BAD;
	for (size_t i = 0; i < n; i++) {
		unsigned d = hex_digit_value(p[i]);
		if (d >= base)
			return NUM_BAD;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	/* xl reads integers with strtol(..., 0), where 010 is 8: refusing the
	 * leading zero keeps a file from meaning different things to xl and us. */
	if (base == 10 && n > 1 && p[0] == '0')
		return NUM_OCTAL;
	if (negative || overflow)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

static int int_value(struct parser *ps, const struct value *v, uint64_t min, uint64_t max,
		     uint64_t *out)
{
	struct shown b;
	enum number r = v->kind == VALUE_WORD ? parse_number(v->p, v->n, out) : NUM_BAD;

	if (r == NUM_BAD)
		return fail(ps, ps->line, "%s: expected an integer, got %s", ps->key,
			    show_value(&b, v));
	if (r == NUM_OCTAL)
		return fail(ps, ps->line, "%s: leading zero in %s (xl would read it as octal)",
			    ps->key, show_value(&b, v));
	if (r == NUM_RANGE || *out < min || *out > max)
		return fail(ps, ps->line, "%s: %s is out of range (%llu..%llu)", ps->key,
			    show_value(&b, v), (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* Checks that v is a string that fits a field of size bytes with its NUL. */
static int string_value(struct parser *ps, const struct value *v, size_t size, bool allow_empty)
{
	struct shown b;

	if (v->kind != VALUE_STRING)
		return fail(ps, ps->line, "%s: expected a string, got %s", ps->key,
			    show_value(&b, v));
	if (v->n >= size)
		return fail(ps, ps->line, "%s: too long (%zu bytes, at most %zu)", ps->key, v->n,
			    size - 1);
	if (v->n == 0 && !allow_empty)
		return fail(ps, ps->line, "%s: must not be empty", ps->key);
	return 0;
}

static void copy_string(char *dst, const struct value *v)
{
	memcpy(dst, v->p, v->n);
	dst[v->n] = '\0';
}

static int set_string(struct parser *ps, const struct value *v, char *dst, size_t size,
		      bool allow_empty)
{
	if (string_value(ps, v, size, allow_empty) < 0)
		return -1;
	copy_string(dst, v);
	return 0;
}

static int set_name(struct parser *ps, const struct value *v)
{
	struct shown b;

	if (string_value(ps, v, sizeof(ps->out->name), false) < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		if (!is_name_char(v->p[i]))
			return fail(ps, ps->line,
				    "name: invalid character %s (allowed: A-Z a-z 0-9 _ . -)",
				    show(&b, '\'', v->p + i, 1));
	}
	copy_string(ps->out->name, v);
	return 0;
}

/* The index of the choice v names; the message lists them all. */
static int choice_value(struct parser *ps, const struct value *v, const char *const *choices,
			size_t count, unsigned *out)
{
	struct shown b;
	char list[80];
	size_t o = 0;

	if (string_value(ps, v, SIZE_MAX, true) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		if (strlen(choices[i]) == v->n && memcmp(choices[i], v->p, v->n) == 0) {
			*out = (unsigned)i;
			return 0;
		}
	}
	list[0] = '\0';
	for (size_t i = 0; i < count && o < sizeof(list); i++) {
		const char *sep = i == 0 ? "" : i + 1 == count ? " or " : ", ";
		o += (size_t)fmt_snprintf(list + o, sizeof(list) - o, "%s\"%s\"", sep, choices[i]);
	}
	return fail(ps, ps->line, "%s: expected %s, got %s", ps->key, list, show_value(&b, v));
}

/* One half of "CS:IP": hex, 0x optional since a segment:offset pair is
 * conventionally written in hex without it. */
static bool parse_hex16(const char *p, size_t n, uint16_t *out)
{
	uint32_t v = 0;

	if (has_hex_prefix(p, n)) {
		p += 2;
		n -= 2;
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = hex_digit_value(p[i]);
		if (d >= 16)
			return false;
		v = v * 16 + d;
		if (v > UINT16_MAX)
			return false;
	}
	*out = (uint16_t)v;
	return true;
}

static int set_raw16_entry(struct parser *ps, const struct value *v)
{
	struct shown b;
	size_t colon = 0;

	if (string_value(ps, v, SIZE_MAX, true) < 0)
		return -1;
	while (colon < v->n && v->p[colon] != ':')
		colon++;
	if (colon == v->n || !parse_hex16(v->p, colon, &ps->out->raw16_cs) ||
	    !parse_hex16(v->p + colon + 1, v->n - colon - 1, &ps->out->raw16_ip))
		return fail(ps, ps->line,
			    "raw16_entry: expected \"CS:IP\" as 16-bit hex numbers like "
			    "\"0x0800:0x0000\", got %s",
			    show_value(&b, v));
	return 0;
}

static int apply(struct parser *ps, enum key_id id, const struct value *v)
{
	struct domain_config *out = ps->out;
	uint64_t n;
	unsigned choice;

	switch (id) {
	case KEY_NAME:
		return set_name(ps, v);
	case KEY_MEMORY:
		if (int_value(ps, v, 1, DOMAIN_MEMORY_MAX_MIB, &n) < 0)
			return -1;
		out->memory_mib = n;
		break;
	case KEY_VCPUS:
		if (int_value(ps, v, 1, DOMAIN_MAX_VCPUS, &n) < 0)
			return -1;
		out->vcpus = (unsigned)n;
		break;
	case KEY_KERNEL:
		return set_string(ps, v, out->kernel, sizeof(out->kernel), false);
	case KEY_RAMDISK:
		/* Refused rather than read as "no ramdisk", which is leaving it out. */
		return set_string(ps, v, out->ramdisk, sizeof(out->ramdisk), false);
	case KEY_EXTRA:
		return set_string(ps, v, out->extra, sizeof(out->extra), true);
	case KEY_KERNEL_TYPE:
		if (choice_value(ps, v, kernel_types, ARRAY_SIZE(kernel_types), &choice) < 0)
			return -1;
		out->kernel_type = (enum domain_kernel_type)choice;
		break;
	case KEY_RAW16_ENTRY:
		return set_raw16_entry(ps, v);
	case KEY_TEST_FAULT:
		if (choice_value(ps, v, test_faults, ARRAY_SIZE(test_faults), &choice) < 0)
			return -1;
		out->test_fault = (enum domain_test_fault)choice;
		break;
	}
	return 0;
}

/* Reads the value starting at s[*i] and leaves *i just past it. */
static int read_value(struct parser *ps, const char *s, size_t n, size_t *i, struct value *v)
{
	size_t j = *i;

	if (j == n || s[j] == ';' || s[j] == '#')
		return fail(ps, ps->line, "%s: missing value", ps->key);
	if (s[j] == '"' || s[j] == '\'') {
		char quote = s[j++];
		size_t start = j;
		while (j < n && s[j] != quote) {
			/* xl's strings take backslash escapes; taking the
			 * backslash literally would silently differ. */
			if (s[j] == '\\')
				return fail(ps, ps->line, "%s: backslash escapes are not supported",
					    ps->key);
			j++;
		}
		if (j == n)
			return fail(ps, ps->line, "%s: unterminated string", ps->key);
		*v = (struct value){ VALUE_STRING, s + start, j - start, quote };
		*i = j + 1;
	} else if (s[j] == '[') {
		/* xl lets a list run over several lines; no key takes one yet,
		 * so it is refused without being read. */
		*v = (struct value){ VALUE_LIST, s + j, n - j, 0 };
		*i = n;
	} else {
		size_t start = j;
		while (j < n && !is_space(s[j]) && s[j] != ';' && s[j] != '#')
			j++;
		*v = (struct value){ VALUE_WORD, s + start, j - start, 0 };
		*i = j;
	}
	return 0;
}

static int lookup_key(const char *key, size_t n)
{
	for (int id = 0; id < KEY_COUNT; id++) {
		if (strlen(key_names[id]) == n && memcmp(key_names[id], key, n) == 0)
			return id;
	}
	return -1;
}

/* One line, without its "\n": blank, a comment, or KEY = VALUE [;] [# ...]. */
static int parse_line(struct parser *ps, const char *s, size_t n)
{
	struct shown b;
	struct value v;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0')
			return fail(ps, ps->line, "NUL byte in the text");
	}
	size_t body = n > 0 && s[n - 1] == '\r' ? n - 1 : n;
	if (body > DOMAIN_LINE_MAX)
		return fail(ps, ps->line, "line longer than %d bytes", DOMAIN_LINE_MAX);

	size_t i = skip_space(s, n, 0);
	if (i == n || s[i] == '#')
		return 0;
	size_t k = i;
	while (i < n && is_key_char(s[i]))
		i++;
	if (i == k)
		return fail(ps, ps->line, "expected a key, got %s", show(&b, '\'', s + i, 1));
	const char *key = s + k;
	int klen = (int)(i - k);

	i = skip_space(s, n, i);
	if (i == n || s[i] != '=')
		return fail(ps, ps->line, "expected '=' after '%.*s'", klen, key);
	int id = lookup_key(key, (size_t)klen);
	if (id < 0)
		return fail(ps, ps->line, "unknown key '%.*s'", klen, key);
	if (ps->set_on[id])
		return fail(ps, ps->line, "repeated key '%s' (first set on line %zu)",
			    key_names[id], ps->set_on[id]);
	ps->set_on[id] = ps->line;
	ps->key = key_names[id];

	i = skip_space(s, n, i + 1);
	if (read_value(ps, s, n, &i, &v) < 0)
		return -1;
	i = skip_space(s, n, i);
	if (i < n && s[i] == ';')
		i = skip_space(s, n, i + 1);
	if (i < n && s[i] != '#')
		return fail(ps, ps->line, "%s: unexpected %s after the value", ps->key,
			    show(&b, '\'', s + i, 1));
	return apply(ps, (enum key_id)id, &v);
}

/* Whole-file rules, reported on the last line as there is no better one,
 * except a raw16_entry that is not wanted, which has a line of its own. */
static int check_complete(struct parser *ps)
{
	static const enum key_id required[] = { KEY_NAME, KEY_MEMORY, KEY_KERNEL };
	bool raw16 = ps->out->kernel_type == KERNEL_RAW16;

	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		if (!ps->set_on[required[i]])
			return fail(ps, ps->line, "missing required key '%s'",
				    key_names[required[i]]);
	}
	if (raw16 && !ps->set_on[KEY_RAW16_ENTRY])
		return fail(ps, ps->line,
			    "missing key 'raw16_entry' (kernel_type \"raw16\" on line %zu "
			    "needs it)",
			    ps->set_on[KEY_KERNEL_TYPE]);
	if (!raw16 && ps->set_on[KEY_RAW16_ENTRY])
		return fail(ps, ps->set_on[KEY_RAW16_ENTRY],
			    "raw16_entry is only allowed with kernel_type \"raw16\"");
	return 0;
}

int domain_config_parse(const char *file, const char *text, size_t len, struct domain_config *out,
			char *err, size_t errlen)
{
	struct parser ps = { .file = file, .err = err, .errlen = errlen, .out = out };
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	out->vcpus = 1;
	out->kernel_type = KERNEL_AUTO;
	out->test_fault = TEST_FAULT_NONE;
	if (errlen > 0)
		err[0] = '\0';

	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		ps.line++;
		if (parse_line(&ps, text + pos, end - pos) < 0)
			return -1;
		pos = end + 1;
	}
	/* An empty file still has a line 1 to point missing keys at. */
	if (ps.line == 0)
		ps.line = 1;
	return check_complete(&ps);
}
