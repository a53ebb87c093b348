/* The 8259A pair through its ports, as a guest programs it: the ICW
 * sequence, masking, priority through the cascade, EOI forms, AEOI, ELCR
 * level inputs, OCW3 reads and polling, and spurious IRQ 7/15. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/vdev/pic8259.h"

static struct port_bus bus;
static struct pic pic;
static int intr_calls;
static bool intr_level;

static void rec_intr(void *ctx, bool level)
{
	intr_calls++;
	intr_level = level;
}

static void out(uint16_t port, uint8_t value)
{
	uint32_t v = value;
	assert_int_equal(port_bus_access(&bus, port, 1, true, &v), PORT_CLAIMED);
}

static uint8_t in(uint16_t port)
{
	uint32_t v = 0;
	assert_int_equal(port_bus_access(&bus, port, 1, false, &v), PORT_CLAIMED);
	return (uint8_t)v;
}

/* Linux's and the BIOS's sequence: edge, cascade, 8086 mode, slave on IR2. */
static void program(uint8_t master_base, uint8_t slave_base, uint8_t icw4)
{
	out(0x20, 0x11);
	out(0x21, master_base);
	out(0x21, 0x04);
	out(0x21, icw4);
	out(0xa0, 0x11);
	out(0xa1, slave_base);
	out(0xa1, 0x02);
	out(0xa1, icw4);
}

static int setup(void **state)
{
	const struct pic_hooks hooks = {rec_intr, NULL};
	char err[128];

	port_bus_init(&bus);
	pic_init(&pic, &hooks);
	assert_int_equal(pic_attach(&pic, &bus, err, sizeof(err)), 0);
	intr_calls = 0;
	intr_level = false;
	program(0x20, 0x28, 0x01);
	return 0;
}

static void pulse(unsigned irq)
{
	pic_set_irq(&pic, irq, true);
	pic_set_irq(&pic, irq, false);
}

static void eoi(uint16_t port)
{
	out(port, 0x20);
}

static void power_on_masks_everything(void **state)
{
	const struct pic_hooks hooks = {rec_intr, NULL};

	pic_init(&pic, &hooks);
	pulse(0);
	assert_false(pic_has_interrupt(&pic));
	assert_int_equal(in(0x21), 0xff);
}

static void init_sequence_and_vector_base(void **state)
{
	assert_int_equal(in(0x21), 0x00); /* ICW1 cleared the IMR */
	assert_int_equal(pic.s.chip[0].vector_base, 0x20);
	assert_int_equal(pic.s.chip[0].icw3, 0x04);
	assert_int_equal(pic.s.chip[1].icw3, 0x02);
	assert_int_equal(pic.s.chip[0].init_step, 0);
	pulse(3);
	assert_true(pic_has_interrupt(&pic));
	assert_true(intr_level);
	assert_int_equal(pic_ack(&pic), 0x23);
	assert_false(intr_level);
	pulse(12);
	eoi(0x20);
	assert_int_equal(pic_ack(&pic), 0x2c);
	/* ICW2's low three bits are the IR's, not the base's. */
	program(0x47, 0x77, 0x01);
	pulse(1);
	assert_int_equal(pic_ack(&pic), 0x41);
}

/* Single mode skips ICW3, and without IC4 ICW4 is skipped too: the next
 * A0=1 write is OCW1. The slave's INT on IR2 is then an ordinary request. */
static void single_mode_without_icw4(void **state)
{
	out(0x20, 0x12);
	out(0x21, 0x50);
	out(0x21, 0x01);
	assert_int_equal(in(0x21), 0x01);
	pulse(0);
	assert_false(pic_has_interrupt(&pic));
	pulse(9);
	assert_int_equal(pic_ack(&pic), 0x52);
	assert_int_equal(pic.s.chip[1].isr, 0x00); /* no cascade cycle */
}

static void masking(void **state)
{
	out(0x21, 0x08);
	pulse(3);
	assert_false(pic_has_interrupt(&pic));
	assert_int_equal(in(0x20) & 0x08, 0x08); /* requested, just masked */
	out(0x21, 0x00);
	assert_true(pic_has_interrupt(&pic));
	assert_int_equal(pic_ack(&pic), 0x23);
	/* Masking the cascade input hides every slave IRQ. */
	eoi(0x20);
	out(0x21, 0x04);
	pulse(9);
	assert_false(pic_has_interrupt(&pic));
	out(0x21, 0x00);
	assert_int_equal(pic_ack(&pic), 0x29);
	eoi(0xa0);
	eoi(0x20);
	/* Masked on the slave: its INT stays low. */
	out(0xa1, 0x02);
	pulse(9);
	assert_false(pic_has_interrupt(&pic));
	out(0xa1, 0x00);
	assert_int_equal(pic_ack(&pic), 0x29);
}

