/* A virtual CPU, vendor-neutral part, and the state it starts in. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include "arch/x86/vmx/vmx_vcpu.h"
#include "hv/mmiobus.h"
#include "hv/types.h"
#include "hv/vdev/lapic.h"
#include "hv/vdev_timer.h"

struct domain;

/* How a vCPU starts: the three entry modes the guest loaders produce. */
enum vcpu_boot_mode {
	VCPU_BOOT_REAL16, /* real mode at cs:rip (unrestricted guest) */
	VCPU_BOOT_PROT32, /* flat 32-bit protected mode, paging off (multiboot) */
	VCPU_BOOT_LONG64, /* long mode with paging: cr3, gdt from the loader */
};

struct vcpu_boot_state {
	enum vcpu_boot_mode mode;
	uint16_t cs; /* real mode only */
	uint64_t rip, rsp;
	uint64_t rax, rbx, rsi; /* multiboot magic and info; Linux zero page */
	uint64_t cr3;                  /* long mode */
	uint64_t gdt_base, gdt_limit;  /* long mode */
	uint16_t code_sel, data_sel;   /* long mode */
};

/* Events waiting for the guest, raised by devices (possibly from a host
 * interrupt handler on this CPU) and consumed by the backend's injection. */
struct vcpu_pending {
	volatile uint64_t irq[4]; /* one bit per vector */
	volatile bool nmi;
};

struct vcpu {
	struct domain *dom;
	unsigned int id;
	struct vcpu_pending pending;
	struct lapic lapic;
	struct vdev_host_timer lapic_timer;
	struct mmio_bus local_mmio; /* this vCPU's view of its own LAPIC page */
	bool unsupported_delivery_seen;
	struct vcpu_arch arch;
};

void vcpu_raise_irq(struct vcpu *v, uint8_t vector);
void vcpu_raise_nmi(struct vcpu *v);
/* The highest pending vector (as a local APIC prioritises), or -1. */
int vcpu_highest_irq(const struct vcpu *v);
void vcpu_clear_irq(struct vcpu *v, uint8_t vector);

#endif
