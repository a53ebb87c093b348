/* Unit tests for hv/emul/pagewalk.c: page tables built in a fake guest RAM for
 * every paging mode and page size, exact #PF error codes, reserved bits, rights. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/emul/pagewalk.h"

#define BIT(n) ((uint64_t)1 << (n))
#define CR0_PE BIT(0)
#define EFER_LME BIT(8)

/* Entry bits (SDM Vol. 3A Tables 4-4 to 4-20). */
#define P BIT(0)
#define RW BIT(1)
#define US BIT(2)
#define PS BIT(7)
#define XD BIT(63)
#define PRWUS (P | RW | US)

/* Error codes, spelled out. */
#define EP PW_PF_P
#define EW PW_PF_W
#define EU PW_PF_U
#define ER PW_PF_RSVD
#define EI PW_PF_ID
#define EK PW_PF_PK

/* --- fake guest RAM ------------------------------------------------------------ */

#define RAM_SIZE (4 * MIB) /* guest-physical [0, 4 MiB) */
#define TABLES_BASE (1 * MIB)

struct guest {
	uint8_t *mem;
	uint64_t next;  /* next free table page */
	unsigned reads; /* read_gpa calls */
};

static struct guest g;

static int setup_ram(void **state)
{
	g.mem = calloc(1, RAM_SIZE);
	return g.mem ? 0 : -1;
}

static int free_ram(void **state)
{
	free(g.mem);
	return 0;
}

static bool read_gpa(uint64_t gpa, void *buf, size_t len, void *ctx)
{
	struct guest *gu = ctx;
	gu->reads++;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memcpy(buf, gu->mem + gpa, len);
	return true;
}

static uint64_t new_table(void)
{
	uint64_t t = g.next;
	assert_true(t + PAGE_SIZE <= RAM_SIZE);
	g.next += PAGE_SIZE;
	memset(g.mem + t, 0, PAGE_SIZE);
	return t;
}

/* --- building tables in every mode ------------------------------------------------ */

enum mode { M32, MPAE, M4, M5 };
static const char *const mode_name[] = { "32-bit", "PAE", "4-level", "5-level" };

static unsigned entry_size(enum mode m)
{
	return m == M32 ? 4 : 8;
}

static unsigned top_level(enum mode m)
{
	return m == M32 || m == MPAE ? 2 : m == M4 ? 4 : 5;
}

static unsigned shift_of(enum mode m, unsigned level)
{
	return m == M32 ? 12 + 10 * (level - 1) : 12 + 9 * (level - 1);
}

static uint64_t page_size(enum mode m, unsigned level)
{
	return BIT(shift_of(m, level));
}

/* The largest leaf level: 4 MiB pages in 32-bit paging, 2 MiB in PAE, 1 GiB. */
static unsigned max_leaf(enum mode m)
{
	return m == M32 || m == MPAE ? 2 : 3;
}

static uint64_t get_entry(enum mode m, uint64_t gpa)
{
	uint64_t v = 0;
	memcpy(&v, g.mem + gpa, entry_size(m));
	return v;
}

static void put_entry(enum mode m, uint64_t gpa, uint64_t v)
{
	assert_true(m != M32 || v <= UINT32_MAX);
	memcpy(g.mem + gpa, &v, entry_size(m));
}

/* Fresh RAM and registers for mode m: CR0.PE/PG, CPL 0, MAXPHYADDR 46, 1 GiB
 * pages; PAE gets four present PDPTEs, each with its own page directory. */
static void setup(enum mode m, struct pw_regs *r)
{
	memset(g.mem, 0, RAM_SIZE);
	g.next = TABLES_BASE;
	g.reads = 0;
	*r = (struct pw_regs){ .cr0 = CR0_PE | PW_CR0_PG, .maxphyaddr = 46, .gbpages = true };
	switch (m) {
	case M32:
		r->cr4 = PW_CR4_PSE;
		r->cr3 = new_table();
		break;
	case MPAE:
		r->cr4 = PW_CR4_PAE;
		r->cr3 = 0xfff00000; /* outside RAM: the PDPTEs come from pdpte[] */
		for (unsigned i = 0; i < 4; i++)
			r->pdpte[i] = new_table() | P;
		break;
	case M4:
	case M5:
		r->cr4 = PW_CR4_PAE | (m == M5 ? PW_CR4_LA57 : 0);
		r->efer = EFER_LME | PW_EFER_LMA;
		r->cr3 = new_table();
		break;
	}
}

/* The GPA of the entry at `level` for lin, creating present PRWUS tables above. */
static uint64_t slot(enum mode m, const struct pw_regs *r, uint64_t lin, unsigned level)
{
	uint64_t table = m == MPAE ? r->pdpte[(lin >> 30) & 3] & ~0xfffull : r->cr3 & ~0xfffull;
	unsigned index_mask = m == M32 ? 1023 : 511;
	for (unsigned l = top_level(m);; l--) {
		uint64_t s = table + ((lin >> shift_of(m, l)) & index_mask) * entry_size(m);
		if (l == level)
			return s;
		uint64_t e = get_entry(m, s);
		if (!(e & P)) {
			e = new_table() | PRWUS;
			put_entry(m, s, e);
		}
		table = e & 0x000ffffffffff000ull;
	}
}

/* Maps the page at `level` holding lin to phys with the leaf's flags (PS added
 * above level 1); returns the leaf entry's GPA. */
static uint64_t map(enum mode m, const struct pw_regs *r, uint64_t lin, unsigned level,
		    uint64_t phys, uint64_t flags)
{
	uint64_t s = slot(m, r, lin, level);
	put_entry(m, s, phys | flags | (level > 1 ? PS : 0));
	return s;
}

static void set_bits(enum mode m, const struct pw_regs *r, uint64_t lin, unsigned level, uint64_t bits)
{
	uint64_t s = slot(m, r, lin, level);
	put_entry(m, s, get_entry(m, s) | bits);
}

static void clear_bits(enum mode m, const struct pw_regs *r, uint64_t lin, unsigned level, uint64_t bits)
{
	uint64_t s = slot(m, r, lin, level);
	put_entry(m, s, get_entry(m, s) & ~bits);
}

/* --- checks ----------------------------------------------------------------------- */

static const struct pw_access RD = { 0 };
static const struct pw_access WR = { .write = true };
static const struct pw_access FETCH = { .fetch = true };
static const struct pw_access IMPLICIT_RD = { .implicit_supervisor = true };
static const struct pw_access IMPLICIT_WR = { .write = true, .implicit_supervisor = true };

