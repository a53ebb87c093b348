/* Unit tests for arch/x86/vmx/ept.c on simulated physical memory: page sizes per
 * CPU, splits, refusals, out-of-memory at every allocation, entry formats, a model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86/vmx/ept.h"

/* IA32_VMX_EPT_VPID_CAP 0x00000f0106334141, as Bochs' corei7_skylake_x and the
 * Core i7-6700K report (tests/fixtures/vmx): execute-only, 4-level walk, UC and
 * WB, 2 MiB and 1 GiB pages, A/D flags, INVEPT. */
static const struct vmx_ept_caps caps_bochs = {
	.present = true, .walk4 = true, .uc = true, .wb = true, .page_2m = true, .page_1g = true,
	.ad = true, .exec_only = true, .invept = true, .invept_single = true, .invept_all = true,
	.usable = true,
};

/* 0x00000f0106114141: Intel Core i7-2635QM (Sandy Bridge), from VirtualBox's CPU
 * database, repository VirtualBox/virtualbox, file
 * src/VBox/VMM/VMMR3/cpus/Intel_Core_i7_2635QM.h (commit
 * 4908d8d1a85c75c0eefb6a4c5c8a9f07211ad8f1): 2 MiB pages, no 1 GiB pages, no A/D. */
static const struct vmx_ept_caps caps_sandy = {
	.present = true, .walk4 = true, .uc = true, .wb = true, .page_2m = true,
	.exec_only = true, .invept = true, .invept_single = true, .invept_all = true,
	.usable = true,
};

/* Neither large page size nor execute-only: both are optional (SDM 3D A.10). */
static const struct vmx_ept_caps caps_4k = {
	.present = true, .walk4 = true, .wb = true,
	.invept = true, .invept_single = true, .usable = true,
};

/* --- simulated physical memory ------------------------------------------------ */

#define POOL_PAGES 4096
#define POOL_BASE 0x5000000000ull /* far from the virtual addresses and from 0 */

struct fake_mem {
	uint8_t *mem;
	bool used[POOL_PAGES];
	uint64_t in_use;
	uint64_t allocs;   /* alloc_page calls so far */
	uint64_t fail_from; /* this call and every later one fails */
};

static paddr_t fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;
	if (m->allocs++ >= m->fail_from)
		return PADDR_INVALID;
	for (unsigned i = 0; i < POOL_PAGES; i++) {
		if (m->used[i])
			continue;
		m->used[i] = true;
		m->in_use++;
		memset(m->mem + (size_t)i * PAGE_SIZE, 0xa5, PAGE_SIZE); /* ept must zero it */
		return POOL_BASE + i * PAGE_SIZE;
	}
	return PADDR_INVALID;
}

static unsigned page_of(const struct fake_mem *m, paddr_t pa)
{
	assert_true(pa >= POOL_BASE && pa < POOL_BASE + POOL_PAGES * PAGE_SIZE);
	assert_int_equal(pa % PAGE_SIZE, 0);
	unsigned i = (pa - POOL_BASE) / PAGE_SIZE;
	assert_true(m->used[i]);
	return i;
}

static void fake_free(paddr_t pa, void *ctx)
{
	struct fake_mem *m = ctx;
	unsigned i = page_of(m, pa);
	m->used[i] = false;
	m->in_use--;
	memset(m->mem + (size_t)i * PAGE_SIZE, 0x5a, PAGE_SIZE); /* a later read is garbage */
}

static void *fake_virt(paddr_t pa, void *ctx)
{
	struct fake_mem *m = ctx;
	return m->mem + (size_t)page_of(m, pa) * PAGE_SIZE;
}

static void mem_init(struct fake_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->mem = aligned_alloc(PAGE_SIZE, (size_t)POOL_PAGES * PAGE_SIZE);
	assert_non_null(m->mem);
	m->fail_from = UINT64_MAX;
}

static void new_ept(struct ept *e, struct fake_mem *m, const struct vmx_ept_caps *caps)
{
	const struct ept_mem_ops ops = { fake_alloc, fake_free, fake_virt, m };
	mem_init(m);
	assert_int_equal(ept_init(e, &ops, caps), 0);
	assert_int_equal(e->table_pages, 1);
	assert_int_equal(m->in_use, 1);
}

/* Destroys the tables, checks every page came back, frees the pool. */
static void end_ept(struct ept *e, struct fake_mem *m)
{
	ept_destroy(e);
	assert_int_equal(e->table_pages, 0);
	assert_int_equal(m->in_use, 0);
	free(m->mem);
}

/* --- checks ------------------------------------------------------------------- */

/* Every address in these tests is below 2^40: bits 51:40 stay clear. */
#define TEST_ADDR_BITS 40
#define BITS(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

static const uint64_t entry_bytes[5] = { 0, 4 * KIB, 2 * MIB, GIB, 512 * GIB };

