/* Unit tests for MADT decoding through acpi_parse: processors from LAPIC and
 * x2APIC entries, I/O APICs, overrides, NMIs, overflow and malformed entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/acpi.h"
#include "tests/fixtures/acpi/acpi_fixture.h"

/* MADT body after the SDT header: local APIC address and flags (ACPI 6.5 §5.2.12). */
static void madt_start(struct tbuf *b, uint32_t lapic_addr, uint32_t flags)
{
	b->len = 0;
	tb_u32(b, lapic_addr);
	tb_u32(b, flags);
}

static void lapic(struct tbuf *b, uint8_t uid, uint8_t id, uint32_t flags)
{
	tb_u8(b, 0);
	tb_u8(b, 8);
	tb_u8(b, uid);
	tb_u8(b, id);
	tb_u32(b, flags);
}

static void x2apic(struct tbuf *b, uint32_t id, uint32_t uid, uint32_t flags)
{
	tb_u8(b, 9);
	tb_u8(b, 16);
	tb_u16(b, 0);
	tb_u32(b, id);
	tb_u32(b, flags);
	tb_u32(b, uid);
}

static void ioapic(struct tbuf *b, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	tb_u8(b, 1);
	tb_u8(b, 12);
	tb_u8(b, id);
	tb_u8(b, 0);
	tb_u32(b, addr);
	tb_u32(b, gsi_base);
}

static void override(struct tbuf *b, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	tb_u8(b, 2);
	tb_u8(b, 10);
	tb_u8(b, 0);
	tb_u8(b, irq);
	tb_u32(b, gsi);
	tb_u16(b, flags);
}

static void lapic_nmi(struct tbuf *b, uint8_t uid, uint16_t flags, uint8_t lint)
{
	tb_u8(b, 4);
	tb_u8(b, 6);
	tb_u8(b, uid);
	tb_u16(b, flags);
	tb_u8(b, lint);
}

static void x2apic_nmi(struct tbuf *b, uint32_t uid, uint16_t flags, uint8_t lint)
{
	tb_u8(b, 0xA);
	tb_u8(b, 12);
	tb_u16(b, flags);
	tb_u32(b, uid);
	tb_u8(b, lint);
	tb_zeros(b, 3);
}

static void lapic_addr_override(struct tbuf *b, uint64_t addr)
{
	tb_u8(b, 5);
	tb_u8(b, 12);
	tb_u16(b, 0);
	tb_u64(b, addr);
}

static struct acpi_info info;
static char err[512];

/* Parses an XSDT that lists only this MADT; expects success. */
static void parse_madt(struct fake_mem *m, const struct tbuf *body)
{
	paddr_t e[] = { FX_MADT };
	put_table(m, FX_MADT, "APIC", 5, body);
	assert_int_equal(parse_xsdt(m, e, 1, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.madt.pa, FX_MADT);
	assert_int_equal(info.madt.len, 36 + body->len);
}

static void test_qemu_like_madt(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);
	lapic(&b, 1, 1, 1);
	ioapic(&b, 0, 0xFEC00000, 0);
	override(&b, 0, 2, 0);
	override(&b, 9, 9, 0xD);
	lapic_nmi(&b, 0xFF, 0, 1);
	parse_madt(*state, &b);

	assert_int_equal(info.lapic_addr, 0xFEE00000);
	assert_true(info.pcat_compat);
	assert_int_equal(info.ncpus, 2);
	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_int_equal(info.cpus[1].apic_id, 1);
	assert_int_equal(info.cpus[1].uid, 1);
	assert_true(info.cpus[0].enabled && info.cpus[1].enabled);
	assert_false(info.cpus[0].from_x2apic_entry);
	assert_int_equal(info.nioapics, 1);
	assert_int_equal(info.ioapics[0].id, 0);
	assert_int_equal(info.ioapics[0].addr, 0xFEC00000);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(info.noverrides, 2);
	assert_int_equal(info.overrides[0].bus, 0);
	assert_int_equal(info.overrides[0].source_irq, 0);
	assert_int_equal(info.overrides[0].gsi, 2);
	assert_int_equal(info.overrides[1].source_irq, 9);
	assert_int_equal(info.overrides[1].flags, 0xD);
	assert_int_equal(info.nnmis, 1);
	assert_int_equal(info.nmis[0].uid, ACPI_UID_ALL);
	assert_int_equal(info.nmis[0].lint, 1);
	assert_int_equal(info.cpus_overflow + info.ioapics_overflow + info.overrides_overflow +
				 info.nmis_overflow + info.cpus_duplicate,
			 0);
}

static void test_pcat_compat_clear(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 0);
	lapic(&b, 0, 0, 1);
	parse_madt(*state, &b);
	assert_false(info.pcat_compat);
}

