/* The guest MSR policy: power-on values, read-back of valid writes, every
 * class of invalid write refused with the state unchanged, the IA32_APIC_BASE
 * transitions, MTRR and PAT types, canonical checks, and random accesses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/msr_policy.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Everything offered: an x2APIC-capable BSP with NX, the speculation
 * controls, 8 variable MTRRs, MAXPHYADDR 39 and 48-bit linear addresses. */
static const struct msr_platform full = {
	.bsp = true, .x2apic = true, .tsc_deadline = true, .spec_ctrl = true, .stibp = true,
	.ssbd = true, .nx = true, .mtrr = true, .mtrr_var_count = 8, .pa_bits = 39, .la_bits = 48,
};

/* Nothing optional: an AP without x2APIC, NX, MTRRs or speculation controls. */
static const struct msr_platform bare = { .pa_bits = 36, .la_bits = 48 };

static uint64_t read_ok(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr)
{
	struct msr_vcpu_state before = *s;
	uint64_t v = 0xdead;
	uint32_t where = 0xdead;

	assert_int_equal(msr_policy_read(p, s, msr, &v, &where), MSR_OK);
	assert_int_equal(where, MSR_BACK_NONE);
	assert_memory_equal(&before, s, sizeof(*s));
	return v;
}

static void read_is(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
		    enum msr_result want, uint32_t want_where)
{
	struct msr_vcpu_state before = *s;
	uint64_t v = 0xdead;
	uint32_t where = 0xdead;

	assert_int_equal(msr_policy_read(p, s, msr, &v, &where), want);
	assert_int_equal(v, 0);
	assert_int_equal(where, want_where);
	assert_memory_equal(&before, s, sizeof(*s));
}

static void read_gp(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr)
{
	read_is(p, s, msr, MSR_GP, MSR_BACK_NONE);
}

static void read_backed(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
			uint32_t backing)
{
	read_is(p, s, msr, MSR_VMCS, backing);
}

static void write_ok(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr, uint64_t v)
{
	uint32_t where = 0xdead;

	assert_int_equal(msr_policy_write(p, s, msr, v, &where), MSR_OK);
	assert_int_equal(where, MSR_BACK_NONE);
}

/* Refused and backed writes leave the state as it was. */
static void write_is(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr, uint64_t v,
		     enum msr_result want, uint32_t want_where)
{
	struct msr_vcpu_state before = *s;
	uint32_t where = 0xdead;

	assert_int_equal(msr_policy_write(p, s, msr, v, &where), want);
	assert_int_equal(where, want_where);
	assert_memory_equal(&before, s, sizeof(*s));
}

static void write_gp(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr, uint64_t v)
{
	write_is(p, s, msr, v, MSR_GP, MSR_BACK_NONE);
}

static void write_backed(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
			 uint64_t v, uint32_t backing)
{
	write_is(p, s, msr, v, MSR_VMCS, backing);
}

/* v with byte n replaced by t. */
static uint64_t with_byte(uint64_t v, unsigned n, uint64_t t)
{
	return (v & ~(0xffull << (8 * n))) | t << (8 * n);
}

static void power_on_values(void **state)
{
	struct msr_platform no_nx = full;
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_APIC_BASE), 0xfee00900);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MISC_ENABLE), 0x1801);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_SPEC_CTRL), 0);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MTRR_DEF_TYPE), 0);
	for (uint32_t msr = MSR_IA32_MTRR_PHYSBASE0; msr < MSR_IA32_MTRR_PHYSBASE0 + 16; msr++)
		assert_int_equal(read_ok(&full, &s, msr), 0);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MTRR_FIX64K_00000), 0);
	assert_int_equal(s.guest_efer, 0);
	assert_int_equal(s.guest_cr0, 0x60000010);

	msr_vcpu_state_init(&bare, &s);
	assert_int_equal(read_ok(&bare, &s, MSR_IA32_APIC_BASE), 0xfee00800);
	assert_int_equal(read_ok(&bare, &s, MSR_IA32_MISC_ENABLE), 0x400001801ull);

	no_nx.nx = false;
	msr_vcpu_state_init(&no_nx, &s);
	assert_int_equal(read_ok(&no_nx, &s, MSR_IA32_MISC_ENABLE), MISC_ENABLE_XD_DISABLE | 0x1801);
}

