/* VMX capability discovery: which capability MSRs exist and what they report
 * (Intel SDM Vol. 3D, Appendix A), what this hypervisor lacks, and the log. */
#include "arch/x86/vmx/vmx_caps.h"
#include "hv/format.h"
#include "hv/string.h"

#define BIT64(n) (UINT64_C(1) << (n))
#define CTL(n) (UINT32_C(1) << (n))

/* IA32_VMX_BASIC (A.1). */
#define BASIC_REVISION_MASK 0x7fffffffu
#define BASIC_SIZE_SHIFT 32
#define BASIC_SIZE_MASK 0x1fffu /* bits 44:32; bit 44 alone means 4096 */
#define BASIC_ADDR_32BIT BIT64(48)
#define BASIC_MEMTYPE_SHIFT 50
#define BASIC_MEMTYPE_MASK 0xfu
#define BASIC_INS_OUTS_INFO BIT64(54)
#define BASIC_TRUE_CTLS BIT64(55)
#define BASIC_ENTRY_ERRCODE_OPTIONAL BIT64(56)

/* Control bits, as numbered in the SDM Vol. 3C tables "Definitions of
 * Pin-Based / Primary and Secondary Processor-Based VM-Execution Controls",
 * "Definitions of Primary VM-Exit Controls" and "Definitions of VM-Entry Controls". */
#define PIN_PREEMPT_TIMER CTL(6)
#define PIN_POSTED_INTR CTL(7)

#define PROC_TERTIARY CTL(17)
#define PROC_TPR_SHADOW CTL(21)
#define PROC_IO_BITMAPS CTL(25)
#define PROC_MTF CTL(27)
#define PROC_MSR_BITMAPS CTL(28)
#define PROC_SECONDARY CTL(31)

#define PROC2_APIC_ACCESS CTL(0)
#define PROC2_EPT CTL(1)
#define PROC2_RDTSCP CTL(3)
#define PROC2_X2APIC_VIRT CTL(4)
#define PROC2_VPID CTL(5)
#define PROC2_UNRESTRICTED CTL(7)
#define PROC2_APIC_REG_VIRT CTL(8)
#define PROC2_VIRT_INTR CTL(9)
#define PROC2_INVPCID CTL(12)
#define PROC2_VMFUNC CTL(13)
#define PROC2_VMCS_SHADOWING CTL(14)
#define PROC2_PML CTL(17)
#define PROC2_XSAVES CTL(20)
#define PROC2_TSC_SCALING CTL(25)

#define EXIT_LOAD_PERF_GLOBAL CTL(12)
#define EXIT_SAVE_PAT CTL(18)
#define EXIT_LOAD_PAT CTL(19)
#define EXIT_SAVE_EFER CTL(20)
#define EXIT_LOAD_EFER CTL(21)

#define ENTRY_LOAD_PERF_GLOBAL CTL(13)
#define ENTRY_LOAD_PAT CTL(14)
#define ENTRY_LOAD_EFER CTL(15)

/* IA32_VMX_MISC (A.6). */
#define MISC_PREEMPT_RATE_MASK 0x1fu
#define MISC_ACT_HLT BIT64(6)
#define MISC_ACT_SHUTDOWN BIT64(7)
#define MISC_ACT_WAIT_SIPI BIT64(8)
#define MISC_CR3_TARGETS_SHIFT 16
#define MISC_CR3_TARGETS_MASK 0x1ffu
#define MISC_MSR_LIST_SHIFT 25
#define MISC_MSR_LIST_MASK 0x7u
#define MISC_VMWRITE_EXIT_INFO BIT64(29)
#define MISC_MSEG_SHIFT 32

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define EPT_EXEC_ONLY BIT64(0)
#define EPT_WALK4 BIT64(6)
#define EPT_WALK5 BIT64(7)
#define EPT_UC BIT64(8)
#define EPT_WB BIT64(14)
#define EPT_2M BIT64(16)
#define EPT_1G BIT64(17)
#define EPT_INVEPT BIT64(20)
#define EPT_AD BIT64(21)
#define EPT_INVEPT_SINGLE BIT64(25)
#define EPT_INVEPT_ALL BIT64(26)
#define VPID_INVVPID BIT64(32)
#define VPID_INV_ADDR BIT64(40)
#define VPID_INV_SINGLE BIT64(41)
#define VPID_INV_ALL BIT64(42)
#define VPID_INV_SINGLE_GLOBALS BIT64(43)

