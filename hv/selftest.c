/* Self-tests (see selftest.h):
 *   msr  - read and write an MSR no CPU implements through rdmsr_safe /
 *          wrmsr_safe and report whether the #GP was caught;
 *   pf   - write to an unmapped address: the panic path must print the
 *          register dump with CR2 and stop. */
#include "hv/selftest.h"
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"
#include "arch/x86/trap.h"
#include "hv/cmdline.h"
#include "hv/log.h"
#include "hv/string.h"

/* Outside every architectural MSR range: real CPUs raise #GP. (Bochs and
 * QEMU TCG read unknown MSRs as 0: see PLATFORM.md.) */
#define NONEXISTENT_MSR 0x0badc0deu
/* Canonical, lower half, far above any identity-mapped RAM. */
#define UNMAPPED_ADDRESS 0x0000700000000000ull

static void selftest_msr(void)
{
	uint64_t val = 0;

	this_cpu()->fixup_vector = -1;
	if (rdmsr_safe(NONEXISTENT_MSR, &val))
		log_info("selftest msr: rdmsr %#x raised %s: caught", NONEXISTENT_MSR,
			 exception_name((uint64_t)this_cpu()->fixup_vector));
	else
		log_info("selftest msr: rdmsr %#x returned %#lx: no fault raised", NONEXISTENT_MSR, val);
	this_cpu()->fixup_vector = -1;
	if (wrmsr_safe(NONEXISTENT_MSR, 0))
		log_info("selftest msr: wrmsr %#x raised %s: caught", NONEXISTENT_MSR,
			 exception_name((uint64_t)this_cpu()->fixup_vector));
	else
		log_info("selftest msr: wrmsr %#x: no fault raised", NONEXISTENT_MSR);
}

static void selftest_pf(void)
{
	log_info("selftest pf: writing to unmapped address %#llx", UNMAPPED_ADDRESS);
	*(volatile uint64_t *)UNMAPPED_ADDRESS = 0x5e1f7e57;
	log_err("selftest pf: the write did not fault");
}

static const struct {
	const char *name;
	void (*run)(void);
} selftests[] = {
	{"msr", selftest_msr},
	{"pf", selftest_pf},
};

void selftest_run(const char *cmdline)
{
	char list[128];

	if (!cmdline_get(cmdline, "selftest", list, sizeof(list)))
		return;
	char *cursor = list;
	for (char *name; (name = cmdline_list_next(&cursor));) {
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(selftests); i++) {
			if (!strcmp(name, selftests[i].name)) {
				selftests[i].run();
				known = true;
			}
		}
		if (!known)
			log_err("selftest: unknown self-test '%s' (known: msr, pf)", name);
	}
}