/* Walks every table and checks each entry against its format (SDM 3C 29.3.2,
 * Tables 29-1 to 29-6): a non-leaf entry grants RWX and holds a table address,
 * nothing else (bits 7:3 are reserved there, so no memory type); a leaf holds
 * a valid memory type, "ignore PAT" exactly for UC, the page-size bit only
 * above level 1, and an address aligned to its page size. Every table but the
 * PML4 is non-empty and referenced once. Returns the number of tables. */
static uint64_t check_table(const struct ept *e, struct fake_mem *m, paddr_t pa, int level, uint8_t *seen)
{
	unsigned page = page_of(m, pa);
	assert_false(seen[page]);
	seen[page] = 1;
	const uint64_t *t = fake_virt(pa, m);
	uint64_t tables = 1;
	unsigned present = 0;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t v = t[i];
		if (!v)
			continue;
		present++;
		assert_int_not_equal(v & 7, 0);
		bool large = v & (1ull << 7);
		if (level == 1 || (level < 4 && large)) {
			uint64_t allowed = BITS(TEST_ADDR_BITS - 1, 0) & ~(entry_bytes[level] - 1);
			allowed |= BITS(6, 0) | (level > 1 ? 1ull << 7 : 0);
			assert_int_equal(v & ~allowed, 0);
			assert_true(level == 1 || large);
			assert_true(level != 2 || e->allow_2m);
			assert_true(level != 3 || e->allow_1g);
			unsigned perms = v & 7;
			assert_false((perms & EPT_W) && !(perms & EPT_R));
			assert_true((perms & EPT_R) || e->exec_only);
			unsigned mt = (v >> 3) & 7;
			assert_true(mt == VMX_MEMTYPE_WB || mt == VMX_MEMTYPE_UC);
			assert_int_equal(!!(v & (1ull << 6)), mt == VMX_MEMTYPE_UC);
		} else {
			assert_int_equal(v & 7, 7);
			assert_int_equal(v & ~(BITS(TEST_ADDR_BITS - 1, 12) | 7), 0);
			tables += check_table(e, m, v & BITS(51, 12), level - 1, seen);
		}
	}
	assert_true(level == 4 || present > 0);
	return tables;
}

static void check_tables(const struct ept *e, struct fake_mem *m)
{
	uint8_t seen[POOL_PAGES] = { 0 };
	uint64_t tables = check_table(e, m, e->pml4, 4, seen);
	assert_int_equal(tables, e->table_pages);
	assert_int_equal(tables, m->in_use);
}

static void expect_page(const struct ept *e, uint64_t gpa, paddr_t hpa, unsigned perms, uint64_t size)
{
	paddr_t h;
	unsigned p;
	uint64_t s;
	assert_true(ept_translate(e, gpa, &h, &p, &s));
	assert_int_equal(h, hpa);
	assert_int_equal(p, perms);
	assert_int_equal(s, size);
}

static void expect_unmapped(const struct ept *e, uint64_t gpa)
{
	assert_false(ept_translate(e, gpa, NULL, NULL, NULL));
}

static uint64_t leaf_entry(const struct ept *e, struct fake_mem *m, uint64_t gpa)
{
	paddr_t pa = e->pml4;
	for (int level = 4;; level--) {
		uint64_t v = ((const uint64_t *)fake_virt(pa, m))[(gpa >> (12 + 9 * (level - 1))) & 511];
		if (level == 1 || (v & (1ull << 7)))
			return v;
		pa = v & BITS(51, 12);
	}
}

/* The tables and the pool, to show an operation that failed changed nothing. */
struct snapshot {
	bool used[POOL_PAGES];
	uint8_t *mem;
	uint64_t table_pages;
};

static void take_snapshot(struct snapshot *s, const struct ept *e, const struct fake_mem *m)
{
	memcpy(s->used, m->used, sizeof(s->used));
	s->mem = malloc((size_t)POOL_PAGES * PAGE_SIZE);
	assert_non_null(s->mem);
	memcpy(s->mem, m->mem, (size_t)POOL_PAGES * PAGE_SIZE);
	s->table_pages = e->table_pages;
}

static void expect_snapshot(const struct snapshot *s, const struct ept *e, const struct fake_mem *m)
{
	assert_memory_equal(s->used, m->used, sizeof(s->used));
	assert_int_equal(s->table_pages, e->table_pages);
	for (size_t i = 0; i < POOL_PAGES; i++)
		if (m->used[i])
			assert_memory_equal(s->mem + i * PAGE_SIZE, m->mem + i * PAGE_SIZE, PAGE_SIZE);
}

static void drop_snapshot(struct snapshot *s)
{
	free(s->mem);
}

#define RW (EPT_R | EPT_W)
#define RWX (EPT_R | EPT_W | EPT_X)
#define WB VMX_MEMTYPE_WB
#define UC VMX_MEMTYPE_UC

/* --- tests -------------------------------------------------------------------- */