/* IA32_VMX_VMFUNC (A.11). */
#define VMFUNC_EPTP_SWITCHING BIT64(0)

/* IA32_VMX_VMCS_ENUM (A.9): bits 9:1 hold the highest field index. */
#define VMCS_ENUM_INDEX_SHIFT 1
#define VMCS_ENUM_INDEX_MASK 0x1ffu

/* IA32_FEATURE_CONTROL. */
#define FC_LOCK BIT64(0)
#define FC_VMX_OUTSIDE_SMX BIT64(2)

#define TRUE_CTLS_ALL                                                                        \
	(VMX_MSR_BIT(MSR_IA32_VMX_TRUE_PINBASED_CTLS) | VMX_MSR_BIT(MSR_IA32_VMX_TRUE_PROCBASED_CTLS) | \
	 VMX_MSR_BIT(MSR_IA32_VMX_TRUE_EXIT_CTLS) | VMX_MSR_BIT(MSR_IA32_VMX_TRUE_ENTRY_CTLS))

struct msr_desc {
	const char *name;
	size_t offset; /* of its field in struct vmx_msrs */
};

#define DESC(msr, nm, field) [(msr) - MSR_IA32_VMX_BASIC] = { nm, offsetof(struct vmx_msrs, field) }

static const struct msr_desc msr_descs[] = {
	DESC(MSR_IA32_VMX_BASIC, "IA32_VMX_BASIC", basic),
	DESC(MSR_IA32_VMX_PINBASED_CTLS, "IA32_VMX_PINBASED_CTLS", pinbased_ctls),
	DESC(MSR_IA32_VMX_PROCBASED_CTLS, "IA32_VMX_PROCBASED_CTLS", procbased_ctls),
	DESC(MSR_IA32_VMX_EXIT_CTLS, "IA32_VMX_EXIT_CTLS", exit_ctls),
	DESC(MSR_IA32_VMX_ENTRY_CTLS, "IA32_VMX_ENTRY_CTLS", entry_ctls),
	DESC(MSR_IA32_VMX_MISC, "IA32_VMX_MISC", misc),
	DESC(MSR_IA32_VMX_CR0_FIXED0, "IA32_VMX_CR0_FIXED0", cr0_fixed0),
	DESC(MSR_IA32_VMX_CR0_FIXED1, "IA32_VMX_CR0_FIXED1", cr0_fixed1),
	DESC(MSR_IA32_VMX_CR4_FIXED0, "IA32_VMX_CR4_FIXED0", cr4_fixed0),
	DESC(MSR_IA32_VMX_CR4_FIXED1, "IA32_VMX_CR4_FIXED1", cr4_fixed1),
	DESC(MSR_IA32_VMX_VMCS_ENUM, "IA32_VMX_VMCS_ENUM", vmcs_enum),
	DESC(MSR_IA32_VMX_PROCBASED_CTLS2, "IA32_VMX_PROCBASED_CTLS2", procbased_ctls2),
	DESC(MSR_IA32_VMX_EPT_VPID_CAP, "IA32_VMX_EPT_VPID_CAP", ept_vpid_cap),
	DESC(MSR_IA32_VMX_TRUE_PINBASED_CTLS, "IA32_VMX_TRUE_PINBASED_CTLS", true_pinbased_ctls),
	DESC(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, "IA32_VMX_TRUE_PROCBASED_CTLS", true_procbased_ctls),
	DESC(MSR_IA32_VMX_TRUE_EXIT_CTLS, "IA32_VMX_TRUE_EXIT_CTLS", true_exit_ctls),
	DESC(MSR_IA32_VMX_TRUE_ENTRY_CTLS, "IA32_VMX_TRUE_ENTRY_CTLS", true_entry_ctls),
	DESC(MSR_IA32_VMX_VMFUNC, "IA32_VMX_VMFUNC", vmfunc),
	DESC(MSR_IA32_VMX_PROCBASED_CTLS3, "IA32_VMX_PROCBASED_CTLS3", procbased_ctls3),
};

