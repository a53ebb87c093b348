/* The I/O APIC model on a real MMIO bus with a recording deliver hook:
 * register access, reset values, edge and level sensing, polarity, masking,
 * remote IRR and EOI, read-only bits, save/load. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/ioapic.h"

struct msg {
	uint32_t dest;
	bool logical;
	unsigned mode;
	uint8_t vector;
	bool level;
};

struct recorder {
	struct msg m[16];
	int n;
	struct ioapic *eoi_from_hook; /* non-NULL: one EOI from inside the hook */
};

static void rec_deliver(void *ctx, uint32_t dest, bool logical, unsigned mode, uint8_t vector,
			bool level)
{
	struct recorder *r = ctx;
	assert_true(r->n < (int)ARRAY_SIZE(r->m));
	r->m[r->n++] = (struct msg){dest, logical, mode, vector, level};
	struct ioapic *eoi = r->eoi_from_hook;
	r->eoi_from_hook = NULL;
	if (eoi)
		ioapic_eoi(eoi, vector);
}

static struct mmio_bus bus;
static struct ioapic io;
static struct recorder rec;

static int setup(void **state)
{
	char err[128];

	memset(&rec, 0, sizeof(rec));
	mmio_bus_init(&bus);
	ioapic_init(&io, 2, rec_deliver, &rec);
	assert_int_equal(ioapic_mmio_attach(&io, &bus, err, sizeof(err)), 0);
	return 0;
}

static void mmio_write32(uint64_t off, uint32_t v)
{
	uint64_t value = v;
	assert_int_equal(mmio_bus_access(&bus, IOAPIC_BASE + off, 4, true, &value), MMIO_CLAIMED);
}

static uint32_t mmio_read32(uint64_t off)
{
	uint64_t value = 0;
	assert_int_equal(mmio_bus_access(&bus, IOAPIC_BASE + off, 4, false, &value), MMIO_CLAIMED);
	return (uint32_t)value;
}

static uint32_t reg_read(uint8_t index)
{
	mmio_write32(IOAPIC_MMIO_REGSEL, index);
	return mmio_read32(IOAPIC_MMIO_WIN);
}

static void reg_write(uint8_t index, uint32_t v)
{
	mmio_write32(IOAPIC_MMIO_REGSEL, index);
	mmio_write32(IOAPIC_MMIO_WIN, v);
}

static uint64_t rte_read(unsigned pin)
{
	uint32_t lo = reg_read((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin));
	uint32_t hi = reg_read((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin + 1));
	return (uint64_t)hi << 32 | lo;
}

/* High dword first, then low: the order an OS uses so that unmasking (low
 * dword) comes last. */
static void rte_write(unsigned pin, uint64_t v)
{
	reg_write((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin + 1), (uint32_t)(v >> 32));
	reg_write((uint8_t)(IOAPIC_REG_REDTBL + 2 * pin), (uint32_t)v);
}

static const uint64_t LEVEL_LOW = IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW;

static void registers_through_regsel_and_iowin(void **state)
{
	mmio_write32(IOAPIC_MMIO_REGSEL, 0x12);
	assert_int_equal(mmio_read32(IOAPIC_MMIO_REGSEL), 0x12);
	/* Only bits 7:0 of IOREGSEL exist. */
	mmio_write32(IOAPIC_MMIO_REGSEL, 0xabcd0013);
	assert_int_equal(mmio_read32(IOAPIC_MMIO_REGSEL), 0x13);

	rte_write(5, 0x0300000000000000ull | IOAPIC_RTE_LOGICAL | (1u << 8) | 0x41);
	assert_int_equal(reg_read(IOAPIC_REG_REDTBL + 10), IOAPIC_RTE_LOGICAL | (1u << 8) | 0x41);
	assert_int_equal(reg_read(IOAPIC_REG_REDTBL + 11), 0x03000000);
	/* A dword of one entry leaves the other dword and other entries alone. */
	reg_write(IOAPIC_REG_REDTBL + 11, 0x07000000);
	assert_int_equal(rte_read(5), 0x0700000000000000ull | IOAPIC_RTE_LOGICAL | (1u << 8) | 0x41);
	assert_int_equal(rte_read(4), IOAPIC_RTE_MASKED);
	assert_int_equal(rte_read(6), IOAPIC_RTE_MASKED);

	reg_write(IOAPIC_REG_ID, 0xff000000);
	assert_int_equal(reg_read(IOAPIC_REG_ID), 0x0f000000);
	assert_int_equal(reg_read(IOAPIC_REG_ARB), 0x0f000000);
}

