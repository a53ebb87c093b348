/* A domain's second-level address space (EPT) and VPID: built from the
 * domain's RAM, torn down only after every cached translation is flushed. */
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_cpu.h"
#include "arch/x86/vmx/vmx_insn.h"
#include "hv/arch_domain.h"
#include "hv/format.h"
#include "hv/log.h"
#include "hv/mm.h"

static paddr_t ept_alloc(void *ctx)
{
	return mm_alloc_pages(1);
}

static void ept_free(paddr_t pa, void *ctx)
{
	mm_free_pages(pa, 1);
}

static void *ept_phys_to_virt(paddr_t pa, void *ctx)
{
	return phys_to_virt(pa);
}

static const struct ept_mem_ops ept_ops = {ept_alloc, ept_free, ept_phys_to_virt, NULL};

int arch_domain_init(struct domain *d, char *err, size_t errlen)
{
	const struct vmx_caps *caps = vmx_active_caps();

	if (ept_init(&d->arch.ept, &ept_ops, &caps->ept)) {
		fmt_snprintf(err, errlen, "EPT set-up failed");
		return -1;
	}
	d->arch.ept_ready = true;
	if (ept_map(&d->arch.ept, 0, d->ram_hpa, d->ram_bytes, EPT_R | EPT_W | EPT_X, VMX_MEMTYPE_WB)) {
		fmt_snprintf(err, errlen, "out of memory for the EPT of %lu MiB of RAM", d->ram_bytes / MIB);
		return -1;
	}
	/* The BIOS area reads as the domain's RAM there but takes no writes
	 * (hv/vpc.h); a write exits and is dropped by the MMIO emulation. */
	if (d->ram_bytes >= VPC_BIOS_END &&
	    ept_protect(&d->arch.ept, VPC_BIOS_START, VPC_BIOS_END - VPC_BIOS_START, EPT_R | EPT_X)) {
		fmt_snprintf(err, errlen, "out of memory for the EPT of the BIOS area");
		return -1;
	}
	/* VPID 0 is the host's; domain IDs start at 1 and fit 16 bits here. */
	d->arch.vpid = vmx_active_controls()->vpid ? (uint16_t)d->id : 0;
	return 0;
}

void arch_domain_destroy(struct domain *d)
{
	const struct vmx_caps *caps = vmx_active_caps();

	if (!d->arch.ept_ready)
		return;
	/* Guests run on this CPU only so far, so its TLBs are the only ones that
	 * can hold this domain's translations (SDM 3C 29.4.3). */
	uint64_t eptp = ept_eptp(&d->arch.ept);
	enum vmx_status st = caps->ept.invept_single ? invept(INVEPT_SINGLE_CONTEXT, eptp)
						     : invept(INVEPT_ALL_CONTEXT, 0);
	if (st != VMX_OK)
		log_err("dom%u: INVEPT failed", d->id);
	if (d->arch.vpid) {
		st = caps->vpid.inv_single ? invvpid(INVVPID_SINGLE_CONTEXT, d->arch.vpid, 0)
					   : invvpid(INVVPID_ALL_CONTEXT, 0, 0);
		if (st != VMX_OK)
			log_err("dom%u: INVVPID failed", d->id);
	}
	ept_destroy(&d->arch.ept);
	d->arch.ept_ready = false;
}

void arch_domain_log_exit_stats(const struct domain *d)
{
	char line[256];
	size_t used = 0;
	const uint64_t *counts = d->vcpu0.arch.exit_counts;

	line[0] = '\0';
	for (uint32_t r = 0; r < VMX_EXIT_STATS_SLOTS && used < sizeof(line) - 1; r++) {
		if (!counts[r])
			continue;
		const char *name = vmx_exit_reason_name(r);
		int n = fmt_snprintf(line + used, sizeof(line) - used, " %s=%lu", name ? name : "?",
				     counts[r]);
		if (n > 0)
			used += (size_t)n;
	}
	log_info("dom%u %s exits:%s", d->id, d->cfg.name, used ? line : " none");
}
