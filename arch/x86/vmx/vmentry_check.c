/* The VM-entry checker's public entry points (SDM Vol. 3C 27.2 "Checks on VMX
 * Controls and Host-State Area", 27.3.1 "Checks on the Guest State Area"): reads
 * the values the checks share, then runs each area's checks in SDM order. */
#include "arch/x86/vmx/vmentry_check_internal.h"

#define DEFAULT_PA_BITS 52
#define DEFAULT_LA_BITS 48

/* --- entry points ---------------------------------------------------------- */

static void read_controls(struct chk *c)
{
	c->pin = (uint32_t)field(c, VMCS_PIN_BASED_CTLS);
	c->proc = (uint32_t)field(c, VMCS_PRI_PROC_BASED_CTLS);
	c->proc2 = (c->proc & VMX_PROC_SECONDARY_CTLS) ? (uint32_t)field(c, VMCS_SEC_PROC_BASED_CTLS) : 0;
	c->proc3 = (c->proc & VMX_PROC_TERTIARY_CTLS) ? field(c, VMCS_TER_PROC_BASED_CTLS) : 0;
	c->exit = (uint32_t)field(c, VMCS_EXIT_CTLS);
	c->entry = (uint32_t)field(c, VMCS_ENTRY_CTLS);
	c->intr_info = (uint32_t)field(c, VMCS_ENTRY_INTR_INFO);
	c->ia32e = c->entry & VMX_ENTRY_IA32E_MODE_GUEST;
	c->ug = c->proc2 & VMX_PROC2_UNRESTRICTED_GUEST;
	c->cr0 = field(c, VMCS_GUEST_CR0);
	c->cr4 = field(c, VMCS_GUEST_CR4);
	c->rflags = field(c, VMCS_GUEST_RFLAGS);
	vmentry_read_segments(c);
	c->cs_l = c->seg[SEG_CS].ar & VMX_AR_L;
}

size_t vmentry_check_cpu(vmcs_read_fn rd, void *ctx, const struct vmx_caps *caps,
			 const struct vmentry_cpu *cpu, struct vmentry_problem *out, size_t max)
{
	struct chk c = {
		.rd = rd, .ctx = ctx, .caps = caps, .out = out, .max = max,
		.pa_bits = cpu->pa_bits, .la_bits = cpu->la_bits,
	};

	/* A width canonical() cannot use means no linear-address limit. */
	if (c.la_bits < 32 || c.la_bits > 64)
		c.la_bits = 64;

	/* IA32_VMX_BASIC[48] limits what VMCS pointers reference to 32 bits. */
	c.ref_bits = caps->vmcs_addr_32bit ? MIN(c.pa_bits, 32u) : c.pa_bits;
	read_controls(&c);

	c.area = VMENTRY_AREA_CONTROLS;
	vmentry_check_exec_controls(&c);
	vmentry_check_exit_entry_controls(&c);

	c.area = VMENTRY_AREA_HOST;
	vmentry_check_host(&c);

	c.area = VMENTRY_AREA_GUEST;
	vmentry_check_guest_regs(&c);
	vmentry_check_guest_segments(&c);
	vmentry_check_guest_rip_rflags(&c);
	vmentry_check_guest_state(&c);
	return c.n;
}

size_t vmentry_check(vmcs_read_fn rd, void *ctx, const struct vmx_caps *caps,
		     struct vmentry_problem *out, size_t max)
{
	const struct vmentry_cpu cpu = { .pa_bits = DEFAULT_PA_BITS, .la_bits = DEFAULT_LA_BITS };

	return vmentry_check_cpu(rd, ctx, caps, &cpu, out, max);
}
