/* Unit tests for arch/x86/vmx/vmx_caps.c: emulated and real CPUs' capability
 * MSRs (tests/fixtures/vmx) served by a fake rdmsr that records every read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arch/x86/vmx/vmx_caps.h"
#include "tests/fixtures/vmx/bochs_skylake_x.h"
#include "tests/fixtures/vmx/intel_core2_x6800.h"
#include "tests/fixtures/vmx/intel_core_i7_6700k.h"
#include "tests/fixtures/vmx/intel_xeon_x5482.h"

/* The MSRs every VMX processor has, in the order they are read. */
#define BASE_READS 0x480, 0x481, 0x482, 0x483, 0x484, 0x485, 0x486, 0x487, 0x488, 0x489, 0x48a

struct fake_cpu {
	const struct vmx_fixture *fx;
	uint32_t fault_msr; /* a listed MSR that raises #GP anyway; 0 for none */
	size_t nreads;
	uint32_t reads[32];
};

/* Like real hardware, an MSR the fixture does not list raises #GP. */
static bool fake_rdmsr(uint32_t msr, uint64_t *val, void *ctx)
{
	struct fake_cpu *cpu = ctx;

	assert_true(cpu->nreads < ARRAY_SIZE(cpu->reads));
	cpu->reads[cpu->nreads++] = msr;
	if (msr == cpu->fault_msr)
		return false;
	for (const struct vmx_fixture_msr *m = cpu->fx->msrs; m->index; m++) {
		if (m->index == msr) {
			*val = m->value;
			return true;
		}
	}
	return false;
}

static void expect_reads(const struct fake_cpu *cpu, const uint32_t *want, size_t n)
{
	bool same = cpu->nreads == n;

	for (size_t i = 0; same && i < n; i++)
		same = cpu->reads[i] == want[i];
	if (same)
		return;
	print_error("%s: read", cpu->fx->name);
	for (size_t i = 0; i < cpu->nreads; i++)
		print_error(" %#x", cpu->reads[i]);
	print_error(", want");
	for (size_t i = 0; i < n; i++)
		print_error(" %#x", want[i]);
	print_error("\n");
	fail();
}

#define EXPECT_READS(cpu, ...)                                                   \
	do {                                                                     \
		const uint32_t want_[] = { __VA_ARGS__ };                        \
		expect_reads((cpu), want_, ARRAY_SIZE(want_));                   \
	} while (0)

/* Reads fx through the fake (which must not fault) and decodes it. */
static void load(const struct vmx_fixture *fx, struct fake_cpu *cpu, struct vmx_msrs *m, struct vmx_caps *c)
{
	char err[96];

	*cpu = (struct fake_cpu){ .fx = fx };
	assert_int_equal(vmx_msrs_read(fake_rdmsr, cpu, m, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	vmx_caps_decode(m, c);
}

/* A copy of base with msr set to value, replaced or appended. */
static struct vmx_fixture fixture_with(const struct vmx_fixture *base, uint32_t msr, uint64_t value)
{
	struct vmx_fixture fx = *base;
	size_t i = 0;

	while (fx.msrs[i].index && fx.msrs[i].index != msr)
		i++;
	assert_true(i + 1 < ARRAY_SIZE(fx.msrs));
	fx.msrs[i] = (struct vmx_fixture_msr){ msr, value };
	return fx;
}

static void expect_missing(const struct vmx_caps *c, const char *want)
{
	char buf[160];

	assert_int_equal(vmx_caps_missing(c, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

#define LINES_MAX 8

struct log_capture {
	size_t n;
	char lines[LINES_MAX][300];
};

static void capture_line(const char *line, void *ctx)
{
	struct log_capture *cap = ctx;

	assert_true(cap->n < LINES_MAX);
	assert_true(strlen(line) < sizeof(cap->lines[0]));
	strcpy(cap->lines[cap->n++], line);
}

static void expect_ctl(struct vmx_ctl_caps got, uint32_t must, uint32_t may)
{
	assert_int_equal(got.must_be_one, must);
	assert_int_equal(got.may_be_one, may);
}

/* --- MSR read sequences ------------------------------------------------------ */

static void test_read_bochs_reads_every_existing_msr(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_bochs_skylake_x, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS, 0x48b, 0x48c, 0x48d, 0x48e, 0x48f, 0x490, 0x491);
	assert_int_equal(m.present, 0x3ffff); /* 0x480..0x491 */
	assert_true(m.basic == 0x00d810000000002b);
	assert_true(m.true_exit_ctls == 0x007fffff00036dfb);
	assert_true(m.vmfunc == 1);
	assert_true(m.procbased_ctls3 == 0);
}

static void test_read_6700k(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_core_i7_6700k, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS, 0x48b, 0x48c, 0x48d, 0x48e, 0x48f, 0x490, 0x491);
}

/* Secondary controls without EPT, VPID or VM functions, and no TRUE_ MSRs. */
static void test_read_penryn_stops_after_secondary(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_xeon_x5482, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS, 0x48b);
	assert_int_equal(m.present, VMX_MSR_BIT(MSR_IA32_VMX_PROCBASED_CTLS2) | 0x7ff);
	assert_true(m.ept_vpid_cap == 0);
	assert_true(m.true_procbased_ctls == 0);
}

static void test_read_conroe_reads_only_base(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_core2_x6800, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS);
	assert_int_equal(m.present, 0x7ff);
}

/* "enable VPID" alone is enough for IA32_VMX_EPT_VPID_CAP to exist. */
static void test_read_vpid_without_ept(void **state)
{
	struct vmx_fixture fx = fixture_with(&vmx_fixture_xeon_x5482, MSR_IA32_VMX_PROCBASED_CTLS2,
					     0x0000006100000000);
	fx = fixture_with(&fx, MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106334141);
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&fx, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS, 0x48b, 0x48c);
	assert_false(c.ept.present);
	assert_false(c.ept.wb); /* the EPT bits mean nothing without EPT */
	assert_false(c.ept.invept);
	assert_true(c.vpid.present);
	assert_true(c.vpid.invvpid);
	assert_true(c.vpid.inv_single && c.vpid.inv_all && c.vpid.inv_addr && c.vpid.inv_single_globals);
	expect_missing(&c, "EPT, unrestricted guest");
}

