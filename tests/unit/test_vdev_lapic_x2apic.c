/* The x2APIC view (SDM 3A 11.12): MSRs 0x800-0x8ff after the switch, the
 * 32-bit ID, the derived read-only LDR, the 64-bit ICR, SELF IPI, and the
 * accesses that raise #GP; the page goes dark and EN clear leaves the mode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/lapic.h"

#define ID 0x125 /* cluster 0x12, member bit 5 */
#define MSR(off) (LAPIC_MSR_FIRST + (off) / 16)
#define BASE_XAPIC (LAPIC_MMIO_BASE | LAPIC_BASE_EN)
#define BASE_X2APIC (BASE_XAPIC | LAPIC_BASE_EXTD)

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

static uint64_t rdmsr(uint32_t msr)
{
	uint64_t v = 1;
	assert_int_equal(lapic_msr_read(&lapic, msr, &v), LAPIC_MSR_OK);
	return v;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	assert_int_equal(lapic_msr_write(&lapic, msr, v), LAPIC_MSR_OK);
}

static void wrmsr_gp(uint32_t msr, uint64_t v)
{
	assert_int_equal(lapic_msr_write(&lapic, msr, v), LAPIC_MSR_GP);
}

static void rdmsr_gp(uint32_t msr)
{
	uint64_t v = 1;
	assert_int_equal(lapic_msr_read(&lapic, msr, &v), LAPIC_MSR_GP);
	assert_int_equal(v, 0);
}

static uint32_t mmio_rd(uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, 4, false, &v), MMIO_CLAIMED);
	return (uint32_t)v;
}

static void mmio_wr(uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, 4, true, &v), MMIO_CLAIMED);
}

/* xAPIC first, with some state the switch must keep. */
static int setup(void **state)
{
	memset(&rec, 0, sizeof(rec));
	mmio_bus_init(&bus);
	assert_int_equal(lapic_init(&lapic, ID, false, &hooks, 25000000, 1000000000), 0);
	assert_int_equal(lapic_mmio_attach(&lapic, &bus, NULL, 0), 0);
	mmio_wr(LAPIC_REG_SVR, LAPIC_SVR_ENABLE | 0xff);
	mmio_wr(LAPIC_REG_TPR, 0x30);
	mmio_wr(LAPIC_REG_LDR, 0x01000000);
	mmio_wr(LAPIC_REG_LVT_LINT1, LAPIC_DM_NMI << 8);
	return 0;
}

static void msrs_refused_in_xapic_mode(void **state)
{
	rdmsr_gp(MSR(LAPIC_REG_ID));
	wrmsr_gp(MSR(LAPIC_REG_TPR), 0);
	assert_int_equal(mmio_rd(LAPIC_REG_TPR), 0x30);
}

/* 11.12.5.1: the mode switch keeps the registers, the ID widens to 32 bits
 * and the LDR follows from it. */
static void switch_keeps_state_and_derives_ldr(void **state)
{
	lapic_set_apic_base(&lapic, BASE_X2APIC);
	assert_true(lapic_x2apic_mode(&lapic));
	assert_int_equal(rdmsr(MSR(LAPIC_REG_ID)), ID);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_VERSION)), 0x50014);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_TPR)), 0x30);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_SVR)), 0x1ff);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_LVT_LINT1)), LAPIC_DM_NMI << 8);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_LDR)), 0x00120020);
	wrmsr_gp(MSR(LAPIC_REG_LDR), 0);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_LDR)), 0x00120020);

	/* The page now answers as nothing. */
	assert_int_equal(mmio_rd(LAPIC_REG_VERSION), 0xffffffffu);
	mmio_wr(LAPIC_REG_TPR, 0);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_TPR)), 0x30);

	/* INIT keeps the mode and the derived LDR. */
	lapic_init_signal(&lapic);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_LDR)), 0x00120020);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_TPR)), 0);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_SVR)), 0xff);
}