/* Reads with fixed answers; the read-only ones refuse every write. */
static void fixed_value_msrs(void **state)
{
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_PLATFORM_ID), 0);
	write_gp(&full, &s, MSR_IA32_PLATFORM_ID, 0);
	write_gp(&full, &s, MSR_IA32_PLATFORM_ID, 1ull << 50);

	assert_int_equal(read_ok(&full, &s, MSR_IA32_BIOS_SIGN_ID), 0);
	write_ok(&full, &s, MSR_IA32_BIOS_SIGN_ID, 0);
	write_ok(&full, &s, MSR_IA32_BIOS_SIGN_ID, 0x12345678ull << 32);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_BIOS_SIGN_ID), 0);

	assert_int_equal(read_ok(&full, &s, MSR_IA32_FEATURE_CONTROL), 1);
	write_gp(&full, &s, MSR_IA32_FEATURE_CONTROL, 1);
	write_gp(&full, &s, MSR_IA32_FEATURE_CONTROL, 5);
	write_gp(&full, &s, MSR_IA32_FEATURE_CONTROL, 0);
	assert_int_equal(read_ok(&bare, &s, MSR_IA32_FEATURE_CONTROL), 1);
}

static void unknown_msrs_refused(void **state)
{
	/* MSR 0 (P5_MC_ADDR), TSC_ADJUST, MSR_PLATFORM_INFO, DEBUGCTL, the VMX
	 * capability MSRs, KVM's and Hyper-V's ranges, AMD's, the gaps at each
	 * end of the ones offered. */
	static const uint32_t unknown[] = {
		0x0,        0x1,        0x11,       0x3b,       0xce,       0x1d9,      0x480,
		0x48b,      0x4b564d00, 0x4b564d01, 0x4b564dff, 0x40000000, 0x40000001, 0xc0011000,
		0xc0010000, 0x1fff,     0x2000,     0x6e1,      0x7ff,      0x900,      0xc000007f,
		0xc0000085, 0xc0000104, 0xc0001fff, 0xffffffff,
	};
	const struct msr_platform *plats[] = { &full, &bare };
	struct msr_vcpu_state s;

	for (size_t p = 0; p < ARRAY_LEN(plats); p++) {
		msr_vcpu_state_init(plats[p], &s);
		for (size_t i = 0; i < ARRAY_LEN(unknown); i++) {
			read_gp(plats[p], &s, unknown[i]);
			write_gp(plats[p], &s, unknown[i], 0);
			write_gp(plats[p], &s, unknown[i], ~0ull);
		}
	}
}

static void tsc(void **state)
{
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	read_backed(&full, &s, MSR_IA32_TIME_STAMP_COUNTER, MSR_BACK_TSC_OFFSET);
	write_backed(&full, &s, MSR_IA32_TIME_STAMP_COUNTER, 0, MSR_BACK_TSC_OFFSET);
	write_backed(&full, &s, MSR_IA32_TIME_STAMP_COUNTER, ~0ull, MSR_BACK_TSC_OFFSET);
	read_backed(&bare, &s, MSR_IA32_TIME_STAMP_COUNTER, MSR_BACK_TSC_OFFSET);
}

static void sysenter(void **state)
{
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	read_backed(&full, &s, MSR_IA32_SYSENTER_CS, MSR_BACK_SYSENTER_CS);
	read_backed(&full, &s, MSR_IA32_SYSENTER_ESP, MSR_BACK_SYSENTER_ESP);
	read_backed(&full, &s, MSR_IA32_SYSENTER_EIP, MSR_BACK_SYSENTER_EIP);
	write_backed(&full, &s, MSR_IA32_SYSENTER_CS, 0x10, MSR_BACK_SYSENTER_CS);
	write_backed(&full, &s, MSR_IA32_SYSENTER_CS, 0xffffffff, MSR_BACK_SYSENTER_CS);
	write_gp(&full, &s, MSR_IA32_SYSENTER_CS, 1ull << 32);
	write_gp(&full, &s, MSR_IA32_SYSENTER_CS, 0x10 | 1ull << 63);
	write_backed(&full, &s, MSR_IA32_SYSENTER_ESP, 0xffff800000001000, MSR_BACK_SYSENTER_ESP);
	write_backed(&full, &s, MSR_IA32_SYSENTER_EIP, 0xffffffff81000000, MSR_BACK_SYSENTER_EIP);
}

/* Every MSR holding an address, at the 48-bit canonical boundary. */
static const struct {
	uint32_t msr, backing;
} address_msrs[] = {
	{ MSR_IA32_SYSENTER_ESP, MSR_BACK_SYSENTER_ESP }, { MSR_IA32_SYSENTER_EIP, MSR_BACK_SYSENTER_EIP },
	{ MSR_LSTAR, MSR_BACK_LSTAR },                   { MSR_CSTAR, MSR_BACK_CSTAR },
	{ MSR_FS_BASE, MSR_BACK_FS_BASE },               { MSR_GS_BASE, MSR_BACK_GS_BASE },
	{ MSR_KERNEL_GS_BASE, MSR_BACK_KERNEL_GS_BASE },
};