static void other_accesses(void **state)
{
	uint64_t v = 0;
	assert_int_equal(mmio_bus_access(&bus, IOAPIC_BASE + IOAPIC_MMIO_WIN, 1, false, &v), MMIO_CLAIMED);
	assert_int_equal(v, 0xff);
	assert_int_equal(mmio_read32(0x20), 0xffffffff);
	/* A byte write to IOREGSEL is dropped. */
	mmio_write32(IOAPIC_MMIO_REGSEL, 1);
	v = 0x10;
	assert_int_equal(mmio_bus_access(&bus, IOAPIC_BASE, 1, true, &v), MMIO_CLAIMED);
	assert_int_equal(mmio_read32(IOAPIC_MMIO_REGSEL), 1);
	/* Reserved indexes read zero; past the table is reserved too. */
	assert_int_equal(reg_read(0x03), 0);
	assert_int_equal(reg_read(IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS), 0);
	reg_write(IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS, 0x55);
	assert_int_equal(reg_read(IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS), 0);
}

static void reset_values(void **state)
{
	assert_int_equal(reg_read(IOAPIC_REG_ID), 2u << 24);
	assert_int_equal(reg_read(IOAPIC_REG_VER), 0x00170020);
	assert_int_equal(reg_read(IOAPIC_REG_ARB), 2u << 24);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(rte_read(pin), IOAPIC_RTE_MASKED);

	/* Masked at reset: no input reaches a LAPIC. */
	ioapic_set_irq(&io, 0, true);
	ioapic_set_irq(&io, 0, false);
	assert_int_equal(rec.n, 0);

	/* A reset restores the registers but not the wires. */
	rte_write(3, 0x30);
	ioapic_set_irq(&io, 3, true);
	assert_int_equal(rec.n, 1);
	reg_write(IOAPIC_REG_ID, 9u << 24);
	ioapic_reset(&io);
	assert_int_equal(reg_read(IOAPIC_REG_ID), 2u << 24);
	assert_int_equal(rte_read(3), IOAPIC_RTE_MASKED);
	assert_int_equal(io.s.input, 1u << 3);
}

static void version_and_arbitration_read_only(void **state)
{
	reg_write(IOAPIC_REG_VER, 0);
	reg_write(IOAPIC_REG_ARB, 0x0f000000);
	assert_int_equal(reg_read(IOAPIC_REG_VER), 0x00170020);
	assert_int_equal(reg_read(IOAPIC_REG_ARB), 2u << 24);
}

static void edge_delivers_once_per_edge(void **state)
{
	rte_write(1, 0x0100000000000000ull | 0x31);
	ioapic_set_irq(&io, 1, true);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.m[0].dest, 1);
	assert_false(rec.m[0].logical);
	assert_int_equal(rec.m[0].mode, IOAPIC_MODE_FIXED);
	assert_int_equal(rec.m[0].vector, 0x31);
	assert_false(rec.m[0].level);
	/* Holding the level or dropping it is no new edge. */
	ioapic_set_irq(&io, 1, true);
	ioapic_set_irq(&io, 1, false);
	ioapic_set_irq(&io, 1, false);
	assert_int_equal(rec.n, 1);
	ioapic_set_irq(&io, 1, true);
	assert_int_equal(rec.n, 2);
	/* Edge entries never hold remote IRR; EOIs change nothing. */
	assert_false(rte_read(1) & IOAPIC_RTE_REMOTE_IRR);
	ioapic_eoi(&io, 0x31);
	assert_int_equal(rec.n, 2);
}