/* "activate tertiary controls" (primary bit 17) may be 1: 0x492 exists. */
static void test_read_tertiary(void **state)
{
	struct vmx_fixture fx = fixture_with(&vmx_fixture_bochs_skylake_x, MSR_IA32_VMX_PROCBASED_CTLS,
					     0xf7fbfffe0401e172);
	fx = fixture_with(&fx, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xf7fbfffe04006172);
	fx = fixture_with(&fx, MSR_IA32_VMX_PROCBASED_CTLS3, 0x000000000000000f);
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&fx, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS, 0x48b, 0x48c, 0x48d, 0x48e, 0x48f, 0x490, 0x491, 0x492);
	assert_true(m.procbased_ctls3 == 0xf);
	assert_true(c.proc3_may_be_one == 0xf);
}

/* Without BASIC bit 55 the TRUE_ MSRs are not read, whatever else exists. */
static void test_read_no_true_ctls(void **state)
{
	struct vmx_fixture fx = fixture_with(&vmx_fixture_bochs_skylake_x, MSR_IA32_VMX_BASIC,
					     0x005810000000002b);
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&fx, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS, 0x48b, 0x48c, 0x491);
	assert_false(c.true_ctls);
	expect_ctl(c.proc, 0x0401e172, 0xf7f9fffe);
}

/* VM functions (secondary bit 13) absent, VMCS shadowing (bit 14) present:
 * no IA32_VMX_VMFUNC, and no EPTP switching whatever 0x491 would say. */
static void test_read_no_vmfunc(void **state)
{
	struct vmx_fixture fx = fixture_with(&vmx_fixture_bochs_skylake_x, MSR_IA32_VMX_PROCBASED_CTLS2,
					     0x02175fff00000000);
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&fx, &cpu, &m, &c);
	EXPECT_READS(&cpu, BASE_READS, 0x48b, 0x48c, 0x48d, 0x48e, 0x48f, 0x490);
	assert_true(c.vmcs_shadowing);
	assert_false(c.vmfunc || c.eptp_switching);
}

/* --- faulting reads ------------------------------------------------------------ */

/* Reads fx with fault_msr (0: none) raising #GP; want_msr is the read that
 * must fail, as the want_reads-th one. */