_Static_assert(ARRAY_SIZE(msr_descs) == MSR_IA32_VMX_PROCBASED_CTLS3 - MSR_IA32_VMX_BASIC + 1,
	       "a capability MSR lacks a descriptor");

struct reader {
	vmx_rdmsr_fn rd;
	void *ctx;
	struct vmx_msrs *out;
	char *err;
	size_t errlen;
};

static bool read_msr(struct reader *r, uint32_t msr)
{
	const struct msr_desc *d = &msr_descs[msr - MSR_IA32_VMX_BASIC];
	uint64_t val;

	if (!r->rd(msr, &val, r->ctx)) {
		fmt_snprintf(r->err, r->errlen, "rdmsr %s (%#x) raised #GP", d->name, msr);
		return false;
	}
	*(uint64_t *)((char *)r->out + d->offset) = val;
	r->out->present |= VMX_MSR_BIT(msr);
	return true;
}

/* Bits 63:32 of a control capability MSR: the controls that may be 1. */
static uint32_t allowed1(uint64_t msr)
{
	return (uint32_t)(msr >> 32);
}

int vmx_msrs_read(vmx_rdmsr_fn rd, void *ctx, struct vmx_msrs *out, char *err, size_t errlen)
{
	struct reader r = { .rd = rd, .ctx = ctx, .out = out, .err = err, .errlen = errlen };

	memset(out, 0, sizeof(*out));
	if (errlen > 0)
		err[0] = '\0';

	/* A.1 to A.9: every processor with VMX has 0x480 to 0x48A. */
	for (uint32_t msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_VMCS_ENUM; msr++)
		if (!read_msr(&r, msr))
			return -1;
	/* A.3.3: only if "activate secondary controls" may be 1. */
	if ((allowed1(out->procbased_ctls) & PROC_SECONDARY) &&
	    !read_msr(&r, MSR_IA32_VMX_PROCBASED_CTLS2))
		return -1;
	/* A.10: only if "enable EPT" or "enable VPID" may be 1; procbased_ctls2
	 * is still 0 when there are no secondary controls. */
	if ((allowed1(out->procbased_ctls2) & (PROC2_EPT | PROC2_VPID)) &&
	    !read_msr(&r, MSR_IA32_VMX_EPT_VPID_CAP))
		return -1;
	/* A.1: the four TRUE_ MSRs exist if and only if BASIC bit 55 is 1. */
	if (out->basic & BASIC_TRUE_CTLS) {
		for (uint32_t msr = MSR_IA32_VMX_TRUE_PINBASED_CTLS; msr <= MSR_IA32_VMX_TRUE_ENTRY_CTLS; msr++)
			if (!read_msr(&r, msr))
				return -1;
	}
	/* A.11: only if "enable VM functions" may be 1. */
	if ((allowed1(out->procbased_ctls2) & PROC2_VMFUNC) && !read_msr(&r, MSR_IA32_VMX_VMFUNC))
		return -1;
	/* A.3.4: only if "activate tertiary controls" may be 1. */
	if ((allowed1(out->procbased_ctls) & PROC_TERTIARY) && !read_msr(&r, MSR_IA32_VMX_PROCBASED_CTLS3))
		return -1;
	return 0;
}

bool vmx_ctl_resolve(const struct vmx_ctl_caps *c, uint32_t required, uint32_t optional, uint32_t *out)
{
	if (required & ~c->may_be_one)
		return false;
	*out = c->must_be_one | required | (optional & c->may_be_one);
	return true;
}

/* A.3 to A.5: bits 31:0 are the allowed 0-settings (a 1 there means the
 * control must be 1), bits 63:32 the allowed 1-settings. */
static struct vmx_ctl_caps ctl_caps(uint64_t msr)
{
	return (struct vmx_ctl_caps){ .must_be_one = (uint32_t)msr, .may_be_one = allowed1(msr) };
}