static void edge_on_masked_pin_is_lost(void **state)
{
	rte_write(2, IOAPIC_RTE_MASKED | 0x32);
	ioapic_set_irq(&io, 2, true);
	rte_write(2, 0x32);
	assert_int_equal(rec.n, 0);
	ioapic_set_irq(&io, 2, false);
	ioapic_set_irq(&io, 2, true);
	assert_int_equal(rec.n, 1);
}

static void masked_level_delivered_on_unmask(void **state)
{
	rte_write(9, IOAPIC_RTE_MASKED | LEVEL_LOW | 0x39);
	ioapic_set_irq(&io, 9, false); /* asserted: active low */
	assert_int_equal(rec.n, 0);
	assert_false(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
	rte_write(9, LEVEL_LOW | 0x39);
	assert_int_equal(rec.n, 1);
	assert_true(rec.m[0].level);
	assert_int_equal(rec.m[0].vector, 0x39);
	assert_true(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);

	/* Deasserted while masked: unmasking sends nothing. */
	rte_write(10, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x3a);
	ioapic_set_irq(&io, 10, true);
	ioapic_set_irq(&io, 10, false);
	rte_write(10, IOAPIC_RTE_LEVEL | 0x3a);
	assert_int_equal(rec.n, 1);
}

/* The acceptance item "IOAPIC level-triggered remote IRR". */
static void level_remote_irr(void **state)
{
	rte_write(11, 0x0400000000000000ull | IOAPIC_RTE_LEVEL | 0x51);
	rte_write(12, IOAPIC_RTE_LEVEL | 0x52);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(rec.n, 1);
	assert_true(rec.m[0].level);
	assert_int_equal(rec.m[0].dest, 4);
	assert_true(rte_read(11) & IOAPIC_RTE_REMOTE_IRR);

	/* In service: a still-asserted or re-asserted line sends nothing more. */
	ioapic_set_irq(&io, 11, true);
	ioapic_set_irq(&io, 11, false);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(rec.n, 1);

	/* Only an EOI of its own vector clears it. */
	ioapic_eoi(&io, 0x52);
	ioapic_eoi(&io, 0x50);
	assert_int_equal(rec.n, 1);
	assert_true(rte_read(11) & IOAPIC_RTE_REMOTE_IRR);

	/* Still asserted at the EOI: delivered again, remote IRR set again. */
	ioapic_eoi(&io, 0x51);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.m[1].vector, 0x51);
	assert_true(rte_read(11) & IOAPIC_RTE_REMOTE_IRR);

	/* Deasserted at the EOI: nothing more, remote IRR clear. */
	ioapic_set_irq(&io, 11, false);
	ioapic_eoi(&io, 0x51);
	assert_int_equal(rec.n, 2);
	assert_false(rte_read(11) & IOAPIC_RTE_REMOTE_IRR);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(rec.n, 3);
}

static void eoi_register(void **state)
{
	rte_write(13, IOAPIC_RTE_LEVEL | 0x53);
	ioapic_set_irq(&io, 13, true);
	assert_int_equal(rec.n, 1);
	mmio_write32(IOAPIC_MMIO_EOI, 0x53);
	assert_int_equal(rec.n, 2);
	ioapic_set_irq(&io, 13, false);
	mmio_write32(IOAPIC_MMIO_EOI, 0x53);
	assert_false(rte_read(13) & IOAPIC_RTE_REMOTE_IRR);
}

/* An EOI that comes back from inside the deliver hook finds remote IRR
 * already set, so it is not lost. */