static void expect_gpa(const struct pw_regs *r, uint64_t lin, struct pw_access acc, uint64_t want)
{
	uint64_t gpa = 0;
	struct pw_fault f;
	int res = pw_translate(r, lin, acc, read_gpa, &g, &gpa, &f);
	if (res != PW_OK)
		print_error("lin %#llx: result %d error code %#x\n", (unsigned long long)lin, res, f.error_code);
	assert_int_equal(res, PW_OK);
	assert_int_equal(gpa, want);
}

static void expect_fault(const struct pw_regs *r, uint64_t lin, struct pw_access acc, uint32_t code)
{
	uint64_t gpa = 0x5a5a;
	struct pw_fault f;
	int res = pw_translate(r, lin, acc, read_gpa, &g, &gpa, &f);
	if (res != PW_FAULT)
		print_error("lin %#llx: result %d, gpa %#llx\n", (unsigned long long)lin, res,
			    (unsigned long long)gpa);
	assert_int_equal(res, PW_FAULT);
	assert_int_equal(f.error_code, code);
	assert_int_equal(f.cr2, lin);
	assert_int_equal(gpa, 0x5a5a); /* untouched on failure */
}

static void expect_bad_gpa(const struct pw_regs *r, uint64_t lin, uint64_t entry_gpa)
{
	uint64_t gpa = 0;
	struct pw_fault f;
	assert_int_equal(pw_translate(r, lin, RD, read_gpa, &g, &gpa, &f), PW_BAD_GPA);
	assert_int_equal(f.gpa, entry_gpa);
	assert_int_equal(f.cr2, lin);
}

/* --- paging off ------------------------------------------------------------------- */

static void test_paging_off(void **state)
{
	struct pw_regs r = { .cr0 = 0, .maxphyaddr = 46 }; /* real mode */
	g.reads = 0;
	expect_gpa(&r, 0xffff0, RD, 0xffff0);
	expect_gpa(&r, 0x10ffef, WR, 0x10ffef); /* FFFF:FFFF, A20 on */
	r.cr0 = CR0_PE; /* protected mode, no paging */
	expect_gpa(&r, 0xfffffffc, FETCH, 0xfffffffc);
	/* Linear addresses are 32 bits here: base + offset wraps. */
	expect_gpa(&r, 0x100001234ull, RD, 0x1234);
	r.cpl = 3;
	r.cr4 = PW_CR4_PAE | PW_CR4_SMEP | PW_CR4_SMAP; /* ignored without CR0.PG */
	expect_gpa(&r, 0x2000, WR, 0x2000);
	assert_int_equal(g.reads, 0);
}

/* --- translations ----------------------------------------------------------------- */

static void test_32bit_4k(void **state)
{
	struct pw_regs r;
	setup(M32, &r);
	uint64_t pd = r.cr3;
	r.cr3 |= 0x18; /* PWT, PCD: not part of the address */
	uint64_t pt = new_table();
	/* 0xc0801abc: PDE index 0x302, PTE index 1, offset 0xabc. */
	put_entry(M32, pd + 0x302 * 4, pt | PRWUS);
	put_entry(M32, pt + 1 * 4, 0x12345000 | PRWUS | BIT(7) /* PAT */ | BIT(8) /* G */);
	g.reads = 0;
	expect_gpa(&r, 0xc0801abc, RD, 0x12345abc);
	assert_int_equal(g.reads, 2);
	/* Bits above 31 of the linear address do not exist in this mode. */
	expect_gpa(&r, 0x7c0801abcull, WR, 0x12345abc);
	/* Without CR4.PSE, a PDE's bit 7 is ignored: still a page table. */
	put_entry(M32, pd + 0x302 * 4, pt | PRWUS | PS);
	r.cr4 = 0;
	expect_gpa(&r, 0xc0801abc, RD, 0x12345abc);
}

static void test_32bit_4m_pse36(void **state)
{
	struct pw_regs r;
	setup(M32, &r);
	uint64_t pde = r.cr3 + 0x301 * 4;
	/* 4 MiB page at 0x00400000 | bits 39:32 = 0xab in PDE bits 20:13. */
	put_entry(M32, pde, 0x00400000 | (0xabull << 13) | PS | PRWUS);
	r.maxphyaddr = 40;
	expect_gpa(&r, 0xc0523456, RD, 0xab00523456ull);
	/* MAXPHYADDR above 40 still gives 40 bits (SDM 4.3): bit 21 stays reserved. */
	r.maxphyaddr = 52;
	expect_gpa(&r, 0xc0523456, RD, 0xab00523456ull);
	put_entry(M32, pde, 0x00400000 | BIT(21) | PS | PRWUS);
	expect_fault(&r, 0xc0523456, RD, EP | ER);
	/* MAXPHYADDR 36: bits 16:13 are address bits 35:32, 21:17 reserved. */
	r.maxphyaddr = 36;
	put_entry(M32, pde, 0x00400000 | (0xbull << 13) | PS | PRWUS);
	expect_gpa(&r, 0xc0523456, RD, 0xb00523456ull);
	put_entry(M32, pde, 0x00400000 | BIT(17) | PS | PRWUS);
	expect_fault(&r, 0xc0523456, WR, EP | EW | ER);
	/* MAXPHYADDR 32: no PSE-36 bits at all, 21:13 reserved. */
	r.maxphyaddr = 32;
	put_entry(M32, pde, 0x00400000 | BIT(13) | PS | PRWUS);
	expect_fault(&r, 0xc0523456, RD, EP | ER);
	/* Bit 12 is PAT, not reserved and not an address bit. */
	put_entry(M32, pde, 0x00400000 | BIT(12) | PS | PRWUS);
	expect_gpa(&r, 0xc0523456, RD, 0x00523456);
	/* A value below 32 is taken as 32. */
	r.maxphyaddr = 0;
	expect_gpa(&r, 0xc0523456, RD, 0x00523456);
}

static void test_pae(void **state)
{
	struct pw_regs r;
	setup(MPAE, &r);
	r.maxphyaddr = 36;
	map(MPAE, &r, 0xc0201234, 1, 0xfedcba000ull, PRWUS | BIT(8));
	map(MPAE, &r, 0x40600000, 2, 0x876400000ull, PRWUS | BIT(12) /* PAT */);
	g.reads = 0;
	expect_gpa(&r, 0xc0201234, RD, 0xfedcba234ull);
	/* Two reads: the PDE and the PTE; the PDPTE is a register. */
	assert_int_equal(g.reads, 2);
	expect_gpa(&r, 0x406abcde, WR, 0x8764abcdeull);
	expect_gpa(&r, 0x1406abcdeull, WR, 0x8764abcdeull); /* 32-bit linear */
	/* A not-present PDPTE faults without reading memory. */
	r.pdpte[1] &= ~P;
	g.reads = 0;
	expect_fault(&r, 0x406abcde, WR, EW);
	assert_int_equal(g.reads, 0);
}

