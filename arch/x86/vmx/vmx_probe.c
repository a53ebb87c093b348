/* VT-x discovery on the running CPU (see vmx_probe.h); the decoding itself is
 * the pure logic of vmx_caps.c. */
#include "arch/x86/vmx/vmx_probe.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "hv/format.h"
#include "hv/log.h"
#include "hv/string.h"

static bool read_msr_safely(uint32_t msr, uint64_t *val, void *ctx)
{
	return rdmsr_safe(msr, val) == 0;
}

static void emit_log_line(const char *line, void *ctx)
{
	log_info("%s", line);
}

bool vmx_feature_control_enable(char *why, size_t n)
{
	uint64_t fc, updated;

	if (rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc)) {
		fmt_snprintf(why, n, "IA32_FEATURE_CONTROL (0x3a) cannot be read");
		return false;
	}
	enum vmx_fc_action action = vmx_feature_control_decide(fc, &updated);
	if (action == VMX_FC_REFUSE) {
		fmt_snprintf(why, n, "%s", vmx_feature_control_msg(action));
		return false;
	}
	if (action == VMX_FC_WRITE) {
		if (wrmsr_safe(MSR_IA32_FEATURE_CONTROL, updated)) {
			fmt_snprintf(why, n, "IA32_FEATURE_CONTROL (0x3a) cannot be written to enable VMX");
			return false;
		}
		log_info("vmx: IA32_FEATURE_CONTROL was unlocked: set %#lx (VMX outside SMX, locked)",
			 updated);
	}
	return true;
}

void vmx_probe_cpu(struct vmx_probe *out)
{
	struct vmx_msrs msrs;

	memset(out, 0, sizeof(*out));
	if (!(cpuid(1).ecx & CPUID1_ECX_VMX)) {
		fmt_snprintf(out->missing, sizeof(out->missing), "no VMX (CPUID.1:ECX.VMX[bit 5] is 0)");
		return;
	}
	if (!vmx_feature_control_enable(out->missing, sizeof(out->missing)))
		return;
	if (vmx_msrs_read(read_msr_safely, NULL, &msrs, out->missing, sizeof(out->missing)))
		return;
	out->vmx = true;
	vmx_caps_decode(&msrs, &out->caps);
	vmx_caps_log(&out->caps, emit_log_line, NULL);
	out->ept = out->caps.ept.usable;
	out->vpid = out->caps.vpid.present && out->caps.vpid.invvpid;
	out->ug = out->caps.unrestricted_guest;
	out->usable = vmx_caps_missing(&out->caps, out->missing, sizeof(out->missing)) == 0;
}
