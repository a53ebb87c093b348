/* Entering VMX operation (SDM 3C 24.7, "Enabling and Entering VMX Operation",
 * and 24.8, "Restrictions on VMX Operation": CR0/CR4 must respect the
 * IA32_VMX_CRx_FIXED0/1 MSRs before and during VMX operation). */
#include "arch/x86/vmx/vmx_cpu.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/msr_policy.h"
#include "arch/x86/smp.h"
#include "arch/x86/vmx/vmx_insn.h"
#include "arch/x86/vmx/vmx_probe.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/string.h"

struct vmx_on_request {
	const struct vmx_caps *caps;
	bool ok;
};

static void vmx_on_this_cpu(void *arg)
{
	struct vmx_on_request *req = arg;
	const struct vmx_caps *caps = req->caps;
	struct percpu *p = this_cpu();
	char why[128];

	req->ok = false;
	if (!vmx_feature_control_enable(why, sizeof(why))) {
		log_err("cpu%u vmx off: %s", p->cpu_id, why);
		return;
	}
	uint64_t cr0 = (read_cr0() | caps->cr0_fixed0) & caps->cr0_fixed1;
	uint64_t cr4 = (read_cr4() | caps->cr4_fixed0 | CR4_VMXE) & caps->cr4_fixed1;
	if (!(cr4 & CR4_VMXE)) {
		log_err("cpu%u vmx off: IA32_VMX_CR4_FIXED1 does not allow CR4.VMXE", p->cpu_id);
		return;
	}
	write_cr0(cr0);
	write_cr4(cr4);

	paddr_t region = mm_alloc_pages(1);
	if (region == PADDR_INVALID) {
		log_err("cpu%u vmx off: no page for the VMXON region", p->cpu_id);
		return;
	}
	/* SDM 3C 25.11.5: the region starts with the VMCS revision identifier. */
	*(uint32_t *)phys_to_virt(region) = caps->vmcs_revision;
	enum vmx_status st = vmxon(region);
	if (st != VMX_OK) {
		log_err("cpu%u vmx off: VMXON failed (%s)", p->cpu_id,
			st == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid");
		mm_free_pages(region, 1);
		return;
	}
	p->vmxon_region = region;
	req->ok = true;
	log_info("cpu%u vmx on", p->cpu_id);
}

static const struct vmx_caps *active_caps;
static struct vmx_exec_controls active_controls;
static paddr_t io_bitmaps, msr_bitmap;
static enum vmx_entry_check entry_check = VMX_ENTRY_CHECK_LAUNCH;
static bool ins_outs_info_masked;

/* The controls every VMCS uses, and the shared all-ones bitmaps. */
static bool vmx_global_setup(const struct vmx_caps *caps)
{
	char err[128];
	const struct vmx_ctl_set *u = &active_controls.unsupported;

	if (vmx_exec_controls_compute(caps, &active_controls, err, sizeof(err))) {
		log_err("vmx: %s", err);
		return false;
	}
	if (u->pin | u->proc | u->proc2 | u->exit | u->entry)
		log_info("vmx: wanted but unsupported controls: pin=%#x proc=%#x proc2=%#x exit=%#x entry=%#x",
			 u->pin, u->proc, u->proc2, u->exit, u->entry);
	io_bitmaps = mm_alloc_pages(2);
	msr_bitmap = mm_alloc_pages(1);
	if (io_bitmaps == PADDR_INVALID || msr_bitmap == PADDR_INVALID) {
		log_err("vmx: no memory for the I/O and MSR bitmaps");
		return false;
	}
	memset(phys_to_virt(io_bitmaps), 0xff, 2 * PAGE_SIZE);
	/* FS/GS bases live in the VMCS and KERNEL_GS_BASE in the switched
	 * context, so those pass through; every other MSR exits. */
	msr_policy_bitmap(phys_to_virt(msr_bitmap), true);
	active_caps = caps;
	return true;
}

const struct vmx_caps *vmx_active_caps(void)
{
	return active_caps;
}

const struct vmx_exec_controls *vmx_active_controls(void)
{
	return &active_controls;
}

paddr_t vmx_io_bitmap(int which)
{
	return io_bitmaps + (which ? PAGE_SIZE : 0);
}

paddr_t vmx_msr_bitmap(void)
{
	return msr_bitmap;
}

bool vmx_ins_outs_info_usable(void)
{
	return active_caps && active_caps->ins_outs_info && !ins_outs_info_masked;
}

void vmx_mask_ins_outs_info(void)
{
	ins_outs_info_masked = true;
}

void vmx_set_entry_check(enum vmx_entry_check mode)
{
	entry_check = mode;
}

enum vmx_entry_check vmx_entry_check_mode(void)
{
	return entry_check;
}

unsigned int vmx_enable_all_cpus(const struct vmx_caps *caps)
{
	unsigned int on = 0;

	if (caps->vmcs_size > PAGE_SIZE) {
		log_err("vmx: VMCS region size %u exceeds a page", caps->vmcs_size);
		return 0;
	}
	if (!vmx_global_setup(caps))
		return 0;
	for (unsigned int id = 0; id < cpus_online; id++) {
		struct vmx_on_request req = {caps, false};
		if (!smp_call_on(id, vmx_on_this_cpu, &req))
			log_err("cpu%u vmx off: the CPU did not answer", id);
		else if (req.ok)
			on++;
	}
	return on;
}
