/* Unit tests for the long-mode entry state: the page tables are walked the way
 * the CPU walks them, and the GDT descriptors decoded bit by bit, both from the
 * Intel SDM's layouts written out here rather than taken from longmode.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/loader/longmode.h"

#define RAM_SIZE 0x400000u
#define UNTOUCHED 0xaa
#define REGION 0x1000u
#define ENTRY 0x100010u

static struct guest_mem ram_new(uint64_t size)
{
	struct guest_mem gm = { malloc(size), size };
	assert_non_null(gm.base);
	memset(gm.base, UNTOUCHED, size);
	return gm;
}

static void assert_untouched(const struct guest_mem *gm, uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a++)
		if (gm->base[a] != UNTOUCHED)
			fail_msg("guest byte 0x%llx was written", (unsigned long long)a);
}

static uint64_t get64(const struct guest_mem *gm, uint64_t gpa)
{
	uint64_t v = 0;
	assert_true(gpa + 8 <= RAM_SIZE);
	for (int i = 7; i >= 0; i--)
		v = v << 8 | gm->base[gpa + i];
	return v;
}

#define ADDR_MASK 0x000ffffffffff000ull

/* A 4-level walk of a linear address ending in a 2 MiB page: returns the
 * physical address, or -1 when an entry on the way is not present. Every entry
 * on the way must be writable and supervisor-only. */
static int64_t walk(const struct guest_mem *gm, uint64_t cr3, uint64_t va)
{
	uint64_t pml4e = get64(gm, (cr3 & ADDR_MASK) + ((va >> 39) & 511) * 8);
	if (!(pml4e & 1))
		return -1;
	uint64_t pdpte = get64(gm, (pml4e & ADDR_MASK) + ((va >> 30) & 511) * 8);
	if (!(pdpte & 1))
		return -1;
	assert_int_equal(pdpte & 0x80, 0); /* not a 1 GiB page */
	uint64_t pde = get64(gm, (pdpte & ADDR_MASK) + ((va >> 21) & 511) * 8);
	if (!(pde & 1))
		return -1;
	assert_int_equal(pde & 0x80, 0x80);		/* PS: a 2 MiB page */
	assert_int_equal(pml4e & pdpte & pde & 2, 2);	/* R/W everywhere */
	assert_int_equal((pml4e | pdpte | pde) & 4, 0); /* U/S clear: supervisor */
	return (int64_t)((pde & 0x000fffffffe00000ull) | (va & 0x1fffff));
}

static struct longmode_setup build_ok(struct guest_mem *gm)
{
	struct longmode_setup st;
	char err[160] = "";
	assert_int_equal(longmode_build(gm, REGION, &st, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	return st;
}

static void test_state(void **state)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct longmode_setup st = build_ok(&gm);

	assert_int_equal(st.cr3, REGION);
	assert_int_equal(st.gdt_base, REGION + 6 * 0x1000);
	assert_int_equal(st.gdt_limit, 4 * 8 - 1);
	assert_int_equal(st.code_sel, 0x10); /* Linux's __BOOT_CS */
	assert_int_equal(st.data_sel, 0x18); /* __BOOT_DS */
	assert_int_equal(st.cr0, 0x80000031); /* PG | NE | ET | PE */
	assert_int_equal(st.cr4, 0x20);	      /* PAE */
	assert_int_equal(st.efer, 0x500);     /* LMA | LME */
	/* VMCS access rights: type, S, DPL, P in bits 0-7; AVL, L, D/B, G in 12-15. */
	assert_int_equal(st.code_ar, 0xa09b);
	assert_int_equal(st.data_ar, 0xc093);
	assert_untouched(&gm, 0, REGION);
	assert_untouched(&gm, REGION + LONGMODE_REGION_SIZE, RAM_SIZE);
	free(gm.base);
}

static void test_identity_map(void **state)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct longmode_setup st = build_ok(&gm);
	static const uint64_t probes[] = { 0,	       0x1000,	   ENTRY,      0x1fffff,
					   0x200000,   0x3fffffff, 0x40000000, 0x23456789,
					   0xfee00000, 0xfffffff0, 0xffffffff };

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		assert_int_equal(walk(&gm, st.cr3, probes[i]), (int64_t)probes[i]);
	/* Every 2 MiB page of the first 4 GiB, and nothing above. */
	for (uint64_t va = 0; va < (4ull << 30); va += 2u << 20)
		assert_int_equal(walk(&gm, st.cr3, va + 0x1234), (int64_t)(va + 0x1234));
	assert_int_equal(walk(&gm, st.cr3, 4ull << 30), -1);
	assert_int_equal(walk(&gm, st.cr3, 512ull << 30), -1);
	assert_int_equal(walk(&gm, st.cr3, 0xffffffff80000000ull), -1);
	free(gm.base);
}

/* Fields of a segment descriptor (SDM vol. 3A, "Segment Descriptors"). */
struct desc {
	uint64_t base, limit;
	unsigned type, s, dpl, p, avl, l, db, g;
};

