/* The domain life cycle (see domains.h): parse the config, give the domain
 * RAM and an address space, load its kernel, run it, and on its end flush,
 * scrub and free everything before the next domain can get the memory. */
#include "hv/domains.h"
#include "hv/arch_domain.h"
#include "hv/boot_modules.h"
#include "hv/cmdline.h"
#include "hv/domain_boot.h"
#include "hv/format.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/string.h"

#define DOMAINS_LIST_MAX 1024
/* Guest RAM is 2 MiB aligned so the EPT can use large pages for it. */
#define RAM_ALIGN_PAGES 512

static struct domain the_domain;
static unsigned int next_domain_id = 1;

static void domain_free_ram(struct domain *d)
{
	if (!d->ram_bytes)
		return;
	/* Scrubbed before the pages go back: the next owner must never see
	 * this domain's data. */
	memset(domain_gpa_to_host(d, 0), 0, d->ram_bytes);
	mm_free_pages(d->ram_hpa, d->ram_bytes / PAGE_SIZE);
	d->ram_bytes = 0;
}

static void domain_destroy(struct domain *d)
{
	domain_devices_stop(d);
	arch_vcpu_destroy(&d->vcpu0);
	arch_domain_destroy(d);
	domain_free_ram(d);
}

static int domain_create(struct domain *d, const struct mb2_info *mb, char *err, size_t errlen)
{
	struct vcpu_boot_state boot;
	uint64_t pages = d->cfg.memory_mib * (MIB / PAGE_SIZE);

	/* RAM is one block from guest-physical 0; it may not reach the device
	 * region below 4 GiB (RAM above the hole comes with larger guests). */
	if (pages * PAGE_SIZE > TEST_MMIO_BASE) {
		fmt_snprintf(err, errlen, "memory: %lu MiB would overlap the device region at %#llx",
			     d->cfg.memory_mib, TEST_MMIO_BASE);
		return -1;
	}
	d->ram_hpa = mm_alloc_pages_aligned(pages, RAM_ALIGN_PAGES);
	if (d->ram_hpa == PADDR_INVALID) {
		fmt_snprintf(err, errlen, "no %lu MiB of contiguous free memory (free: %lu MiB)",
			     d->cfg.memory_mib, mm_free_bytes() / MIB);
		return -1;
	}
	d->ram_bytes = pages * PAGE_SIZE;
	d->vcpu0.dom = d;
	d->vcpu0.id = 0;
	if (domain_devices_init(d, err, errlen) || arch_domain_init(d, err, errlen) ||
	    domain_boot_load(d, mb, &boot, err, errlen) || arch_vcpu_init(&d->vcpu0, &boot, err, errlen))
		return -1;
	return 0;
}

/* Parse, create, run and destroy one domain; false if it never ran. */
static bool domain_run_one(const struct mb2_info *mb, const char *cfg_name)
{
	struct domain *d = &the_domain;
	struct boot_module cfg;
	char err[192];

	memset(d, 0, sizeof(*d));
	if (!boot_module_find(mb, cfg_name, &cfg)) {
		log_err("domain %s: no boot module of that name%s", cfg_name,
			mb->modules_dropped ? " (boot modules beyond the limit were dropped)" : "");
		return false;
	}
	if (domain_config_parse(cfg_name, cfg.data, cfg.len, &d->cfg, err, sizeof(err))) {
		log_err("domain config %s", err);
		return false;
	}
	d->id = next_domain_id++;
	if (d->cfg.vcpus > 1)
		log_warn("dom%u %s: %u vCPUs configured; one runs until the scheduler exists", d->id,
			 d->cfg.name, d->cfg.vcpus);
	if (domain_create(d, mb, err, sizeof(err))) {
		log_err("dom%u %s: not started: %s", d->id, d->cfg.name, err);
		domain_destroy(d);
		return false;
	}
	log_info("dom%u %s: started, %lu MiB at host %#lx, kernel %s", d->id, d->cfg.name,
		 d->cfg.memory_mib, d->ram_hpa, d->cfg.kernel);
	arch_vcpu_run(&d->vcpu0);
	domain_devices_stop(d);
	domain_console_flush(d);
	arch_domain_log_exit_stats(d);
	log_info("dom%u %s: host timer ticks=%lu, test interrupts=%lu, unclaimed port accesses=%lu,"
		 " hypercalls=%lu", d->id, d->cfg.name, d->host_ticks, d->testdev.raised,
		 d->unclaimed_port_accesses, d->hypercalls);
	log_info("dom%u %s ended: %s status=%lu exits=%lu", d->id, d->cfg.name,
		 domain_end_reason_name(d->end_reason), d->end_status, d->exits);
	domain_destroy(d);
	return true;
}

void domains_run(const struct mb2_info *mb, const char *cmdline)
{
	char list[DOMAINS_LIST_MAX];
	unsigned int ran = 0, refused = 0;

	if (!cmdline_get(cmdline, "domains", list, sizeof(list)) || !list[0]) {
		log_info("domains: none named on the command line (domains=...)");
		return;
	}
	char *cursor = list;
	for (char *name; (name = cmdline_list_next(&cursor));) {
		if (domain_run_one(mb, name))
			ran++;
		else
			refused++;
	}
	log_info("domains: %u ran, %u refused, %lu MiB free", ran, refused, mm_free_bytes() / MIB);
}
