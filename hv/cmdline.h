/* Queries on the hypervisor command line the bootloader passes, e.g.
 * "loglevel=debug selftest=pf cpus=2 quiet extra=\"a b\"". */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include "hv/types.h"

/* Syntax: words separated by whitespace (space, tab, CR, LF); a word is `key`
 * or `key=value`. Double quotes in a value group spaces and are stripped; an
 * unterminated quote runs to the end. Keys match exactly and the last
 * occurrence of a repeated key wins. A NULL cmdline is an empty one, and an
 * empty key is never present. */

/* True if key is present. The value ("" for a bare key) is copied to val,
 * truncated to val_size - 1 chars and NUL-terminated; val may be NULL. */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t val_size);

bool cmdline_has(const char *cmdline, const char *key);

enum cmdline_result { CMDLINE_ABSENT, CMDLINE_OK, CMDLINE_BAD };

/* Parses the value as decimal or 0x/0X hex. BAD for an empty value, a sign,
 * any non-digit, trailing junk or overflow; *out is written only on OK. */
enum cmdline_result cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out);

/* The index of the first choice equal to the value, -1 if key is absent,
 * -2 if present with a value that is none of them. */
int cmdline_match(const char *cmdline, const char *key, const char *const *choices, size_t n);

/* Walks a comma-separated value (as cmdline_get returned it) in place: the
 * next non-empty item, NUL-terminated, or NULL when none is left. *cursor
 * starts at the value and is advanced. */
char *cmdline_list_next(char **cursor);

#endif
