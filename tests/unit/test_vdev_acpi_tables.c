/* The domain ACPI tables builder: builds into a guest-memory buffer and reads
 * the result back with the hypervisor's own parser (checksums, MADT, FADT,
 * \_S5), checks the request validation, and has iasl disassemble the DSDT
 * and compile its ASL source when iasl is installed. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "drivers/acpi/acpi.h"
#include "hv/vdev/acpi_tables.h"
#include "hv/vdev/ioapic.h"

#define MEM_SIZE (2 * MIB)
#define RSDP_GPA 0xf0000ull
#define TABLES_GPA 0x1f0000ull
#define TABLES_SIZE 0x10000ull
#define DSDT_ASL "tests/fixtures/acpi_build/dsdt.asl"

static const uint8_t ids4[] = {0, 1, 2, 6};

static struct guest_mem gm;
static struct acpi_tables_config cfg;
static struct acpi_tables_layout lay;
static struct acpi_info info;
static char err[256];

static const void *buf_map(paddr_t pa, size_t len, void *ctx)
{
	struct guest_mem *m = ctx;
	return span_within(pa, len, m->size) ? m->base + pa : NULL;
}

static int setup(void **state)
{
	gm.size = MEM_SIZE;
	gm.base = malloc(MEM_SIZE);
	assert_non_null(gm.base);
	memset(gm.base, 0xa5, MEM_SIZE); /* the builder must not rely on zeroed memory */
	cfg = (struct acpi_tables_config){
		.ncpus = ARRAY_SIZE(ids4),
		.apic_ids = ids4,
		.ioapic_id = 4,
		.pm1a_evt = 0x600,
		.pm1a_cnt = 0x604,
		.pm_tmr = 0x608,
		.pm_tmr_32bit = true,
		.sci_irq = 9,
	};
	memset(&lay, 0, sizeof(lay));
	memset(&info, 0, sizeof(info));
	return 0;
}

static int teardown(void **state)
{
	free(gm.base);
	return 0;
}

static void build_ok(void)
{
	assert_int_equal(acpi_tables_build(&gm, RSDP_GPA, TABLES_GPA, TABLES_SIZE, &cfg, &lay, err,
					   sizeof(err)),
			 0);
	assert_string_equal(err, "");
}

static void build_and_parse(void)
{
	build_ok();
	assert_true(acpi_rsdp_valid(gm.base + RSDP_GPA, ACPI_RSDP_V2_SIZE));
	assert_int_equal(acpi_parse(gm.base + RSDP_GPA, buf_map, &gm, &info, err, sizeof(err)), ACPI_OK);
	assert_string_equal(err, "");
}

static bool sums_to_zero(struct acpi_tables_span s)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < s.len; i++)
		sum = (uint8_t)(sum + gm.base[s.gpa + i]);
	return sum == 0;
}

static struct acpi_fadt fadt_copy(void)
{
	struct acpi_fadt f;
	memcpy(&f, gm.base + lay.fadt.gpa, sizeof(f));
	return f;
}

/* The acceptance item "the ACPI tables' checksums and the \_S5 AML". */
static void checksums_and_s5(void **state)
{
	build_and_parse();
	assert_true(info.xsdt);
	assert_int_equal(info.tables, 3); /* FADT, MADT, and the DSDT */
	assert_int_equal(info.bad_tables, 0);
	assert_int_equal(info.problems, 0);
	assert_memory_equal(info.oem_id, "HV    ", 7);

	const struct acpi_tables_span sdts[] = {lay.xsdt, lay.fadt, lay.madt, lay.dsdt};
	for (size_t i = 0; i < ARRAY_SIZE(sdts); i++) {
		assert_true(sums_to_zero(sdts[i]));
		uint32_t len;
		memcpy(&len, gm.base + sdts[i].gpa + 4, 4);
		assert_int_equal(len, sdts[i].len);
	}
	assert_true(sums_to_zero((struct acpi_tables_span){RSDP_GPA, ACPI_RSDP_V1_SIZE}));
	assert_true(sums_to_zero(lay.rsdp));

	assert_int_equal(info.madt.pa, lay.madt.gpa);
	assert_int_equal(info.fadt.pa, lay.fadt.gpa);
	assert_int_equal(info.dsdt.pa, lay.dsdt.gpa);
	assert_true(info.have_s5);
	assert_int_equal(info.slp_typa, ACPI_TABLES_SLP_TYP_S5);
	assert_int_equal(info.slp_typb, ACPI_TABLES_SLP_TYP_S5);

	uint8_t a = 0, b = 0;
	assert_true(acpi_aml_find_s5(gm.base + lay.dsdt.gpa + 36, lay.dsdt.len - 36, &a, &b));
	assert_int_equal(a, ACPI_TABLES_SLP_TYP_S5);
	assert_int_equal(b, ACPI_TABLES_SLP_TYP_S5);
}

