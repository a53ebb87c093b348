/* The hypervisor's printf engine: parses conversion specifications and emits
 * characters one at a time through a callback; snprintf is a buffer callback. */
#include "hv/format.h"
#include "hv/types.h"

/* INT_MAX without <limits.h>, which the freestanding build does not include. */
_Static_assert(sizeof(int) == sizeof(int32_t), "int is not 32 bits");
#define FMT_INT_MAX INT32_MAX

/* %zd and %tu read the signed/unsigned twin of the type the caller passed,
 * which is only the same value if the two have the same width. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "size_t and ptrdiff_t differ in width");

enum {
	F_LEFT = 1 << 0,  /* '-' */
	F_ZERO = 1 << 1,  /* '0' */
	F_PLUS = 1 << 2,  /* '+' */
	F_SPACE = 1 << 3, /* ' ' */
	F_ALT = 1 << 4,   /* '#' */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
	unsigned flags;
	int width;
	int prec; /* -1 when no precision was given */
	enum length len;
};

struct sink {
	fmt_putc_fn out;
	void *ctx;
	size_t count; /* wider than int so overflow can be detected, not wrapped */
};

static void put(struct sink *s, char c)
{
	s->out(c, s->ctx);
	s->count++;
}

/* int64_t because width and precision together can exceed INT_MAX. */
static void put_repeat(struct sink *s, char c, int64_t n)
{
	while (n-- > 0)
		put(s, c);
}

static void put_str(struct sink *s, const char *str, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(s, str[i]);
}

/* Emits mag in base with prefix (sign or 0x), honouring width, precision and
 * the '-', '0' and octal '#' flags as C specifies. */
static void emit_uint(struct sink *s, const struct spec *sp, uint64_t mag, unsigned base,
		      bool upper, const char *prefix)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[22]; /* 64 bits in octal */
	int nd = 0;

	/* C prints no digits at all for a zero value with zero precision. */
	if (!(mag == 0 && sp->prec == 0)) {
		do {
			digits[nd++] = set[mag % base];
			mag /= base;
		} while (mag);
	}

	int64_t zeros = sp->prec > nd ? sp->prec - nd : 0;
	/* Octal '#' raises the precision just enough for a leading 0. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 && (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;

	size_t plen = 0;
	while (prefix[plen])
		plen++;

	int64_t pad = (int64_t)sp->width - (int64_t)plen - zeros - nd;
	if (pad < 0)
		pad = 0;
	/* '0' pads between the prefix and the digits, unless a precision or
	 * left-justification says otherwise. */
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(sp->flags & F_LEFT))
		put_repeat(s, ' ', pad);
	put_str(s, prefix, plen);
	put_repeat(s, '0', zeros);
	while (nd > 0)
		put(s, digits[--nd]);
	if (sp->flags & F_LEFT)
		put_repeat(s, ' ', pad);
}

/* Emits str (at most n chars) padded with spaces to the field width. */
static void emit_padded(struct sink *s, const struct spec *sp, const char *str, size_t n)
{
	int64_t pad = (int64_t)sp->width - (int64_t)n;

	if (!(sp->flags & F_LEFT))
		put_repeat(s, ' ', pad);
	put_str(s, str, n);
	if (sp->flags & F_LEFT)
		put_repeat(s, ' ', pad);
}

static void emit_string(struct sink *s, const struct spec *sp, const char *str)
{
	if (!str)
		str = "(null)";
	/* The bound is tested before each read: with a precision the string
	 * need not be NUL-terminated. */
	size_t n = 0;
	while ((sp->prec < 0 || n < (size_t)sp->prec) && str[n])
		n++;
	emit_padded(s, sp, str, n);
}

static int64_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_NONE:
		break;
	}
	return va_arg(*ap, int);
}

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_NONE:
		break;
	}
	return va_arg(*ap, unsigned int);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a decimal width or precision; false if it exceeds INT_MAX, which C
 * reports as an error rather than truncating. */
