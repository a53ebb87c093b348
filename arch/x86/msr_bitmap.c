/* The VMX MSR bitmap (see msr_bitmap.h). SDM Vol. 3C 25.6.9: four 1 KiB
 * quarters, read-low, read-high, write-low, write-high; bit n of a quarter
 * (byte n / 8, bit n % 8) stands for MSR n, or 0xc0000000 + n in a high one. */
#include "arch/x86/msr_bitmap.h"
#include "hv/string.h"

#define RANGE_MSRS 0x2000u      /* MSRs per range: 8192 bits, one quarter */
#define HIGH_FIRST 0xc0000000u
#define READ_HIGH_OFFSET 0x400  /* read-low is at 0 */
#define WRITE_OFFSET 0x800      /* the write quarters follow the read ones in the same order */

/* The byte and bit holding msr's read-exit flag; false outside both ranges. */
static bool locate(uint32_t msr, size_t *byte, uint8_t *bit)
{
	size_t quarter;
	uint32_t n;

	if (msr < RANGE_MSRS) {
		quarter = 0;
		n = msr;
	} else if (msr >= HIGH_FIRST && msr - HIGH_FIRST < RANGE_MSRS) {
		quarter = READ_HIGH_OFFSET;
		n = msr - HIGH_FIRST;
	} else {
		return false;
	}
	*byte = quarter + n / 8;
	*bit = (uint8_t)(1u << (n % 8));
	return true;
}

static void set_exit(uint8_t *byte, uint8_t bit, bool exit)
{
	if (exit)
		*byte |= bit;
	else
		*byte &= (uint8_t)~bit;
}

void msr_bitmap_init_all_exit(uint8_t bitmap[MSR_BITMAP_SIZE])
{
	memset(bitmap, 0xff, MSR_BITMAP_SIZE);
}

bool msr_bitmap_pass(uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool read, bool write)
{
	size_t byte;
	uint8_t bit;

	if (!locate(msr, &byte, &bit))
		return false;
	set_exit(&bitmap[byte], bit, !read);
	set_exit(&bitmap[byte + WRITE_OFFSET], bit, !write);
	return true;
}

bool msr_bitmap_exits(const uint8_t bitmap[MSR_BITMAP_SIZE], uint32_t msr, bool write)
{
	size_t byte;
	uint8_t bit;

	if (!locate(msr, &byte, &bit))
		return true;
	return bitmap[byte + (write ? WRITE_OFFSET : 0)] & bit;
}

bool msr_bitmap_build(uint8_t bitmap[MSR_BITMAP_SIZE], const struct msr_bitmap_pass *pass, size_t n)
{
	bool all = true;

	msr_bitmap_init_all_exit(bitmap);
	for (size_t i = 0; i < n; i++) {
		if (!msr_bitmap_pass(bitmap, pass[i].msr, pass[i].read, pass[i].write))
			all = false;
	}
	return all;
}