/* An OS without a boot-loader RSDP scans 0xE0000-0xFFFFF for it. */
static void rsdp_found_by_scan(void **state)
{
	build_ok();
	const uint8_t *area = gm.base + ACPI_TABLES_RSDP_AREA_START;
	assert_ptr_equal(acpi_rsdp_scan(area, ACPI_TABLES_RSDP_AREA_END - ACPI_TABLES_RSDP_AREA_START),
			 gm.base + RSDP_GPA);
	struct acpi_rsdp r;
	memcpy(&r, gm.base + RSDP_GPA, sizeof(r));
	assert_int_equal(r.revision, 2);
	assert_int_equal(r.length, ACPI_RSDP_V2_SIZE);
	assert_int_equal(r.xsdt_addr, lay.xsdt.gpa);
	assert_int_equal(r.rsdt_addr, 0);
}

static void madt_contents(void **state)
{
	build_and_parse();
	assert_int_equal(info.lapic_addr, 0xfee00000);
	assert_true(info.pcat_compat);
	assert_int_equal(info.ncpus, 4);
	assert_int_equal(info.cpus_duplicate, 0);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(info.cpus[i].apic_id, ids4[i]);
		assert_int_equal(info.cpus[i].uid, i);
		assert_true(info.cpus[i].enabled);
		assert_false(info.cpus[i].from_x2apic_entry);
	}
	assert_int_equal(info.nioapics, 1);
	assert_int_equal(info.ioapics[0].id, 4);
	assert_int_equal(info.ioapics[0].addr, IOAPIC_BASE);
	assert_int_equal(info.ioapics[0].gsi_base, 0);

	assert_int_equal(info.noverrides, 2);
	assert_int_equal(info.overrides[0].bus, 0);
	assert_int_equal(info.overrides[0].source_irq, 0);
	assert_int_equal(info.overrides[0].gsi, 2);
	assert_int_equal(info.overrides[0].flags, 0x5); /* edge, active high */
	assert_int_equal(info.overrides[1].bus, 0);
	assert_int_equal(info.overrides[1].source_irq, 9);
	assert_int_equal(info.overrides[1].gsi, 9);
	assert_int_equal(info.overrides[1].flags, 0xf); /* level, active low */

	assert_int_equal(info.nnmis, 1);
	assert_int_equal(info.nmis[0].uid, ACPI_UID_ALL);
	assert_int_equal(info.nmis[0].lint, 1);
	assert_int_equal(info.nmis[0].flags, 0x5);
}

static void madt_max_cpus(void **state)
{
	uint8_t ids[ACPI_TABLES_MAX_CPUS];
	for (unsigned i = 0; i < ACPI_TABLES_MAX_CPUS; i++)
		ids[i] = (uint8_t)(ACPI_TABLES_MAX_CPUS - 1 - i);
	cfg.apic_ids = ids;
	cfg.ncpus = ACPI_TABLES_MAX_CPUS;
	build_and_parse();
	assert_int_equal(info.ncpus, ACPI_TABLES_MAX_CPUS);
	assert_int_equal(info.cpus[0].apic_id, 254);
	assert_int_equal(info.cpus[254].apic_id, 0);
	assert_int_equal(info.cpus[254].uid, 254);
}

