/* libFuzzer target for hv/domain_config.c: any bytes must give 0 or -1, a
 * terminated message, and on success a configuration inside every limit. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/domain_config.h"

/* The length of a string field, or size when it has no NUL at all. */
static size_t field_len(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);
	return nul ? (size_t)(nul - s) : size;
}

/* The NUL must come within the field, and nothing but name characters. */
static void check_name(const char *name)
{
	size_t n = field_len(name, DOMAIN_NAME_MAX);
	assert(n > 0 && n < DOMAIN_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		assert((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		       c == '_' || c == '.' || c == '-');
	}
}

static void check_config(const struct domain_config *cfg)
{
	check_name(cfg->name);
	assert(cfg->memory_mib >= 1 && cfg->memory_mib <= DOMAIN_MEMORY_MAX_MIB);
	assert(cfg->vcpus >= 1 && cfg->vcpus <= DOMAIN_MAX_VCPUS);
	size_t kernel = field_len(cfg->kernel, DOMAIN_PATH_MAX);
	assert(kernel > 0 && kernel < DOMAIN_PATH_MAX);
	assert(field_len(cfg->ramdisk, DOMAIN_PATH_MAX) < DOMAIN_PATH_MAX);
	assert(field_len(cfg->extra, DOMAIN_EXTRA_MAX) < DOMAIN_EXTRA_MAX);
	assert(cfg->kernel_type <= KERNEL_RAW16);
	assert(cfg->test_fault <= TEST_FAULT_BAD_CONTROL);
	if (cfg->kernel_type != KERNEL_RAW16)
		assert(cfg->raw16_cs == 0 && cfg->raw16_ip == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain_config cfg;
	char err[256], small[12];

	/* libFuzzer's buffer is exactly size bytes, so ASan sees any over-read. */
	memset(err, 'X', sizeof(err));
	int r = domain_config_parse("fuzz.cfg", (const char *)data, size, &cfg, err, sizeof(err));
	assert(r == 0 || r == -1);
	assert(memchr(err, '\0', sizeof(err)) != NULL);
	if (r == 0) {
		assert(err[0] == '\0');
		check_config(&cfg);
	} else {
		assert(strncmp(err, "fuzz.cfg:", 9) == 0);
	}

	/* The verdict never depends on the room for the message, and a short
	 * buffer gets a cut, terminated copy of the same message. */
	memset(small, 'X', sizeof(small));
	assert(domain_config_parse("fuzz.cfg", (const char *)data, size, &cfg, small,
				   sizeof(small)) == r);
	assert(memchr(small, '\0', sizeof(small)) != NULL);
	assert(strncmp(small, err, sizeof(small) - 1) == 0);
	assert(domain_config_parse("fuzz.cfg", (const char *)data, size, &cfg, NULL, 0) == r);
	return 0;
}