static void expect_fault(const struct vmx_fixture *fx, uint32_t fault_msr, uint32_t want_msr,
			 const char *want_err, size_t want_reads)
{
	struct fake_cpu cpu = { .fx = fx, .fault_msr = fault_msr };
	struct vmx_msrs m;
	char err[96];

	memset(err, 'X', sizeof(err));
	assert_int_equal(vmx_msrs_read(fake_rdmsr, &cpu, &m, err, sizeof(err)), -1);
	assert_string_equal(err, want_err);
	/* The read stops at the fault. */
	assert_int_equal(cpu.nreads, want_reads);
	assert_int_equal(cpu.reads[want_reads - 1], want_msr);
	assert_false(m.present & VMX_MSR_BIT(want_msr));
}

static void test_fault_secondary(void **state)
{
	expect_fault(&vmx_fixture_bochs_skylake_x, MSR_IA32_VMX_PROCBASED_CTLS2, MSR_IA32_VMX_PROCBASED_CTLS2,
		     "rdmsr IA32_VMX_PROCBASED_CTLS2 (0x48b) raised #GP", 12);
}

static void test_fault_basic(void **state)
{
	expect_fault(&vmx_fixture_core2_x6800, MSR_IA32_VMX_BASIC, MSR_IA32_VMX_BASIC, "rdmsr IA32_VMX_BASIC (0x480) raised #GP", 1);
}

static void test_fault_true_entry(void **state)
{
	expect_fault(&vmx_fixture_core_i7_6700k, MSR_IA32_VMX_TRUE_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
		     "rdmsr IA32_VMX_TRUE_ENTRY_CTLS (0x490) raised #GP", 17);
}

/* A CPU whose BASIC claims TRUE_ controls it does not have: the fake's
 * refusal of the unlisted MSR is an error, not a silent 0. */
static void test_fault_unlisted_msr(void **state)
{
	struct vmx_fixture fx = fixture_with(&vmx_fixture_core2_x6800, MSR_IA32_VMX_BASIC,
					     0x009a040000000007);
	expect_fault(&fx, 0, MSR_IA32_VMX_TRUE_PINBASED_CTLS, "rdmsr IA32_VMX_TRUE_PINBASED_CTLS (0x48d) raised #GP", 12);
}

static void test_fault_message_truncated(void **state)
{
	struct fake_cpu cpu = { .fx = &vmx_fixture_bochs_skylake_x, .fault_msr = MSR_IA32_VMX_MISC };
	struct vmx_msrs m;
	char err[11];

	assert_int_equal(vmx_msrs_read(fake_rdmsr, &cpu, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "rdmsr IA32");

	cpu = (struct fake_cpu){ .fx = &vmx_fixture_bochs_skylake_x, .fault_msr = MSR_IA32_VMX_MISC };
	assert_int_equal(vmx_msrs_read(fake_rdmsr, &cpu, &m, NULL, 0), -1);
}

/* --- decoding ------------------------------------------------------------------- */

static void test_decode_bochs(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_bochs_skylake_x, &cpu, &m, &c);
	assert_int_equal(c.vmcs_revision, 0x2b);
	assert_int_equal(c.vmcs_size, 4096);
	assert_int_equal(c.vmcs_memtype, VMX_MEMTYPE_WB);
	assert_false(c.vmcs_addr_32bit);
	assert_true(c.ins_outs_info);
	assert_true(c.true_ctls);
	assert_false(c.entry_errcode_optional);

	/* The TRUE_ values: CR3-load/store exiting and the debug-control
	 * save/load may be 0. */
	expect_ctl(c.pin, 0x00000016, 0x0000007f);
	expect_ctl(c.proc, 0x04006172, 0xf7f9fffe);
	expect_ctl(c.proc2, 0x00000000, 0x02177fff);
	expect_ctl(c.exit, 0x00036dfb, 0x007fffff);
	expect_ctl(c.entry, 0x000011fb, 0x0000ffff);
	assert_true(c.proc3_may_be_one == 0);

	assert_true(c.cr0_fixed0 == 0x80000021 && c.cr0_fixed1 == 0xffffffff);
	assert_true(c.cr4_fixed0 == 0x2000 && c.cr4_fixed1 == 0x3727ff);
	assert_int_equal(c.vmcs_max_index, 0x1a);

	assert_true(c.ept.present && c.ept.usable);
	assert_true(c.ept.walk4);
	assert_false(c.ept.walk5);
	assert_true(c.ept.wb && c.ept.uc);
	assert_true(c.ept.page_2m && c.ept.page_1g && c.ept.ad && c.ept.exec_only);
	assert_true(c.ept.invept && c.ept.invept_single && c.ept.invept_all);
	assert_true(c.vpid.present && c.vpid.invvpid);
	assert_true(c.vpid.inv_addr && c.vpid.inv_single && c.vpid.inv_all && c.vpid.inv_single_globals);
	assert_true(c.unrestricted_guest);
	assert_true(c.preempt_timer);
	assert_int_equal(c.preempt_rate, 0);

	assert_true(c.act_hlt && c.act_shutdown && c.act_wait_sipi);
	assert_int_equal(c.cr3_targets, 4);
	assert_int_equal(c.max_msr_list, 512);
	assert_true(c.vmwrite_exit_info);
	assert_int_equal(c.mseg_revision, 0);

	/* PLATFORM.md: no posted interrupts and no MTF in Bochs 2.7. */
	assert_false(c.posted_intr);
	assert_false(c.mtf);
	assert_true(c.tpr_shadow && c.io_bitmaps && c.msr_bitmaps);
	assert_true(c.apic_access && c.x2apic_virt && c.apic_reg_virt && c.virt_intr);
	assert_true(c.pml && c.vmcs_shadowing && c.vmfunc && c.eptp_switching);
	assert_true(c.xsaves && c.tsc_scaling && c.rdtscp && c.invpcid);
	assert_true(c.exit_save_efer && c.exit_load_efer && c.exit_save_pat && c.exit_load_pat);
	assert_true(c.entry_load_efer && c.entry_load_pat);
	assert_true(c.exit_load_perf_global && c.entry_load_perf_global);

	expect_missing(&c, "");
}