static void eoi_inside_delivery(void **state)
{
	rte_write(14, IOAPIC_RTE_LEVEL | 0x54);
	rec.eoi_from_hook = &io;
	ioapic_set_irq(&io, 14, true);
	assert_int_equal(rec.n, 2);
	assert_true(rte_read(14) & IOAPIC_RTE_REMOTE_IRR);
	ioapic_set_irq(&io, 14, false);
	ioapic_eoi(&io, 0x54);
	assert_int_equal(rec.n, 2);
	assert_false(rte_read(14) & IOAPIC_RTE_REMOTE_IRR);
}

static void polarity(void **state)
{
	/* Active-low edge: delivered on the falling edge. */
	rte_write(4, IOAPIC_RTE_ACTIVE_LOW | 0x44);
	ioapic_set_irq(&io, 4, true);
	assert_int_equal(rec.n, 0);
	ioapic_set_irq(&io, 4, false);
	assert_int_equal(rec.n, 1);
	ioapic_set_irq(&io, 4, false);
	assert_int_equal(rec.n, 1);

	/* Active-low level: a high input is deasserted, a low one asserted even
	 * when the entry is programmed. */
	ioapic_set_irq(&io, 6, true);
	rte_write(6, LEVEL_LOW | 0x46);
	assert_int_equal(rec.n, 1);
	rte_write(5, LEVEL_LOW | 0x45);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.m[1].vector, 0x45);
	ioapic_set_irq(&io, 6, false);
	assert_int_equal(rec.n, 3);
	ioapic_set_irq(&io, 6, true);
	ioapic_eoi(&io, 0x46);
	assert_int_equal(rec.n, 3);

	/* Active-high level: a low input is deasserted. */
	rte_write(7, IOAPIC_RTE_LEVEL | 0x47);
	ioapic_set_irq(&io, 7, false);
	assert_int_equal(rec.n, 3);
	ioapic_set_irq(&io, 7, true);
	assert_int_equal(rec.n, 4);
}

static void read_only_and_reserved_bits(void **state)
{
	/* Delivery status, remote IRR and bits 55:17 ignore writes. */
	rte_write(8, 0x00ffffffffffffffull & ~IOAPIC_RTE_MASKED & ~IOAPIC_RTE_LEVEL);
	uint64_t got = rte_read(8);
	assert_false(got & (IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR));
	assert_int_equal(got & 0x00fffffffffe0000ull, 0);
	assert_int_equal(got, 0xffff & ~IOAPIC_RTE_DELIVS & ~IOAPIC_RTE_REMOTE_IRR & ~IOAPIC_RTE_LEVEL);

	/* A set remote IRR survives a write that tries to clear it. */
	rte_write(8, IOAPIC_RTE_LEVEL | 0x48);
	ioapic_set_irq(&io, 8, true);
	assert_int_equal(rec.n, 1);
	reg_write(IOAPIC_REG_REDTBL + 16, IOAPIC_RTE_LEVEL | 0x48);
	assert_true(rte_read(8) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(rec.n, 1);
	/* Switching the entry to edge drops it (it means nothing there). */
	reg_write(IOAPIC_REG_REDTBL + 16, 0x48);
	assert_false(rte_read(8) & IOAPIC_RTE_REMOTE_IRR);
	/* Back to level with the line still asserted: delivered again. */
	reg_write(IOAPIC_REG_REDTBL + 16, IOAPIC_RTE_LEVEL | 0x48);
	assert_int_equal(rec.n, 2);
}

/* NMI, SMI, INIT and ExtINT are always edge: no remote IRR, level false. */
static void nmi_mode_is_edge(void **state)
{
	rte_write(15, IOAPIC_RTE_LEVEL | ((uint64_t)IOAPIC_MODE_NMI << IOAPIC_RTE_MODE_SHIFT));
	ioapic_set_irq(&io, 15, true);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.m[0].mode, IOAPIC_MODE_NMI);
	assert_false(rec.m[0].level);
	assert_false(rte_read(15) & IOAPIC_RTE_REMOTE_IRR);
	ioapic_set_irq(&io, 15, true);
	assert_int_equal(rec.n, 1);
	/* Reserved delivery modes send nothing. */
	rte_write(16, 3ull << IOAPIC_RTE_MODE_SHIFT | 0x60);
	rte_write(17, 6ull << IOAPIC_RTE_MODE_SHIFT | 0x61);
	ioapic_set_irq(&io, 16, true);
	ioapic_set_irq(&io, 17, true);
	assert_int_equal(rec.n, 1);
}