static void test_init(void **state)
{
	struct fake_mem m;
	struct ept e;
	const struct ept_mem_ops ops = { fake_alloc, fake_free, fake_virt, &m };
	mem_init(&m);

	struct vmx_ept_caps c = caps_bochs;
	c.walk4 = false;
	assert_int_equal(ept_init(&e, &ops, &c), -1);
	c = caps_bochs;
	c.wb = false;
	assert_int_equal(ept_init(&e, &ops, &c), -1);
	c = caps_bochs;
	c.present = false;
	assert_int_equal(ept_init(&e, &ops, &c), -1);
	ept_destroy(&e);
	m.fail_from = 0;
	assert_int_equal(ept_init(&e, &ops, &caps_bochs), -1);
	ept_destroy(&e);
	assert_int_equal(m.in_use, 0);

	m.fail_from = UINT64_MAX;
	assert_int_equal(ept_init(&e, &ops, &caps_bochs), 0);
	assert_true(e.allow_2m && e.allow_1g && e.ad && e.exec_only);
	assert_int_equal(e.memtype, WB);
	assert_int_equal(e.table_pages, 1);
	/* The PML4 is empty although the page handed out was not. */
	const uint64_t *pml4 = fake_virt(e.pml4, &m);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(pml4[i], 0);
	expect_unmapped(&e, 0);
	end_ept(&e, &m);
}

static void test_eptp(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	/* WB (6) in 2:0, walk length 4 - 1 in 5:3, A/D in 6, the PML4 above. */
	assert_int_equal(ept_eptp(&e), e.pml4 | 0x5e);
	e.ad = false;
	assert_int_equal(ept_eptp(&e), e.pml4 | 0x1e);
	end_ept(&e, &m);

	new_ept(&e, &m, &caps_sandy);
	assert_false(e.ad);
	assert_int_equal(ept_eptp(&e), e.pml4 | 0x1e);
	assert_int_equal(ept_eptp(&e) & BITS(63, 12), e.pml4);
	end_ept(&e, &m);
}

static void test_map_4k(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, 0x7000, 0x123456000, 3 * PAGE_SIZE, RW, WB), 0);
	/* PDPT, PD, PT. */
	assert_int_equal(e.table_pages, 4);
	expect_unmapped(&e, 0x6fff);
	expect_page(&e, 0x7000, 0x123456000, RW, 4 * KIB);
	expect_page(&e, 0x8abc, 0x123457abc, RW, 4 * KIB);
	expect_page(&e, 0x9fff, 0x123458fff, RW, 4 * KIB);
	expect_unmapped(&e, 0xa000);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