static bool parse_num(const char **p, int *out)
{
	uint64_t v = 0;

	while (is_digit(**p)) {
		if (v <= (uint64_t)FMT_INT_MAX)
			v = v * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	*out = (int)v;
	return v <= (uint64_t)FMT_INT_MAX;
}

static unsigned parse_flags(const char **p)
{
	unsigned flags = 0;

	for (;; (*p)++) {
		switch (**p) {
		case '-':
			flags |= F_LEFT;
			break;
		case '0':
			flags |= F_ZERO;
			break;
		case '+':
			flags |= F_PLUS;
			break;
		case ' ':
			flags |= F_SPACE;
			break;
		case '#':
			flags |= F_ALT;
			break;
		default:
			return flags;
		}
	}
}

static enum length parse_length(const char **p)
{
	const char *c = *p;
	enum length len = LEN_NONE;

	if (c[0] == 'h' && c[1] == 'h')
		len = LEN_HH;
	else if (c[0] == 'l' && c[1] == 'l')
		len = LEN_LL;
	else if (c[0] == 'h')
		len = LEN_H;
	else if (c[0] == 'l')
		len = LEN_L;
	else if (c[0] == 'z')
		len = LEN_Z;
	else if (c[0] == 't')
		len = LEN_T;
	else if (c[0] == 'j')
		len = LEN_J;
	if (len == LEN_HH || len == LEN_LL)
		*p += 2;
	else if (len != LEN_NONE)
		*p += 1;
	return len;
}

/* Parses flags, width, precision and length after a '%', consuming '*'
 * arguments; false on a width or precision too large for an int. */
static bool parse_spec(const char **p, va_list *ap, struct spec *sp)
{
	sp->flags = parse_flags(p);
	sp->width = 0;
	sp->prec = -1;

	if (**p == '*') {
		(*p)++;
		int w = va_arg(*ap, int);
		/* A negative '*' width means '-' flag plus its magnitude. */
		if (w < 0) {
			if (w < -FMT_INT_MAX)
				return false;
			sp->flags |= F_LEFT;
			w = -w;
		}
		sp->width = w;
	} else if (!parse_num(p, &sp->width)) {
		return false;
	}

	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			(*p)++;
			int pr = va_arg(*ap, int);
			/* A negative '*' precision is taken as if omitted. */
			sp->prec = pr < 0 ? -1 : pr;
		} else if (!parse_num(p, &sp->prec)) {
			return false;
		}
	}

	sp->len = parse_length(p);
	return true;
}

/* '+' wins over ' ' when both are given. */
static const char *sign_prefix(bool negative, unsigned flags)
{
	if (negative)
		return "-";
	if (flags & F_PLUS)
		return "+";
	if (flags & F_SPACE)
		return " ";
	return "";
}

/* Performs one conversion; false if conv is not one this engine knows. */
static bool convert(struct sink *s, struct spec *sp, char conv, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, sp->len);
		/* Negate in unsigned arithmetic so INT64_MIN has a magnitude. */
		uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
		emit_uint(s, sp, mag, 10, false, sign_prefix(v < 0, sp->flags));
		return true;
	}
	case 'u':
		emit_uint(s, sp, arg_unsigned(ap, sp->len), 10, false, "");
		return true;
	case 'o':
		emit_uint(s, sp, arg_unsigned(ap, sp->len), 8, false, "");
		return true;
	case 'x':
	case 'X': {
		uint64_t v = arg_unsigned(ap, sp->len);
		const char *prefix = (sp->flags & F_ALT) && v ? (conv == 'x' ? "0x" : "0X") : "";
		emit_uint(s, sp, v, 16, conv == 'X', prefix);
		return true;
	}
	case 'p': {
		/* Fixed 16 digits so pointers line up in register dumps; only
		 * width and '-' apply. */
		struct spec p = { .flags = sp->flags & F_LEFT, .width = sp->width, .prec = 16 };
		emit_uint(s, &p, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
		return true;
	}
	case 's':
		emit_string(s, sp, va_arg(*ap, const char *));
		return true;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		emit_padded(s, sp, &c, 1);
		return true;
	}
	case '%':
		put(s, '%');
		return true;
	default:
		return false;
	}
}

int fmt_vformat(fmt_putc_fn out, void *ctx, const char *fmt, va_list ap)
{
	struct sink s = { .out = out, .ctx = ctx, .count = 0 };
	bool ok = true;
	va_list args;

	/* A copy, because helpers need a pointer to it and a va_list parameter
	 * may be an array type whose address is not a va_list *. */
	va_copy(args, ap);
	for (const char *p = fmt; *p;) {
		if (*p != '%') {
			put(&s, *p++);
			continue;
		}
		const char *start = p++;
		struct spec sp;
		if (!parse_spec(&p, &args, &sp)) {
			ok = false;
			break;
		}
		if (convert(&s, &sp, *p, &args)) {
			p++;
			continue;
		}
		/* Unknown or truncated specification: show it as written so the
		 * mistake is visible in the output. */
		if (*p)
			p++;
		put_str(&s, start, (size_t)(p - start));
	}
	va_end(args);

	if (!ok || s.count > (size_t)FMT_INT_MAX)
		return -1;
	return (int)s.count;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos; /* characters produced so far, stored or not */
};

static void buf_putc(char c, void *ctx)
{
	struct buf_sink *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { .buf = buf, .size = size, .pos = 0 };
	int n = fmt_vformat(buf_putc, &b, fmt, ap);

	if (size > 0)
		buf[MIN(b.pos, size - 1)] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