static void test_4level(void **state)
{
	struct pw_regs r;
	setup(M4, &r);
	r.cr3 |= 0x123; /* PCID bits */
	map(M4, &r, 0xffff800012345678ull, 1, 0x3fff1234000ull, PRWUS);
	map(M4, &r, 0x00007f0000400000ull, 2, 0x200000000ull, PRWUS);
	map(M4, &r, 0xffffffffc0000000ull, 3, 0x3ffc0000000ull, PRWUS | BIT(12));
	g.reads = 0;
	expect_gpa(&r, 0xffff800012345678ull, RD, 0x3fff1234678ull);
	assert_int_equal(g.reads, 4);
	expect_gpa(&r, 0x00007f00005fffffull, WR, 0x2001fffffull);
	expect_gpa(&r, 0xffffffffc7654321ull, FETCH, 0x3ffc7654321ull);
	expect_gpa(&r, 0xfffffffffffffff8ull, RD, 0x3fffffffff8ull);
	/* A neighbouring page in the same tables is not mapped. */
	expect_fault(&r, 0xffff800012346678ull, RD, 0);
	/* Bits 62:52 are ignored, and bit 63 is XD with NXE. */
	set_bits(M4, &r, 0xffff800012345678ull, 1, BIT(52) | BIT(58) | BIT(62));
	set_bits(M4, &r, 0xffff800012345678ull, 4, BIT(62));
	expect_gpa(&r, 0xffff800012345678ull, RD, 0x3fff1234678ull);
	r.efer |= PW_EFER_NXE;
	set_bits(M4, &r, 0xffff800012345678ull, 2, XD);
	expect_gpa(&r, 0xffff800012345678ull, WR, 0x3fff1234678ull);
	/* MAXPHYADDR 52: bit 51 is an address bit. */
	r.maxphyaddr = 52;
	map(M4, &r, 0x1000, 1, 0x8000000000000ull, PRWUS);
	expect_gpa(&r, 0x1abc, RD, 0x8000000000abcull);
}

static void test_5level(void **state)
{
	struct pw_regs r;
	setup(M5, &r);
	/* Needs 57 bits: not canonical with 4-level paging. */
	uint64_t lin = 0x00ff123456789abcull;
	map(M5, &r, lin, 1, 0x1234000, PRWUS);
	map(M5, &r, 0xff00000000200000ull, 2, 0x40000000, PRWUS);
	map(M5, &r, 0x0080000040000000ull, 3, 0x80000000, PRWUS);
	g.reads = 0;
	expect_gpa(&r, lin, RD, 0x1234abc);
	assert_int_equal(g.reads, 5);
	expect_gpa(&r, 0xff000000002fffffull, WR, 0x400fffff);
	expect_gpa(&r, 0x0080000040000123ull, FETCH, 0x80000123);
	struct pw_regs r4 = r;
	r4.cr4 &= ~PW_CR4_LA57;
	uint64_t gpa;
	struct pw_fault f;
	assert_int_equal(pw_translate(&r4, lin, RD, read_gpa, &g, &gpa, &f), PW_NONCANONICAL);
	/* The PML5E's bit 7 is reserved. */
	set_bits(M5, &r, lin, 5, PS);
	expect_fault(&r, lin, RD, EP | ER);
}

static void test_noncanonical(void **state)
{
	struct pw_regs r;
	setup(M4, &r);
	uint64_t gpa;
	struct pw_fault f;
	static const uint64_t bad4[] = { 0x0000800000000000ull, 0xffff7fffffffffffull, 0x8000000000000000ull,
					 0x0001000000000000ull };
	g.reads = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(bad4); i++) {
		assert_int_equal(pw_translate(&r, bad4[i], RD, read_gpa, &g, &gpa, &f), PW_NONCANONICAL);
		assert_int_equal(f.cr2, bad4[i]);
	}
	assert_int_equal(g.reads, 0);
	/* Canonical extremes: walked (and not present). */
	expect_fault(&r, 0x00007fffffffffffull, RD, 0);
	expect_fault(&r, 0xffff800000000000ull, RD, 0);
	setup(M5, &r);
	assert_int_equal(pw_translate(&r, 0x0100000000000000ull, RD, read_gpa, &g, &gpa, &f), PW_NONCANONICAL);
	assert_int_equal(pw_translate(&r, 0xfeffffffffffffffull, RD, read_gpa, &g, &gpa, &f), PW_NONCANONICAL);
	expect_fault(&r, 0x00ffffffffffffffull, RD, 0);
	expect_fault(&r, 0xff00000000000000ull, RD, 0);
}

/* --- not present at every level ------------------------------------------------------ */

static void test_not_present_every_level(void **state)
{
	static const enum mode modes[] = { M32, MPAE, M4, M5 };
	const uint64_t lin = 0x40601abc;
	for (unsigned mi = 0; mi < ARRAY_SIZE(modes); mi++) {
		enum mode m = modes[mi];
		for (unsigned level = 1; level <= top_level(m); level++) {
			struct pw_regs r;
			setup(m, &r);
			map(m, &r, lin, 1, 0x777000, PRWUS);
			/* Every other bit of the entry may be anything: P = 0 wins. */
			uint64_t junk = m == M32 ? 0xfffffffe : 0xfffffffffffffffeull;
			put_entry(m, slot(m, &r, lin, level), junk);
			expect_fault(&r, lin, RD, 0);
			expect_fault(&r, lin, WR, EW);
			expect_fault(&r, lin, IMPLICIT_RD, 0);
			r.cpl = 3;
			expect_fault(&r, lin, WR, EW | EU);
			expect_fault(&r, lin, IMPLICIT_WR, EW);
			/* I/D only with SMEP, or with PAE paging and NXE. */
			expect_fault(&r, lin, FETCH, EU);
			r.cr4 |= PW_CR4_SMEP;
			expect_fault(&r, lin, FETCH, EU | EI);
			r.cr4 &= ~PW_CR4_SMEP;
			r.efer |= PW_EFER_NXE;
			expect_fault(&r, lin, FETCH, m == M32 ? EU : EU | EI);
		}
	}
	/* The PAE PDPTE: a register, not present. */
	struct pw_regs r;
	setup(MPAE, &r);
	r.pdpte[1] = 0xfffffffffffffffeull;
	expect_fault(&r, lin, WR, EW);
}

/* --- reserved bits ------------------------------------------------------------------ */

struct rsvd_case {
	unsigned level, leaf; /* the entry that gets the bit; the translation's leaf level */
	uint64_t bit;
	bool reserved;
};

