/* Error reporting shared by the image loaders. Messages name the offending
 * field and its value, since a kernel image that fails to load is all the user has. */
#include "hv/loader/loader_msg.h"
#include "hv/format.h"

int loader_fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (errlen) {
		va_list ap;
		va_start(ap, fmt);
		fmt_vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *loader_size_str(char buf[LOADER_SIZE_STR_LEN], uint64_t bytes)
{
	static const struct {
		uint64_t unit;
		const char *name;
	} units[] = { { GIB, "GiB" }, { MIB, "MiB" }, { KIB, "KiB" } };

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (bytes && bytes % units[i].unit == 0) {
			fmt_snprintf(buf, LOADER_SIZE_STR_LEN, "%llu %s",
				     (unsigned long long)(bytes / units[i].unit), units[i].name);
			return buf;
		}
	}
	fmt_snprintf(buf, LOADER_SIZE_STR_LEN, "%llu bytes", (unsigned long long)bytes);
	return buf;
}