static void canonical_48(void **state)
{
	static const uint64_t good[] = { 0, 0x00007fffffffffff, 0xffff800000000000, ~0ull, 0x1000 };
	static const uint64_t bad[] = {
		0x0000800000000000, 0xffff7fffffffffff, 0x8000000000000000, 0x7fffffffffffffff,
		0x00ff800000000000, 0x0001000000000000,
	};
	/* A width other than 57 counts as 48. */
	struct msr_platform odd = full;
	const struct msr_platform *plats[] = { &full, &odd, &odd };
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	for (size_t p = 0; p < ARRAY_LEN(plats); p++) {
		odd.la_bits = p == 1 ? 0 : 64;
		for (size_t m = 0; m < ARRAY_LEN(address_msrs); m++) {
			read_backed(plats[p], &s, address_msrs[m].msr, address_msrs[m].backing);
			for (size_t i = 0; i < ARRAY_LEN(good); i++)
				write_backed(plats[p], &s, address_msrs[m].msr, good[i], address_msrs[m].backing);
			for (size_t i = 0; i < ARRAY_LEN(bad); i++)
				write_gp(plats[p], &s, address_msrs[m].msr, bad[i]);
		}
	}
}

static void canonical_57(void **state)
{
	static const uint64_t good[] = {
		0x0000800000000000, 0x00ffffffffffffff, 0xff00000000000000, 0xffff7fffffffffff, ~0ull,
	};
	static const uint64_t bad[] = { 0x0100000000000000, 0xfeffffffffffffff, 0x8000000000000000 };
	struct msr_platform la57 = full;
	struct msr_vcpu_state s;

	la57.la_bits = 57;
	msr_vcpu_state_init(&la57, &s);
	for (size_t m = 0; m < ARRAY_LEN(address_msrs); m++) {
		for (size_t i = 0; i < ARRAY_LEN(good); i++)
			write_backed(&la57, &s, address_msrs[m].msr, good[i], address_msrs[m].backing);
		for (size_t i = 0; i < ARRAY_LEN(bad); i++)
			write_gp(&la57, &s, address_msrs[m].msr, bad[i]);
	}
}

static void syscall_msrs(void **state)
{
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	read_backed(&full, &s, MSR_STAR, MSR_BACK_STAR);
	read_backed(&full, &s, MSR_SFMASK, MSR_BACK_SFMASK);
	read_backed(&full, &s, MSR_TSC_AUX, MSR_BACK_TSC_AUX);
	write_backed(&full, &s, MSR_STAR, 0x0023001000000000, MSR_BACK_STAR);
	write_backed(&full, &s, MSR_STAR, ~0ull, MSR_BACK_STAR);
	write_backed(&full, &s, MSR_SFMASK, 0x47700, MSR_BACK_SFMASK);
	write_backed(&full, &s, MSR_SFMASK, 0xffffffff, MSR_BACK_SFMASK);
	write_gp(&full, &s, MSR_SFMASK, 1ull << 32);
	write_backed(&full, &s, MSR_TSC_AUX, 0xffffffff, MSR_BACK_TSC_AUX);
	write_gp(&full, &s, MSR_TSC_AUX, 1ull << 32);
	write_gp(&full, &s, MSR_TSC_AUX, 1ull << 63);
}

static void efer(void **state)
{
	struct msr_platform no_nx = full;
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	read_backed(&full, &s, MSR_EFER, MSR_BACK_EFER);
	/* Paging off, LMA clear: SCE, LME and NXE are free. */
	write_backed(&full, &s, MSR_EFER, EFER_SCE, MSR_BACK_EFER);
	write_backed(&full, &s, MSR_EFER, EFER_LME, MSR_BACK_EFER);
	write_backed(&full, &s, MSR_EFER, EFER_SCE | EFER_LME | EFER_NXE, MSR_BACK_EFER);
	write_gp(&full, &s, MSR_EFER, EFER_LME | EFER_LMA);
	for (unsigned bit = 0; bit < 64; bit++) {
		if (bit != 0 && bit != 8 && bit != 10 && bit != 11)
			write_gp(&full, &s, MSR_EFER, 1ull << bit);
	}
	no_nx.nx = false;
	write_gp(&no_nx, &s, MSR_EFER, EFER_NXE);
	write_backed(&no_nx, &s, MSR_EFER, EFER_SCE | EFER_LME, MSR_BACK_EFER);

	/* Long mode active: LMA must stay, LME cannot change under paging. */
	s.guest_efer = EFER_LME | EFER_LMA;
	s.guest_cr0 = 0x80000011;
	write_backed(&full, &s, MSR_EFER, EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE, MSR_BACK_EFER);
	write_backed(&full, &s, MSR_EFER, EFER_LME | EFER_LMA, MSR_BACK_EFER);
	write_gp(&full, &s, MSR_EFER, EFER_SCE);
	write_gp(&full, &s, MSR_EFER, EFER_LMA);
	write_gp(&full, &s, MSR_EFER, EFER_LME);

	/* 32-bit paging: LME cannot be set now. */
	s.guest_efer = 0;
	write_gp(&full, &s, MSR_EFER, EFER_LME);
	write_backed(&full, &s, MSR_EFER, EFER_SCE | EFER_NXE, MSR_BACK_EFER);
}