static struct desc decode(uint64_t d)
{
	return (struct desc){
		.limit = (d & 0xffff) | ((d >> 48) & 0xf) << 16,
		.base = ((d >> 16) & 0xffffff) | ((d >> 56) & 0xff) << 24,
		.type = (d >> 40) & 0xf,
		.s = (d >> 44) & 1,
		.dpl = (d >> 45) & 3,
		.p = (d >> 47) & 1,
		.avl = (d >> 52) & 1,
		.l = (d >> 53) & 1,
		.db = (d >> 54) & 1,
		.g = (d >> 55) & 1,
	};
}

static void test_gdt(void **state)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct longmode_setup st = build_ok(&gm);

	assert_int_equal(get64(&gm, st.gdt_base), 0);
	struct desc cs = decode(get64(&gm, st.gdt_base + st.code_sel));
	assert_int_equal(cs.base, 0);
	assert_int_equal(cs.limit, 0xfffff);
	assert_int_equal(cs.type, 0xb); /* code, execute/read, accessed */
	assert_int_equal(cs.s, 1);
	assert_int_equal(cs.dpl, 0);
	assert_int_equal(cs.p, 1);
	assert_int_equal(cs.l, 1);
	assert_int_equal(cs.db, 0); /* must be 0 with L = 1 */
	assert_int_equal(cs.g, 1);

	struct desc ds = decode(get64(&gm, st.gdt_base + st.data_sel));
	assert_int_equal(ds.base, 0);
	assert_int_equal(ds.limit, 0xfffff);
	assert_int_equal(ds.type, 0x3); /* data, read/write, accessed */
	assert_int_equal(ds.s, 1);
	assert_int_equal(ds.dpl, 0);
	assert_int_equal(ds.p, 1);
	assert_int_equal(ds.l, 0);
	assert_int_equal(ds.db, 1);
	assert_int_equal(ds.g, 1);

	/* The access-rights values carry the same bits. */
	assert_int_equal(st.code_ar, cs.type | cs.s << 4 | cs.dpl << 5 | cs.p << 7 | cs.avl << 12 |
					     cs.l << 13 | cs.db << 14 | cs.g << 15);
	assert_int_equal(st.data_ar, ds.type | ds.s << 4 | ds.dpl << 5 | ds.p << 7 | ds.avl << 12 |
					     ds.l << 13 | ds.db << 14 | ds.g << 15);

	/* The rest of the GDT page and the unused table entries are zero. */
	for (uint64_t a = st.gdt_base + st.gdt_limit + 1; a < REGION + LONGMODE_REGION_SIZE; a++)
		assert_int_equal(gm.base[a], 0);
	for (uint64_t a = REGION + 8; a < REGION + 0x1000; a++)
		assert_int_equal(gm.base[a], 0);
	for (uint64_t a = REGION + 0x1000 + 4 * 8; a < REGION + 0x2000; a++)
		assert_int_equal(gm.base[a], 0);
	free(gm.base);
}

/* gm may claim more RAM than base holds: a refused build writes nothing. */
static void assert_refused(uint64_t ram, uint64_t region, const char *msg)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct longmode_setup st = { .cr3 = 7 };
	char err[200] = "";
	gm.size = ram;
	assert_int_equal(longmode_build(&gm, region, &st, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(st.cr3, 7);
	assert_untouched(&gm, 0, RAM_SIZE);
	free(gm.base);
}

static void test_region_refused(void **state)
{
	assert_refused(RAM_SIZE, REGION + 0x800, "longmode: region 0x1800 is not 4 KiB aligned");
	assert_refused(RAM_SIZE, RAM_SIZE - 0x6000,
		       "longmode: region [0x3fa000, 0x401000) beyond guest RAM (4 MiB)");
	assert_refused(8ull << 30, 0xffffa000,
		       "longmode: region 0xffffa000 (28 KiB) extends past the 4 GiB identity map");
	assert_refused(
		8ull << 30, UINT64_MAX & ~0xfffull,
		"longmode: region 0xfffffffffffff000 (28 KiB) extends past the 4 GiB identity map");
}

/* The region may end exactly at the end of RAM. */
static void test_region_limits(void **state)
{
	struct guest_mem gm = ram_new(RAM_SIZE);
	struct longmode_setup st;
	assert_int_equal(longmode_build(&gm, RAM_SIZE - LONGMODE_REGION_SIZE, &st, NULL, 0), 0);
	assert_int_equal(st.cr3, RAM_SIZE - LONGMODE_REGION_SIZE);
	assert_int_equal(walk(&gm, st.cr3, 0xabcdef12), 0xabcdef12);
	assert_untouched(&gm, 0, RAM_SIZE - LONGMODE_REGION_SIZE);
	free(gm.base);

	/* One byte less RAM and it no longer fits. */
	assert_refused(RAM_SIZE - 1, RAM_SIZE - LONGMODE_REGION_SIZE,
		       "longmode: region [0x3f9000, 0x400000) beyond guest RAM (4194303 bytes)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state),	      cmocka_unit_test(test_identity_map),
		cmocka_unit_test(test_gdt),	      cmocka_unit_test(test_region_refused),
		cmocka_unit_test(test_region_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