static void test_x2apic_entries(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);
	x2apic(&b, 0x100, 1000, 1);
	x2apic(&b, 0xFFFF, 1001, 1);
	x2apic_nmi(&b, 0xFFFFFFFF, 5, 1);
	x2apic_nmi(&b, 1000, 0, 0);
	lapic_nmi(&b, 0, 0xF, 1);
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, 3);
	assert_int_equal(info.cpus[1].apic_id, 0x100);
	assert_int_equal(info.cpus[1].uid, 1000);
	assert_true(info.cpus[1].from_x2apic_entry);
	assert_int_equal(info.cpus[2].apic_id, 0xFFFF);
	assert_int_equal(info.nnmis, 3);
	assert_int_equal(info.nmis[0].uid, ACPI_UID_ALL);
	assert_int_equal(info.nmis[0].flags, 5);
	assert_int_equal(info.nmis[0].lint, 1);
	assert_int_equal(info.nmis[1].uid, 1000);
	assert_int_equal(info.nmis[1].lint, 0);
	assert_int_equal(info.nmis[2].uid, 0);
	assert_int_equal(info.nmis[2].flags, 0xF);
}

static void test_duplicate_apic_ids(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);
	lapic(&b, 1, 1, 1);
	x2apic(&b, 1, 1, 1); /* same processor again */
	x2apic(&b, 0, 0, 1);
	x2apic(&b, 2, 2, 1);
	lapic(&b, 2, 2, 1); /* described by x2APIC first this time */
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, 3);
	assert_int_equal(info.cpus_duplicate, 3);
	assert_false(info.cpus[1].from_x2apic_entry);
	assert_int_equal(info.cpus[2].apic_id, 2);
	assert_true(info.cpus[2].from_x2apic_entry);
}

static void test_disabled_and_online_capable(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);        /* enabled */
	lapic(&b, 1, 1, 0);        /* unusable: ignored */
	lapic(&b, 2, 2, 2);        /* online capable: kept, not started */
	lapic(&b, 3, 3, 3);        /* enabled (bit 1 reserved then) */
	x2apic(&b, 0x200, 9, 0);   /* unusable */
	x2apic(&b, 0x201, 10, 2);  /* online capable */
	lapic(&b, 4, 0xFF, 1);     /* 0xFF is no xAPIC processor ID */
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, 4);
	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_true(info.cpus[0].enabled);
	assert_int_equal(info.cpus[1].apic_id, 2);
	assert_false(info.cpus[1].enabled);
	assert_int_equal(info.cpus[2].apic_id, 3);
	assert_true(info.cpus[2].enabled);
	assert_int_equal(info.cpus[3].apic_id, 0x201);
	assert_false(info.cpus[3].enabled);
	assert_true(info.cpus[3].from_x2apic_entry);
}

static void test_lapic_address_override(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);
	lapic_addr_override(&b, 0x123456789000ull);
	parse_madt(*state, &b);
	assert_int_equal(info.lapic_addr, 0x123456789000ull);
}

static void test_overflow_counted(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	for (uint32_t i = 0; i < ACPI_MAX_CPUS + 4; i++)
		x2apic(&b, i, i, 1);
	for (uint8_t i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		ioapic(&b, i, 0xFEC00000 + i * 0x1000u, i * 24u);
	for (uint8_t i = 0; i < ACPI_MAX_OVERRIDES + 3; i++)
		override(&b, i, i, 0);
	for (uint32_t i = 0; i < ACPI_MAX_NMIS + 5; i++)
		x2apic_nmi(&b, i, 0, 1);
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, ACPI_MAX_CPUS);
	assert_int_equal(info.cpus_overflow, 4);
	assert_int_equal(info.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
	assert_int_equal(info.nioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(info.ioapics_overflow, 2);
	assert_int_equal(info.ioapics[ACPI_MAX_IOAPICS - 1].gsi_base, (ACPI_MAX_IOAPICS - 1) * 24);
	assert_int_equal(info.noverrides, ACPI_MAX_OVERRIDES);
	assert_int_equal(info.overrides_overflow, 3);
	assert_int_equal(info.nnmis, ACPI_MAX_NMIS);
	assert_int_equal(info.nmis_overflow, 5);
	assert_int_equal(info.problems, 0);
}

static void test_zero_length_entry_stops(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);
	tb_u8(&b, 0); /* LAPIC entry claiming length 0 */
	tb_u8(&b, 0);
	tb_zeros(&b, 6);
	lapic(&b, 1, 1, 1); /* unreachable: no way to know where it starts */
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, 1);
	assert_int_equal(info.problems, 1);
	assert_string_equal(err,
			    "MADT entry type 0 at offset 52 has length 0; rest of MADT ignored");
}

static void test_length_one_entry_stops(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	tb_u8(&b, 0x7F);
	tb_u8(&b, 1);
	lapic(&b, 1, 1, 1);
	parse_madt(*state, &b);
	assert_int_equal(info.ncpus, 0);
	assert_non_null(strstr(err, "at offset 44 has length 1; rest of MADT ignored"));
}

