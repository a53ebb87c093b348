/* IPI delivery by destination mode (SDM 3A 11.6): every ICR delivery mode,
 * destination mode and shorthand through the ipi hook, what is not sent,
 * and the physical / flat / cluster destination match the domain uses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/lapic.h"

struct recorder {
	int ipis;
	uint32_t dest;
	bool logical;
	unsigned sh, mode;
	uint8_t vector;
};

static struct recorder rec;
static struct lapic lapic;
static struct mmio_bus bus;

static uint64_t rec_now(void *ctx)
{
	return 0;
}

static void rec_ipi(void *ctx, uint32_t dest, bool logical, unsigned sh, unsigned mode, uint8_t vector)
{
	struct recorder *r = ctx;
	*r = (struct recorder){r->ipis + 1, dest, logical, sh, mode, vector};
}

static const struct lapic_hooks hooks = {{rec_now, NULL}, {NULL, NULL, NULL}, rec_ipi, NULL, &rec};

static void wr(uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, 4, true, &v), MMIO_CLAIMED);
}

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, 4, false, &v), MMIO_CLAIMED);
	return (uint32_t)v;
}

static int setup(void **state)
{
	memset(&rec, 0, sizeof(rec));
	mmio_bus_init(&bus);
	assert_int_equal(lapic_init(&lapic, 2, false, &hooks, 25000000, 1000000000), 0);
	assert_int_equal(lapic_mmio_attach(&lapic, &bus, NULL, 0), 0);
	return 0;
}

static uint32_t icr(unsigned mode, bool logical, unsigned sh, uint8_t vector)
{
	return vector | mode << 8 | (logical ? 1u << 11 : 0) | 1u << 14 | sh << 18;
}

/* Every sendable mode x destination mode x shorthand reaches the hook as
 * written, with delivery status idle. The APIC need not be software-enabled
 * to send (11.4.7.2). */
static void icr_every_mode_and_destination(void **state)
{
	const unsigned modes[] = {LAPIC_DM_FIXED, LAPIC_DM_LOWEST, LAPIC_DM_NMI, LAPIC_DM_INIT,
				  LAPIC_DM_SIPI};
	int sent = 0;

	for (unsigned m = 0; m < ARRAY_SIZE(modes); m++)
		for (unsigned logical = 0; logical < 2; logical++)
			for (unsigned sh = 0; sh < 4; sh++) {
				wr(LAPIC_REG_ICR_HI, (0x10u + sh) << 24);
				wr(LAPIC_REG_ICR_LO, icr(modes[m], logical, sh, 0x9a));
				assert_int_equal(rec.ipis, ++sent);
				assert_int_equal(rec.dest, 0x10 + sh);
				assert_int_equal(rec.logical, logical);
				assert_int_equal(rec.sh, sh);
				assert_int_equal(rec.mode, modes[m]);
				assert_int_equal(rec.vector, 0x9a);
				assert_int_equal(rd(LAPIC_REG_ICR_LO), icr(modes[m], logical, sh, 0x9a));
				assert_int_equal(rd(LAPIC_REG_ICR_LO) & (1u << 12), 0);
			}
	/* NMI, INIT and SIPI carry any vector field (SIPI's is the page). */
	wr(LAPIC_REG_ICR_LO, icr(LAPIC_DM_SIPI, false, 0, 0x08));
	assert_int_equal(rec.ipis, sent + 1);
	assert_int_equal(rec.vector, 0x08);
}

static void icr_not_sent(void **state)
{
	wr(LAPIC_REG_ICR_LO, icr(LAPIC_DM_SMI, false, 0, 0));
	wr(LAPIC_REG_ICR_LO, icr(3, false, 0, 0x40));
	wr(LAPIC_REG_ICR_LO, icr(7, false, 0, 0x40));
	wr(LAPIC_REG_ICR_LO, LAPIC_DM_INIT << 8 | 1u << 15); /* INIT level de-assert */
	wr(LAPIC_REG_ICR_LO, icr(LAPIC_DM_FIXED, false, 0, 15));
	wr(LAPIC_REG_ICR_LO, icr(LAPIC_DM_LOWEST, true, 0, 0));
	assert_int_equal(rec.ipis, 0);
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_SEND_ILLEGAL);
	/* Writing the high half alone sends nothing. */
	wr(LAPIC_REG_ICR_HI, 0x01000000);
	assert_int_equal(rec.ipis, 0);
}

static void physical_destinations(void **state)
{
	assert_true(lapic_match_dest(&lapic, 2, false));
	assert_true(lapic_match_dest(&lapic, 0xff, false)); /* broadcast */
	assert_true(lapic_match_dest(&lapic, 0x102, false)); /* 8 bits in xAPIC mode */
	assert_false(lapic_match_dest(&lapic, 3, false));
	assert_false(lapic_match_dest(&lapic, 0, false));
}

/* 11.6.2.2: flat model, LDR[31:24] is a bit mask. */
static void logical_flat(void **state)
{
	assert_false(lapic_match_dest(&lapic, 0xff, true)); /* LDR 0: in no group */
	wr(LAPIC_REG_LDR, 0x04000000);
	assert_true(lapic_match_dest(&lapic, 0x04, true));
	assert_true(lapic_match_dest(&lapic, 0x0f, true));
	assert_true(lapic_match_dest(&lapic, 0xff, true));
	assert_false(lapic_match_dest(&lapic, 0x0b, true));
	assert_false(lapic_match_dest(&lapic, 0x04, false));
}

/* Cluster model: LDR[31:28] the cluster, [27:24] the member bits; cluster
 * 15 addresses all clusters. */
static void logical_cluster(void **state)
{
	wr(LAPIC_REG_DFR, 0x0fffffff);
	wr(LAPIC_REG_LDR, 0x32000000);
	assert_true(lapic_match_dest(&lapic, 0x32, true));
	assert_true(lapic_match_dest(&lapic, 0x3f, true));
	assert_true(lapic_match_dest(&lapic, 0xf2, true));
	assert_true(lapic_match_dest(&lapic, 0xff, true));
	assert_false(lapic_match_dest(&lapic, 0x22, true));
	assert_false(lapic_match_dest(&lapic, 0x31, true));
	assert_false(lapic_match_dest(&lapic, 0x04, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(icr_every_mode_and_destination, setup),
		cmocka_unit_test_setup(icr_not_sent, setup),
		cmocka_unit_test_setup(physical_destinations, setup),
		cmocka_unit_test_setup(logical_flat, setup),
		cmocka_unit_test_setup(logical_cluster, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