static void test_decode_6700k(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_core_i7_6700k, &cpu, &m, &c);
	assert_int_equal(c.vmcs_revision, 4);
	assert_int_equal(c.vmcs_size, 1024);
	assert_int_equal(c.vmcs_memtype, VMX_MEMTYPE_WB);
	assert_true(c.true_ctls && c.ins_outs_info);
	expect_ctl(c.proc, 0x04006172, 0xfff9fffe);
	expect_ctl(c.proc2, 0x00000000, 0x001ffcff);
	expect_ctl(c.exit, 0x00036dfb, 0x01ffffff);
	expect_ctl(c.entry, 0x000011fb, 0x0003ffff);
	assert_int_equal(c.vmcs_max_index, 0x17);

	assert_true(c.ept.usable && c.ept.walk4 && c.ept.wb && c.ept.page_1g && c.ept.ad);
	assert_false(c.ept.walk5);
	assert_true(c.vpid.present && c.unrestricted_guest);
	/* A client part: no APIC virtualization, no TSC scaling. */
	assert_true(c.apic_access && c.x2apic_virt);
	assert_false(c.apic_reg_virt || c.virt_intr || c.posted_intr || c.tsc_scaling);
	assert_true(c.mtf && c.pml && c.vmcs_shadowing && c.eptp_switching && c.xsaves);
	assert_true(c.preempt_timer);
	assert_int_equal(c.preempt_rate, 7);
	assert_int_equal(c.cr3_targets, 4);
	assert_int_equal(c.max_msr_list, 512);
	assert_true(c.vmwrite_exit_info);

	expect_missing(&c, "");
}

static void test_decode_penryn(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_xeon_x5482, &cpu, &m, &c);
	assert_int_equal(c.vmcs_revision, 0xd);
	assert_int_equal(c.vmcs_size, 2048);
	assert_int_equal(c.vmcs_memtype, VMX_MEMTYPE_WB);
	assert_true(c.ins_outs_info);
	assert_false(c.true_ctls);
	/* Without TRUE_ MSRs the default1 controls stay must-be-one. */
	expect_ctl(c.pin, 0x00000016, 0x0000003f);
	expect_ctl(c.proc, 0x0401e172, 0xf7f9fffe);
	expect_ctl(c.proc2, 0x00000000, 0x00000041);
	expect_ctl(c.exit, 0x00036dff, 0x0003ffff);
	expect_ctl(c.entry, 0x000011ff, 0x00003fff);

	assert_false(c.ept.present || c.ept.usable);
	assert_false(c.vpid.present);
	assert_false(c.unrestricted_guest);
	assert_false(c.preempt_timer);
	assert_false(c.mtf);
	assert_true(c.apic_access && c.tpr_shadow);
	assert_false(c.exit_load_efer || c.exit_save_pat || c.entry_load_efer || c.entry_load_pat);
	assert_true(c.exit_load_perf_global && c.entry_load_perf_global);
	assert_true(c.act_hlt && c.act_shutdown && c.act_wait_sipi);
	assert_false(c.vmwrite_exit_info);
	assert_int_equal(c.cr3_targets, 4);

	expect_missing(&c, "EPT, unrestricted guest");
}