static void test_entry_past_end_stops(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);
	x2apic(&b, 7, 7, 1);
	b.len -= 4; /* the table ends inside the x2APIC entry */
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, 1);
	assert_string_equal(err, "MADT entry type 9 at offset 52 has length 16, "
				 "past the MADT's end; ignored");
}

static void test_short_entry_skipped(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	tb_u8(&b, 0); /* LAPIC entry of 4 bytes: too short to hold its flags */
	tb_u8(&b, 4);
	tb_u8(&b, 5);
	tb_u8(&b, 5);
	tb_u8(&b, 0xA); /* x2APIC NMI of 6 bytes */
	tb_u8(&b, 6);
	tb_zeros(&b, 4);
	lapic(&b, 1, 1, 1);
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, 1);
	assert_int_equal(info.cpus[0].apic_id, 1);
	assert_int_equal(info.nnmis, 0);
	assert_int_equal(info.problems, 2);
	assert_string_equal(err, "MADT entry type 0 at offset 44 has length 4, too short; "
				 "skipped; MADT entry type 10 at offset 48 has length 6, "
				 "too short; skipped");
}

static void test_unknown_and_longer_entries(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	tb_u8(&b, 0x7F); /* unknown type: skipped by its length */
	tb_u8(&b, 5);
	tb_zeros(&b, 3);
	tb_u8(&b, 0); /* a LAPIC entry from a later spec, 2 bytes longer */
	tb_u8(&b, 10);
	tb_u8(&b, 3);
	tb_u8(&b, 4);
	tb_u32(&b, 1);
	tb_u16(&b, 0xFFFF);
	lapic(&b, 5, 5, 1);
	parse_madt(*state, &b);

	assert_int_equal(info.ncpus, 2);
	assert_int_equal(info.cpus[0].apic_id, 4);
	assert_int_equal(info.cpus[0].uid, 3);
	assert_int_equal(info.cpus[1].apic_id, 5);
	assert_int_equal(info.problems, 0);
}

static void test_stray_trailing_byte(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEE00000, 1);
	lapic(&b, 0, 0, 1);
	tb_u8(&b, 0);
	parse_madt(*state, &b);
	assert_int_equal(info.ncpus, 1);
	assert_string_equal(err, "MADT has a stray byte at offset 52");
}

static void test_empty_madt(void **state)
{
	struct tbuf b;
	madt_start(&b, 0xFEC01000, 1);
	parse_madt(*state, &b);
	assert_int_equal(info.ncpus, 0);
	assert_int_equal(info.lapic_addr, 0xFEC01000);
	assert_int_equal(info.problems, 0);
	assert_string_equal(err, "");
}

static void test_madt_shorter_than_fixed_part(void **state)
{
	struct fake_mem *m = *state;
	struct tbuf b = { .len = 0 };
	paddr_t e[] = { FX_MADT };

	tb_u32(&b, 0xFEE00000); /* the flags field is missing */
	put_table(m, FX_MADT, "APIC", 5, &b);
	assert_int_equal(parse_xsdt(m, e, 1, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.madt.len, 0);
	assert_int_equal(info.bad_tables, 1);
	assert_non_null(strstr(err, "APIC length 40 too short at 0x7fe3000"));
}

/* This machine's own MADT, when the kernel exposes it (Linux, as root): it
 * decodes and names at least one usable processor. */
static void test_firmware_madt(void **state)
{
	FILE *f = fopen("/sys/firmware/acpi/tables/APIC", "rb");
	if (!f)
		skip();
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = malloc(cap);
	assert_non_null(buf);
	while (n < cap && (got = fread(buf + n, 1, cap - n, f)) > 0)
		n += got;
	fclose(f);
	assert_true(n >= 44 && n < cap);

	struct fake_mem m;
	paddr_t e[] = { FX_MADT };
	fake_mem_init(&m, FX_BASE, FX_MADT - FX_BASE + n);
	put_raw(&m, FX_MADT, buf, n);
	assert_int_equal(parse_xsdt(&m, e, 1, &info, err, sizeof(err)), ACPI_OK);
	assert_int_equal(info.madt.len, n);
	bool any_enabled = false;
	for (uint32_t i = 0; i < info.ncpus; i++)
		any_enabled |= info.cpus[i].enabled;
	assert_true(any_enabled);
	assert_int_not_equal(info.lapic_addr, 0);
	fake_mem_free(&m);
	free(buf);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_mem_setup, fake_mem_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_like_madt),
		T(test_pcat_compat_clear),
		T(test_x2apic_entries),
		T(test_duplicate_apic_ids),
		T(test_disabled_and_online_capable),
		T(test_lapic_address_override),
		T(test_overflow_counted),
		T(test_zero_length_entry_stops),
		T(test_length_one_entry_stops),
		T(test_entry_past_end_stops),
		T(test_short_entry_skipped),
		T(test_unknown_and_longer_entries),
		T(test_stray_trailing_byte),
		T(test_empty_madt),
		T(test_madt_shorter_than_fixed_part),
		T(test_firmware_madt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
