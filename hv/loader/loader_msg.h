/* Error reporting shared by the image loaders: a printf into the caller's
 * buffer, and sizes written as people say them ("1 MiB", "4 KiB", "100 bytes"). */
#ifndef HV_LOADER_LOADER_MSG_H
#define HV_LOADER_LOADER_MSG_H

#include "hv/types.h"

/* Longest text loader_size_str() writes, NUL included. */
#define LOADER_SIZE_STR_LEN 32

/* Formats the message into err (always NUL-terminated when errlen > 0; err may
 * be NULL when errlen is 0) and returns -1, so callers can `return loader_fail(...)`. */
int loader_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes bytes in the largest binary unit that divides it exactly and returns buf. */
const char *loader_size_str(char buf[LOADER_SIZE_STR_LEN], uint64_t bytes);

#endif