static void run_rsvd(enum mode m, const struct rsvd_case *c, size_t n, unsigned maxphy, bool nxe)
{
	const uint64_t lin = 0x40000000;
	for (size_t i = 0; i < n; i++) {
		struct pw_regs r;
		setup(m, &r);
		r.maxphyaddr = maxphy;
		r.efer |= nxe ? PW_EFER_NXE : 0;
		map(m, &r, lin, c[i].leaf, 0x40000000, PRWUS);
		set_bits(m, &r, lin, c[i].level, c[i].bit);
		uint64_t gpa;
		struct pw_fault f;
		int res = pw_translate(&r, lin, WR, read_gpa, &g, &gpa, &f);
		int want = c[i].reserved ? PW_FAULT : PW_OK;
		if (res != want || (res == PW_FAULT && f.error_code != (EP | EW | ER)))
			print_error("%s M=%u case %zu: level %u leaf %u bit %#llx: result %d code %#x\n",
				    mode_name[m], maxphy, i, c[i].level, c[i].leaf,
				    (unsigned long long)c[i].bit, res, f.error_code);
		assert_int_equal(res, want);
		if (res == PW_FAULT)
			assert_int_equal(f.error_code, EP | EW | ER);
		else
			assert_int_equal(gpa, 0x40000000);
	}
}

static void test_reserved_4level(void **state)
{
	static const struct rsvd_case c[] = {
		/* Bits 51:MAXPHYADDR at every level and page size. */
		{ 4, 1, BIT(46), true }, { 4, 1, BIT(51), true },
		{ 3, 1, BIT(46), true }, { 3, 1, BIT(51), true },
		{ 2, 1, BIT(47), true }, { 1, 1, BIT(50), true },
		{ 3, 3, BIT(46), true }, { 2, 2, BIT(51), true },
		/* PS is reserved in a PML4E. */
		{ 4, 1, PS, true },
		/* A 1 GiB page: bits 29:13 reserved, 12 is PAT. */
		{ 3, 3, BIT(13), true }, { 3, 3, BIT(20), true }, { 3, 3, BIT(29), true },
		{ 3, 3, BIT(12), false },
		/* A 2 MiB page: bits 20:13 reserved, 12 is PAT. */
		{ 2, 2, BIT(13), true }, { 2, 2, BIT(20), true }, { 2, 2, BIT(12), false },
		/* Bit 7 of a PTE is PAT. */
		{ 1, 1, PS, false },
		/* 62:52 are ignored. */
		{ 4, 1, BIT(52), false }, { 3, 3, BIT(62), false }, { 1, 1, BIT(58), false },
		/* Bit 63 without NXE. */
		{ 4, 1, XD, true }, { 3, 1, XD, true }, { 2, 2, XD, true }, { 1, 1, XD, true },
	};
	run_rsvd(M4, c, ARRAY_SIZE(c), 46, false);
	run_rsvd(M5, c, ARRAY_SIZE(c), 46, false);

	/* With NXE bit 63 is XD: a write is fine. */
	static const struct rsvd_case nx[] = {
		{ 4, 1, XD, false }, { 2, 2, XD, false }, { 3, 3, XD, false }, { 1, 1, XD, false },
	};
	run_rsvd(M4, nx, ARRAY_SIZE(nx), 46, true);

	/* MAXPHYADDR 36 reserves bit 36; 52 reserves none of 51:12. */
	static const struct rsvd_case m36[] = {
		{ 4, 1, BIT(36), true }, { 1, 1, BIT(36), true }, { 2, 2, BIT(40), true },
	};
	run_rsvd(M4, m36, ARRAY_SIZE(m36), 36, false);

	/* The PML5E: bit 7 and 51:M reserved. */
	static const struct rsvd_case l5[] = {
		{ 5, 1, PS, true }, { 5, 1, BIT(46), true }, { 5, 3, BIT(60), false },
	};
	run_rsvd(M5, l5, ARRAY_SIZE(l5), 46, false);
}

static void test_reserved_1g_unsupported(void **state)
{
	struct pw_regs r;
	setup(M4, &r);
	map(M4, &r, 0x40000000, 3, 0x40000000, PRWUS);
	expect_gpa(&r, 0x40000000, RD, 0x40000000);
	r.gbpages = false;
	expect_fault(&r, 0x40000000, RD, EP | ER);
	r.cpl = 3;
	expect_fault(&r, 0x40000000, RD, EP | EU | ER);
}

static void test_reserved_pae(void **state)
{
	static const struct rsvd_case c[] = {
		/* PAE reserves 62:MAXPHYADDR, not just 51:M. */
		{ 2, 1, BIT(46), true }, { 2, 1, BIT(52), true }, { 2, 1, BIT(62), true },
		{ 1, 1, BIT(59), true }, { 2, 2, BIT(55), true },
		/* 2 MiB pages: 20:13 reserved, 12 PAT. */
		{ 2, 2, BIT(13), true }, { 2, 2, BIT(20), true }, { 2, 2, BIT(12), false },
		{ 2, 1, XD, true }, { 1, 1, XD, true },
	};
	run_rsvd(MPAE, c, ARRAY_SIZE(c), 46, false);
	static const struct rsvd_case nx[] = { { 2, 1, XD, false }, { 1, 1, XD, false } };
	run_rsvd(MPAE, nx, ARRAY_SIZE(nx), 46, true);

	/* The PDPTE register: bits 2:1, 8:5 and 63:M are reserved (Table 4-8);
	 * PWT, PCD and 11:9 are not. */
	static const uint64_t bad[] = { BIT(1), BIT(2), BIT(5), BIT(6), BIT(8), BIT(36), BIT(52), XD };
	static const uint64_t good[] = { BIT(3), BIT(4), BIT(9), BIT(11) };
	const uint64_t lin = 0xc0000000;
	for (unsigned nxe = 0; nxe < 2; nxe++) {
		for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
			struct pw_regs r;
			setup(MPAE, &r);
			r.maxphyaddr = 36;
			r.efer |= nxe ? PW_EFER_NXE : 0;
			map(MPAE, &r, lin, 1, 0x5000, PRWUS);
			r.pdpte[3] |= bad[i];
			g.reads = 0;
			expect_fault(&r, lin, RD, EP | ER);
			assert_int_equal(g.reads, 0);
		}
	}
	for (unsigned i = 0; i < ARRAY_SIZE(good); i++) {
		struct pw_regs r;
		setup(MPAE, &r);
		map(MPAE, &r, lin, 1, 0x5000, PRWUS);
		r.pdpte[3] |= good[i];
		expect_gpa(&r, lin, RD, 0x5000);
	}
}

/* Reserved bits are checked top-down and before rights: a reserved bit in an
 * upper entry beats a missing lower one, and beats a protection violation. */
static void test_reserved_order(void **state)
{
	struct pw_regs r;
	setup(M4, &r);
	const uint64_t lin = 0x40000000;
	map(M4, &r, lin, 1, 0x5000, PRWUS);
	clear_bits(M4, &r, lin, 1, P);
	set_bits(M4, &r, lin, 3, BIT(50));
	expect_fault(&r, lin, RD, EP | ER);
	setup(M4, &r);
	map(M4, &r, lin, 1, 0x5000, P); /* supervisor, read-only */
	set_bits(M4, &r, lin, 1, BIT(50));
	r.cpl = 3;
	expect_fault(&r, lin, WR, EP | EW | EU | ER);
}

