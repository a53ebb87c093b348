/* The hypervisor's printf engine: C printf semantics for the integer, string
 * and character conversions, emitting through a callback or into a buffer. */
#ifndef HV_FORMAT_H
#define HV_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each output character in order; ctx is passed through unchanged. */
typedef void (*fmt_putc_fn)(char c, void *ctx);

/* Formats through out() and returns the number of characters emitted, or -1
 * when that count or a field width/precision does not fit in an int. */
int fmt_vformat(fmt_putc_fn out, void *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* C's vsnprintf/snprintf: return the length the full output would have,
 * excluding the NUL; buf is always NUL-terminated when size > 0 and may be
 * NULL when size == 0. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
