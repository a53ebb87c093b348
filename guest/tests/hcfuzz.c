/* Fuzzed hypercalls: thousands of calls with random numbers and arguments
 * (wild addresses, huge lengths, unknown numbers). Each must come back with
 * a result, the domain must go on, and a valid call must still work after. */
#include "hvtest.h"
#include "include/public/hypercall.h"

#define CALLS 3000

static uint32_t rng = 0x2545f491u;

static uint32_t next(void)
{
	/* xorshift32: deterministic, so a failure can be replayed. */
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

int guest_main(uint32_t magic, const void *info)
{
	static const char ok_msg[] = "still alive after the fuzzing\n";
	uint32_t errors = 0, successes = 0;

	for (int i = 0; i < CALLS; i++) {
		uint32_t nr = next() % 8;
		if (nr == HV_HC_SHUTDOWN)
			nr = 0x100 + next(); /* an unknown number instead */
		long r = hv_hypercall(nr, next(), next() | ((next() & 1) ? 0xfff00000u : 0), next(), next());
		if (r < 0)
			errors++;
		else
			successes++;
	}
	con_puts("fuzzed hypercalls: errors=");
	con_put_hex(errors);
	con_puts(" successes=");
	con_put_hex(successes);
	con_puts("\n");
	bool ok = check(errors + successes == CALLS && errors > 0, "survived fuzzed hypercalls");
	ok &= check(hv_hypercall(HV_HC_CONSOLE_WRITE, (uintptr_t)ok_msg, sizeof(ok_msg) - 1, 0, 0) ==
			    (long)sizeof(ok_msg) - 1,
		    "a valid hypercall works after the fuzzing");
	return ok ? 0 : 1;
}