static void x2apic_destinations(void **state)
{
	lapic_set_apic_base(&lapic, BASE_X2APIC);
	assert_true(lapic_match_dest(&lapic, ID, false));
	assert_false(lapic_match_dest(&lapic, ID & 0xff, false));
	assert_true(lapic_match_dest(&lapic, 0xffffffffu, false));
	assert_true(lapic_match_dest(&lapic, 0xffffffffu, true));
	assert_true(lapic_match_dest(&lapic, 0x00120021, true));
	assert_false(lapic_match_dest(&lapic, 0x00120010, true));
	assert_false(lapic_match_dest(&lapic, 0x00130020, true));
}

/* One 64-bit ICR write sends, with the 32-bit destination in 63:32. */
static void icr_64_bit_and_self_ipi(void **state)
{
	lapic_set_apic_base(&lapic, BASE_X2APIC);
	wrmsr(MSR(LAPIC_REG_ICR_LO), (uint64_t)0x12345678 << 32 | 1u << 11 | 0x4000 | 0x41);
	assert_int_equal(rec.ipis, 1);
	assert_int_equal(rec.dest, 0x12345678);
	assert_true(rec.logical);
	assert_int_equal(rec.sh, LAPIC_SH_NONE);
	assert_int_equal(rec.mode, LAPIC_DM_FIXED);
	assert_int_equal(rec.vector, 0x41);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_ICR_LO)), (uint64_t)0x12345678 << 32 | 0x4841);
	wrmsr(MSR(LAPIC_REG_ICR_LO), (uint64_t)7 << 32 | LAPIC_SH_OTHERS << 18 | LAPIC_DM_INIT << 8 | 0x4000);
	assert_int_equal(rec.ipis, 2);
	assert_int_equal(rec.sh, LAPIC_SH_OTHERS);
	assert_int_equal(rec.mode, LAPIC_DM_INIT);

	/* SELF IPI: write-only, a fixed IPI to this LAPIC only. */
	wrmsr(MSR(LAPIC_REG_SELF_IPI), 0x55);
	assert_int_equal(rec.ipis, 3);
	assert_int_equal(rec.dest, ID);
	assert_false(rec.logical);
	assert_int_equal(rec.sh, LAPIC_SH_SELF);
	assert_int_equal(rec.mode, LAPIC_DM_FIXED);
	assert_int_equal(rec.vector, 0x55);
	rdmsr_gp(MSR(LAPIC_REG_SELF_IPI));
	wrmsr_gp(MSR(LAPIC_REG_SELF_IPI), 0x155);
	wrmsr(MSR(LAPIC_REG_SELF_IPI), 0x05);
	assert_int_equal(rec.ipis, 3);
	wrmsr(MSR(LAPIC_REG_ESR), 0);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_ESR)), LAPIC_ESR_SEND_ILLEGAL);
}

