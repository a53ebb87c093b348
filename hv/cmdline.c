/* The hypervisor command line: finds the last occurrence of a key and reads its
 * value in place, stripping quotes as it goes, so values need no copy. */
#include "hv/ctype.h"
#include "hv/cmdline.h"
#include "hv/string.h"

/* The raw text of a value, quotes included; read it with value_next(). */
struct value {
	const char *p;
	const char *end;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The next character of the value with quotes skipped, '\0' at its end. */
static char value_next(struct value *v)
{
	while (v->p < v->end && *v->p == '"')
		v->p++;
	return v->p < v->end ? *v->p++ : '\0';
}

/* Scans every word, because the last occurrence of a key wins; on success *v
 * is that occurrence's value (empty for a bare key). */
static bool find_last(const char *cmdline, const char *key, struct value *v)
{
	size_t klen = strlen(key);
	bool found = false;

	if (!cmdline || klen == 0)
		return false;

	const char *p = cmdline;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			return found;

		const char *k = p;
		while (*p && *p != '=' && !is_space(*p))
			p++;
		bool match = (size_t)(p - k) == klen && memcmp(k, key, klen) == 0;

		const char *start = p;
		if (*p == '=') {
			start = ++p;
			/* Quotes toggle anywhere in the value; only unquoted
			 * whitespace ends it. */
			bool quoted = false;
			while (*p && (quoted || !is_space(*p))) {
				if (*p == '"')
					quoted = !quoted;
				p++;
			}
		}
		if (match) {
			found = true;
			v->p = start;
			v->end = p;
		}
	}
}

bool cmdline_get(const char *cmdline, const char *key, char *val, size_t val_size)
{
	struct value v;

	if (!find_last(cmdline, key, &v))
		return false;
	if (val && val_size > 0) {
		size_t n = 0;
		char c;
		while (n + 1 < val_size && (c = value_next(&v)))
			val[n++] = c;
		val[n] = '\0';
	}
	return true;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	return cmdline_get(cmdline, key, NULL, 0);
}

enum cmdline_result cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out)
{
	struct value v;

	if (!find_last(cmdline, key, &v))
		return CMDLINE_ABSENT;

	unsigned base = 10;
	struct value after_prefix = v;
	if (value_next(&after_prefix) == '0') {
		char x = value_next(&after_prefix);
		if (x == 'x' || x == 'X') {
			base = 16;
			v = after_prefix;
		}
	}

	uint64_t n = 0;
	size_t digits = 0;
	char c;
	while ((c = value_next(&v))) {
		unsigned d = hex_digit_value(c);
		if (d >= base || n > (UINT64_MAX - d) / base)
			return CMDLINE_BAD;
		n = n * base + d;
		digits++;
	}
	if (digits == 0)
		return CMDLINE_BAD;
	*out = n;
	return CMDLINE_OK;
}

/* v is a copy, so each comparison reads the value from its start. */
static bool value_equals(struct value v, const char *s)
{
	char c;

	while ((c = value_next(&v)))
		if (c != *s++)
			return false;
	return *s == '\0';
}

int cmdline_match(const char *cmdline, const char *key, const char *const *choices, size_t n)
{
	struct value v;

	if (!find_last(cmdline, key, &v))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (value_equals(v, choices[i]))
			return (int)i;
	return -2;
}

char *cmdline_list_next(char **cursor)
{
	char *p = *cursor;

	while (*p == ',')
		p++;
	if (!*p) {
		*cursor = p;
		return NULL;
	}
	char *item = p;
	while (*p && *p != ',')
		p++;
	if (*p)
		*p++ = '\0';
	*cursor = p;
	return item;
}