static void fadt_contents(void **state)
{
	build_and_parse();
	assert_int_equal(info.fadt_revision, 6);
	assert_int_equal(info.pm1a_evt, 0x600);
	assert_int_equal(info.pm1a_cnt, 0x604);
	assert_int_equal(info.pm_tmr, 0x608);
	assert_int_equal(info.pm1b_evt, 0);
	assert_int_equal(info.pm1b_cnt, 0);
	assert_true(info.pm_tmr_32bit);
	assert_false(info.hw_reduced);
	assert_int_equal(info.sci_int, 9);
	assert_int_equal(info.smi_cmd, 0);
	assert_int_equal(info.acpi_enable, 0);
	assert_int_equal(info.iapc_boot_arch, 0x3); /* LEGACY_DEVICES, 8042 */
	assert_false(info.have_reset);

	struct acpi_fadt f = fadt_copy();
	assert_int_equal(lay.fadt.len, 276);
	assert_int_equal(f.minor_version, 5);
	/* Legacy and X_ fields agree. */
	assert_int_equal(f.pm1a_evt_blk, 0x600);
	assert_int_equal(f.pm1a_cnt_blk, 0x604);
	assert_int_equal(f.pm_tmr_blk, 0x608);
	assert_int_equal(f.pm1_evt_len, 4);
	assert_int_equal(f.pm1_cnt_len, 2);
	assert_int_equal(f.pm_tmr_len, 4);
	const struct {
		struct acpi_gas g;
		uint64_t port;
		uint8_t bits;
	} x[] = {
		{f.x_pm1a_evt_blk, 0x600, 32},
		{f.x_pm1a_cnt_blk, 0x604, 16},
		{f.x_pm_tmr_blk, 0x608, 32},
	};
	for (size_t i = 0; i < ARRAY_SIZE(x); i++) {
		assert_int_equal(x[i].g.space_id, ACPI_GAS_SYSTEM_IO);
		assert_int_equal(x[i].g.address, x[i].port);
		assert_int_equal(x[i].g.bit_width, x[i].bits);
		assert_int_equal(x[i].g.bit_offset, 0);
	}
	assert_int_equal(f.x_pm1b_evt_blk.address, 0);
	assert_int_equal(f.x_pm2_cnt_blk.address, 0);
	assert_int_equal(f.dsdt, lay.dsdt.gpa);
	assert_int_equal(f.x_dsdt, lay.dsdt.gpa);
	assert_int_equal(f.firmware_ctrl, lay.facs.gpa);
	assert_int_equal(f.x_firmware_ctrl, lay.facs.gpa);
	assert_true(f.p_lvl2_lat > 100);
	assert_true(f.p_lvl3_lat > 1000);
	assert_true(f.flags & 1); /* WBINVD */
	/* Past the struct: the GPE, sleep-register and vendor fields are zero. */
	for (uint32_t off = sizeof(f); off < lay.fadt.len; off++)
		assert_int_equal(gm.base[lay.fadt.gpa + off], 0);
}

static void pm_timer_24bit(void **state)
{
	cfg.pm_tmr_32bit = false;
	build_and_parse();
	assert_false(info.pm_tmr_32bit);
	assert_false(fadt_copy().flags & ACPI_FADT_TMR_VAL_EXT);
}

static void facs(void **state)
{
	build_ok();
	const uint8_t *p = gm.base + lay.facs.gpa;
	uint32_t len;
	memcpy(&len, p + 4, 4);
	assert_memory_equal(p, "FACS", 4);
	assert_int_equal(len, 64);
	assert_int_equal(lay.facs.len, 64);
	assert_int_equal(lay.facs.gpa % 64, 0);
	assert_int_equal(p[32], 2); /* version */
	for (uint32_t off = 8; off < 64; off++)
		if (off != 32)
			assert_int_equal(p[off], 0);
}

