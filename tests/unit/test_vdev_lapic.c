/* The LAPIC model's xAPIC registers through a real MMIO bus: reset values,
 * write behaviour, PPR, the IRR -> ISR -> EOI flow with EOI broadcast, SVR
 * software disable, ESR, IA32_APIC_BASE.EN clear and set, snapshots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/lapic.h"

#define BASE_BSP (LAPIC_MMIO_BASE | LAPIC_BASE_EN | LAPIC_BASE_BSP)

struct recorder {
	uint64_t now;
	int arms, cancels;
	uint64_t deadline;
	int ipis;
	int eois;
	uint8_t eoi_vector;
};

static struct recorder rec;
static struct lapic lapic;
static struct mmio_bus bus;

static uint64_t rec_now(void *ctx)
{
	return ((struct recorder *)ctx)->now;
}

static void rec_arm(void *ctx, uint64_t deadline)
{
	struct recorder *r = ctx;
	r->arms++;
	r->deadline = deadline;
}

static void rec_cancel(void *ctx)
{
	((struct recorder *)ctx)->cancels++;
}

static void rec_ipi(void *ctx, uint32_t dest, bool logical, unsigned sh, unsigned mode, uint8_t vector)
{
	((struct recorder *)ctx)->ipis++;
}

static void rec_eoi(void *ctx, uint8_t vector)
{
	struct recorder *r = ctx;
	r->eois++;
	r->eoi_vector = vector;
}

static const struct lapic_hooks hooks = {
	{rec_now, &rec}, {rec_arm, rec_cancel, &rec}, rec_ipi, rec_eoi, &rec,
};

static int setup(void **state)
{
	char err[128];

	memset(&rec, 0, sizeof(rec));
	mmio_bus_init(&bus);
	assert_int_equal(lapic_init(&lapic, 3, true, &hooks, 25000000, 1000000000), 0);
	assert_int_equal(lapic_mmio_attach(&lapic, &bus, err, sizeof(err)), 0);
	return 0;
}

static uint64_t rd_sized(uint32_t off, unsigned size)
{
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, size, false, &v), MMIO_CLAIMED);
	return v;
}

static uint32_t rd(uint32_t off)
{
	return (uint32_t)rd_sized(off, 4);
}

static void wr(uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + off, 4, true, &v), MMIO_CLAIMED);
}

static void enable(void)
{
	wr(LAPIC_REG_SVR, LAPIC_SVR_ENABLE | 0xff);
}

/* ESR as software reads it: write, then read (SDM 3A 11.5.3). */
static uint32_t esr(void)
{
	wr(LAPIC_REG_ESR, 0);
	return rd(LAPIC_REG_ESR);
}

static const uint32_t lvt_regs[] = {
	LAPIC_REG_LVT_TIMER, LAPIC_REG_LVT_THERMAL, LAPIC_REG_LVT_PERF,
	LAPIC_REG_LVT_LINT0, LAPIC_REG_LVT_LINT1, LAPIC_REG_LVT_ERROR,
};

/* Every register as SDM 3A 11.4.7.1 leaves it, for an ID of 3. */
static void assert_reset_registers(void)
{
	assert_int_equal(rd(LAPIC_REG_ID), 3u << 24);
	assert_int_equal(rd(LAPIC_REG_VERSION), 0x50014);
	assert_int_equal(rd(LAPIC_REG_TPR), 0);
	assert_int_equal(rd(LAPIC_REG_APR), 0);
	assert_int_equal(rd(LAPIC_REG_PPR), 0);
	assert_int_equal(rd(LAPIC_REG_EOI), 0);
	assert_int_equal(rd(LAPIC_REG_RRD), 0);
	assert_int_equal(rd(LAPIC_REG_LDR), 0);
	assert_int_equal(rd(LAPIC_REG_DFR), 0xffffffffu);
	assert_int_equal(rd(LAPIC_REG_SVR), 0xff);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(rd(LAPIC_REG_ISR + 16 * i), 0);
		assert_int_equal(rd(LAPIC_REG_TMR + 16 * i), 0);
		assert_int_equal(rd(LAPIC_REG_IRR + 16 * i), 0);
	}
	assert_int_equal(rd(LAPIC_REG_ESR), 0);
	assert_int_equal(rd(LAPIC_REG_ICR_LO), 0);
	assert_int_equal(rd(LAPIC_REG_ICR_HI), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(lvt_regs); i++)
		assert_int_equal(rd(lvt_regs[i]), LAPIC_LVT_MASK);
	assert_int_equal(rd(LAPIC_REG_TIMER_INITIAL), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_DIVIDE), 0);
}

