/* Guest-physical memory as the image loaders see it: a byte buffer the caller
 * provides, guest-physical address X at base[X], so loading is plain copying. */
#ifndef HV_LOADER_GUEST_MEM_H
#define HV_LOADER_GUEST_MEM_H

#include "hv/types.h"

struct guest_mem {
	uint8_t *base;
	uint64_t size; /* guest RAM is [0, size) */
};

/* Whether [start, start + len) lies inside [0, limit), for guest addresses and
 * image offsets alike; written so that no sum can wrap. */
static inline bool span_within(uint64_t start, uint64_t len, uint64_t limit)
{
	return start <= limit && len <= limit - start;
}

/* Little-endian stores, byte by byte: the guest reads x86 layouts at any
 * alignment, and the buffer's own alignment is the caller's business. */
static inline void guest_put8(struct guest_mem *gm, uint64_t gpa, uint8_t v)
{
	gm->base[gpa] = v;
}

static inline void guest_put16(struct guest_mem *gm, uint64_t gpa, uint16_t v)
{
	guest_put8(gm, gpa, (uint8_t)v);
	guest_put8(gm, gpa + 1, (uint8_t)(v >> 8));
}

static inline void guest_put32(struct guest_mem *gm, uint64_t gpa, uint32_t v)
{
	guest_put16(gm, gpa, (uint16_t)v);
	guest_put16(gm, gpa + 2, (uint16_t)(v >> 16));
}

static inline void guest_put64(struct guest_mem *gm, uint64_t gpa, uint64_t v)
{
	guest_put32(gm, gpa, (uint32_t)v);
	guest_put32(gm, gpa + 4, (uint32_t)(v >> 32));
}

#endif