static void pat(void **state)
{
	static const uint8_t valid[] = { 0, 1, 4, 5, 6, 7 };
	static const uint8_t invalid[] = { 2, 3, 8, 0x10, 0x80, 0xff };
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&bare, &s);
	read_backed(&bare, &s, MSR_IA32_PAT, MSR_BACK_PAT);
	write_backed(&bare, &s, MSR_IA32_PAT, 0x0007040600070406, MSR_BACK_PAT);
	write_backed(&bare, &s, MSR_IA32_PAT, 0, MSR_BACK_PAT);
	write_backed(&bare, &s, MSR_IA32_PAT, 0x0707070707070707, MSR_BACK_PAT);
	for (unsigned byte = 0; byte < 8; byte++) {
		for (size_t i = 0; i < ARRAY_LEN(valid); i++)
			write_backed(&bare, &s, MSR_IA32_PAT, with_byte(0x0606060606060606, byte, valid[i]),
				     MSR_BACK_PAT);
		for (size_t i = 0; i < ARRAY_LEN(invalid); i++)
			write_gp(&bare, &s, MSR_IA32_PAT, with_byte(0x0007040600070406, byte, invalid[i]));
	}
}

static void misc_enable(void **state)
{
	struct msr_platform no_nx = full;
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	write_ok(&full, &s, MSR_IA32_MISC_ENABLE, 0x1800);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MISC_ENABLE), 0x1800);
	write_ok(&full, &s, MSR_IA32_MISC_ENABLE, 0x1801);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MISC_ENABLE), 0x1801);
	write_gp(&full, &s, MSR_IA32_MISC_ENABLE, 0x1801 | MISC_ENABLE_XD_DISABLE);
	write_gp(&full, &s, MSR_IA32_MISC_ENABLE, 0x1);
	write_gp(&full, &s, MSR_IA32_MISC_ENABLE, 0x1801 | 1ull << 22);
	write_gp(&full, &s, MSR_IA32_MISC_ENABLE, 0x1801 | 1ull << 7);
	write_gp(&full, &s, MSR_IA32_MISC_ENABLE, ~0ull);

	no_nx.nx = false;
	msr_vcpu_state_init(&no_nx, &s);
	write_gp(&no_nx, &s, MSR_IA32_MISC_ENABLE, 0x1801);
	write_ok(&no_nx, &s, MSR_IA32_MISC_ENABLE, 0x1800 | MISC_ENABLE_XD_DISABLE);
	assert_int_equal(read_ok(&no_nx, &s, MSR_IA32_MISC_ENABLE), 0x1800 | MISC_ENABLE_XD_DISABLE);
}

static void spec_ctrl(void **state)
{
	struct msr_platform ibrs_only = full;
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	write_ok(&full, &s, MSR_IA32_SPEC_CTRL, 7);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_SPEC_CTRL), 7);
	write_gp(&full, &s, MSR_IA32_SPEC_CTRL, 8);
	write_gp(&full, &s, MSR_IA32_SPEC_CTRL, 1ull << 63);
	write_ok(&full, &s, MSR_IA32_SPEC_CTRL, 0);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_SPEC_CTRL), 0);

	ibrs_only.stibp = ibrs_only.ssbd = false;
	write_ok(&ibrs_only, &s, MSR_IA32_SPEC_CTRL, SPEC_CTRL_IBRS);
	write_gp(&ibrs_only, &s, MSR_IA32_SPEC_CTRL, SPEC_CTRL_STIBP);
	write_gp(&ibrs_only, &s, MSR_IA32_SPEC_CTRL, SPEC_CTRL_SSBD);
	assert_int_equal(read_ok(&ibrs_only, &s, MSR_IA32_SPEC_CTRL), SPEC_CTRL_IBRS);

	msr_vcpu_state_init(&bare, &s);
	read_gp(&bare, &s, MSR_IA32_SPEC_CTRL);
	write_gp(&bare, &s, MSR_IA32_SPEC_CTRL, 0);
	write_gp(&bare, &s, MSR_IA32_SPEC_CTRL, SPEC_CTRL_IBRS);
}