static void reset_values(void **state)
{
	struct lapic other;

	assert_reset_registers();
	assert_int_equal(lapic.s.apic_base, BASE_BSP);
	assert_false(lapic_x2apic_mode(&lapic));
	assert_int_equal(lapic_init(&other, 1, false, &hooks, 0, 1000), -1);
	assert_int_equal(lapic_init(&other, 1, false, &hooks, 1000, 0), -1);
	assert_int_equal(lapic_init(&other, 1, false, &hooks, 1000, 1000), 0);
	assert_int_equal(other.s.apic_base, LAPIC_MMIO_BASE | LAPIC_BASE_EN);
}

static void write_behaviour(void **state)
{
	wr(LAPIC_REG_ID, 0x07000000);
	wr(LAPIC_REG_VERSION, 0);
	wr(LAPIC_REG_TPR, 0xffffffff);
	wr(LAPIC_REG_LDR, 0xffffffff);
	wr(LAPIC_REG_DFR, 0);
	wr(LAPIC_REG_SVR, 0xffffffff);
	wr(LAPIC_REG_ICR_HI, 0xffffffff);
	wr(LAPIC_REG_TIMER_DIVIDE, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_ID), 3u << 24); /* read-only here */
	assert_int_equal(rd(LAPIC_REG_VERSION), 0x50014);
	assert_int_equal(rd(LAPIC_REG_TPR), 0xff);
	assert_int_equal(rd(LAPIC_REG_LDR), 0xff000000u);
	assert_int_equal(rd(LAPIC_REG_DFR), 0x0fffffffu);
	assert_int_equal(rd(LAPIC_REG_SVR), 0x3ff); /* no EOI-broadcast suppression */
	assert_int_equal(rd(LAPIC_REG_ICR_HI), 0xff000000u);
	assert_int_equal(rd(LAPIC_REG_TIMER_DIVIDE), 0xb);

	/* LVTs keep their writable bits; status and remote IRR read 0. */
	const uint32_t expect[] = {0x000700ff, 0x000107ff, 0x000107ff, 0x0001a7ff, 0x0001a7ff, 0x000100ff};
	for (unsigned i = 0; i < ARRAY_SIZE(lvt_regs); i++) {
		wr(lvt_regs[i], 0xffffffff);
		assert_int_equal(rd(lvt_regs[i]), expect[i]);
		wr(lvt_regs[i], 0x40);
		assert_int_equal(rd(lvt_regs[i]), 0x40);
	}

	/* Read-only: ISR, TMR, IRR, PPR, current count; APR and RRD. */
	lapic_accept(&lapic, 0x40, false);
	wr(LAPIC_REG_IRR + 0x20, 0);
	wr(LAPIC_REG_ISR + 0x20, 0xffffffff);
	wr(LAPIC_REG_TMR + 0x20, 0xffffffff);
	wr(LAPIC_REG_PPR, 0xff);
	wr(LAPIC_REG_APR, 0xff);
	wr(LAPIC_REG_TIMER_CURRENT, 5);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), 1);
	assert_int_equal(rd(LAPIC_REG_ISR + 0x20), 0);
	assert_int_equal(rd(LAPIC_REG_TMR + 0x20), 0);
	assert_int_equal(rd(LAPIC_REG_PPR), 0xff);
	assert_int_equal(rd(LAPIC_REG_APR), 0xff);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), 0);
	assert_int_equal(esr(), 0);
}

/* Narrow reads see a register's bytes; only aligned 32-bit writes land;
 * unimplemented offsets read 0 and latch the illegal-register error. */
static void access_widths_and_holes(void **state)
{
	assert_int_equal(rd_sized(LAPIC_REG_ID + 3, 1), 3);
	assert_int_equal(rd_sized(LAPIC_REG_VERSION, 2), 0x14);
	assert_int_equal(rd_sized(LAPIC_REG_VERSION + 2, 1), 0x05);
	assert_int_equal(rd_sized(LAPIC_REG_VERSION, 8), 0x50014);
	assert_int_equal(rd_sized(LAPIC_REG_VERSION + 4, 4), 0);
	uint64_t v = 0x80;
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + LAPIC_REG_TPR, 1, true, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + LAPIC_REG_TPR, 8, true, &v), MMIO_CLAIMED);
	wr(LAPIC_REG_TPR + 4, 0x80);
	assert_int_equal(rd(LAPIC_REG_TPR), 0);
	assert_int_equal(esr(), 0);

	const uint32_t holes[] = {0x000, 0x010, 0x040, 0x070, 0x2a0, 0x2f0, 0x3a0, 0x3d0, 0x3f0, 0x400, 0xff0};
	for (unsigned i = 0; i < ARRAY_SIZE(holes); i++) {
		assert_int_equal(rd(holes[i]), 0);
		assert_int_equal(esr(), LAPIC_ESR_ILLEGAL_REG);
		wr(holes[i], 0xffffffff);
		assert_int_equal(esr(), LAPIC_ESR_ILLEGAL_REG);
		assert_int_equal(esr(), 0);
	}
}