/* 1 GiB + 2 MiB + 4 KiB, all aligned: one page of each size. */
static void test_map_picks_largest(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	uint64_t gpa = 2 * GIB, hpa = 5 * GIB, size = GIB + 2 * MIB + 4 * KIB;
	assert_int_equal(ept_map(&e, gpa, hpa, size, RWX, WB), 0);
	expect_page(&e, gpa, hpa, RWX, GIB);
	expect_page(&e, gpa + GIB - 1, hpa + GIB - 1, RWX, GIB);
	expect_page(&e, gpa + GIB + 0x1234, hpa + GIB + 0x1234, RWX, 2 * MIB);
	expect_page(&e, gpa + GIB + 2 * MIB, hpa + GIB + 2 * MIB, RWX, 4 * KIB);
	expect_unmapped(&e, gpa + size);
	expect_unmapped(&e, gpa - 1);
	/* PML4 + PDPT + PD + PT. */
	assert_int_equal(e.table_pages, 4);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

static void test_map_without_1g(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_sandy);
	assert_int_equal(ept_map(&e, GIB, 3 * GIB, GIB + 4 * KIB, RW, WB), 0);
	expect_page(&e, GIB, 3 * GIB, RW, 2 * MIB);
	expect_page(&e, 2 * GIB - 1, 4 * GIB - 1, RW, 2 * MIB);
	expect_page(&e, 2 * GIB, 4 * GIB, RW, 4 * KIB);
	/* PML4, PDPT, two PDs, one PT. */
	assert_int_equal(e.table_pages, 5);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

static void test_map_4k_only(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_4k);
	assert_int_equal(ept_map(&e, GIB, 3 * GIB, 4 * MIB, RW, WB), 0);
	expect_page(&e, GIB, 3 * GIB, RW, 4 * KIB);
	expect_page(&e, GIB + 3 * MIB + 5, 3 * GIB + 3 * MIB + 5, RW, 4 * KIB);
	/* PML4, PDPT, PD, two PTs. */
	assert_int_equal(e.table_pages, 5);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

/* Large pages need gpa and hpa aligned alike. */
static void test_misaligned_falls_back(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	/* hpa only 4 KiB aligned: 4 KiB pages throughout. */
	assert_int_equal(ept_map(&e, 2 * MIB, 0x40001000, 2 * MIB, RW, WB), 0);
	expect_page(&e, 2 * MIB, 0x40001000, RW, 4 * KIB);
	expect_page(&e, 4 * MIB - 1, 0x40200fff, RW, 4 * KIB);
	/* hpa 2 MiB but not 1 GiB aligned: 2 MiB pages. */
	assert_int_equal(ept_map(&e, GIB, 0x80200000, GIB, RW, WB), 0);
	expect_page(&e, GIB, 0x80200000, RW, 2 * MIB);
	expect_page(&e, 2 * GIB - 1, 0xc01fffff, RW, 2 * MIB);
	/* gpa 4 KiB past a 2 MiB boundary: 4 KiB pages up to the next one. */
	assert_int_equal(ept_map(&e, 4 * GIB + 4 * KIB, 8 * GIB + 4 * KIB, 4 * MIB - 4 * KIB, RW, WB), 0);
	expect_page(&e, 4 * GIB + 4 * KIB, 8 * GIB + 4 * KIB, RW, 4 * KIB);
	expect_page(&e, 4 * GIB + 2 * MIB - 1, 8 * GIB + 2 * MIB - 1, RW, 4 * KIB);
	expect_page(&e, 4 * GIB + 2 * MIB, 8 * GIB + 2 * MIB, RW, 2 * MIB);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

static void test_overlap_refused(void **state)
{
	struct fake_mem m;
	struct ept e;
	struct snapshot s;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, 4 * MIB, 0x10000000, 2 * MIB, RW, WB), 0);
	assert_int_equal(ept_map(&e, 8 * MIB, 0x20000000, 4 * KIB, RW, WB), 0);
	take_snapshot(&s, &e, &m);
	/* Over the start of the 2 MiB page, its end, its middle, the 4 KiB page
	 * at the very end of a range, and everything at once. */
	assert_int_equal(ept_map(&e, 0, 0x30000000, 4 * MIB + 4 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 6 * MIB - 4 * KIB, 0x30000000, 8 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 5 * MIB, 0x30000000, 4 * KIB, RWX, WB), -1);
	assert_int_equal(ept_map(&e, 6 * MIB, 0x30000000, 2 * MIB + 4 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 0, 0, GIB, RW, WB), -1);
	expect_snapshot(&s, &e, &m);
	drop_snapshot(&s);
	/* Right next to both is fine. */
	assert_int_equal(ept_map(&e, 6 * MIB, 0x30000000, 2 * MIB, RW, WB), 0);
	assert_int_equal(ept_map(&e, 8 * MIB + 4 * KIB, 0x30200000, 4 * KIB, RW, WB), 0);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

static void test_bad_arguments(void **state)
{
	struct fake_mem m;
	struct ept e;
	struct snapshot s;
	new_ept(&e, &m, &caps_4k);
	assert_int_equal(ept_map(&e, 0, 0, 4 * KIB, EPT_R, WB), 0);
	take_snapshot(&s, &e, &m);

	assert_int_equal(ept_map(&e, 0x10000, 0x10000, 0, RW, WB), -1);
	assert_int_equal(ept_map(&e, 0x10800, 0x10000, 4 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, 0x10800, 4 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, 0x10000, 0x800, RW, WB), -1);
	/* SDM 3C 29.3.3.1: write without read, and execute-only on a CPU
	 * without it, are misconfigurations. */
	assert_int_equal(ept_map(&e, 0x10000, 0x10000, 4 * KIB, EPT_W, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, 0x10000, 4 * KIB, EPT_W | EPT_X, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, 0x10000, 4 * KIB, EPT_X, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, 0x10000, 4 * KIB, 0, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, 0x10000, 4 * KIB, 8 | EPT_R, WB), -1);
	/* Memory types 2, 3 and 7 are reserved; WC, WT, WP are not offered. */
	for (uint8_t mt = 1; mt < 8; mt++)
		if (mt != WB)
			assert_int_equal(ept_map(&e, 0x10000, 0x10000, 4 * KIB, RW, mt), -1);
	/* 48-bit guest-physical addresses, 52-bit host-physical ones. */
	assert_int_equal(ept_map(&e, EPT_GPA_LIMIT, 0x10000, 4 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, EPT_GPA_LIMIT - 4 * KIB, 0x10000, 8 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, -4 * KIB, 0x10000, 8 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, (1ull << 52) - 4 * KIB, 8 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, -4 * KIB, 8 * KIB, RW, WB), -1);
	assert_int_equal(ept_map(&e, 0x10000, 0x10000, -4 * KIB, RW, WB), -1);

	assert_int_equal(ept_unmap(&e, 0, 0), -1);
	assert_int_equal(ept_unmap(&e, 0x800, 4 * KIB), -1);
	assert_int_equal(ept_unmap(&e, EPT_GPA_LIMIT, 4 * KIB), -1);
	assert_int_equal(ept_protect(&e, 0, 4 * KIB, EPT_W), -1);
	assert_int_equal(ept_protect(&e, 0, 4 * KIB, 0), -1);
	assert_int_equal(ept_protect(&e, 0, 4 * KIB, EPT_X), -1);
	assert_int_equal(ept_protect(&e, 0, 0, RW), -1);
	assert_int_equal(ept_protect(&e, 0, 8 * KIB, RW), -1); /* second page unmapped */
	assert_int_equal(ept_protect(&e, EPT_GPA_LIMIT - 4 * KIB, 8 * KIB, RW), -1);
	expect_snapshot(&s, &e, &m);
	drop_snapshot(&s);

	assert_false(ept_translate(&e, EPT_GPA_LIMIT, NULL, NULL, NULL));
	assert_false(ept_translate(&e, UINT64_MAX, NULL, NULL, NULL));
	/* The top of both spaces is usable. */
	assert_int_equal(ept_map(&e, EPT_GPA_LIMIT - 4 * KIB, (1ull << 52) - 4 * KIB, 4 * KIB, EPT_R, WB), 0);
	expect_page(&e, EPT_GPA_LIMIT - 1, (1ull << 52) - 1, EPT_R, 4 * KIB);
	assert_int_equal(ept_unmap(&e, EPT_GPA_LIMIT - 4 * KIB, 4 * KIB), 0);
	end_ept(&e, &m);
}

static void test_exec_only(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, 0, 0x100000, 4 * KIB, EPT_X, WB), 0);
	expect_page(&e, 0, 0x100000, EPT_X, 4 * KIB);
	assert_int_equal(ept_map(&e, 4 * KIB, 0x100000, 4 * KIB, EPT_W | EPT_X, WB), -1);
	assert_int_equal(ept_protect(&e, 0, 4 * KIB, EPT_R), 0);
	expect_page(&e, 0, 0x100000, EPT_R, 4 * KIB);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