static void decode_ept_vpid(const struct vmx_msrs *m, struct vmx_caps *c)
{
	uint64_t cap = m->ept_vpid_cap;
	struct vmx_ept_caps *e = &c->ept;
	struct vmx_vpid_caps *v = &c->vpid;

	/* A.10: the EPT bits mean something only with EPT, the VPID bits only
	 * with VPID; the MSR exists if either does. */
	e->present = c->proc2.may_be_one & PROC2_EPT;
	if (e->present) {
		e->walk4 = cap & EPT_WALK4;
		e->walk5 = cap & EPT_WALK5;
		e->uc = cap & EPT_UC;
		e->wb = cap & EPT_WB;
		e->page_2m = cap & EPT_2M;
		e->page_1g = cap & EPT_1G;
		e->ad = cap & EPT_AD;
		e->exec_only = cap & EPT_EXEC_ONLY;
		e->invept = cap & EPT_INVEPT;
		e->invept_single = cap & EPT_INVEPT_SINGLE;
		e->invept_all = cap & EPT_INVEPT_ALL;
	}
	/* This hypervisor's EPT tables are 4-level and write-back, and changing
	 * them needs an INVEPT type that flushes at least one EPTP's mappings. */
	e->usable = e->present && e->walk4 && e->wb && e->invept && (e->invept_single || e->invept_all);

	v->present = c->proc2.may_be_one & PROC2_VPID;
	if (v->present) {
		v->invvpid = cap & VPID_INVVPID;
		v->inv_addr = cap & VPID_INV_ADDR;
		v->inv_single = cap & VPID_INV_SINGLE;
		v->inv_all = cap & VPID_INV_ALL;
		v->inv_single_globals = cap & VPID_INV_SINGLE_GLOBALS;
	}
}

static void decode_misc(uint64_t misc, struct vmx_caps *c)
{
	c->preempt_rate = misc & MISC_PREEMPT_RATE_MASK;
	c->act_hlt = misc & MISC_ACT_HLT;
	c->act_shutdown = misc & MISC_ACT_SHUTDOWN;
	c->act_wait_sipi = misc & MISC_ACT_WAIT_SIPI;
	c->cr3_targets = (misc >> MISC_CR3_TARGETS_SHIFT) & MISC_CR3_TARGETS_MASK;
	/* A.6: the recommended maximum is 512 * (N + 1) entries per list. */
	c->max_msr_list = 512 * (((misc >> MISC_MSR_LIST_SHIFT) & MISC_MSR_LIST_MASK) + 1);
	c->vmwrite_exit_info = misc & MISC_VMWRITE_EXIT_INFO;
	c->mseg_revision = (uint32_t)(misc >> MISC_MSEG_SHIFT);
}