/* IA32_PRED_CMD is a write-only command the caller executes. */
static void pred_cmd(void **state)
{
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	read_gp(&full, &s, MSR_IA32_PRED_CMD);
	write_backed(&full, &s, MSR_IA32_PRED_CMD, PRED_CMD_IBPB, MSR_BACK_PRED_CMD);
	write_backed(&full, &s, MSR_IA32_PRED_CMD, 0, MSR_BACK_PRED_CMD);
	write_gp(&full, &s, MSR_IA32_PRED_CMD, 2);
	write_gp(&full, &s, MSR_IA32_PRED_CMD, PRED_CMD_IBPB | 1ull << 32);
	write_gp(&bare, &s, MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
	read_gp(&bare, &s, MSR_IA32_PRED_CMD);
}

static void tsc_deadline(void **state)
{
	struct msr_vcpu_state s;

	/* The deadline lives in the LAPIC model (its own tests cover it): the
	 * policy only says whether the MSR exists and where it goes. */
	msr_vcpu_state_init(&full, &s);
	write_backed(&full, &s, MSR_IA32_TSC_DEADLINE, 0x123456789abcdef0, MSR_BACK_TSC_DEADLINE);
	read_backed(&full, &s, MSR_IA32_TSC_DEADLINE, MSR_BACK_TSC_DEADLINE);
	write_backed(&full, &s, MSR_IA32_TSC_DEADLINE, 0, MSR_BACK_TSC_DEADLINE);

	msr_vcpu_state_init(&bare, &s);
	read_gp(&bare, &s, MSR_IA32_TSC_DEADLINE);
	write_gp(&bare, &s, MSR_IA32_TSC_DEADLINE, 1);
}

static void apic_base_fields(void **state)
{
	struct msr_platform xapic_only = full;
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	/* Another base address, in any bit, is refused. */
	write_gp(&full, &s, MSR_IA32_APIC_BASE, 0xfed00900);
	write_gp(&full, &s, MSR_IA32_APIC_BASE, 0xfee01900);
	write_gp(&full, &s, MSR_IA32_APIC_BASE, 0x1fee00900);
	write_gp(&full, &s, MSR_IA32_APIC_BASE, 0x900);
	/* Reserved bits 7:0, 9 and 63:MAXPHYADDR. */
	for (unsigned bit = 0; bit < 8; bit++)
		write_gp(&full, &s, MSR_IA32_APIC_BASE, 0xfee00900 | 1ull << bit);
	write_gp(&full, &s, MSR_IA32_APIC_BASE, 0xfee00900 | 1ull << 9);
	for (unsigned bit = 39; bit < 64; bit++)
		write_gp(&full, &s, MSR_IA32_APIC_BASE, 0xfee00900 | 1ull << bit);

	/* BSP is the platform's: a written BSP bit changes nothing. */
	write_ok(&full, &s, MSR_IA32_APIC_BASE, 0xfee00800);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_APIC_BASE), 0xfee00900);
	msr_vcpu_state_init(&bare, &s);
	write_ok(&bare, &s, MSR_IA32_APIC_BASE, 0xfee00900);
	assert_int_equal(read_ok(&bare, &s, MSR_IA32_APIC_BASE), 0xfee00800);

	/* EXTD exists only with x2APIC. */
	xapic_only.x2apic = false;
	msr_vcpu_state_init(&xapic_only, &s);
	write_gp(&xapic_only, &s, MSR_IA32_APIC_BASE, 0xfee00d00);
	write_ok(&xapic_only, &s, MSR_IA32_APIC_BASE, 0xfee00100);
	write_gp(&xapic_only, &s, MSR_IA32_APIC_BASE, 0xfee00500);
	assert_int_equal(read_ok(&xapic_only, &s, MSR_IA32_APIC_BASE), 0xfee00100);
}

/* SDM 3A 11.12.5, every pair: rows are the mode before (disabled, xAPIC,
 * x2APIC), columns the mode written (disabled, xAPIC, x2APIC, EXTD alone). */
static void apic_base_transitions(void **state)
{
	static const uint64_t mode_bits[] = { 0, APIC_BASE_EN, APIC_BASE_EN | APIC_BASE_EXTD, APIC_BASE_EXTD };
	static const bool allowed[3][4] = {
		{ true, true, false, false },
		{ true, true, true, false },
		{ true, false, true, false },
	};
	struct msr_vcpu_state s;

	for (size_t from = 0; from < 3; from++) {
		for (size_t to = 0; to < 4; to++) {
			uint64_t target = APIC_BASE_DEFAULT | APIC_BASE_BSP | mode_bits[to];

			/* Reach the starting mode along allowed transitions. */
			msr_vcpu_state_init(&full, &s);
			if (from == 0)
				write_ok(&full, &s, MSR_IA32_APIC_BASE, APIC_BASE_DEFAULT);
			if (from == 2)
				write_ok(&full, &s, MSR_IA32_APIC_BASE, APIC_BASE_DEFAULT | mode_bits[2]);
			assert_int_equal(read_ok(&full, &s, MSR_IA32_APIC_BASE),
					 APIC_BASE_DEFAULT | APIC_BASE_BSP | mode_bits[from]);

			if (allowed[from][to]) {
				write_ok(&full, &s, MSR_IA32_APIC_BASE, target);
				assert_int_equal(read_ok(&full, &s, MSR_IA32_APIC_BASE), target);
			} else {
				write_gp(&full, &s, MSR_IA32_APIC_BASE, target);
			}
		}
	}
}