/* The tables lie inside the region, apart from each other and the RSDP. */
static void layout(void **state)
{
	build_ok();
	const struct acpi_tables_span s[] = {lay.facs, lay.dsdt, lay.fadt, lay.madt, lay.xsdt};
	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		assert_true(s[i].gpa >= TABLES_GPA && s[i].gpa + s[i].len <= lay.end);
		for (size_t j = 0; j < i; j++)
			assert_true(s[i].gpa >= s[j].gpa + s[j].len || s[j].gpa >= s[i].gpa + s[i].len);
	}
	assert_true(lay.end <= TABLES_GPA + TABLES_SIZE);
	assert_int_equal(lay.rsdp.gpa, RSDP_GPA);
	assert_int_equal(lay.rsdp.len, 36);
	assert_int_equal(lay.madt.len, 44 + 4 * 8 + 12 + 2 * 10 + 6);
	assert_int_equal(lay.dsdt.len, 36 + 15);
	/* The padding between tables is zero. */
	for (size_t i = 1; i < ARRAY_SIZE(s); i++)
		for (uint64_t gpa = s[i - 1].gpa + s[i - 1].len; gpa < s[i].gpa; gpa++)
			assert_int_equal(gm.base[gpa], 0);
	/* Nothing written past the end or after the RSDP. */
	assert_int_equal(gm.base[lay.end], 0xa5);
	assert_int_equal(gm.base[RSDP_GPA + 36], 0xa5);
	assert_int_equal(gm.base[TABLES_GPA - 1], 0xa5);
}

/* A region exactly the size needed is enough; a byte less is not. */
static void region_size_limit(void **state)
{
	build_ok();
	uint64_t need = lay.end - TABLES_GPA;
	assert_int_equal(acpi_tables_build(&gm, RSDP_GPA, TABLES_GPA, need, &cfg, &lay, err,
					   sizeof(err)),
			 0);
	assert_int_equal(acpi_tables_build(&gm, RSDP_GPA, TABLES_GPA, need - 1, &cfg, &lay, err,
					   sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "tables need"));
	/* An unaligned start still gets a 64-byte aligned FACS. */
	assert_int_equal(acpi_tables_build(&gm, RSDP_GPA, TABLES_GPA + 8, TABLES_SIZE - 8, &cfg, &lay, err,
					   sizeof(err)),
			 0);
	assert_int_equal(lay.facs.gpa % 64, 0);
	assert_int_equal(acpi_parse(gm.base + RSDP_GPA, buf_map, &gm, &info, err, sizeof(err)), ACPI_OK);
}

static void expect_refused(uint64_t rsdp, uint64_t tables, uint64_t size, const char *why)
{
	uint8_t *before = malloc(MEM_SIZE);
	assert_non_null(before);
	memcpy(before, gm.base, MEM_SIZE);
	assert_int_equal(acpi_tables_build(&gm, rsdp, tables, size, &cfg, &lay, err, sizeof(err)), -1);
	assert_non_null(strstr(err, why));
	/* Refused before any write. */
	assert_memory_equal(before, gm.base, MEM_SIZE);
	free(before);
}

static void bad_placement(void **state)
{
	expect_refused(RSDP_GPA + 8, TABLES_GPA, TABLES_SIZE, "not 16-byte aligned");
	expect_refused(0xd0000, TABLES_GPA, TABLES_SIZE, "not 16-byte aligned");
	expect_refused(0xffff0, TABLES_GPA, TABLES_SIZE, "not 16-byte aligned");
	expect_refused(RSDP_GPA, MEM_SIZE - 0x100, 0x1000, "not in guest memory");
	expect_refused(RSDP_GPA, 0x100000000ull, 0x1000, "below 4 GiB");
	expect_refused(RSDP_GPA, ~0ull - 0x10, 0x1000, "below 4 GiB");
	expect_refused(RSDP_GPA, 0xe0000, 0x20000, "inside the tables region");

	struct guest_mem small = {gm.base, 0xf0010};
	assert_int_equal(acpi_tables_build(&small, RSDP_GPA, 0xe0000, 0x1000, &cfg, &lay, err,
					   sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "outside guest memory"));
}