/* SDM 3A 11.8.3.1: PPR = TPR when TPR[7:4] >= ISRV[7:4], else ISRV & F0. */
static void ppr_computation(void **state)
{
	const struct { uint32_t tpr; int isrv; uint32_t ppr; } cases[] = {
		{0x00, -1, 0x00}, {0x35, -1, 0x35}, {0x00, 0x47, 0x40}, {0x45, 0x47, 0x45},
		{0x4f, 0x41, 0x4f}, {0x3f, 0x47, 0x40}, {0x50, 0x47, 0x50}, {0xff, 0xfe, 0xff},
	};
	enable();
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(lapic.s.isr, 0, sizeof(lapic.s.isr));
		if (cases[i].isrv >= 0) {
			assert_true(lapic_accept(&lapic, (uint8_t)cases[i].isrv, false));
			lapic_ack(&lapic, (uint8_t)cases[i].isrv);
		}
		wr(LAPIC_REG_TPR, cases[i].tpr);
		assert_int_equal(rd(LAPIC_REG_PPR), cases[i].ppr);
	}
}

static void irr_isr_eoi_flow(void **state)
{
	uint8_t v = 0;

	enable();
	assert_false(lapic_pending(&lapic, &v));
	assert_true(lapic_accept(&lapic, 0x31, false));
	assert_true(lapic_accept(&lapic, 0x52, false));
	assert_true(lapic_accept(&lapic, 0x45, false));
	assert_int_equal(rd(LAPIC_REG_IRR + 0x10), 1u << 0x11);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), (1u << 0x12) | (1u << 0x05));
	assert_true(lapic_pending(&lapic, &v));
	assert_int_equal(v, 0x52);
	lapic_ack(&lapic, 0x52);
	assert_int_equal(rd(LAPIC_REG_ISR + 0x20), 1u << 0x12);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x50);
	assert_false(lapic_pending(&lapic, &v)); /* class 4 below class 5 */

	/* A higher class nests; the same class waits. */
	assert_true(lapic_accept(&lapic, 0x5f, false));
	assert_false(lapic_pending(&lapic, &v));
	assert_true(lapic_accept(&lapic, 0x61, false));
	assert_true(lapic_pending(&lapic, &v));
	assert_int_equal(v, 0x61);
	lapic_ack(&lapic, 0x61);

	/* Each EOI retires the highest in-service vector. */
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(rd(LAPIC_REG_ISR + 0x30), 0);
	assert_int_equal(rd(LAPIC_REG_ISR + 0x20), 1u << 0x12);
	assert_false(lapic_pending(&lapic, &v));
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(rd(LAPIC_REG_PPR), 0);
	assert_true(lapic_pending(&lapic, &v));
	assert_int_equal(v, 0x5f);

	/* The TPR holds back lower classes. */
	wr(LAPIC_REG_TPR, 0x5f);
	assert_false(lapic_pending(&lapic, &v));
	wr(LAPIC_REG_TPR, 0x40);
	assert_true(lapic_pending(&lapic, &v));
	assert_int_equal(rd(LAPIC_REG_APR), 0x50); /* 11.6.2.4: the IRR class wins */

	/* An ack of a vector not requested changes nothing; an EOI with an
	 * empty ISR neither. */
	lapic_ack(&lapic, 0x99);
	assert_int_equal(rd(LAPIC_REG_ISR + 0x40), 0);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(rec.eois, 0);
}

static void level_vectors_broadcast_eoi(void **state)
{
	enable();
	assert_true(lapic_accept(&lapic, 0x40, true));
	assert_int_equal(rd(LAPIC_REG_TMR + 0x20), 1);
	lapic_ack(&lapic, 0x40);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(rec.eois, 1);
	assert_int_equal(rec.eoi_vector, 0x40);

	/* An edge acceptance clears the TMR bit: no broadcast. */
	assert_true(lapic_accept(&lapic, 0x40, false));
	assert_int_equal(rd(LAPIC_REG_TMR + 0x20), 0);
	lapic_ack(&lapic, 0x40);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(rec.eois, 1);
}