/* Memory type in bits 5:3 of leaves only; "ignore PAT" with UC (MMIO). */
static void test_memtype(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, 0, 0x100000000, 2 * MIB + 4 * KIB, RW, WB), 0);
	assert_int_equal(ept_map(&e, 0xfee00000, 0xfee00000, 4 * KIB, RW, UC), 0);
	assert_int_equal(ept_map(&e, 5 * GIB, 0xc0000000, GIB, RW, UC), 0);
	assert_int_equal(leaf_entry(&e, &m, 0), 0x100000000 | 0x80 | (WB << 3) | RW);
	assert_int_equal(leaf_entry(&e, &m, 2 * MIB), 0x100200000 | (WB << 3) | RW);
	assert_int_equal(leaf_entry(&e, &m, 0xfee00000), 0xfee00000 | 0x40 | (UC << 3) | RW);
	assert_int_equal(leaf_entry(&e, &m, 5 * GIB), 0xc0000000 | 0x80 | 0x40 | (UC << 3) | RW);
	check_tables(&e, &m);
	/* A split keeps the type. */
	assert_int_equal(ept_unmap(&e, 5 * GIB + 4 * KIB, 4 * KIB), 0);
	assert_int_equal(leaf_entry(&e, &m, 5 * GIB), 0xc0000000 | 0x40 | (UC << 3) | RW);
	assert_int_equal(leaf_entry(&e, &m, 5 * GIB + 2 * MIB), 0xc0200000 | 0x80 | 0x40 | (UC << 3) | RW);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

static void test_unmap_splits_2m(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	uint64_t gpa = 6 * MIB, hpa = 0x7fe00000;
	assert_int_equal(ept_map(&e, gpa, hpa, 2 * MIB, RWX, WB), 0);
	assert_int_equal(e.table_pages, 3);
	assert_int_equal(ept_unmap(&e, gpa + 0x5000, 0x3000), 0);
	assert_int_equal(e.table_pages, 4);
	for (uint64_t off = 0; off < 2 * MIB; off += 4 * KIB) {
		if (off >= 0x5000 && off < 0x8000)
			expect_unmapped(&e, gpa + off);
		else
			expect_page(&e, gpa + off + 0x321, hpa + off + 0x321, RWX, 4 * KIB);
	}
	check_tables(&e, &m);
	/* Unmapping the rest frees the page table and the PD and PDPT above. */
	assert_int_equal(ept_unmap(&e, gpa, 2 * MIB), 0);
	assert_int_equal(e.table_pages, 1);
	assert_int_equal(m.in_use, 1);
	end_ept(&e, &m);
}

/* 4 KiB at each end of a 1 GiB page: two 2 MiB pages become page tables. */
static void test_unmap_splits_1g(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, GIB, 7 * GIB, GIB, RW, WB), 0);
	assert_int_equal(e.table_pages, 2);
	assert_int_equal(ept_unmap(&e, GIB, 4 * KIB), 0);
	assert_int_equal(ept_unmap(&e, 2 * GIB - 4 * KIB, 4 * KIB), 0);
	assert_int_equal(e.table_pages, 5); /* + PD, two PTs */
	expect_unmapped(&e, GIB);
	expect_page(&e, GIB + 4 * KIB, 7 * GIB + 4 * KIB, RW, 4 * KIB);
	expect_page(&e, GIB + 2 * MIB, 7 * GIB + 2 * MIB, RW, 2 * MIB);
	expect_page(&e, GIB + 0x12345678, 7 * GIB + 0x12345678, RW, 2 * MIB);
	expect_page(&e, 2 * GIB - 8 * KIB, 8 * GIB - 8 * KIB, RW, 4 * KIB);
	expect_unmapped(&e, 2 * GIB - 4 * KIB);
	check_tables(&e, &m);
	/* One unmap across 2 MiB boundaries, splitting only at its two ends. */
	assert_int_equal(ept_unmap(&e, GIB + 3 * MIB, 4 * MIB), 0);
	assert_int_equal(e.table_pages, 7);
	expect_page(&e, GIB + 3 * MIB - 1, 7 * GIB + 3 * MIB - 1, RW, 4 * KIB);
	expect_unmapped(&e, GIB + 3 * MIB);
	expect_unmapped(&e, GIB + 5 * MIB);
	expect_unmapped(&e, GIB + 7 * MIB - 1);
	expect_page(&e, GIB + 7 * MIB, 7 * GIB + 7 * MIB, RW, 4 * KIB);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