/* SDM 3A 11.12.1.2-3: what raises #GP in x2APIC mode; nothing changes. */
static void gp_cases(void **state)
{
	const uint32_t absent[] = {0x800, 0x801, 0x804, 0x807, MSR(LAPIC_REG_APR), MSR(LAPIC_REG_RRD),
				   MSR(LAPIC_REG_DFR), MSR(LAPIC_REG_ICR_HI), 0x829, 0x82f, 0x83a,
				   0x83d, 0x840, 0x8ff, 0x7ff, 0x900};
	const uint32_t read_only[] = {MSR(LAPIC_REG_ID), MSR(LAPIC_REG_VERSION), MSR(LAPIC_REG_PPR),
				      MSR(LAPIC_REG_LDR), 0x810, 0x817, 0x818, 0x81f, 0x820, 0x827,
				      MSR(LAPIC_REG_TIMER_CURRENT)};

	lapic_set_apic_base(&lapic, BASE_X2APIC);
	for (unsigned i = 0; i < ARRAY_SIZE(absent); i++) {
		rdmsr_gp(absent[i]);
		wrmsr_gp(absent[i], 0);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(read_only); i++) {
		rdmsr(read_only[i]);
		wrmsr_gp(read_only[i], 0);
	}
	rdmsr_gp(MSR(LAPIC_REG_EOI)); /* write-only */
	wrmsr_gp(MSR(LAPIC_REG_EOI), 1);
	wrmsr(MSR(LAPIC_REG_EOI), 0);
	wrmsr_gp(MSR(LAPIC_REG_ESR), 1);

	/* Reserved bits, including every register's bits 63:32 but the ICR's. */
	wrmsr_gp(MSR(LAPIC_REG_TPR), 0x100);
	wrmsr_gp(MSR(LAPIC_REG_TPR), (uint64_t)1 << 32);
	wrmsr_gp(MSR(LAPIC_REG_SVR), 0x11ff); /* no EOI-broadcast suppression */
	wrmsr_gp(MSR(LAPIC_REG_LVT_TIMER), 0x100040);
	wrmsr_gp(MSR(LAPIC_REG_LVT_TIMER), 0x0400); /* no delivery mode field */
	wrmsr_gp(MSR(LAPIC_REG_LVT_ERROR), 0x2040);
	wrmsr_gp(MSR(LAPIC_REG_TIMER_DIVIDE), 0x4);
	wrmsr_gp(MSR(LAPIC_REG_TIMER_INITIAL), (uint64_t)1 << 40);
	wrmsr_gp(MSR(LAPIC_REG_ICR_LO), 0x1000 | 0x40); /* delivery status */
	wrmsr_gp(MSR(LAPIC_REG_ICR_LO), 0x100000 | 0x40);
	assert_int_equal(rec.ipis, 0);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_TPR)), 0x30);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_SVR)), 0x1ff);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_LVT_TIMER)), LAPIC_LVT_MASK);

	/* The defined bits are accepted, read-only ones included. */
	wrmsr(MSR(LAPIC_REG_LVT_LINT0), 0x1f7ff);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_LVT_LINT0)), 0x1a7ff);
	wrmsr(MSR(LAPIC_REG_TIMER_DIVIDE), 0xb);
	wrmsr(MSR(LAPIC_REG_TIMER_INITIAL), 0xffffffff);
	assert_int_equal(rdmsr(MSR(LAPIC_REG_TIMER_INITIAL)), 0xffffffff);
}

/* Leaving x2APIC mode goes through disabled (11.12.5): reset, and the
 * xAPIC view returns with the 8-bit ID. */
static void disable_then_xapic(void **state)
{
	lapic_set_apic_base(&lapic, BASE_X2APIC);
	lapic_set_apic_base(&lapic, LAPIC_MMIO_BASE);
	assert_false(lapic_x2apic_mode(&lapic));
	rdmsr_gp(MSR(LAPIC_REG_ID));
	lapic_set_apic_base(&lapic, BASE_XAPIC);
	assert_int_equal(mmio_rd(LAPIC_REG_ID), (uint32_t)(ID & 0xff) << 24);
	assert_int_equal(mmio_rd(LAPIC_REG_LDR), 0);
	assert_int_equal(mmio_rd(LAPIC_REG_TPR), 0);
	assert_int_equal(mmio_rd(LAPIC_REG_DFR), 0xffffffffu);
	assert_int_equal(mmio_rd(LAPIC_REG_LVT_LINT1), LAPIC_LVT_MASK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(msrs_refused_in_xapic_mode, setup),
		cmocka_unit_test_setup(switch_keeps_state_and_derives_ldr, setup),
		cmocka_unit_test_setup(x2apic_destinations, setup),
		cmocka_unit_test_setup(icr_64_bit_and_self_ipi, setup),
		cmocka_unit_test_setup(gp_cases, setup),
		cmocka_unit_test_setup(disable_then_xapic, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