static void illegal_vectors_and_error_lvt(void **state)
{
	enable();
	assert_false(lapic_accept(&lapic, 15, false));
	assert_int_equal(rd(LAPIC_REG_IRR), 0);
	assert_int_equal(esr(), LAPIC_ESR_RECV_ILLEGAL);

	wr(LAPIC_REG_LVT_ERROR, 0xfe);
	assert_false(lapic_accept(&lapic, 3, false));
	assert_int_equal(rd(LAPIC_REG_IRR + 0x70), 1u << 30);

	/* An illegal error vector is latched once, without recursing. */
	wr(LAPIC_REG_LVT_ERROR, 0x05);
	assert_false(lapic_accept(&lapic, 3, false));
	assert_int_equal(esr(), LAPIC_ESR_RECV_ILLEGAL);
}

/* SDM 3A 11.5.3: reads show what the last write latched. */
static void esr_write_then_read(void **state)
{
	enable();
	lapic_accept(&lapic, 1, false);
	assert_int_equal(rd(LAPIC_REG_ESR), 0);
	wr(LAPIC_REG_ICR_LO, 0x4000 | 2); /* fixed IPI with vector 2 */
	assert_int_equal(rec.ipis, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), 0);
	wr(LAPIC_REG_ESR, 0x12345678); /* the value written is irrelevant */
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL | LAPIC_ESR_SEND_ILLEGAL);
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL | LAPIC_ESR_SEND_ILLEGAL);
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), 0);
}

/* SDM 3A 11.4.7.2. */
static void svr_software_disable(void **state)
{
	uint8_t v;

	wr(LAPIC_REG_LVT_LINT0, 0x700);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x700 | LAPIC_LVT_MASK);
	assert_false(lapic_accept(&lapic, 0x40, false));

	enable();
	assert_true(lapic_accept(&lapic, 0x40, false));
	for (unsigned i = 0; i < ARRAY_SIZE(lvt_regs); i++) {
		wr(lvt_regs[i], 0x30);
		assert_int_equal(rd(lvt_regs[i]), 0x30);
	}
	wr(LAPIC_REG_SVR, 0xff);
	for (unsigned i = 0; i < ARRAY_SIZE(lvt_regs); i++)
		assert_int_equal(rd(lvt_regs[i]), 0x30 | LAPIC_LVT_MASK);
	assert_true(lapic_pending(&lapic, &v)); /* the IRR is held */
	assert_int_equal(v, 0x40);
	assert_false(lapic_accept(&lapic, 0x50, false));

	enable();
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x30 | LAPIC_LVT_MASK);
	wr(LAPIC_REG_LVT_TIMER, 0x30);
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x30);
}

static void lint0_extint(void **state)
{
	assert_false(lapic_accepts_pic(&lapic));
	enable();
	wr(LAPIC_REG_LVT_LINT0, 0x700);
	assert_true(lapic_accepts_pic(&lapic));
	wr(LAPIC_REG_LVT_LINT0, 0x700 | LAPIC_LVT_MASK);
	assert_false(lapic_accepts_pic(&lapic));
	wr(LAPIC_REG_LVT_LINT0, 0x030);
	assert_false(lapic_accepts_pic(&lapic));
	lapic_set_apic_base(&lapic, LAPIC_MMIO_BASE | LAPIC_BASE_BSP);
	assert_true(lapic_accepts_pic(&lapic)); /* no APIC: INTR goes to the core */
}

/* Dirty every register kind, then EN clear (SDM 3A 11.4.3) and set again. */
static void apic_base_en_clear_and_set(void **state)
{
	uint8_t v;
	uint64_t x = 0x30;

	enable();
	wr(LAPIC_REG_TPR, 0x20);
	wr(LAPIC_REG_LDR, 0x01000000);
	wr(LAPIC_REG_DFR, 0x0fffffff);
	wr(LAPIC_REG_ICR_HI, 0x05000000);
	wr(LAPIC_REG_LVT_TIMER, 0x20);
	wr(LAPIC_REG_TIMER_DIVIDE, 0xb);
	wr(LAPIC_REG_TIMER_INITIAL, 100);
	lapic_accept(&lapic, 0x50, true);
	lapic_accept(&lapic, 0x60, false);
	lapic_ack(&lapic, 0x60);
	lapic_accept(&lapic, 2, false);
	assert_int_equal(rec.arms, 1);

	rec.cancels = 0;
	lapic_set_apic_base(&lapic, LAPIC_MMIO_BASE | LAPIC_BASE_BSP);
	assert_int_equal(rec.cancels, 1);
	assert_int_equal(rd(LAPIC_REG_VERSION), 0xffffffffu); /* nothing decodes the page */
	assert_int_equal(mmio_bus_access(&bus, LAPIC_MMIO_BASE + LAPIC_REG_SVR, 4, true, &x), MMIO_CLAIMED);
	assert_false(lapic_accept(&lapic, 0x70, false));
	assert_false(lapic_pending(&lapic, &v));
	assert_false(lapic_match_dest(&lapic, 3, false));
	lapic_write_tsc_deadline(&lapic, 5);
	assert_int_equal(lapic_read_tsc_deadline(&lapic), 0);

	lapic_set_apic_base(&lapic, LAPIC_MMIO_BASE | LAPIC_BASE_EN | LAPIC_BASE_BSP);
	assert_int_equal(lapic.s.apic_base, BASE_BSP);
	assert_reset_registers();
	assert_false(lapic_pending(&lapic, &v));
	assert_int_equal(rec.arms, 1);
	assert_true(lapic_match_dest(&lapic, 3, false));
}