static void test_unmap_holes_and_all(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	/* Unmapping nothing is fine and allocates nothing. */
	assert_int_equal(ept_unmap(&e, 0, 512 * GIB), 0);
	assert_int_equal(e.table_pages, 1);
	assert_int_equal(ept_map(&e, 0, 0, 4 * KIB, RW, WB), 0);
	assert_int_equal(ept_map(&e, 3 * MIB, 0x80300000, 3 * GIB, RW, WB), 0);
	assert_int_equal(ept_map(&e, 600 * GIB, 0x80000000, GIB + 2 * MIB, EPT_R, UC), 0);
	assert_int_equal(ept_map(&e, EPT_GPA_LIMIT - 2 * MIB, 0x1000000, 2 * MIB, RWX, WB), 0);
	assert_int_equal(ept_protect(&e, 601 * GIB, 4 * KIB, RW), 0);
	check_tables(&e, &m);
	assert_true(e.table_pages > 10);
	assert_int_equal(ept_unmap(&e, 0, EPT_GPA_LIMIT), 0);
	assert_int_equal(e.table_pages, 1);
	assert_int_equal(m.in_use, 1);
	expect_unmapped(&e, 0);
	expect_unmapped(&e, 600 * GIB);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

static void test_protect(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, 0, 0x40000000, 4 * MIB, RWX, WB), 0);
	assert_int_equal(e.table_pages, 3);
	/* A whole 2 MiB page: no split. */
	assert_int_equal(ept_protect(&e, 2 * MIB, 2 * MIB, EPT_R), 0);
	assert_int_equal(e.table_pages, 3);
	expect_page(&e, 3 * MIB, 0x40300000, EPT_R, 2 * MIB);
	/* Part of one: split, only those pages change. */
	assert_int_equal(ept_protect(&e, 0x10000, 0x2000, RW), 0);
	assert_int_equal(e.table_pages, 4);
	expect_page(&e, 0xf000, 0x4000f000, RWX, 4 * KIB);
	expect_page(&e, 0x10000, 0x40010000, RW, 4 * KIB);
	expect_page(&e, 0x11fff, 0x40011fff, RW, 4 * KIB);
	expect_page(&e, 0x12000, 0x40012000, RWX, 4 * KIB);
	expect_page(&e, 2 * MIB - 1, 0x401fffff, RWX, 4 * KIB);
	/* Across both, already split or not. */
	assert_int_equal(ept_protect(&e, 0, 4 * MIB, RWX), 0);
	expect_page(&e, 0x10000, 0x40010000, RWX, 4 * KIB);
	expect_page(&e, 2 * MIB, 0x40200000, RWX, 2 * MIB);
	/* Of a 1 GiB page. */
	assert_int_equal(ept_map(&e, GIB, 0x80000000, GIB, RW, WB), 0);
	assert_int_equal(ept_protect(&e, GIB + 2 * MIB, 2 * MIB, EPT_R), 0);
	expect_page(&e, GIB, 0x80000000, RW, 2 * MIB);
	expect_page(&e, GIB + 2 * MIB, 0x80200000, EPT_R, 2 * MIB);
	expect_page(&e, GIB + 4 * MIB, 0x80400000, RW, 2 * MIB);
	check_tables(&e, &m);
	end_ept(&e, &m);
}

/* --- out of memory at every allocation --------------------------------------- */

enum op_kind { OP_MAP, OP_UNMAP, OP_PROTECT };

struct op {
	enum op_kind kind;
	uint64_t gpa, size;
	paddr_t hpa;
	unsigned perms;
	uint8_t memtype;
};

static int run_op(struct ept *e, const struct op *op)
{
	switch (op->kind) {
	case OP_MAP:
		return ept_map(e, op->gpa, op->hpa, op->size, op->perms, op->memtype);
	case OP_UNMAP:
		return ept_unmap(e, op->gpa, op->size);
	case OP_PROTECT:
		return ept_protect(e, op->gpa, op->size, op->perms);
	}
	return -1;
}

/* Lets allocation k and every later one fail, for k = 0, 1, ... until op
 * succeeds: each failure must leave tables and pool exactly as they were.
 * Returns the number of allocations op needed. */