/* --- rights truth tables -------------------------------------------------------------- */

struct rights_row {
	bool user_page, ro, xd, np;        /* the leaf entry */
	unsigned cpl;
	bool implicit, write, fetch;       /* the access */
	bool wp, smep, smap, ac, nxe;      /* the registers */
	uint32_t want;                     /* 0: allowed */
};

static const struct rights_row rights[] = {
	/* R/W, U/S and CR0.WP. */
	{ .write = 1, .wp = 1, .want = 0 },
	{ .ro = 1, .write = 1, .wp = 0, .want = 0 },
	{ .ro = 1, .write = 1, .wp = 1, .want = EP | EW },
	{ .user_page = 1, .ro = 1, .write = 1, .wp = 0, .want = 0 },
	{ .user_page = 1, .ro = 1, .write = 1, .wp = 1, .want = EP | EW },
	{ .user_page = 1, .ro = 1, .cpl = 3, .write = 1, .wp = 0, .want = EP | EW | EU },
	{ .user_page = 1, .cpl = 3, .write = 1, .wp = 0, .want = 0 },
	{ .cpl = 3, .write = 1, .want = EP | EW | EU },
	{ .cpl = 3, .want = EP | EU },
	{ .user_page = 1, .ro = 1, .cpl = 3, .want = 0 },
	{ .ro = 1, .cpl = 1, .write = 1, .wp = 1, .want = EP | EW },
	{ .ro = 1, .cpl = 2, .write = 1, .wp = 0, .want = 0 },
	/* SMEP. */
	{ .user_page = 1, .fetch = 1, .want = 0 },
	{ .user_page = 1, .fetch = 1, .smep = 1, .want = EP | EI },
	{ .fetch = 1, .smep = 1, .want = 0 },
	{ .user_page = 1, .cpl = 3, .fetch = 1, .smep = 1, .want = 0 },
	{ .cpl = 3, .fetch = 1, .want = EP | EU },
	{ .cpl = 3, .fetch = 1, .smep = 1, .want = EP | EU | EI },
	{ .user_page = 1, .smep = 1, .want = 0 },
	{ .user_page = 1, .ro = 1, .fetch = 1, .write = 1, .wp = 1, .want = 0 }, /* a fetch never writes */
	/* SMAP and RFLAGS.AC. */
	{ .user_page = 1, .smap = 1, .want = EP },
	{ .user_page = 1, .smap = 1, .ac = 1, .want = 0 },
	{ .user_page = 1, .smap = 1, .ac = 1, .implicit = 1, .want = EP },
	{ .user_page = 1, .smap = 1, .implicit = 1, .want = EP },
	{ .user_page = 1, .implicit = 1, .want = 0 },
	{ .user_page = 1, .write = 1, .smap = 1, .want = EP | EW },
	{ .user_page = 1, .write = 1, .smap = 1, .ac = 1, .want = 0 },
	{ .user_page = 1, .ro = 1, .write = 1, .smap = 1, .ac = 1, .wp = 1, .want = EP | EW },
	{ .user_page = 1, .ro = 1, .write = 1, .smap = 1, .ac = 1, .wp = 0, .want = 0 },
	{ .smap = 1, .want = 0 },
	{ .user_page = 1, .cpl = 3, .smap = 1, .want = 0 },
	{ .user_page = 1, .cpl = 1, .smap = 1, .want = EP },
	{ .user_page = 1, .fetch = 1, .smap = 1, .want = 0 },
	/* Implicit supervisor-mode accesses at CPL 3: supervisor rules, U/S = 0. */
	{ .user_page = 1, .cpl = 3, .implicit = 1, .smap = 1, .ac = 1, .want = EP },
	{ .cpl = 3, .implicit = 1, .want = 0 },
	{ .ro = 1, .cpl = 3, .implicit = 1, .write = 1, .wp = 1, .want = EP | EW },
	{ .ro = 1, .cpl = 3, .implicit = 1, .write = 1, .wp = 0, .want = 0 },
	{ .cpl = 3, .ac = 1, .want = EP | EU },
	/* XD with NXE; bit 63 reserved without it. */
	{ .xd = 1, .nxe = 1, .fetch = 1, .want = EP | EI },
	{ .user_page = 1, .xd = 1, .nxe = 1, .cpl = 3, .fetch = 1, .want = EP | EU | EI },
	{ .xd = 1, .nxe = 1, .want = 0 },
	{ .xd = 1, .nxe = 1, .write = 1, .want = 0 },
	{ .nxe = 1, .fetch = 1, .want = 0 },
	{ .user_page = 1, .nxe = 1, .fetch = 1, .smep = 1, .want = EP | EI },
	{ .nxe = 1, .cpl = 3, .fetch = 1, .want = EP | EU | EI },
	{ .xd = 1, .fetch = 1, .want = EP | ER },
	{ .xd = 1, .fetch = 1, .smep = 1, .want = EP | ER | EI },
	{ .xd = 1, .write = 1, .want = EP | EW | ER },
	{ .xd = 1, .cpl = 3, .user_page = 1, .want = EP | EU | ER },
	/* Not present: only the access bits. */
	{ .np = 1, .cpl = 3, .fetch = 1, .want = EU },
	{ .np = 1, .cpl = 3, .fetch = 1, .nxe = 1, .want = EU | EI },
	{ .np = 1, .user_page = 1, .ac = 1, .smap = 1, .write = 1, .want = EW },
};

static void run_rights(enum mode m, unsigned leaf, size_t i, const struct rights_row *row)
{
	const uint64_t lin = 0x40601abc, phys = 0xc0000000;
	struct pw_regs r;
	setup(m, &r);
	uint64_t flags = (row->np ? 0 : P) | (row->ro ? 0 : RW) | (row->user_page ? US : 0) | (row->xd ? XD : 0);
	map(m, &r, lin, leaf, phys, flags);
	r.cpl = row->cpl;
	r.cr0 |= row->wp ? PW_CR0_WP : 0;
	r.cr4 |= (row->smep ? PW_CR4_SMEP : 0) | (row->smap ? PW_CR4_SMAP : 0);
	r.efer |= row->nxe ? PW_EFER_NXE : 0;
	r.rflags = 0x2 | (row->ac ? PW_RFLAGS_AC : 0);
	struct pw_access acc = { .write = row->write, .fetch = row->fetch, .implicit_supervisor = row->implicit };
	uint64_t gpa = 0;
	struct pw_fault f;
	int res = pw_translate(&r, lin, acc, read_gpa, &g, &gpa, &f);
	int want = row->want ? PW_FAULT : PW_OK;
	if (res != want || (res == PW_FAULT && f.error_code != row->want))
		print_error("%s, leaf level %u, row %zu: result %d code %#x, want %#x\n", mode_name[m], leaf, i,
			    res, f.error_code, row->want);
	assert_int_equal(res, want);
	if (res == PW_OK)
		assert_int_equal(gpa, phys + (lin & (page_size(m, leaf) - 1)));
	else
		assert_int_equal(f.error_code, row->want);
}

