/* Guest linear-address access (see vmx_guest_memory.h): the walker of
 * hv/emul/pagewalk.c on the registers of the current VMCS, over the
 * domain's RAM. */
#include "arch/x86/vmx/vmx_guest_memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "arch/x86/vmx/vmx_guest_state.h"
#include "hv/domain.h"
#include "hv/string.h"

static bool read_ram(uint64_t gpa, void *buf, size_t len, void *ctx)
{
	const struct domain *d = ctx;
	if (!domain_gpa_is_ram(d, gpa, len))
		return false;
	memcpy(buf, domain_gpa_to_host(d, gpa), len);
	return true;
}

void vmx_guest_paging(struct pw_regs *r)
{
	*r = (struct pw_regs){
		.cr0 = vmx_guest_visible_cr0(),
		.cr3 = vmcs_read(VMCS_GUEST_CR3),
		.cr4 = vmx_guest_visible_cr4(),
		.efer = vmcs_read(VMCS_GUEST_EFER),
		.rflags = vmcs_read(VMCS_GUEST_RFLAGS),
		.cpl = (unsigned)((vmcs_read(VMCS_GUEST_SS_AR) & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT),
		.pdpte = {vmcs_read(VMCS_GUEST_PDPTE0), vmcs_read(VMCS_GUEST_PDPTE1),
			  vmcs_read(VMCS_GUEST_PDPTE2), vmcs_read(VMCS_GUEST_PDPTE3)},
		.maxphyaddr = (uint8_t)cpuid(0x80000008).eax,
		.gbpages = cpuid(0x80000001).edx & CPUID80000001_EDX_PDPE1GB,
	};
}

enum x86emu_mode vmx_guest_code_mode(void)
{
	uint64_t ar = vmcs_read(VMCS_GUEST_CS_AR);
	if ((vmcs_read(VMCS_GUEST_EFER) & PW_EFER_LMA) && (ar & VMX_AR_L))
		return X86EMU_MODE_64;
	return (ar & VMX_AR_DB) ? X86EMU_MODE_32 : X86EMU_MODE_16;
}

int vmx_guest_translate(const struct vcpu *v, uint64_t linear, size_t len, bool write, bool fetch,
			struct pw_range *range, struct pw_fault *fault)
{
	struct pw_regs regs;
	struct pw_access acc = {.write = write, .fetch = fetch, .implicit_supervisor = false};

	vmx_guest_paging(&regs);
	return pw_translate_range(&regs, linear, len, acc, read_ram, v->dom, range, fault);
}

/* How many leading parts of the range translated (all on success). */
static unsigned translate(const struct vcpu *v, uint64_t linear, size_t len, bool write, bool fetch,
			  struct pw_range *range)
{
	struct pw_fault fault;
	int res = vmx_guest_translate(v, linear, len, write, fetch, range, &fault);
	/* On a translation failure the parts before the failed one are good;
	 * nothing is for a non-canonical or bad-length access. */
	return res == PW_OK ? range->parts : res == PW_FAULT || res == PW_BAD_GPA ? range->failed : 0;
}

size_t vmx_guest_read_linear(const struct vcpu *v, uint64_t linear, void *buf, size_t len, bool fetch)
{
	struct pw_range range;
	unsigned translated = translate(v, linear, len, false, fetch, &range);
	size_t done = 0;

	for (unsigned i = 0; i < translated; i++) {
		if (!read_ram(range.part[i].gpa, (uint8_t *)buf + done, range.part[i].len, v->dom))
			break;
		done += range.part[i].len;
	}
	return done;
}

bool vmx_guest_write_linear(const struct vcpu *v, uint64_t linear, const void *buf, size_t len)
{
	struct pw_range range;
	size_t done = 0;

	if (translate(v, linear, len, true, false, &range) != range.parts)
		return false;
	for (unsigned i = 0; i < range.parts; i++)
		if (!domain_gpa_is_ram(v->dom, range.part[i].gpa, range.part[i].len))
			return false;
	for (unsigned i = 0; i < range.parts; i++) {
		memcpy(domain_gpa_to_host(v->dom, range.part[i].gpa), (const uint8_t *)buf + done,
		       range.part[i].len);
		done += range.part[i].len;
	}
	return true;
}
