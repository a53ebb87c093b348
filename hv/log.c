/* Formats log lines straight onto the console, one line per lock hold so
 * lines from different CPUs never interleave. */
#include "hv/log.h"
#include "hv/console.h"
#include "hv/format.h"
#include "hv/string.h"

static enum log_level current_level = LOG_INFO;
/* A line printed without its newline yet (log_open_line); the next log line
 * ends it first. */
static bool line_open;

void log_set_level(enum log_level level)
{
	current_level = level;
}

bool log_level_parse(const char *s, enum log_level *out)
{
	static const char *const names[] = {"err", "warn", "info", "debug"};

	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(s, names[i]) || (s[0] == (char)('0' + i) && !s[1])) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

static void put(char c, void *ctx)
{
	console_putc_locked(c);
}

/* "hv: " and the text, without the newline; an open line is ended first. */
static void emit_open(const char *fmt, va_list ap)
{
	if (line_open) {
		console_putc_locked('\n');
		line_open = false;
	}
	for (const char *p = "hv: "; *p; p++)
		console_putc_locked(*p);
	fmt_vformat(put, NULL, fmt, ap);
}

static void emit_line(const char *fmt, va_list ap)
{
	emit_open(fmt, ap);
	console_putc_locked('\n');
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (level > current_level)
		return;
	uint64_t flags = console_lock();
	emit_line(fmt, ap);
	console_unlock(flags);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void log_line_locked(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit_line(fmt, ap);
	va_end(ap);
}

void log_open_line(const char *fmt, ...)
{
	va_list ap;

	if (LOG_INFO > current_level)
		return;
	uint64_t flags = console_lock();
	va_start(ap, fmt);
	emit_open(fmt, ap);
	va_end(ap);
	line_open = true;
	console_unlock(flags);
}

bool log_continue_line(char c)
{
	uint64_t flags = console_lock();
	bool open = line_open;

	if (open) {
		console_putc_locked(c);
		line_open = c != '\n';
	}
	console_unlock(flags);
	return open;
}