static void priority_and_nesting(void **state)
{
	pulse(5);
	pulse(1);
	pulse(4);
	assert_int_equal(pic_ack(&pic), 0x21);
	/* IR1 in service blocks lower levels until its EOI. */
	assert_false(pic_has_interrupt(&pic));
	pulse(0);
	assert_int_equal(pic_ack(&pic), 0x20); /* a higher level nests */
	eoi(0x20);                             /* ends IR0 */
	assert_false(pic_has_interrupt(&pic));
	eoi(0x20); /* ends IR1 */
	assert_int_equal(pic_ack(&pic), 0x24);
	eoi(0x20);
	assert_int_equal(pic_ack(&pic), 0x25);
	eoi(0x20);
	assert_false(pic_has_interrupt(&pic));
}

/* The slave's IRQs rank where IR2 does: above IRQ 3-7, below IRQ 0-1. */
static void priority_through_cascade(void **state)
{
	pulse(3);
	pulse(14);
	pulse(8);
	assert_int_equal(pic_ack(&pic), 0x28);
	assert_int_equal(pic.s.chip[0].isr, 0x04);
	assert_int_equal(pic.s.chip[1].isr, 0x01);
	pulse(1);
	assert_int_equal(pic_ack(&pic), 0x21);
	eoi(0x20);
	eoi(0xa0);
	/* IRQ 14 is pending on the slave but the master still has IR2 in service. */
	assert_false(pic_has_interrupt(&pic));
	eoi(0x20);
	assert_int_equal(pic_ack(&pic), 0x2e);
	eoi(0xa0);
	eoi(0x20);
	assert_int_equal(pic_ack(&pic), 0x23);
}

static void specific_eoi(void **state)
{
	pulse(4);
	assert_int_equal(pic_ack(&pic), 0x24);
	pulse(0);
	assert_int_equal(pic_ack(&pic), 0x20);
	out(0x20, 0x64); /* specific EOI for IR4, the lower of the two */
	assert_int_equal(pic.s.chip[0].isr, 0x01);
	eoi(0x20);
	assert_int_equal(pic.s.chip[0].isr, 0x00);
}

static void rotation(void **state)
{
	out(0x20, 0xc4); /* set priority: IR4 lowest, IR5 highest */
	pulse(3);
	pulse(6);
	assert_int_equal(pic_ack(&pic), 0x26);
	out(0x20, 0xa0); /* rotate on non-specific EOI: IR6 becomes lowest */
	assert_int_equal(pic.s.chip[0].lowest, 6);
	assert_int_equal(pic_ack(&pic), 0x23);
	out(0x20, 0xe3); /* rotate on specific EOI for IR3 */
	assert_int_equal(pic.s.chip[0].lowest, 3);
	assert_int_equal(pic.s.chip[0].isr, 0x00);
	pulse(3);
	pulse(4);
	assert_int_equal(pic_ack(&pic), 0x24); /* IR4 now outranks IR3 */
}

static void auto_eoi(void **state)
{
	program(0x20, 0x28, 0x03);
	pulse(5);
	assert_int_equal(pic_ack(&pic), 0x25);
	assert_int_equal(pic.s.chip[0].isr, 0x00);
	pulse(6);
	assert_int_equal(pic_ack(&pic), 0x26); /* no EOI needed */
	/* Rotate in AEOI mode: each acknowledged level becomes the lowest. */
	out(0x20, 0x80);
	pulse(1);
	assert_int_equal(pic_ack(&pic), 0x21);
	assert_int_equal(pic.s.chip[0].lowest, 1);
	out(0x20, 0x00);
	pulse(3);
	assert_int_equal(pic_ack(&pic), 0x23);
	assert_int_equal(pic.s.chip[0].lowest, 1);
}