static void init_signal_resets_registers(void **state)
{
	enable();
	wr(LAPIC_REG_TPR, 0x20);
	wr(LAPIC_REG_LDR, 0x01000000);
	lapic_accept(&lapic, 0x50, false);
	lapic_init_signal(&lapic);
	assert_int_equal(lapic.s.apic_base, BASE_BSP);
	assert_reset_registers();
}

static void save_load_round_trip(void **state)
{
	struct lapic_state saved, again;
	struct lapic copy;

	enable();
	wr(LAPIC_REG_TPR, 0x21);
	wr(LAPIC_REG_LDR, 0x04000000);
	wr(LAPIC_REG_DFR, 0x0fffffff);
	wr(LAPIC_REG_ICR_HI, 0x07000000);
	wr(LAPIC_REG_LVT_LINT0, 0x700);
	wr(LAPIC_REG_LVT_TIMER, 0x20 | LAPIC_TIMER_PERIODIC << LAPIC_LVT_TIMER_SHIFT);
	wr(LAPIC_REG_TIMER_DIVIDE, 0x3);
	rec.now = 1000;
	wr(LAPIC_REG_TIMER_INITIAL, 1000);
	lapic_accept(&lapic, 0x50, true);
	lapic_accept(&lapic, 0x60, false);
	lapic_ack(&lapic, 0x60);
	lapic_accept(&lapic, 2, false);
	wr(LAPIC_REG_ESR, 0);
	rec.now = 300000;
	uint32_t current = rd(LAPIC_REG_TIMER_CURRENT);

	lapic_save(&lapic, &saved);
	assert_int_equal(lapic_init(&copy, 9, false, &hooks, 25000000, 1000000000), 0);
	rec.arms = 0;
	lapic_load(&copy, &saved);
	assert_int_equal(rec.arms, 1);
	assert_int_equal(rec.deadline, 1000 + 640000);
	lapic_save(&copy, &again);
	assert_memory_equal(&saved, &again, sizeof(saved));

	/* The copy answers like the original. */
	assert_int_equal(lapic_mmio_attach(&copy, &bus, NULL, 0), -1); /* the page is taken */
	mmio_bus_unregister_dev(&bus, &lapic);
	assert_int_equal(lapic_mmio_attach(&copy, &bus, NULL, 0), 0);
	assert_int_equal(rd(LAPIC_REG_ID), 3u << 24);
	assert_int_equal(rd(LAPIC_REG_TIMER_CURRENT), current);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x60);
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL);
	assert_int_equal(rd(LAPIC_REG_TMR + 0x20), 1u << 0x10);
	assert_true(lapic_accepts_pic(&copy));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(reset_values, setup),
		cmocka_unit_test_setup(write_behaviour, setup),
		cmocka_unit_test_setup(access_widths_and_holes, setup),
		cmocka_unit_test_setup(ppr_computation, setup),
		cmocka_unit_test_setup(irr_isr_eoi_flow, setup),
		cmocka_unit_test_setup(level_vectors_broadcast_eoi, setup),
		cmocka_unit_test_setup(illegal_vectors_and_error_lvt, setup),
		cmocka_unit_test_setup(esr_write_then_read, setup),
		cmocka_unit_test_setup(svr_software_disable, setup),
		cmocka_unit_test_setup(lint0_extint, setup),
		cmocka_unit_test_setup(apic_base_en_clear_and_set, setup),
		cmocka_unit_test_setup(init_signal_resets_registers, setup),
		cmocka_unit_test_setup(save_load_round_trip, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
