/* Domains: a guest's RAM, its vCPU, how it ended, its virtual PC (hv/vpc.h)
 * and the test devices every domain gets (console port 0xE9, exit port 0xF4). */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include "arch/x86/timer.h"
#include "arch/x86/vmx/vmx_domain.h"
#include "hv/domain_config.h"
#include "hv/iobus.h"
#include "hv/mmiobus.h"
#include "hv/vcpu.h"
#include "hv/vdev/test_devices.h"
#include "hv/vdev/test_mmio.h"
#include "hv/vpc.h"

enum domain_end_reason {
	DOMAIN_RUNNING,
	DOMAIN_END_POWEROFF,
	DOMAIN_END_RESET,
	DOMAIN_END_EXIT_PORT,
	DOMAIN_END_TRIPLE_FAULT,
	DOMAIN_END_BAD_ACCESS,
	DOMAIN_END_ENTRY_FAILED,
	DOMAIN_END_UNHANDLED_EXIT,
	DOMAIN_END_STUCK,
	DOMAIN_END_DESTROYED,
};

#define DOMAIN_CONSOLE_LINE_MAX 160

struct domain {
	unsigned int id;
	struct domain_config cfg;
	paddr_t ram_hpa; /* contiguous host memory backing guest-physical 0.. */
	uint64_t ram_bytes;
	struct vcpu vcpu0;
	struct domain_arch arch;
	uint64_t exits; /* every VM exit of every vCPU */
	uint64_t hypercalls;
	enum domain_end_reason end_reason;
	uint64_t end_status;
	char console[DOMAIN_CONSOLE_LINE_MAX];
	size_t console_len;
	bool console_open; /* a partial line is on the console (show_partial) */
	struct port_bus ports;
	struct mmio_bus mmio;
	struct test_mmio test_mmio;
	uint64_t start_tsc; /* the domain's clock starts here (device models' time 0) */
	uint64_t first_entry_tsc; /* vCPU 0's first VM entry, where marker spans start */
	struct vpc vpc;
	uint64_t unclaimed_port_accesses;
	struct test_devices testdev;
	struct timer_event testdev_timer;
	/* A 1 ms host timer event while the domain runs: its count shows the
	 * hypervisor kept control however the guest behaved. */
	struct timer_event tick;
	uint64_t host_ticks;
};

/* Set up the domain's devices and start its host tick; stop them again. */
int domain_devices_init(struct domain *d, char *err, size_t errlen);
void domain_devices_stop(struct domain *d);

/* Whether anything could still raise an event the vCPU would take: with
 * interrupts on any interrupt, with them off only an NMI. */
bool domain_wake_possible(const struct domain *d, bool interrupts_on);

/* End the domain (the first reason given wins); its vCPUs stop at their next
 * exit. status: the exit port's value, 0 otherwise. */
void domain_end(struct domain *d, enum domain_end_reason reason, uint64_t status);
static inline bool domain_running(const struct domain *d)
{
	return d->end_reason == DOMAIN_RUNNING;
}
const char *domain_end_reason_name(enum domain_end_reason r);

/* A guest I/O port access, through the domain's port bus. An unclaimed port
 * reads all ones and ignores writes; each is reported once. */
void domain_port_io(struct domain *d, uint16_t port, unsigned int size, bool write, uint32_t *value);

/* One byte of the domain's console output (test port or hypercall). */
void domain_console_byte(struct domain *d, uint8_t c);

/* Print what the guest wrote to its console that has no newline yet. */
void domain_console_flush(struct domain *d);
/* Show it without ending the line (the guest is idle, maybe at a prompt). */
void domain_console_show_partial(struct domain *d);

/* Whether [gpa, gpa + len) lies in the domain's RAM. */
static inline bool domain_gpa_is_ram(const struct domain *d, uint64_t gpa, uint64_t len)
{
	return gpa < d->ram_bytes && len <= d->ram_bytes - gpa;
}

/* Host pointer to guest-physical gpa (inside RAM). */
void *domain_gpa_to_host(const struct domain *d, uint64_t gpa);

#endif
