/* Raw real-mode image loader: the only checks a flat binary allows are that it
 * has bytes and that they land where real mode can reach them, inside guest RAM. */
#include "hv/loader/raw16.h"
#include "hv/loader/loader_msg.h"
#include "hv/string.h"

int raw16_load(const void *img, size_t len, struct guest_mem *gm, uint16_t cs, uint16_t ip,
	       char *err, size_t errlen)
{
	char sz[LOADER_SIZE_STR_LEN];
	uint64_t start = (uint64_t)cs * 16 + ip;

	if (len == 0)
		return loader_fail(err, errlen, "raw16: empty image");
	if (!span_within(start, len, RAW16_LIMIT))
		return loader_fail(
			err, errlen,
			"raw16: %zu-byte image at %04x:%04x (0x%llx) extends past 1 MiB, "
			"the real-mode address space",
			len, cs, ip, (unsigned long long)start);
	if (!span_within(start, len, gm->size))
		return loader_fail(
			err, errlen,
			"raw16: image [0x%llx, 0x%llx) at %04x:%04x beyond guest RAM (%s)",
			(unsigned long long)start, (unsigned long long)(start + len), cs, ip,
			loader_size_str(sz, gm->size));
	memcpy(gm->base + start, img, len);
	return 0;
}