/* The x2APIC MSRs go to the LAPIC model only in x2APIC mode. */
static void x2apic_range(void **state)
{
	static const uint32_t regs[] = { 0x800, 0x802, 0x808, 0x830, 0x83f, 0x8ff };
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	for (size_t i = 0; i < ARRAY_LEN(regs); i++) {
		read_gp(&full, &s, regs[i]);
		write_gp(&full, &s, regs[i], 0);
	}
	write_ok(&full, &s, MSR_IA32_APIC_BASE, 0xfee00d00);
	for (size_t i = 0; i < ARRAY_LEN(regs); i++) {
		read_backed(&full, &s, regs[i], MSR_BACK_LAPIC);
		write_backed(&full, &s, regs[i], ~0ull, MSR_BACK_LAPIC);
	}
	read_gp(&full, &s, 0x7ff);
	read_gp(&full, &s, 0x900);
	write_gp(&full, &s, 0x900, 0);
	write_ok(&full, &s, MSR_IA32_APIC_BASE, 0xfee00100);
	read_gp(&full, &s, 0x802);
	write_gp(&full, &s, 0x830, 0);

	msr_vcpu_state_init(&bare, &s);
	read_gp(&bare, &s, 0x802);
}

static void mtrr_cap_and_presence(void **state)
{
	static const uint32_t family[] = { MSR_IA32_MTRRCAP, 0x200, 0x201, 0x250, 0x268, 0x2ff };
	struct msr_platform many = full;
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MTRRCAP), 0x508);
	write_gp(&full, &s, MSR_IA32_MTRRCAP, 0x508);

	/* More variable MTRRs than Vol. 4 defines count as ten. */
	many.mtrr_var_count = 200;
	assert_int_equal(read_ok(&many, &s, MSR_IA32_MTRRCAP), 0x50a);
	write_ok(&many, &s, 0x212, 0x6);
	assert_int_equal(read_ok(&many, &s, 0x212), 0x6);
	read_gp(&many, &s, 0x214);

	many.mtrr_var_count = 0;
	assert_int_equal(read_ok(&many, &s, MSR_IA32_MTRRCAP), 0x500);
	read_gp(&many, &s, 0x200);
	write_gp(&many, &s, 0x201, 0);

	/* Without MTRRs the whole family, MTRRCAP included, is refused; PAT stays. */
	msr_vcpu_state_init(&bare, &s);
	for (size_t i = 0; i < ARRAY_LEN(family); i++) {
		read_gp(&bare, &s, family[i]);
		write_gp(&bare, &s, family[i], 0);
	}
	read_backed(&bare, &s, MSR_IA32_PAT, MSR_BACK_PAT);
}

static void mtrr_def_type(void **state)
{
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	write_ok(&full, &s, MSR_IA32_MTRR_DEF_TYPE, 0xc06);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MTRR_DEF_TYPE), 0xc06);
	write_ok(&full, &s, MSR_IA32_MTRR_DEF_TYPE, 0x800);
	assert_int_equal(read_ok(&full, &s, MSR_IA32_MTRR_DEF_TYPE), 0x800);
	for (unsigned bit = 8; bit < 64; bit++) {
		if (bit != 10 && bit != 11)
			write_gp(&full, &s, MSR_IA32_MTRR_DEF_TYPE, 0xc06 | 1ull << bit);
	}
}

/* Every type value 0-255 where an MTRR holds one, and in the PAT. */
static void memory_types(void **state)
{
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	for (uint64_t t = 0; t < 256; t++) {
		bool mtrr_ok = t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
		uint32_t where;

		assert_int_equal(msr_policy_write(&full, &s, MSR_IA32_MTRR_DEF_TYPE, 0x800 | t, &where),
				 mtrr_ok ? MSR_OK : MSR_GP);
		assert_int_equal(msr_policy_write(&full, &s, MSR_IA32_MTRR_PHYSBASE0, 0x80000000 | t, &where),
				 mtrr_ok ? MSR_OK : MSR_GP);
		assert_int_equal(msr_policy_write(&full, &s, MSR_IA32_MTRR_FIX4K_C0000 + 7,
						  0x0606060606060600 | t, &where),
				 mtrr_ok ? MSR_OK : MSR_GP);
		assert_int_equal(msr_policy_write(&full, &s, MSR_IA32_PAT, 0x0007040600070400 | t, &where),
				 mtrr_ok || t == 7 ? MSR_VMCS : MSR_GP);
	}
}

/* A valid fixed-range value for each i: i in base 5, a memory type per digit. */
static uint64_t fixed_pattern(size_t i)
{
	static const uint8_t types[] = { 0, 1, 4, 5, 6 };
	uint64_t v = 0;

	for (unsigned b = 0; b < 8; b++, i /= ARRAY_LEN(types))
		v |= (uint64_t)types[i % ARRAY_LEN(types)] << (8 * b);
	return v;
}