static void test_decode_conroe(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&vmx_fixture_core2_x6800, &cpu, &m, &c);
	assert_int_equal(c.vmcs_revision, 7);
	assert_int_equal(c.vmcs_size, 1024);
	assert_false(c.ins_outs_info || c.true_ctls);
	expect_ctl(c.proc, 0x0401e172, 0x77b9fffe);
	expect_ctl(c.proc2, 0, 0);
	assert_false(c.ept.present || c.vpid.present || c.unrestricted_guest);
	assert_false(c.apic_access || c.vmfunc || c.rdtscp);
	assert_false(c.exit_load_perf_global || c.entry_load_perf_global);
	assert_true(c.tpr_shadow && c.msr_bitmaps && c.io_bitmaps);

	expect_missing(&c, "EPT, unrestricted guest");
}

/* A hand-built struct: values of MSRs that were not read, or whose controls
 * say they do not exist, are ignored. */
static void test_decode_ignores_absent_msrs(void **state)
{
	struct vmx_msrs m = {
		.basic = 0x00d810000000002b, /* claims TRUE_ controls */
		.procbased_ctls = 0x77b9fffe0401e172, /* no secondary controls */
		.true_procbased_ctls = 0x77b9fffe04006172,
		.procbased_ctls2 = 0xffffffff00000000,
		.ept_vpid_cap = UINT64_MAX,
		.vmfunc = 1,
		.procbased_ctls3 = UINT64_MAX,
		.present = 0x7ff,
	};
	struct vmx_caps c;

	vmx_caps_decode(&m, &c);
	assert_true(c.true_ctls);
	expect_ctl(c.proc, 0x0401e172, 0x77b9fffe);
	expect_ctl(c.proc2, 0, 0);
	assert_true(c.proc3_may_be_one == 0);
	assert_false(c.ept.present || c.ept.wb || c.vpid.present || c.vpid.invvpid);
	assert_false(c.vmfunc || c.eptp_switching || c.unrestricted_guest);
}

/* --- what is missing --------------------------------------------------------------- */

static struct vmx_caps bochs_with(uint32_t msr, uint64_t value)
{
	struct vmx_fixture fx = fixture_with(&vmx_fixture_bochs_skylake_x, msr, value);
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(&fx, &cpu, &m, &c);
	return c;
}

static void test_missing_vmcs_uc(void **state)
{
	struct vmx_caps c = bochs_with(MSR_IA32_VMX_BASIC, 0x00c010000000002b);

	assert_int_equal(c.vmcs_memtype, VMX_MEMTYPE_UC);
	expect_missing(&c, "VMCS memory type is not write-back");
}

static void test_missing_ept_wb_and_invept(void **state)
{
	/* Bochs's capabilities less bits 14 (WB) and 20 (INVEPT). */
	struct vmx_caps c = bochs_with(MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106230141);

	assert_true(c.ept.present);
	assert_false(c.ept.usable || c.ept.wb || c.ept.invept);
	assert_false(c.unrestricted_guest); /* it requires EPT */
	expect_missing(&c, "EPT write-back memory type, INVEPT single- or all-context");
}

static void test_missing_ept_wb(void **state)
{
	struct vmx_caps c = bochs_with(MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106330141);

	assert_true(c.ept.invept && c.ept.walk4);
	assert_false(c.ept.usable || c.unrestricted_guest);
	expect_missing(&c, "EPT write-back memory type");
}

static void test_missing_ept_walk4(void **state)
{
	struct vmx_caps c = bochs_with(MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106334101);

	assert_false(c.ept.walk4 || c.ept.usable);
	expect_missing(&c, "EPT 4-level page walk");
}

/* INVEPT with only single-context, or only all-context, is enough. */
static void test_missing_invept_types(void **state)
{
	struct vmx_caps c = bochs_with(MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0100334141);

	assert_true(c.ept.invept);
	expect_missing(&c, "INVEPT single- or all-context");
	c = bochs_with(MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0104334141);
	assert_true(c.ept.usable && c.ept.invept_all && !c.ept.invept_single);
	c = bochs_with(MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0102334141);
	assert_true(c.ept.usable && c.ept.invept_single && !c.ept.invept_all);
}