static uint64_t oom_every_point(struct ept *e, struct fake_mem *m, const struct op *op)
{
	struct snapshot s;
	take_snapshot(&s, e, m);
	uint64_t k;
	for (k = 0;; k++) {
		m->allocs = 0;
		m->fail_from = k;
		if (run_op(e, op) == 0)
			break;
		expect_snapshot(&s, e, m);
		check_tables(e, m);
	}
	m->fail_from = UINT64_MAX;
	drop_snapshot(&s);
	check_tables(e, m);
	return k;
}

static void test_oom_map(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, 0, 0x40000000, 2 * MIB, RW, WB), 0);
	assert_int_equal(ept_map(&e, 513 * GIB, 0x40000000, 4 * KIB, RW, WB), 0);
	check_tables(&e, &m);

	/* Across a 1 GiB and a 512 GiB boundary, 4 KiB pages at both ends:
	 * a new PD and PT below 512 GiB, a PD and PT under the existing PDPT
	 * above it. */
	const struct op across = { OP_MAP, 512 * GIB - 8 * KIB, 2 * MIB + 16 * KIB, 0x100000000 - 8 * KIB, RW, WB };
	assert_int_equal(oom_every_point(&e, &m, &across), 4);
	expect_page(&e, 512 * GIB - 8 * KIB, 0x100000000 - 8 * KIB, RW, 4 * KIB);
	expect_page(&e, 512 * GIB, 0x100000000, RW, 2 * MIB);
	expect_page(&e, 512 * GIB + 2 * MIB + 4 * KIB, 0x100000000 + 2 * MIB + 4 * KIB, RW, 4 * KIB);
	expect_page(&e, 513 * GIB, 0x40000000, RW, 4 * KIB);
	expect_page(&e, 0, 0x40000000, RW, 2 * MIB);

	/* Next to an existing mapping, sharing its tables. */
	const struct op beside = { OP_MAP, 2 * MIB + 4 * KIB, 2 * MIB, 0x50001000, RWX, UC };
	assert_int_equal(oom_every_point(&e, &m, &beside), 2);
	expect_page(&e, 4 * MIB, 0x50200000, RWX, 4 * KIB);
	end_ept(&e, &m);

	/* Without large pages, many page tables. */
	new_ept(&e, &m, &caps_4k);
	const struct op many = { OP_MAP, 2 * GIB - 2 * MIB, 16 * MIB, 0x1000000, RW, WB };
	assert_int_equal(oom_every_point(&e, &m, &many), 1 + 2 + 8);
	assert_int_equal(e.table_pages, 1 + 1 + 2 + 8);
	end_ept(&e, &m);
}

static void test_oom_split(void **state)
{
	struct fake_mem m;
	struct ept e;
	new_ept(&e, &m, &caps_bochs);
	assert_int_equal(ept_map(&e, GIB, 0x40000000, 2 * GIB, RWX, WB), 0);
	assert_int_equal(ept_map(&e, 8 * GIB, 0x40000000, 4 * MIB, RWX, WB), 0);

	/* Both ends inside (different) 1 GiB pages, off 2 MiB: four splits. */
	const struct op unmap = { OP_UNMAP, GIB + 4 * KIB, 2 * GIB - 8 * KIB, 0, 0, 0 };
	const struct op protect = { OP_PROTECT, GIB + 4 * KIB, 2 * GIB - 8 * KIB, 0, EPT_R, 0 };
	assert_int_equal(oom_every_point(&e, &m, &protect), 4);
	expect_page(&e, GIB, 0x40000000, RWX, 4 * KIB);
	expect_page(&e, GIB + 4 * KIB, 0x40001000, EPT_R, 4 * KIB);
	expect_page(&e, GIB + 2 * MIB, 0x40200000, EPT_R, 2 * MIB);
	expect_page(&e, 3 * GIB - 4 * KIB, 0xbffff000, RWX, 4 * KIB);
	/* Already split: nothing to allocate. */
	assert_int_equal(oom_every_point(&e, &m, &unmap), 0);
	expect_page(&e, GIB, 0x40000000, RWX, 4 * KIB);
	expect_unmapped(&e, GIB + 4 * KIB);
	expect_unmapped(&e, 2 * GIB);
	expect_page(&e, 3 * GIB - 4 * KIB, 0xbffff000, RWX, 4 * KIB);

	/* Both ends in the same 2 MiB page. */
	const struct op middle = { OP_UNMAP, 8 * GIB + 0x3000, 0x2000, 0, 0, 0 };
	assert_int_equal(oom_every_point(&e, &m, &middle), 1);
	expect_page(&e, 8 * GIB + 0x2000, 0x40002000, RWX, 4 * KIB);
	expect_unmapped(&e, 8 * GIB + 0x3000);
	expect_page(&e, 8 * GIB + 0x5000, 0x40005000, RWX, 4 * KIB);
	expect_page(&e, 8 * GIB + 2 * MIB, 0x40200000, RWX, 2 * MIB);
	end_ept(&e, &m);
}