void vmx_caps_decode(const struct vmx_msrs *m, struct vmx_caps *c)
{
	memset(c, 0, sizeof(*c));

	c->vmcs_revision = m->basic & BASIC_REVISION_MASK;
	c->vmcs_size = (m->basic >> BASIC_SIZE_SHIFT) & BASIC_SIZE_MASK;
	c->vmcs_memtype = (m->basic >> BASIC_MEMTYPE_SHIFT) & BASIC_MEMTYPE_MASK;
	c->vmcs_addr_32bit = m->basic & BASIC_ADDR_32BIT;
	c->ins_outs_info = m->basic & BASIC_INS_OUTS_INFO;
	c->true_ctls = m->basic & BASIC_TRUE_CTLS;
	c->entry_errcode_optional = m->basic & BASIC_ENTRY_ERRCODE_OPTIONAL;

	/* A.2: the TRUE_ MSRs also say which default1 controls may be 0 (the
	 * others report them as must-be-one); their allowed-1 bits are the same. */
	bool use_true = c->true_ctls && (m->present & TRUE_CTLS_ALL) == TRUE_CTLS_ALL;
	c->pin = ctl_caps(use_true ? m->true_pinbased_ctls : m->pinbased_ctls);
	c->proc = ctl_caps(use_true ? m->true_procbased_ctls : m->procbased_ctls);
	c->exit = ctl_caps(use_true ? m->true_exit_ctls : m->exit_ctls);
	c->entry = ctl_caps(use_true ? m->true_entry_ctls : m->entry_ctls);
	if (c->proc.may_be_one & PROC_SECONDARY)
		c->proc2 = ctl_caps(m->procbased_ctls2);
	/* A.3.4: every tertiary control may be 0; the whole MSR is allowed-1. */
	if (c->proc.may_be_one & PROC_TERTIARY)
		c->proc3_may_be_one = m->procbased_ctls3;

	c->cr0_fixed0 = m->cr0_fixed0;
	c->cr0_fixed1 = m->cr0_fixed1;
	c->cr4_fixed0 = m->cr4_fixed0;
	c->cr4_fixed1 = m->cr4_fixed1;
	c->vmcs_max_index = (m->vmcs_enum >> VMCS_ENUM_INDEX_SHIFT) & VMCS_ENUM_INDEX_MASK;

	decode_ept_vpid(m, c);
	decode_misc(m->misc, c);

	uint32_t pin = c->pin.may_be_one, proc = c->proc.may_be_one, proc2 = c->proc2.may_be_one;
	uint32_t exit = c->exit.may_be_one, entry = c->entry.may_be_one;

	/* VM entry fails if "unrestricted guest" is 1 and "enable EPT" is 0
	 * (Vol. 3C, "Checks on VMX Controls"). */
	c->unrestricted_guest = (proc2 & PROC2_UNRESTRICTED) && c->ept.usable;
	c->preempt_timer = pin & PIN_PREEMPT_TIMER;
	c->posted_intr = pin & PIN_POSTED_INTR;

	c->tpr_shadow = proc & PROC_TPR_SHADOW;
	c->io_bitmaps = proc & PROC_IO_BITMAPS;
	c->msr_bitmaps = proc & PROC_MSR_BITMAPS;
	c->mtf = proc & PROC_MTF;

	c->apic_access = proc2 & PROC2_APIC_ACCESS;
	c->x2apic_virt = proc2 & PROC2_X2APIC_VIRT;
	c->apic_reg_virt = proc2 & PROC2_APIC_REG_VIRT;
	c->virt_intr = proc2 & PROC2_VIRT_INTR;
	c->pml = proc2 & PROC2_PML;
	c->vmcs_shadowing = proc2 & PROC2_VMCS_SHADOWING;
	c->vmfunc = proc2 & PROC2_VMFUNC;
	c->eptp_switching = c->vmfunc && (m->vmfunc & VMFUNC_EPTP_SWITCHING);
	c->xsaves = proc2 & PROC2_XSAVES;
	c->tsc_scaling = proc2 & PROC2_TSC_SCALING;
	c->rdtscp = proc2 & PROC2_RDTSCP;
	c->invpcid = proc2 & PROC2_INVPCID;

	c->exit_save_efer = exit & EXIT_SAVE_EFER;
	c->exit_load_efer = exit & EXIT_LOAD_EFER;
	c->exit_save_pat = exit & EXIT_SAVE_PAT;
	c->exit_load_pat = exit & EXIT_LOAD_PAT;
	c->exit_load_perf_global = exit & EXIT_LOAD_PERF_GLOBAL;
	c->entry_load_efer = entry & ENTRY_LOAD_EFER;
	c->entry_load_pat = entry & ENTRY_LOAD_PAT;
	c->entry_load_perf_global = entry & ENTRY_LOAD_PERF_GLOBAL;
}

/* A bounded text buffer: len counts everything appended, stored or not, so
 * the caller learns the full length as with snprintf. */
struct text {
	char *buf;
	size_t size;
	size_t len;
	size_t list_start; /* len where the current comma list began */
};

