/* Raw real-mode images: a flat binary copied to linear address CS*16 + IP, where a
 * guest that starts in real mode begins executing it. */
#ifndef HV_LOADER_RAW16_H
#define HV_LOADER_RAW16_H

#include "hv/loader/guest_mem.h"
#include "hv/types.h"

/* Real mode addresses the first MiB; anything above would need A20 and a
 * segment base near 0xffff0. */
#define RAW16_LIMIT (1 * MIB)

/* Copies the image to guest-physical cs * 16 + ip, where execution begins, after
 * checking it is not empty and ends at or below RAW16_LIMIT and inside guest RAM.
 * Returns 0, or -1 with a message in err (always NUL-terminated when errlen > 0),
 * guest memory untouched.
 * Entry state, which the caller sets in the VMCS (real mode under VMX needs the
 * "unrestricted guest" control): CR0.PE and CR0.PG clear; CS selector cs, base
 * cs * 16, limit 0xffff, 16-bit code; IP ip; RFLAGS 0x2. The data segments and SP
 * are the caller's choice. */
int raw16_load(const void *img, size_t len, struct guest_mem *gm, uint16_t cs, uint16_t ip,
	       char *err, size_t errlen);

#endif