/* Every row in every mode and page size; 32-bit paging has no XD, so rows that
 * need NXE or XD run elsewhere. */
static void test_rights(void **state)
{
	static const enum mode modes[] = { M32, MPAE, M4, M5 };
	for (unsigned mi = 0; mi < ARRAY_SIZE(modes); mi++)
		for (unsigned leaf = 1; leaf <= max_leaf(modes[mi]); leaf++)
			for (size_t i = 0; i < ARRAY_SIZE(rights); i++)
				if (modes[mi] != M32 || (!rights[i].xd && !rights[i].nxe))
					run_rights(modes[mi], leaf, i, &rights[i]);
}

/* 32-bit paging: EFER.NXE means nothing (CR4.PAE = 0), so I/D needs SMEP. */
static void test_rights_32bit_nxe(void **state)
{
	struct pw_regs r;
	setup(M32, &r);
	map(M32, &r, 0x1000, 1, 0x9000, P | RW);
	r.efer = PW_EFER_NXE;
	r.cpl = 3;
	expect_fault(&r, 0x1000, FETCH, EP | EU);
	r.cr4 |= PW_CR4_SMEP;
	expect_fault(&r, 0x1000, FETCH, EP | EU | EI);
}

/* Rights combine over levels: user or writable only if every level says so,
 * execute-disable if any level does. */
static void test_rights_upper_levels(void **state)
{
	static const enum mode modes[] = { M32, MPAE, M4, M5 };
	const uint64_t lin = 0x40601abc;
	for (unsigned mi = 0; mi < ARRAY_SIZE(modes); mi++) {
		enum mode m = modes[mi];
		for (unsigned level = 2; level <= top_level(m); level++) {
			struct pw_regs r;
			setup(m, &r);
			map(m, &r, lin, 1, 0x9000, PRWUS);
			r.cr0 |= PW_CR0_WP;
			clear_bits(m, &r, lin, level, US);
			r.cpl = 3;
			expect_fault(&r, lin, RD, EP | EU);
			r.cpl = 0;
			r.cr4 |= PW_CR4_SMAP; /* now a supervisor page: SMAP does not apply */
			expect_gpa(&r, lin, RD, 0x9abc);
			r.cr4 &= ~PW_CR4_SMAP;
			set_bits(m, &r, lin, level, US);
			clear_bits(m, &r, lin, level, RW);
			expect_fault(&r, lin, WR, EP | EW);
			r.cr0 &= ~PW_CR0_WP;
			r.cpl = 3;
			expect_fault(&r, lin, WR, EP | EW | EU);
			if (m == M32)
				continue;
			r.cpl = 0;
			set_bits(m, &r, lin, level, RW);
			r.efer |= PW_EFER_NXE;
			set_bits(m, &r, lin, level, XD);
			expect_fault(&r, lin, FETCH, EP | EI);
			expect_gpa(&r, lin, WR, 0x9abc);
		}
	}
}

/* --- protection keys ------------------------------------------------------------------- */

struct pk_row {
	bool user_page, ro;
	unsigned key;
	uint32_t pkru;
	unsigned cpl;
	bool implicit, write, fetch, wp, smap, no_pke;
	uint32_t want;
};

#define AD(k) (1u << (2 * (k)))
#define WD(k) (2u << (2 * (k)))

static const struct pk_row pk_rows[] = {
	{ .user_page = 1, .key = 5, .pkru = AD(5), .cpl = 3, .want = EP | EU | EK },
	{ .user_page = 1, .key = 5, .pkru = WD(5), .cpl = 3, .write = 1, .wp = 1, .want = EP | EW | EU | EK },
	{ .user_page = 1, .key = 5, .pkru = WD(5), .cpl = 3, .want = 0 },
	{ .user_page = 1, .key = 5, .pkru = WD(5), .cpl = 3, .write = 1, .wp = 0, .want = EP | EW | EU | EK },
	/* PK alongside another violation; and that violation alone. */
	{ .user_page = 1, .ro = 1, .key = 5, .pkru = WD(5), .cpl = 3, .write = 1, .want = EP | EW | EU | EK },
	{ .user_page = 1, .ro = 1, .key = 5, .pkru = WD(4) | AD(6), .cpl = 3, .write = 1, .want = EP | EW | EU },
	/* Supervisor-mode accesses to user pages: AD always, WD only with WP. */
	{ .user_page = 1, .key = 5, .pkru = AD(5), .want = EP | EK },
	{ .user_page = 1, .key = 5, .pkru = WD(5), .write = 1, .wp = 0, .want = 0 },
	{ .user_page = 1, .key = 5, .pkru = WD(5), .write = 1, .wp = 1, .want = EP | EW | EK },
	{ .user_page = 1, .key = 5, .pkru = AD(5), .smap = 1, .want = EP | EK },
	{ .user_page = 1, .key = 5, .pkru = AD(5), .cpl = 3, .implicit = 1, .want = EP | EK },
	/* Keys govern data accesses to user pages only. */
	{ .key = 5, .pkru = AD(5) | WD(5), .write = 1, .wp = 1, .want = 0 },
	{ .user_page = 1, .key = 5, .pkru = AD(5), .cpl = 3, .fetch = 1, .want = 0 },
	{ .user_page = 1, .key = 5, .pkru = AD(5), .cpl = 3, .no_pke = 1, .want = 0 },
	{ .user_page = 1, .key = 4, .pkru = AD(5) | WD(5) | AD(3), .cpl = 3, .write = 1, .want = 0 },
	{ .user_page = 1, .key = 15, .pkru = AD(15), .cpl = 3, .want = EP | EU | EK },
	{ .user_page = 1, .key = 0, .pkru = AD(0), .cpl = 3, .want = EP | EU | EK },
	{ .user_page = 1, .key = 15, .pkru = ~AD(15), .cpl = 3, .want = 0 },
};