static void edge_vs_level(void **state)
{
	/* Edge: a pulse latches; a line held high requests once. */
	pic_set_irq(&pic, 5, true);
	assert_int_equal(pic_ack(&pic), 0x25);
	eoi(0x20);
	assert_false(pic_has_interrupt(&pic));
	pic_set_irq(&pic, 5, false);
	/* ELCR makes IRQ 5 and 10 level-sensitive; reserved bits stay 0. */
	out(0x4d0, 0xff);
	out(0x4d1, 0xff);
	assert_int_equal(in(0x4d0), 0xf8);
	assert_int_equal(in(0x4d1), 0xde);
	pic_set_irq(&pic, 5, true);
	assert_int_equal(pic_ack(&pic), 0x25);
	eoi(0x20);
	assert_true(pic_has_interrupt(&pic)); /* still high: requests again */
	assert_int_equal(pic_ack(&pic), 0x25);
	pic_set_irq(&pic, 5, false);
	eoi(0x20);
	assert_false(pic_has_interrupt(&pic));
	pic_set_irq(&pic, 10, true);
	assert_int_equal(pic_ack(&pic), 0x2a);
	pic_set_irq(&pic, 10, false);
	eoi(0xa0);
	eoi(0x20);
	assert_false(pic_has_interrupt(&pic));
	/* ICW1 LTIM makes every input level-sensitive. */
	out(0x4d0, 0x00);
	out(0x20, 0x19);
	out(0x21, 0x20);
	out(0x21, 0x04);
	out(0x21, 0x01);
	pic_set_irq(&pic, 3, true);
	pic_set_irq(&pic, 3, false);
	assert_false(pic_has_interrupt(&pic));
}

/* ICW1 resets the edge sense: a line already high must fall and rise. */
static void icw1_resets_edge_sense(void **state)
{
	pic_set_irq(&pic, 4, true);
	program(0x20, 0x28, 0x01);
	assert_false(pic_has_interrupt(&pic));
	pic_set_irq(&pic, 4, false);
	pic_set_irq(&pic, 4, true);
	assert_int_equal(pic_ack(&pic), 0x24);
}

static void ocw3_reads(void **state)
{
	pulse(1);
	pulse(6);
	assert_int_equal(in(0x20), 0x42); /* IRR by default */
	assert_int_equal(pic_ack(&pic), 0x21);
	out(0x20, 0x0b); /* read ISR */
	assert_int_equal(in(0x20), 0x02);
	assert_int_equal(in(0x20), 0x02); /* the selection persists */
	out(0x20, 0x09); /* RR=0: no change */
	assert_int_equal(in(0x20), 0x02);
	out(0x20, 0x0a); /* read IRR */
	assert_int_equal(in(0x20), 0x40);
	out(0x21, 0x5a);
	assert_int_equal(in(0x21), 0x5a); /* A0=1 reads the IMR */
}

static void poll_mode(void **state)
{
	out(0x21, 0xff); /* polling works with INT masked off */
	out(0x21, 0x00);
	out(0x20, 0x0c);
	assert_int_equal(in(0x20), 0x00); /* nothing requesting */
	pulse(6);
	pulse(7);
	out(0x20, 0x0c);
	assert_int_equal(in(0x21), 0x86); /* either address */
	assert_int_equal(pic.s.chip[0].isr, 0x40);
	assert_int_equal(in(0x20), 0x80); /* a poll is one read only: IRR */
	eoi(0x20);
	out(0x20, 0x0c);
	assert_int_equal(in(0x20), 0x87);
}

static void special_mask_mode(void **state)
{
	pulse(3);
	assert_int_equal(pic_ack(&pic), 0x23);
	pulse(5);
	assert_false(pic_has_interrupt(&pic));
	out(0x21, 0x08);
	out(0x20, 0x68); /* set SMM: masked IR3 no longer blocks IR5 */
	assert_int_equal(pic_ack(&pic), 0x25);
	eoi(0x20); /* non-specific EOI skips the masked IR3 */
	assert_int_equal(pic.s.chip[0].isr, 0x08);
	out(0x20, 0x48); /* reset SMM */
	out(0x20, 0x28); /* ESMM=0: no change */
	assert_false(pic.s.chip[0].special_mask);
}

/* The master in special fully nested mode takes a higher slave IRQ while
 * another of the slave's is in service. */
static void special_fully_nested(void **state)
{
	program(0x20, 0x28, 0x11);
	pulse(12);
	assert_int_equal(pic_ack(&pic), 0x2c);
	pulse(9);
	assert_int_equal(pic_ack(&pic), 0x29);
	pulse(3);
	assert_false(pic_has_interrupt(&pic)); /* IR2 still outranks IR3 */
}