static void test_missing_unrestricted_guest(void **state)
{
	struct vmx_caps c = bochs_with(MSR_IA32_VMX_PROCBASED_CTLS2, 0x02177f7f00000000);

	assert_true(c.ept.usable);
	assert_false(c.unrestricted_guest);
	expect_missing(&c, "unrestricted guest");
}

static void test_missing_everything_and_truncation(void **state)
{
	const char *all = "EPT, unrestricted guest, VMCS memory type is not write-back";
	struct vmx_fixture fx = fixture_with(&vmx_fixture_core2_x6800, MSR_IA32_VMX_BASIC, 0x0002040000000007);
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;
	char buf[8];

	load(&fx, &cpu, &m, &c);
	expect_missing(&c, all);
	assert_int_equal(vmx_caps_missing(&c, buf, sizeof(buf)), strlen(all));
	assert_string_equal(buf, "EPT, un");
	assert_int_equal(vmx_caps_missing(&c, NULL, 0), strlen(all));
}

/* --- control computation ------------------------------------------------------------ */

enum {
	PROC_CR3_LOAD = 1u << 15,
	PROC_CR3_STORE = 1u << 16,
	PROC_MTF = 1u << 27,
	PROC_MSR_BITMAPS = 1u << 28,
	PROC_SECONDARY = 1u << 31,
};

static void test_ctl_resolve_with_true_ctls(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;
	uint32_t v = 0;

	load(&vmx_fixture_bochs_skylake_x, &cpu, &m, &c);
	/* MTF is optional and Bochs lacks it; CR3 exiting may be 0. */
	assert_true(vmx_ctl_resolve(&c.proc, PROC_SECONDARY | PROC_MSR_BITMAPS, PROC_MTF, &v));
	assert_int_equal(v, 0x94006172);
	assert_false(v & (PROC_CR3_LOAD | PROC_CR3_STORE | PROC_MTF));

	v = 0x12345678;
	assert_false(vmx_ctl_resolve(&c.proc, PROC_MTF, 0, &v));
	assert_int_equal(v, 0x12345678);
}

static void test_ctl_resolve_without_true_ctls(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;
	uint32_t v = 0;

	load(&vmx_fixture_xeon_x5482, &cpu, &m, &c);
	assert_true(vmx_ctl_resolve(&c.proc, PROC_SECONDARY | PROC_MSR_BITMAPS, PROC_MTF, &v));
	assert_int_equal(v, 0x9401e172);
	assert_int_equal(v & (PROC_CR3_LOAD | PROC_CR3_STORE), PROC_CR3_LOAD | PROC_CR3_STORE);
	assert_true(vmx_ctl_resolve(&c.proc2, 0, 0xffffffff, &v));
	assert_int_equal(v, 0x41);
}

static void test_ctl_resolve_no_secondary(void **state)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;
	uint32_t v = 0;

	load(&vmx_fixture_core2_x6800, &cpu, &m, &c);
	assert_false(vmx_ctl_resolve(&c.proc, PROC_SECONDARY, 0, &v));
	assert_false(vmx_ctl_resolve(&c.proc2, 1u << 1, 0, &v));
	assert_true(vmx_ctl_resolve(&c.proc2, 0, 0xffffffff, &v));
	assert_int_equal(v, 0);
}

/* --- IA32_FEATURE_CONTROL ------------------------------------------------------------- */

static void expect_fc(uint64_t value, enum vmx_fc_action want, uint64_t want_new)
{
	uint64_t got_new = 0xdeadbeef;

	assert_int_equal(vmx_feature_control_decide(value, &got_new), want);
	assert_true(got_new == want_new);
}

static void test_feature_control_unlocked(void **state)
{
	expect_fc(0x0, VMX_FC_WRITE, 0x5);
	expect_fc(0x4, VMX_FC_WRITE, 0x5);
	expect_fc(0x2, VMX_FC_WRITE, 0x7);
	expect_fc(0x40000, VMX_FC_WRITE, 0x40005);
	assert_string_equal(vmx_feature_control_msg(VMX_FC_WRITE),
			    "IA32_FEATURE_CONTROL unlocked: enabling VMX outside SMX and locking it");
}