static void run_pk(enum mode m, unsigned leaf, size_t i, const struct pk_row *row)
{
	const uint64_t lin = 0x40601abc, phys = 0xc0000000;
	struct pw_regs r;
	setup(m, &r);
	uint64_t flags = P | (row->ro ? 0 : RW) | (row->user_page ? US : 0) | (uint64_t)row->key << 59;
	map(m, &r, lin, leaf, phys, flags);
	r.cpl = row->cpl;
	r.pkru = row->pkru;
	r.cr0 |= row->wp ? PW_CR0_WP : 0;
	r.cr4 |= (row->no_pke ? 0 : PW_CR4_PKE) | (row->smap ? PW_CR4_SMAP : 0);
	struct pw_access acc = { .write = row->write, .fetch = row->fetch, .implicit_supervisor = row->implicit };
	uint64_t gpa = 0;
	struct pw_fault f;
	int res = pw_translate(&r, lin, acc, read_gpa, &g, &gpa, &f);
	int want = row->want ? PW_FAULT : PW_OK;
	if (res != want || (res == PW_FAULT && f.error_code != row->want))
		print_error("%s leaf %u pk row %zu: result %d code %#x\n", mode_name[m], leaf, i, res,
			    f.error_code);
	assert_int_equal(res, want);
	if (res == PW_OK)
		assert_int_equal(gpa, phys + (lin & (page_size(m, leaf) - 1)));
	else
		assert_int_equal(f.error_code, row->want);
}

static void test_pkeys(void **state)
{
	static const enum mode modes[] = { M4, M5 };
	const uint64_t lin = 0x40601abc, phys = 0xc0000000;
	for (unsigned mi = 0; mi < ARRAY_SIZE(modes); mi++)
		for (unsigned leaf = 1; leaf <= 3; leaf++)
			for (size_t i = 0; i < ARRAY_SIZE(pk_rows); i++)
				run_pk(modes[mi], leaf, i, &pk_rows[i]);
	/* In PAE paging bits 62:59 are reserved, not a key; in 32-bit paging they
	 * do not exist. Neither mode has keys. */
	struct pw_regs r;
	setup(MPAE, &r);
	map(MPAE, &r, lin, 1, phys, PRWUS | (5ull << 59));
	r.cr4 |= PW_CR4_PKE;
	r.pkru = AD(5);
	r.cpl = 3;
	expect_fault(&r, lin, RD, EP | EU | ER);
	map(MPAE, &r, lin, 1, phys, PRWUS);
	r.pkru = AD(0) | WD(0);
	expect_gpa(&r, lin, WR, phys + 0xabc);
	setup(M32, &r);
	map(M32, &r, lin, 1, phys, PRWUS);
	r.cr4 |= PW_CR4_PKE;
	r.pkru = ~0u;
	r.cpl = 3;
	expect_gpa(&r, lin, WR, phys + 0xabc);
}

/* --- the walk never writes; structures outside RAM ---------------------------------- */

static void test_no_accessed_dirty(void **state)
{
	static const enum mode modes[] = { M32, MPAE, M4, M5 };
	for (unsigned mi = 0; mi < ARRAY_SIZE(modes); mi++) {
		for (unsigned leaf = 1; leaf <= max_leaf(modes[mi]); leaf++) {
			struct pw_regs r;
			setup(modes[mi], &r);
			map(modes[mi], &r, 0x40601abc, leaf, 0xc0000000, PRWUS);
			uint8_t *before = malloc(RAM_SIZE);
			assert_non_null(before);
			memcpy(before, g.mem, RAM_SIZE);
			uint64_t want = 0xc0000000 + (0x40601abc & (page_size(modes[mi], leaf) - 1));
			expect_gpa(&r, 0x40601abc, WR, want);
			expect_gpa(&r, 0x40601abc, FETCH, want);
			assert_memory_equal(before, g.mem, RAM_SIZE);
			free(before);
		}
	}
}

static void test_bad_gpa(void **state)
{
	struct pw_regs r;
	const uint64_t lin = 0x40601abc;
	/* 32-bit: the page directory, then a page table, outside RAM. */
	setup(M32, &r);
	r.cr3 = 0x80000000;
	expect_bad_gpa(&r, lin, 0x80000000 + (lin >> 22) * 4);
	setup(M32, &r);
	put_entry(M32, r.cr3 + (lin >> 22) * 4, 0x7ffff000 | PRWUS);
	expect_bad_gpa(&r, lin, 0x7ffff000 + ((lin >> 12) & 1023) * 4);
	/* A 4 MiB page outside RAM is a translation, not an error: RAM is the
	 * caller's business (MMIO lives there). */
	put_entry(M32, r.cr3 + (lin >> 22) * 4, 0x7fc00000 | PRWUS | PS);
	expect_gpa(&r, lin, RD, 0x7fc00000 + (lin & 0x3fffff));
	/* PAE: the page directory the PDPTE names. */
	setup(MPAE, &r);
	r.pdpte[1] = 0x100000000ull | P;
	expect_bad_gpa(&r, lin, 0x100000000ull + ((lin >> 21) & 511) * 8);
	/* 4-level: CR3, and the page table a PDE names. */
	setup(M4, &r);
	r.cr3 = 0x40000000;
	expect_bad_gpa(&r, lin, 0x40000000);
	setup(M4, &r);
	map(M4, &r, lin, 1, 0x1000, PRWUS);
	uint64_t pde = slot(M4, &r, lin, 2);
	put_entry(M4, pde, RAM_SIZE | PRWUS);
	expect_bad_gpa(&r, lin, RAM_SIZE + ((lin >> 12) & 511) * 8);
	/* 5-level: the PML5 table. */
	setup(M5, &r);
	r.cr3 = 0x3fffffff000ull;
	expect_bad_gpa(&r, 0xff00000000000000ull, 0x3fffffff000ull + 0x100 * 8);
}

/* --- accesses across a page boundary ------------------------------------------------ */

static int range(const struct pw_regs *r, uint64_t lin, size_t len, struct pw_access acc,
		 struct pw_range *out, struct pw_fault *f)
{
	return pw_translate_range(r, lin, len, acc, read_gpa, &g, out, f);
}