static void out_of_range_pin_ignored(void **state)
{
	ioapic_set_irq(&io, IOAPIC_PINS, true);
	ioapic_set_irq(&io, 1000, true);
	assert_int_equal(io.s.input, 0);
	assert_int_equal(rec.n, 0);
}

static void save_load(void **state)
{
	struct ioapic_state saved, bad;

	rte_write(20, IOAPIC_RTE_LEVEL | 0x70);
	rte_write(21, 0x71);
	ioapic_set_irq(&io, 20, true);
	reg_write(IOAPIC_REG_ID, 5u << 24);
	mmio_write32(IOAPIC_MMIO_REGSEL, IOAPIC_REG_REDTBL + 40);
	ioapic_save(&io, &saved);

	struct ioapic other;
	struct recorder rec2 = {0};
	ioapic_init(&other, 0, rec_deliver, &rec2);
	assert_int_equal(ioapic_load(&other, &saved), 0);
	assert_int_equal(rec2.n, 0);
	assert_memory_equal(&other.s, &io.s, sizeof(io.s));
	/* The restored model goes on where the saved one was. */
	ioapic_eoi(&other, 0x70);
	assert_int_equal(rec2.n, 1);
	ioapic_set_irq(&other, 21, true);
	assert_int_equal(rec2.n, 2);

	bad = saved;
	bad.redir[3] |= 1ull << 20;
	assert_int_equal(ioapic_load(&other, &bad), -1);
	bad = saved;
	bad.redir[3] |= IOAPIC_RTE_DELIVS;
	assert_int_equal(ioapic_load(&other, &bad), -1);
	bad = saved;
	bad.redir[21] |= IOAPIC_RTE_REMOTE_IRR; /* edge entry */
	assert_int_equal(ioapic_load(&other, &bad), -1);
	bad = saved;
	bad.redir[20] &= ~IOAPIC_RTE_REMOTE_IRR; /* asserted level entry left due */
	assert_int_equal(ioapic_load(&other, &bad), -1);
	bad = saved;
	bad.id = 16;
	assert_int_equal(ioapic_load(&other, &bad), -1);
	bad = saved;
	bad.input |= 1u << IOAPIC_PINS;
	assert_int_equal(ioapic_load(&other, &bad), -1);
	assert_int_equal(rec2.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(registers_through_regsel_and_iowin, setup),
		cmocka_unit_test_setup(other_accesses, setup),
		cmocka_unit_test_setup(reset_values, setup),
		cmocka_unit_test_setup(version_and_arbitration_read_only, setup),
		cmocka_unit_test_setup(edge_delivers_once_per_edge, setup),
		cmocka_unit_test_setup(edge_on_masked_pin_is_lost, setup),
		cmocka_unit_test_setup(masked_level_delivered_on_unmask, setup),
		cmocka_unit_test_setup(level_remote_irr, setup),
		cmocka_unit_test_setup(eoi_register, setup),
		cmocka_unit_test_setup(eoi_inside_delivery, setup),
		cmocka_unit_test_setup(polarity, setup),
		cmocka_unit_test_setup(read_only_and_reserved_bits, setup),
		cmocka_unit_test_setup(nmi_mode_is_edge, setup),
		cmocka_unit_test_setup(out_of_range_pin_ignored, setup),
		cmocka_unit_test_setup(save_load, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