static void mtrr_fixed(void **state)
{
	static const uint32_t fixed[] = { 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
					  0x26b, 0x26c, 0x26d, 0x26e, 0x26f };
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	/* Distinct values: each MSR has its own slot. */
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		write_ok(&full, &s, fixed[i], fixed_pattern(i + 1));
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
		uint64_t v = fixed_pattern(i + 1);

		assert_int_equal(read_ok(&full, &s, fixed[i]), v);
		for (unsigned b = 0; b < 8; b++) {
			write_gp(&full, &s, fixed[i], with_byte(v, b, 7));
			write_gp(&full, &s, fixed[i], with_byte(v, b, 2));
		}
	}
	/* The gaps around and between them. */
	for (uint32_t msr = 0x251; msr < 0x2ff; msr++) {
		bool is_fixed = msr == 0x258 || msr == 0x259 || (msr >= 0x268 && msr <= 0x26f);

		if (!is_fixed && msr != MSR_IA32_PAT) {
			read_gp(&full, &s, msr);
			write_gp(&full, &s, msr, 0);
		}
	}
}

static void mtrr_variable(void **state)
{
	struct msr_platform wide = full;
	struct msr_vcpu_state s;

	msr_vcpu_state_init(&full, &s);
	/* Pairs 0-7 exist with a count of 8, each MSR its own slot. */
	for (uint32_t n = 0; n < 8; n++) {
		write_ok(&full, &s, 0x200 + 2 * n, (uint64_t)(n + 1) << 28 | 6);
		write_ok(&full, &s, 0x201 + 2 * n, 0x7ff0000000 | 0x800 | (uint64_t)n << 12);
	}
	for (uint32_t n = 0; n < 8; n++) {
		assert_int_equal(read_ok(&full, &s, 0x200 + 2 * n), (uint64_t)(n + 1) << 28 | 6);
		assert_int_equal(read_ok(&full, &s, 0x201 + 2 * n), 0x7ff0000800 | (uint64_t)n << 12);
	}
	read_gp(&full, &s, 0x210);
	write_gp(&full, &s, 0x211, 0);

	/* PHYSBASE: bits 11:8 and 63:MAXPHYADDR reserved, type 7:0 checked. */
	write_ok(&full, &s, 0x202, 0x7ffffff000 | 5);
	for (unsigned bit = 8; bit < 12; bit++)
		write_gp(&full, &s, 0x202, 0x1000 | 1ull << bit);
	for (unsigned bit = 39; bit < 64; bit++)
		write_gp(&full, &s, 0x202, 0x1000 | 1ull << bit);
	write_gp(&full, &s, 0x202, 0x1000 | 7);
	/* PHYSMASK: bits 10:0 and 63:MAXPHYADDR reserved. */
	write_ok(&full, &s, 0x203, 0x7ffffff800);
	for (unsigned bit = 0; bit < 11; bit++)
		write_gp(&full, &s, 0x203, 0x800 | 1ull << bit);
	for (unsigned bit = 39; bit < 64; bit++)
		write_gp(&full, &s, 0x203, 0x800 | 1ull << bit);

	/* MAXPHYADDR 52, and anything above it, allows bits up to 51. */
	wide.pa_bits = 52;
	write_ok(&wide, &s, 0x203, 0x000ffffffffff800);
	write_gp(&wide, &s, 0x203, 0x001ffffffffff800);
	wide.pa_bits = 255;
	write_ok(&wide, &s, 0x202, 0x000ffffffffff006);
	write_gp(&wide, &s, 0x202, 0x0010000000000006);
}

/* Without being asked, every MSR exits; asked, exactly the three segment
 * bases pass in both directions. */
static void bitmap_policy(void **state)
{
	static uint8_t bitmap[MSR_BITMAP_SIZE];

	msr_policy_bitmap(bitmap, false);
	for (size_t i = 0; i < sizeof(bitmap); i++)
		assert_int_equal(bitmap[i], 0xff);

	assert_int_equal(msr_policy_pass_bases_count, 3);
	msr_policy_bitmap(bitmap, true);
	for (uint32_t n = 0; n < 0x4000; n++) {
		uint32_t msr = n < 0x2000 ? n : 0xc0000000 + n - 0x2000;
		bool pass = msr == MSR_FS_BASE || msr == MSR_GS_BASE || msr == MSR_KERNEL_GS_BASE;

		assert_int_equal(msr_bitmap_exits(bitmap, msr, false), !pass);
		assert_int_equal(msr_bitmap_exits(bitmap, msr, true), !pass);
	}
}

