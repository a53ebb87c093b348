/* Leveled logging: every line starts with "hv: "; `loglevel=` on the command
 * line (err, warn, info, debug or 0-3) chooses what is printed. */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>
#include "hv/types.h"

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
/* Parse a loglevel= value; false if it is not a level. */
bool log_level_parse(const char *s, enum log_level *out);

__attribute__((format(printf, 2, 3))) void log_printf(enum log_level level, const char *fmt, ...);
void log_vprintf(enum log_level level, const char *fmt, va_list ap);
/* Print regardless of level, with the console already held (panic path). */
__attribute__((format(printf, 1, 2))) void log_line_locked(const char *fmt, ...);

/* Interactive output (an info-level line): log_open_line prints a line
 * without its newline, log_continue_line adds one character to it (a
 * newline ends it) and returns false, printing nothing, once any other log
 * line has ended it. */
__attribute__((format(printf, 1, 2))) void log_open_line(const char *fmt, ...);
bool log_continue_line(char c);

#define log_err(...) log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