static void text_init(struct text *t, char *buf, size_t size)
{
	*t = (struct text){ .buf = buf, .size = size };
	if (size > 0)
		buf[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
	bool room = t->len < t->size;
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(room ? t->buf + t->len : NULL, room ? t->size - t->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

static void list_begin(struct text *t)
{
	t->list_start = t->len;
}

static void list_item(struct text *t, const char *sep, bool on, const char *item)
{
	if (!on)
		return;
	text_add(t, "%s%s", t->len > t->list_start ? sep : "", item);
}

/* Ends a list, writing none_word if nothing was added to it. */
static void list_end(struct text *t, const char *none_word)
{
	if (t->len == t->list_start)
		text_add(t, "%s", none_word);
}

size_t vmx_caps_missing(const struct vmx_caps *c, char *buf, size_t n)
{
	const struct vmx_ept_caps *e = &c->ept;
	struct text t;

	text_init(&t, buf, n);
	list_begin(&t);
	list_item(&t, ", ", !e->present, "EPT");
	list_item(&t, ", ", e->present && !e->walk4, "EPT 4-level page walk");
	list_item(&t, ", ", e->present && !e->wb, "EPT write-back memory type");
	list_item(&t, ", ", e->present && !(e->invept && (e->invept_single || e->invept_all)),
		  "INVEPT single- or all-context");
	/* With the control present but EPT unusable, the EPT items say why. */
	list_item(&t, ", ", !(c->proc2.may_be_one & PROC2_UNRESTRICTED), "unrestricted guest");
	/* A.1: the CPU accesses the VMCS and the structures it points to with
	 * this type, and software should map them with it; ours are write-back. */
	list_item(&t, ", ", c->vmcs_memtype != VMX_MEMTYPE_WB, "VMCS memory type is not write-back");
	return t.len;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

struct flag {
	const char *name;
	bool on;
};

static void log_basic(const struct vmx_caps *c, struct text *t)
{
	text_add(t, "vmx: vmcs rev=0x%x size=%u memtype=", c->vmcs_revision, c->vmcs_size);
	if (c->vmcs_memtype == VMX_MEMTYPE_WB)
		text_add(t, "wb");
	else if (c->vmcs_memtype == VMX_MEMTYPE_UC)
		text_add(t, "uc");
	else
		text_add(t, "%u", (unsigned)c->vmcs_memtype);
	text_add(t, " addr32=%s ins/outs-info=%s true-ctls=%s entry-errcode-optional=%s",
		 yes_no(c->vmcs_addr_32bit), yes_no(c->ins_outs_info), yes_no(c->true_ctls),
		 yes_no(c->entry_errcode_optional));
}

static void log_paging(const struct vmx_caps *c, struct text *t)
{
	const struct vmx_ept_caps *e = &c->ept;
	const struct vmx_vpid_caps *v = &c->vpid;

	text_add(t, "vmx: ept=");
	list_begin(t);
	list_item(t, ",", e->wb, "wb");
	list_item(t, ",", e->uc, "uc");
	list_item(t, ",", e->walk4, "4l");
	list_item(t, ",", e->walk5, "5l");
	list_item(t, ",", e->page_2m, "2m");
	list_item(t, ",", e->page_1g, "1g");
	list_item(t, ",", e->ad, "ad");
	list_item(t, ",", e->exec_only, "xo");
	list_end(t, e->present ? "bare" : "no");
	if (e->present) {
		if (!e->usable)
			text_add(t, "(unusable)");
		text_add(t, " invept=");
		list_begin(t);
		list_item(t, ",", e->invept && e->invept_single, "single");
		list_item(t, ",", e->invept && e->invept_all, "all");
		list_end(t, "none");
	}
	text_add(t, " vpid=%s", yes_no(v->present));
	if (v->present) {
		text_add(t, " invvpid=");
		list_begin(t);
		list_item(t, ",", v->invvpid && v->inv_addr, "addr");
		list_item(t, ",", v->invvpid && v->inv_single, "single");
		list_item(t, ",", v->invvpid && v->inv_all, "all");
		list_item(t, ",", v->invvpid && v->inv_single_globals, "single-globals");
		list_end(t, "none");
	}
	text_add(t, " ug=%s preempt=%s", yes_no(c->unrestricted_guest), yes_no(c->preempt_timer));
	if (c->preempt_timer)
		text_add(t, "(rate %u)", (unsigned)c->preempt_rate);
}

static void log_misc(const struct vmx_caps *c, struct text *t)
{
	text_add(t, "vmx: misc activity=");
	list_begin(t);
	list_item(t, ",", c->act_hlt, "hlt");
	list_item(t, ",", c->act_shutdown, "shutdown");
	list_item(t, ",", c->act_wait_sipi, "wait-sipi");
	list_end(t, "none");
	text_add(t, " cr3-targets=%u msr-list-max=%u vmwrite-exit-info=%s mseg-rev=%u", c->cr3_targets,
		 c->max_msr_list, yes_no(c->vmwrite_exit_info), c->mseg_revision);
}

static void log_ctls(const struct vmx_caps *c, struct text *t)
{
	text_add(t, "vmx: ctls must/may pin=%08x/%08x proc=%08x/%08x proc2=%08x/%08x exit=%08x/%08x entry=%08x/%08x",
		 c->pin.must_be_one, c->pin.may_be_one, c->proc.must_be_one, c->proc.may_be_one,
		 c->proc2.must_be_one, c->proc2.may_be_one, c->exit.must_be_one, c->exit.may_be_one,
		 c->entry.must_be_one, c->entry.may_be_one);
	if (c->proc.may_be_one & PROC_TERTIARY)
		text_add(t, " proc3=may %016llx", (unsigned long long)c->proc3_may_be_one);
}

static void flags_line(struct text *t, const char *title, const struct flag *f, size_t n)
{
	text_add(t, "vmx: %s", title);
	for (size_t i = 0; i < n; i++)
		text_add(t, " %c%s", f[i].on ? '+' : '-', f[i].name);
}

static void log_apic(const struct vmx_caps *c, struct text *t)
{
	const struct flag f[] = {
		{ "tpr-shadow", c->tpr_shadow },   { "apic-access", c->apic_access },
		{ "x2apic-virt", c->x2apic_virt }, { "apic-reg-virt", c->apic_reg_virt },
		{ "virt-intr", c->virt_intr },     { "posted-intr", c->posted_intr },
	};
	flags_line(t, "apic", f, ARRAY_SIZE(f));
}

static void log_exec(const struct vmx_caps *c, struct text *t)
{
	const struct flag f[] = {
		{ "io-bitmaps", c->io_bitmaps },      { "msr-bitmaps", c->msr_bitmaps },
		{ "mtf", c->mtf },                    { "rdtscp", c->rdtscp },
		{ "invpcid", c->invpcid },            { "xsaves", c->xsaves },
		{ "tsc-scaling", c->tsc_scaling },    { "pml", c->pml },
		{ "vmcs-shadow", c->vmcs_shadowing }, { "vmfunc", c->vmfunc },
		{ "eptp-switch", c->eptp_switching },
	};
	flags_line(t, "exec", f, ARRAY_SIZE(f));
}

static void log_msr_switch(const struct vmx_caps *c, struct text *t)
{
	const struct flag f[] = {
		{ "exit-save-efer", c->exit_save_efer },   { "exit-load-efer", c->exit_load_efer },
		{ "exit-save-pat", c->exit_save_pat },     { "exit-load-pat", c->exit_load_pat },
		{ "entry-load-efer", c->entry_load_efer }, { "entry-load-pat", c->entry_load_pat },
		{ "exit-load-perf", c->exit_load_perf_global },
		{ "entry-load-perf", c->entry_load_perf_global },
	};
	flags_line(t, "msr-switch", f, ARRAY_SIZE(f));
}

/* Every line fits: the longest, with every capability present, is under 200. */
#define LOG_LINE_MAX 256

void vmx_caps_log(const struct vmx_caps *c, vmx_emit_fn emit, void *ctx)
{
	static void (*const lines[])(const struct vmx_caps *, struct text *) = {
		log_basic, log_paging, log_misc, log_ctls, log_apic, log_exec, log_msr_switch,
	};
	char line[LOG_LINE_MAX];
	struct text t;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		text_init(&t, line, sizeof(line));
		lines[i](c, &t);
		emit(line, ctx);
	}
}

enum vmx_fc_action vmx_feature_control_decide(uint64_t value, uint64_t *new_value)
{
	*new_value = value;
	/* VMXON raises #GP while the lock bit is clear, and WRMSR raises #GP
	 * once it is set: an unlocked MSR is ours to enable and lock. */
	if (!(value & FC_LOCK)) {
		*new_value = value | FC_VMX_OUTSIDE_SMX | FC_LOCK;
		return VMX_FC_WRITE;
	}
	return (value & FC_VMX_OUTSIDE_SMX) ? VMX_FC_OK : VMX_FC_REFUSE;
}

const char *vmx_feature_control_msg(enum vmx_fc_action action)
{
	static const char *const msgs[] = {
		[VMX_FC_OK] = "VMX enabled in IA32_FEATURE_CONTROL (locked)",
		[VMX_FC_WRITE] = "IA32_FEATURE_CONTROL unlocked: enabling VMX outside SMX and locking it",
		[VMX_FC_REFUSE] = "VMX disabled by firmware in IA32_FEATURE_CONTROL (locked)",
	};
	return msgs[action];
}