static void spurious_irq7(void **state)
{
	out(0x4d0, 0x20);
	pic_set_irq(&pic, 5, true);
	assert_true(intr_level);
	pic_set_irq(&pic, 5, false); /* gone before INTA */
	assert_int_equal(pic_ack(&pic), 0x27);
	assert_int_equal(pic.s.chip[0].isr, 0x00);
	/* Masked between INT and INTA: the same default IR7. */
	pulse(4);
	out(0x21, 0x10);
	assert_int_equal(pic_ack(&pic), 0x27);
	assert_int_equal(pic.s.chip[0].isr, 0x00);
}

/* The master latched IR2's edge; the slave's request then goes away: the
 * slave answers IR7 (IRQ 15) and only the master has a level in service. */
static void spurious_irq15(void **state)
{
	out(0x4d1, 0x08);
	pic_set_irq(&pic, 11, true);
	pic_set_irq(&pic, 11, false);
	assert_int_equal(pic_ack(&pic), 0x2f);
	assert_int_equal(pic.s.chip[0].isr, 0x04);
	assert_int_equal(pic.s.chip[1].isr, 0x00);
}

/* With AEOI on both, a second slave request pending at INTA is still seen. */
static void cascade_reasserts_after_inta(void **state)
{
	program(0x20, 0x28, 0x03);
	pulse(9);
	pulse(10);
	assert_int_equal(pic_ack(&pic), 0x29);
	assert_true(pic_has_interrupt(&pic));
	assert_int_equal(pic_ack(&pic), 0x2a);
	assert_false(pic_has_interrupt(&pic));
}

static void slave_id_mismatch_floats_bus(void **state)
{
	out(0xa0, 0x11);
	out(0xa1, 0x28);
	out(0xa1, 0x05);
	out(0xa1, 0x01);
	pulse(8);
	assert_int_equal(pic_ack(&pic), 0xff);
}

static void wide_access_and_save_load(void **state)
{
	const struct pic_hooks hooks = {rec_intr, NULL};
	struct pic_state saved;
	uint32_t v = 0x1234;
	struct pic other;

	assert_int_equal(port_bus_access(&bus, 0x4d0, 2, true, &v), PORT_CLAIMED);
	v = 0;
	assert_int_equal(port_bus_access(&bus, 0x4d0, 2, false, &v), PORT_CLAIMED);
	assert_int_equal(v, 0x1230);
	pulse(6);
	saved = pic.s;
	pic_init(&other, &hooks);
	intr_level = false;
	pic_load(&other, &saved);
	assert_true(intr_level);
	assert_int_equal(memcmp(&other.s, &saved, sizeof(saved)), 0);
	assert_int_equal(pic_ack(&other), 0x26);
	assert_int_equal(pic_ack(&pic), 0x26);
	assert_int_equal(memcmp(&other.s, &pic.s, sizeof(saved)), 0);
}

static void bad_irq_ignored(void **state)
{
	pic_set_irq(&pic, 16, true);
	pic_set_irq(&pic, 2, true); /* the cascade wire */
	assert_false(pic_has_interrupt(&pic));
	assert_int_equal(intr_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(power_on_masks_everything, setup),
		cmocka_unit_test_setup(init_sequence_and_vector_base, setup),
		cmocka_unit_test_setup(single_mode_without_icw4, setup),
		cmocka_unit_test_setup(masking, setup),
		cmocka_unit_test_setup(priority_and_nesting, setup),
		cmocka_unit_test_setup(priority_through_cascade, setup),
		cmocka_unit_test_setup(specific_eoi, setup),
		cmocka_unit_test_setup(rotation, setup),
		cmocka_unit_test_setup(auto_eoi, setup),
		cmocka_unit_test_setup(edge_vs_level, setup),
		cmocka_unit_test_setup(icw1_resets_edge_sense, setup),
		cmocka_unit_test_setup(ocw3_reads, setup),
		cmocka_unit_test_setup(poll_mode, setup),
		cmocka_unit_test_setup(special_mask_mode, setup),
		cmocka_unit_test_setup(special_fully_nested, setup),
		cmocka_unit_test_setup(spurious_irq7, setup),
		cmocka_unit_test_setup(spurious_irq15, setup),
		cmocka_unit_test_setup(cascade_reasserts_after_inta, setup),
		cmocka_unit_test_setup(slave_id_mismatch_floats_bus, setup),
		cmocka_unit_test_setup(wide_access_and_save_load, setup),
		cmocka_unit_test_setup(bad_irq_ignored, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