static void test_range(void **state)
{
	struct pw_regs r;
	struct pw_range out;
	struct pw_fault f;
	setup(M4, &r);
	r.cr0 |= PW_CR0_WP;
	/* Two neighbouring linear pages on physical pages far apart. */
	map(M4, &r, 0x7000, 1, 0x123000, PRWUS);
	map(M4, &r, 0x8000, 1, 0x055000, PRWUS);
	map(M4, &r, 0x9000, 1, 0x066000, P | US);

	assert_int_equal(range(&r, 0x7ff0, 8, WR, &out, &f), PW_OK);
	assert_int_equal(out.parts, 1);
	assert_int_equal(out.part[0].linear, 0x7ff0);
	assert_int_equal(out.part[0].gpa, 0x123ff0);
	assert_int_equal(out.part[0].len, 8);
	/* Ends exactly at the boundary: one part. */
	assert_int_equal(range(&r, 0x7ffc, 4, WR, &out, &f), PW_OK);
	assert_int_equal(out.parts, 1);
	/* Crosses it. */
	assert_int_equal(range(&r, 0x7ffe, 4, WR, &out, &f), PW_OK);
	assert_int_equal(out.parts, 2);
	assert_int_equal(out.part[0].gpa, 0x123ffe);
	assert_int_equal(out.part[0].len, 2);
	assert_int_equal(out.part[1].linear, 0x8000);
	assert_int_equal(out.part[1].gpa, 0x055000);
	assert_int_equal(out.part[1].len, 2);
	/* A whole page, aligned and not. */
	assert_int_equal(range(&r, 0x8000, 4096, RD, &out, &f), PW_OK);
	assert_int_equal(out.parts, 1);
	assert_int_equal(out.part[0].len, 4096);
	assert_int_equal(range(&r, 0x7001, 4096, RD, &out, &f), PW_OK);
	assert_int_equal(out.parts, 2);
	assert_int_equal(out.part[0].len, 4095);
	assert_int_equal(out.part[1].gpa, 0x055000);
	assert_int_equal(out.part[1].len, 1);

	/* The second page is read-only: the write faults there, cr2 its first byte. */
	assert_int_equal(range(&r, 0x8ffd, 8, WR, &out, &f), PW_FAULT);
	assert_int_equal(out.failed, 1);
	assert_int_equal(out.part[0].gpa, 0x055ffd);
	assert_int_equal(f.error_code, EP | EW);
	assert_int_equal(f.cr2, 0x9000);
	assert_int_equal(range(&r, 0x8ffd, 8, RD, &out, &f), PW_OK);
	/* The second page is not mapped. */
	assert_int_equal(range(&r, 0x9ffe, 2 + 4, RD, &out, &f), PW_FAULT);
	assert_int_equal(out.failed, 1);
	assert_int_equal(f.error_code, 0);
	assert_int_equal(f.cr2, 0xa000);
	/* The first is not mapped: part 0 fails, cr2 the access's start. */
	assert_int_equal(range(&r, 0x6ffe, 4, RD, &out, &f), PW_FAULT);
	assert_int_equal(out.failed, 0);
	assert_int_equal(f.cr2, 0x6ffe);
	r.cpl = 3;
	assert_int_equal(range(&r, 0x6ffe, 4, WR, &out, &f), PW_FAULT);
	assert_int_equal(f.error_code, EW | EU);

	/* Lengths. */
	assert_int_equal(range(&r, 0x7000, 0, RD, &out, &f), PW_BAD_LENGTH);
	assert_int_equal(range(&r, 0x7000, 4097, RD, &out, &f), PW_BAD_LENGTH);
	assert_int_equal(out.parts, 0);
}

static void test_range_bad_gpa(void **state)
{
	struct pw_regs r;
	struct pw_range out;
	struct pw_fault f;
	setup(M4, &r);
	map(M4, &r, 0x7000, 1, 0x123000, PRWUS);
	/* 0x8000 is in the same page table; 0x200000 needs a page table outside RAM. */
	map(M4, &r, 0x1ff000, 1, 0x124000, PRWUS);
	uint64_t pde = slot(M4, &r, 0x200000, 2);
	put_entry(M4, pde, 0x10000000 | PRWUS);
	assert_int_equal(range(&r, 0x1ffffc, 8, RD, &out, &f), PW_BAD_GPA);
	assert_int_equal(out.failed, 1);
	assert_int_equal(f.gpa, 0x10000000);
	assert_int_equal(f.cr2, 0x200000);
}

/* Outside IA-32e mode the second part wraps to linear 0. */
static void test_range_wraps_32bit(void **state)
{
	struct pw_regs r;
	struct pw_range out;
	struct pw_fault f;
	setup(M32, &r);
	map(M32, &r, 0xfffff000, 1, 0x321000, PRWUS);
	map(M32, &r, 0x00000000, 1, 0x654000, PRWUS);
	assert_int_equal(range(&r, 0xfffffffe, 4, WR, &out, &f), PW_OK);
	assert_int_equal(out.parts, 2);
	assert_int_equal(out.part[0].gpa, 0x321ffe);
	assert_int_equal(out.part[1].linear, 0);
	assert_int_equal(out.part[1].gpa, 0x654000);
	/* Paging off: the same wrap, physical = linear. */
	r.cr0 = CR0_PE;
	assert_int_equal(range(&r, 0xffffffff, 2, WR, &out, &f), PW_OK);
	assert_int_equal(out.parts, 2);
	assert_int_equal(out.part[0].gpa, 0xffffffff);
	assert_int_equal(out.part[1].gpa, 0);
	assert_int_equal(out.part[1].len, 1);
}

/* An access that runs off the canonical range raises #GP before any #PF:
 * the first page's missing translation is not reported. */
static void test_range_noncanonical(void **state)
{
	struct pw_regs r;
	struct pw_range out;
	struct pw_fault f;
	setup(M4, &r);
	assert_int_equal(range(&r, 0x00007ffffffffffcull, 8, RD, &out, &f), PW_NONCANONICAL);
	assert_int_equal(out.failed, 1);
	assert_int_equal(f.cr2, 0x0000800000000000ull);
	assert_int_equal(range(&r, 0x0000800000000000ull, 8, RD, &out, &f), PW_NONCANONICAL);
	assert_int_equal(out.failed, 0);
	/* 5-level paging: the same address is fine (and not mapped). */
	setup(M5, &r);
	assert_int_equal(range(&r, 0x00007ffffffffffcull, 8, RD, &out, &f), PW_FAULT);
	assert_int_equal(out.failed, 0);
	assert_int_equal(f.cr2, 0x00007ffffffffffcull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_off),
		cmocka_unit_test(test_32bit_4k),
		cmocka_unit_test(test_32bit_4m_pse36),
		cmocka_unit_test(test_pae),
		cmocka_unit_test(test_4level),
		cmocka_unit_test(test_5level),
		cmocka_unit_test(test_noncanonical),
		cmocka_unit_test(test_not_present_every_level),
		cmocka_unit_test(test_reserved_4level),
		cmocka_unit_test(test_reserved_1g_unsupported),
		cmocka_unit_test(test_reserved_pae),
		cmocka_unit_test(test_reserved_order),
		cmocka_unit_test(test_rights),
		cmocka_unit_test(test_rights_32bit_nxe),
		cmocka_unit_test(test_rights_upper_levels),
		cmocka_unit_test(test_pkeys),
		cmocka_unit_test(test_no_accessed_dirty),
		cmocka_unit_test(test_bad_gpa),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_range_bad_gpa),
		cmocka_unit_test(test_range_wraps_32bit),
		cmocka_unit_test(test_range_noncanonical),
	};
	return cmocka_run_group_tests(tests, setup_ram, free_ram);
}