/* xorshift64: a fixed sequence, so a failure repeats. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* MSRs worth aiming at: the ones offered and their neighbours. */
static const uint32_t aimed[] = {
	0x0,        0x10,       0x17,       0x1b,       0x3a,       0x48,       0x49,
	0x8b,       0xce,       0xfe,       0x174,      0x175,      0x176,      0x1a0,
	0x200,      0x20f,      0x213,      0x250,      0x258,      0x259,      0x268,
	0x26f,      0x277,      0x2ff,      0x6e0,      0x800,      0x830,      0x8ff,
	0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100, 0xc0000101,
	0xc0000102, 0xc0000103, 0x4b564d00, 0xc0011000, 0x40000000,
};

static uint32_t random_msr(void)
{
	uint64_t r = rnd();

	switch (r % 4) {
	case 0:
		return (uint32_t)(r >> 32);
	case 1:
		return aimed[(r >> 8) % ARRAY_LEN(aimed)] + (uint32_t)((r >> 40) % 5) - 2;
	default:
		return aimed[(r >> 8) % ARRAY_LEN(aimed)];
	}
}

/* Mostly small or sparse values, so that valid writes happen too. */
static uint64_t random_value(void)
{
	uint64_t r = rnd();

	switch (r % 5) {
	case 0:
		return rnd();
	case 1:
		return r >> 56;
	case 2:
		return APIC_BASE_DEFAULT | (rnd() & 0xd00);
	case 3:
		return rnd() & rnd() & rnd() & 0x00000fffffffffff;
	default:
		return 1ull << (rnd() % 64);
	}
}

static void check_apic_base(const struct msr_vcpu_state *s)
{
	uint64_t mode = s->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD);

	assert_int_equal(s->apic_base & ~(APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP), APIC_BASE_DEFAULT);
	assert_int_not_equal(mode, APIC_BASE_EXTD);
}

static void random_accesses(void **state)
{
	struct msr_platform plats[4] = { full, bare, full, full };
	struct msr_vcpu_state states[4];
	unsigned counts[3] = { 0 };

	plats[2].la_bits = 57;
	plats[2].nx = false;
	plats[3].mtrr_var_count = 255;
	plats[3].pa_bits = 255;
	plats[3].x2apic = false;
	for (size_t i = 0; i < 4; i++)
		msr_vcpu_state_init(&plats[i], &states[i]);

	for (unsigned iter = 0; iter < 100000; iter++) {
		size_t k = rnd() % 4;
		const struct msr_platform *p = &plats[k];
		struct msr_vcpu_state *s = &states[k], before;
		uint32_t msr = random_msr(), where = 0xdead;
		uint64_t value = random_value(), got = 0xdead;
		enum msr_result r;

		if (rnd() % 64 == 0) {
			s->guest_efer = rnd() & (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
			s->guest_cr0 = rnd() & CR0_PG;
		}
		before = *s;
		if (rnd() % 2) {
			r = msr_policy_read(p, s, msr, &got, &where);
			assert_memory_equal(&before, s, sizeof(*s));
			if (r != MSR_OK)
				assert_int_equal(got, 0);
		} else {
			r = msr_policy_write(p, s, msr, value, &where);
			if (r != MSR_OK)
				assert_memory_equal(&before, s, sizeof(*s));
		}
		assert_true(r == MSR_OK || r == MSR_GP || r == MSR_VMCS);
		if (r == MSR_VMCS)
			assert_true(where > MSR_BACK_NONE && where <= MSR_BACK_PRED_CMD);
		else
			assert_int_equal(where, MSR_BACK_NONE);
		check_apic_base(s);
		counts[r]++;
	}
	/* The mix reached every outcome often. */
	for (size_t i = 0; i < 3; i++)
		assert_true(counts[i] > 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(power_on_values),
		cmocka_unit_test(fixed_value_msrs),
		cmocka_unit_test(unknown_msrs_refused),
		cmocka_unit_test(tsc),
		cmocka_unit_test(sysenter),
		cmocka_unit_test(canonical_48),
		cmocka_unit_test(canonical_57),
		cmocka_unit_test(syscall_msrs),
		cmocka_unit_test(efer),
		cmocka_unit_test(pat),
		cmocka_unit_test(misc_enable),
		cmocka_unit_test(spec_ctrl),
		cmocka_unit_test(pred_cmd),
		cmocka_unit_test(tsc_deadline),
		cmocka_unit_test(apic_base_fields),
		cmocka_unit_test(apic_base_transitions),
		cmocka_unit_test(x2apic_range),
		cmocka_unit_test(mtrr_cap_and_presence),
		cmocka_unit_test(mtrr_def_type),
		cmocka_unit_test(memory_types),
		cmocka_unit_test(mtrr_fixed),
		cmocka_unit_test(mtrr_variable),
		cmocka_unit_test(bitmap_policy),
		cmocka_unit_test(random_accesses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