static void test_feature_control_locked_enabled(void **state)
{
	expect_fc(vmx_fixture_bochs_skylake_x.feature_control, VMX_FC_OK, 0x5);
	expect_fc(vmx_fixture_core2_x6800.feature_control, VMX_FC_OK, 0x5);
	expect_fc(0x20005, VMX_FC_OK, 0x20005);
	assert_string_equal(vmx_feature_control_msg(VMX_FC_OK), "VMX enabled in IA32_FEATURE_CONTROL (locked)");
}

static void test_feature_control_locked_disabled(void **state)
{
	expect_fc(0x1, VMX_FC_REFUSE, 0x1);
	expect_fc(0x3, VMX_FC_REFUSE, 0x3);
	assert_string_equal(vmx_feature_control_msg(VMX_FC_REFUSE),
			    "VMX disabled by firmware in IA32_FEATURE_CONTROL (locked)");
}

/* --- the log ------------------------------------------------------------------------- */

static void log_fixture(const struct vmx_fixture *fx, struct log_capture *cap)
{
	struct fake_cpu cpu;
	struct vmx_msrs m;
	struct vmx_caps c;

	load(fx, &cpu, &m, &c);
	*cap = (struct log_capture){ 0 };
	vmx_caps_log(&c, capture_line, cap);
}

