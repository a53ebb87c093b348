/* libFuzzer target for hv/emul/x86emu*.c: arbitrary instruction bytes,
 * registers and memory that answers or faults at random must give one of the
 * three results, accesses of 1/2/4/8 bytes only, and no change on refusal. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/emul/x86emu.h"

/* Input: mode, flags, fault pattern (8 bytes), RIP, 16 GPRs (8 bytes each,
 * short input reads as zeros), then the instruction bytes. */
struct fake {
	const uint8_t *code;
	size_t code_len;
	uint64_t faults; /* bit i set: access i faults */
	uint64_t fill;   /* what reads return */
	unsigned accesses, fetches;
	uint64_t rip;
	enum x86emu_mode mode;
};

static int fake_fetch(void *ctx, uint64_t offset, uint8_t *byte, struct x86emu_fault *f)
{
	struct fake *k = ctx;
	uint64_t mask = k->mode == X86EMU_MODE_64 ? ~0ull : k->mode == X86EMU_MODE_32 ? 0xffffffffull : 0xffff;
	uint64_t i = (offset - k->rip) & mask;
	assert(i == k->fetches && i < X86EMU_MAX_LEN);
	k->fetches++;
	if (i >= k->code_len) {
		*f = (struct x86emu_fault){ 14, true, 0x10, offset };
		return X86EMU_FAULT;
	}
	*byte = k->code[i];
	return X86EMU_OK;
}

static int fake_access(struct fake *k, enum x86_seg seg, unsigned len, struct x86emu_fault *f)
{
	assert(len == 1 || len == 2 || len == 4 || len == 8);
	assert(seg <= X86_SEG_GS);
	unsigned n = k->accesses++ & 63;
	if (k->faults >> n & 1) {
		*f = (struct x86emu_fault){ 14, true, 2, 0 };
		return (k->fill >> n & 3) == 3 ? X86EMU_UNSUPPORTED : X86EMU_FAULT;
	}
	return X86EMU_OK;
}

static int fake_read(void *ctx, enum x86_seg seg, uint64_t offset, void *buf, unsigned len,
		     struct x86emu_fault *f)
{
	struct fake *k = ctx;
	int r = fake_access(k, seg, len, f);
	if (r == X86EMU_OK)
		for (unsigned i = 0; i < len; i++)
			((uint8_t *)buf)[i] = (uint8_t)(k->fill >> (8 * i) ^ offset);
	return r;
}

static int fake_write(void *ctx, enum x86_seg seg, uint64_t offset, const void *buf, unsigned len,
		      struct x86emu_fault *f)
{
	struct fake *k = ctx;
	volatile uint8_t sink = 0;
	for (unsigned i = 0; i < len; i++)
		sink ^= ((const uint8_t *)buf)[i];
	(void)sink;
	return fake_access(k, seg, len, f);
}

static uint64_t take(const uint8_t **p, size_t *n, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct x86emu_ops ops = { fake_fetch, fake_read, fake_write };
	struct x86emu_regs regs, before;
	struct x86emu_out out;
	struct fake k = { 0 };
	uint64_t head = take(&data, &size, 2);
	regs.mode = (enum x86emu_mode)(head % 3);
	regs.rflags = 0x2 | (take(&data, &size, 2) & 0xcd5);
	k.faults = take(&data, &size, 8);
	k.fill = take(&data, &size, 8);
	regs.rip = take(&data, &size, 8);
	if (regs.mode != X86EMU_MODE_64)
		regs.rip &= regs.mode == X86EMU_MODE_32 ? 0xffffffffull : 0xffff;
	for (unsigned i = 0; i < 16; i++)
		regs.gpr[i] = take(&data, &size, 1) * 0x0101010101010101ull ^ ((uint64_t)i << 60);
	k.code = data;
	k.code_len = size;
	k.rip = regs.rip;
	k.mode = regs.mode;
	before = regs;
	unsigned rep_max = (unsigned)(head >> 8) & 7;

	int r = x86emu_run(&regs, &ops, &k, rep_max, &out);
	assert(r == X86EMU_OK || r == X86EMU_FAULT || r == X86EMU_UNSUPPORTED);
	assert(memchr(out.msg, '\0', sizeof(out.msg)) != NULL);
	assert(k.fetches <= X86EMU_MAX_LEN);
	assert(regs.mode == before.mode);
	assert((regs.rflags & ~(uint64_t)(X86_FLAGS_ARITH)) == (before.rflags & ~(uint64_t)X86_FLAGS_ARITH));
	bool string_op = out.len > 0 && regs.rip == before.rip;
	if (r == X86EMU_OK) {
		assert(out.len >= 1 && out.len <= X86EMU_MAX_LEN && out.len <= k.code_len);
		assert(k.accesses <= 2 * (rep_max ? rep_max : 1) + 2);
	} else if (r == X86EMU_UNSUPPORTED) {
		assert(out.msg[0] != '\0');
		assert(memcmp(&regs, &before, sizeof(regs)) == 0 || string_op);
	} else {
		assert(out.fault.vector == 14 || out.fault.vector == 13 || out.fault.vector == 6);
		if (memcmp(&regs, &before, sizeof(regs)) != 0) {
			/* Only a REP string instruction may have made progress. */
			assert(regs.rip == before.rip && rep_max > 1);
			assert(regs.rflags == before.rflags);
		}
	}
	return 0;
}