static void bad_config(void **state)
{
	const uint8_t dup[] = {0, 3, 3};
	const uint8_t bcast[] = {0, 0xff};

	cfg.ncpus = 0;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "0 vCPUs");
	cfg.ncpus = 256;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "256 vCPUs");
	cfg.ncpus = 3;
	cfg.apic_ids = dup;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "share APIC ID 3");
	cfg.ncpus = 2;
	cfg.apic_ids = bcast;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "broadcast");
	cfg.apic_ids = ids4;

	cfg.ioapic_id = 16;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "I/O APIC ID");
	cfg.ioapic_id = 0;

	const uint8_t bad_sci[] = {0, 2, 16};
	for (size_t i = 0; i < ARRAY_SIZE(bad_sci); i++) {
		cfg.sci_irq = bad_sci[i];
		expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "SCI");
	}
	cfg.sci_irq = 9;

	cfg.pm_tmr = 0;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "PM_TMR_BLK at port 0x0");
	cfg.pm_tmr = 0xfffd;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "PM_TMR_BLK at port 0xfffd");
	cfg.pm_tmr = 0xfffc;
	assert_int_equal(acpi_tables_build(&gm, RSDP_GPA, TABLES_GPA, TABLES_SIZE, &cfg, &lay, err,
					   sizeof(err)),
			 0);
	cfg.pm1a_cnt = 0x603;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "PM1a_CNT_BLK overlaps PM1a_EVT_BLK");
	cfg.pm1a_cnt = 0x604;
	cfg.pm_tmr = 0x605;
	expect_refused(RSDP_GPA, TABLES_GPA, TABLES_SIZE, "PM_TMR_BLK overlaps PM1a_CNT_BLK");
}

/* --- iasl, when installed ----------------------------------------------------- */

static bool have_iasl(void)
{
	return system("command -v iasl >/dev/null 2>&1") == 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *b = malloc(4096);
	assert_non_null(b);
	*len = fread(b, 1, 4096, f);
	fclose(f);
	return b;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* iasl -d disassembles the DSDT without complaint, and finds _S5 in it;
 * compiling the ASL the builder's comment shows gives the same AML. */
static void iasl_agrees(void **state)
{
	if (!have_iasl()) {
		print_message("iasl not installed (tools/setup.sh installs acpica-tools): skipped\n");
		skip();
	}
	build_ok();
	char dir[] = "/tmp/hv-acpi-XXXXXX", cmd[512], path[128];
	assert_non_null(mkdtemp(dir));

	snprintf(path, sizeof(path), "%s/dsdt.dat", dir);
	write_file(path, gm.base + lay.dsdt.gpa, lay.dsdt.len);
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d dsdt.dat >iasl-d.log 2>&1", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "grep -q '_S5' %s/dsdt.dsl", dir);
	assert_int_equal(system(cmd), 0);

	snprintf(cmd, sizeof(cmd), "iasl -on -p %s/ref %s >%s/iasl.log 2>&1", dir, DSDT_ASL, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/ref.aml", dir);
	size_t len;
	uint8_t *ref = read_file(path, &len);
	assert_int_equal(len, lay.dsdt.len);
	/* Signature, length, revision; OEM ID, table ID, OEM revision. */
	assert_memory_equal(ref, gm.base + lay.dsdt.gpa, 9);
	assert_memory_equal(ref + 10, gm.base + lay.dsdt.gpa + 10, 18);
	assert_memory_equal(ref + 36, gm.base + lay.dsdt.gpa + 36, len - 36);
	free(ref);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(checksums_and_s5, setup, teardown),
		cmocka_unit_test_setup_teardown(rsdp_found_by_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(madt_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(madt_max_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(fadt_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(pm_timer_24bit, setup, teardown),
		cmocka_unit_test_setup_teardown(facs, setup, teardown),
		cmocka_unit_test_setup_teardown(layout, setup, teardown),
		cmocka_unit_test_setup_teardown(region_size_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_config, setup, teardown),
		cmocka_unit_test_setup_teardown(iasl_agrees, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