static void test_log_bochs(void **state)
{
	static const char *const want[] = {
		"vmx: vmcs rev=0x2b size=4096 memtype=wb addr32=no ins/outs-info=yes true-ctls=yes "
		"entry-errcode-optional=no",
		"vmx: ept=wb,uc,4l,2m,1g,ad,xo invept=single,all vpid=yes invvpid=addr,single,all,single-globals "
		"ug=yes preempt=yes(rate 0)",
		"vmx: misc activity=hlt,shutdown,wait-sipi cr3-targets=4 msr-list-max=512 vmwrite-exit-info=yes "
		"mseg-rev=0",
		"vmx: ctls must/may pin=00000016/0000007f proc=04006172/f7f9fffe proc2=00000000/02177fff "
		"exit=00036dfb/007fffff entry=000011fb/0000ffff",
		"vmx: apic +tpr-shadow +apic-access +x2apic-virt +apic-reg-virt +virt-intr -posted-intr",
		"vmx: exec +io-bitmaps +msr-bitmaps -mtf +rdtscp +invpcid +xsaves +tsc-scaling +pml +vmcs-shadow "
		"+vmfunc +eptp-switch",
		"vmx: msr-switch +exit-save-efer +exit-load-efer +exit-save-pat +exit-load-pat +entry-load-efer "
		"+entry-load-pat +exit-load-perf +entry-load-perf",
	};
	struct log_capture cap;

	log_fixture(&vmx_fixture_bochs_skylake_x, &cap);
	assert_int_equal(cap.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(cap.lines[i], want[i]);
}

static void test_log_without_ept(void **state)
{
	struct log_capture cap;

	log_fixture(&vmx_fixture_core2_x6800, &cap);
	assert_string_equal(cap.lines[0], "vmx: vmcs rev=0x7 size=1024 memtype=wb addr32=no ins/outs-info=no "
					  "true-ctls=no entry-errcode-optional=no");
	assert_string_equal(cap.lines[1], "vmx: ept=no vpid=no ug=no preempt=no");
	assert_string_equal(cap.lines[4],
			    "vmx: apic +tpr-shadow -apic-access -x2apic-virt -apic-reg-virt -virt-intr -posted-intr");
}

static void test_log_unusable_ept_and_tertiary(void **state)
{
	struct vmx_fixture fx = fixture_with(&vmx_fixture_bochs_skylake_x, MSR_IA32_VMX_EPT_VPID_CAP,
					     0x0000000100200141);
	fx = fixture_with(&fx, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xf7fbfffe04006172);
	fx = fixture_with(&fx, MSR_IA32_VMX_PROCBASED_CTLS, 0xf7fbfffe0401e172);
	fx = fixture_with(&fx, MSR_IA32_VMX_PROCBASED_CTLS3, 0x8000000000000001);
	fx = fixture_with(&fx, MSR_IA32_VMX_BASIC, 0x00c010000000002b);
	struct log_capture cap;

	log_fixture(&fx, &cap);
	assert_string_equal(cap.lines[0], "vmx: vmcs rev=0x2b size=4096 memtype=uc addr32=no ins/outs-info=yes "
					  "true-ctls=yes entry-errcode-optional=no");
	assert_string_equal(cap.lines[1], "vmx: ept=uc,4l,ad,xo(unusable) invept=none vpid=yes invvpid=none "
					  "ug=no preempt=yes(rate 0)");
	assert_string_equal(cap.lines[3], "vmx: ctls must/may pin=00000016/0000007f proc=04006172/f7fbfffe "
					  "proc2=00000000/02177fff exit=00036dfb/007fffff entry=000011fb/0000ffff "
					  "proc3=may 8000000000000001");
}

/* Every bit set, even reserved ones: no line is cut short. */
static void test_log_all_ones(void **state)
{
	struct vmx_msrs m;
	struct vmx_caps c;
	struct log_capture cap = { 0 };

	memset(&m, 0xff, sizeof(m));
	vmx_caps_decode(&m, &c);
	assert_int_equal(c.vmcs_size, 0x1fff);
	assert_int_equal(c.preempt_rate, 31);
	assert_int_equal(c.cr3_targets, 511);
	assert_int_equal(c.max_msr_list, 4096);
	assert_int_equal(c.mseg_revision, 0xffffffff);
	vmx_caps_log(&c, capture_line, &cap);
	assert_int_equal(cap.n, 7);
	for (size_t i = 0; i < cap.n; i++)
		assert_true(strlen(cap.lines[i]) < 200);
	assert_string_equal(cap.lines[1], "vmx: ept=wb,uc,4l,5l,2m,1g,ad,xo invept=single,all vpid=yes "
					  "invvpid=addr,single,all,single-globals ug=yes preempt=yes(rate 31)");
	assert_string_equal(cap.lines[2], "vmx: misc activity=hlt,shutdown,wait-sipi cr3-targets=511 "
					  "msr-list-max=4096 vmwrite-exit-info=yes mseg-rev=4294967295");
	assert_string_equal(cap.lines[3], "vmx: ctls must/may pin=ffffffff/ffffffff proc=ffffffff/ffffffff "
					  "proc2=ffffffff/ffffffff exit=ffffffff/ffffffff entry=ffffffff/ffffffff "
					  "proc3=may ffffffffffffffff");
	assert_string_equal(cap.lines[6], "vmx: msr-switch +exit-save-efer +exit-load-efer +exit-save-pat "
					  "+exit-load-pat +entry-load-efer +entry-load-pat +exit-load-perf "
					  "+entry-load-perf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_bochs_reads_every_existing_msr),
		cmocka_unit_test(test_read_6700k),
		cmocka_unit_test(test_read_penryn_stops_after_secondary),
		cmocka_unit_test(test_read_conroe_reads_only_base),
		cmocka_unit_test(test_read_vpid_without_ept),
		cmocka_unit_test(test_read_tertiary),
		cmocka_unit_test(test_read_no_true_ctls),
		cmocka_unit_test(test_read_no_vmfunc),
		cmocka_unit_test(test_fault_secondary),
		cmocka_unit_test(test_fault_basic),
		cmocka_unit_test(test_fault_true_entry),
		cmocka_unit_test(test_fault_unlisted_msr),
		cmocka_unit_test(test_fault_message_truncated),
		cmocka_unit_test(test_decode_bochs),
		cmocka_unit_test(test_decode_6700k),
		cmocka_unit_test(test_decode_penryn),
		cmocka_unit_test(test_decode_conroe),
		cmocka_unit_test(test_decode_ignores_absent_msrs),
		cmocka_unit_test(test_missing_vmcs_uc),
		cmocka_unit_test(test_missing_ept_wb_and_invept),
		cmocka_unit_test(test_missing_ept_wb),
		cmocka_unit_test(test_missing_ept_walk4),
		cmocka_unit_test(test_missing_invept_types),
		cmocka_unit_test(test_missing_unrestricted_guest),
		cmocka_unit_test(test_missing_everything_and_truncation),
		cmocka_unit_test(test_ctl_resolve_with_true_ctls),
		cmocka_unit_test(test_ctl_resolve_without_true_ctls),
		cmocka_unit_test(test_ctl_resolve_no_secondary),
		cmocka_unit_test(test_feature_control_unlocked),
		cmocka_unit_test(test_feature_control_locked_enabled),
		cmocka_unit_test(test_feature_control_locked_disabled),
		cmocka_unit_test(test_log_bochs),
		cmocka_unit_test(test_log_without_ept),
		cmocka_unit_test(test_log_unusable_ept_and_tertiary),
		cmocka_unit_test(test_log_all_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