/* --- against a model ---------------------------------------------------------- */

#define MODEL_PAGES (2 * GIB / PAGE_SIZE) /* the first 2 GiB of guest-physical space */

struct model_page {
	paddr_t hpa;
	uint8_t perms; /* 0: unmapped */
};

static uint32_t rnd(uint32_t *seed)
{
	*seed = *seed * 1664525u + 1013904223u;
	return *seed >> 8;
}

static void check_model(const struct ept *e, struct fake_mem *m, const struct model_page *model)
{
	for (uint64_t i = 0; i < MODEL_PAGES; i++) {
		paddr_t h;
		unsigned p;
		bool mapped = ept_translate(e, i * PAGE_SIZE, &h, &p, NULL);
		assert_int_equal(mapped, model[i].perms != 0);
		if (mapped) {
			assert_int_equal(h, model[i].hpa);
			assert_int_equal(p, model[i].perms);
		}
	}
	check_tables(e, m);
}

static void model_run(const struct vmx_ept_caps *caps, uint32_t seed)
{
	static const unsigned perm_choices[] = { EPT_R, RW, EPT_R | EPT_X, RWX, EPT_X };
	static const uint64_t units[] = { 4 * KIB, 2 * MIB, GIB };
	struct fake_mem m;
	struct ept e;
	struct model_page *model = calloc(MODEL_PAGES, sizeof(*model));
	assert_non_null(model);
	new_ept(&e, &m, caps);

	for (int step = 0; step < 400; step++) {
		uint64_t unit = units[rnd(&seed) % 8 < 5 ? 0 : rnd(&seed) % 3 ? 1 : 2];
		uint64_t gpa = ALIGN_DOWN((uint64_t)rnd(&seed) * PAGE_SIZE % (2 * GIB), unit);
		uint64_t size = unit * (1 + rnd(&seed) % (unit == GIB ? 1 : 600));
		size = MIN(size, 2 * GIB - gpa);
		if (rnd(&seed) % 4 == 0)
			size -= size > PAGE_SIZE ? PAGE_SIZE : 0;
		uint64_t first = gpa / PAGE_SIZE, n = size / PAGE_SIZE;
		unsigned perms = perm_choices[rnd(&seed) % ARRAY_SIZE(perm_choices)];
		bool valid = (perms & EPT_R) || caps->exec_only;
		uint64_t mapped = 0;
		for (uint64_t i = first; i < first + n; i++)
			mapped += model[i].perms != 0;

		switch (rnd(&seed) % 3) {
		case 0: {
			/* hpa congruent with gpa modulo 1 GiB half of the time. */
			paddr_t hpa = (uint64_t)(rnd(&seed) % 64) * GIB;
			if (rnd(&seed) % 2)
				hpa += gpa % GIB;
			else
				hpa += (uint64_t)(rnd(&seed) % (GIB / PAGE_SIZE)) * PAGE_SIZE;
			int want = mapped == 0 && valid ? 0 : -1;
			assert_int_equal(ept_map(&e, gpa, hpa, size, perms, rnd(&seed) % 2 ? WB : UC), want);
			for (uint64_t i = first; want == 0 && i < first + n; i++)
				model[i] = (struct model_page){ hpa + (i - first) * PAGE_SIZE, perms };
			break;
		}
		case 1:
			assert_int_equal(ept_unmap(&e, gpa, size), 0);
			for (uint64_t i = first; i < first + n; i++)
				model[i].perms = 0;
			break;
		default: {
			int want = mapped == n && valid ? 0 : -1;
			assert_int_equal(ept_protect(&e, gpa, size, perms), want);
			for (uint64_t i = first; want == 0 && i < first + n; i++)
				model[i].perms = perms;
			break;
		}
		}
		if (step % 50 == 49)
			check_model(&e, &m, model);
	}
	check_model(&e, &m, model);
	assert_int_equal(ept_unmap(&e, 0, 2 * GIB), 0);
	assert_int_equal(e.table_pages, 1);
	end_ept(&e, &m);
	free(model);
}

static void test_model(void **state)
{
	model_run(&caps_bochs, 1);
	model_run(&caps_sandy, 2);
	model_run(&caps_4k, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_eptp),
		cmocka_unit_test(test_map_4k),
		cmocka_unit_test(test_map_picks_largest),
		cmocka_unit_test(test_map_without_1g),
		cmocka_unit_test(test_map_4k_only),
		cmocka_unit_test(test_misaligned_falls_back),
		cmocka_unit_test(test_overlap_refused),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_exec_only),
		cmocka_unit_test(test_memtype),
		cmocka_unit_test(test_unmap_splits_2m),
		cmocka_unit_test(test_unmap_splits_1g),
		cmocka_unit_test(test_unmap_holes_and_all),
		cmocka_unit_test(test_protect),
		cmocka_unit_test(test_oom_map),
		cmocka_unit_test(test_oom_split),
		cmocka_unit_test(test_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
