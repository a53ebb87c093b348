/* The per-vCPU local APIC model (Intel SDM Vol. 3A chapter 11): registers in
 * the xAPIC MMIO page and the x2APIC MSR view, interrupt acceptance and
 * priorities, IPIs through a hook, and the timer counting at the crystal clock. */
#ifndef HV_VDEV_LAPIC_H
#define HV_VDEV_LAPIC_H

#include "hv/mmiobus.h"
#include "hv/vdev/vdev.h"

/* The xAPIC page (SDM 3A 11.4.1); each vCPU sees its own LAPIC there. */
#define LAPIC_MMIO_BASE 0xfee00000ull
#define LAPIC_MMIO_SIZE 0x1000

/* Register offsets in the page (SDM 3A Table 11-1); the x2APIC MSR of a
 * register is 0x800 + offset / 16 (Table 11-6). */
#define LAPIC_REG_ID 0x020
#define LAPIC_REG_VERSION 0x030
#define LAPIC_REG_TPR 0x080
#define LAPIC_REG_APR 0x090
#define LAPIC_REG_PPR 0x0a0
#define LAPIC_REG_EOI 0x0b0
#define LAPIC_REG_RRD 0x0c0
#define LAPIC_REG_LDR 0x0d0
#define LAPIC_REG_DFR 0x0e0
#define LAPIC_REG_SVR 0x0f0
#define LAPIC_REG_ISR 0x100 /* 8 registers, 16 bytes apart, vectors 32n..32n+31 */
#define LAPIC_REG_TMR 0x180
#define LAPIC_REG_IRR 0x200
#define LAPIC_REG_ESR 0x280
#define LAPIC_REG_ICR_LO 0x300
#define LAPIC_REG_ICR_HI 0x310
#define LAPIC_REG_LVT_TIMER 0x320
#define LAPIC_REG_LVT_THERMAL 0x330
#define LAPIC_REG_LVT_PERF 0x340
#define LAPIC_REG_LVT_LINT0 0x350
#define LAPIC_REG_LVT_LINT1 0x360
#define LAPIC_REG_LVT_ERROR 0x370
#define LAPIC_REG_TIMER_INITIAL 0x380
#define LAPIC_REG_TIMER_CURRENT 0x390
#define LAPIC_REG_TIMER_DIVIDE 0x3e0
#define LAPIC_REG_SELF_IPI 0x3f0 /* x2APIC mode only */

#define LAPIC_MSR_FIRST 0x800
#define LAPIC_MSR_LAST 0x8ff

/* Version 0x14 (integrated APIC), max LVT entry 5: six LVTs, timer, thermal,
 * performance counter, LINT0, LINT1 and error (no CMCI), and no EOI-broadcast
 * suppression (bit 24 clear). SDM 3A 11.4.8. */
#define LAPIC_VERSION_VALUE 0x00050014u

/* IA32_APIC_BASE bits the model acts on (SDM 3A 11.4.4, 11.12.1). */
#define LAPIC_BASE_BSP ((uint64_t)1 << 8)
#define LAPIC_BASE_EXTD ((uint64_t)1 << 10)
#define LAPIC_BASE_EN ((uint64_t)1 << 11)

#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_LVT_MASK (1u << 16)
#define LAPIC_LVT_MODE_SHIFT 8 /* delivery mode, bits 10:8 */
#define LAPIC_LVT_TIMER_SHIFT 17 /* timer mode, bits 18:17 */

/* LVT timer modes (SDM 3A 11.5.4); 3 is reserved and counts as one-shot. */
#define LAPIC_TIMER_ONESHOT 0u
#define LAPIC_TIMER_PERIODIC 1u
#define LAPIC_TIMER_TSC_DEADLINE 2u

/* ESR bits this model latches (SDM 3A 11.5.3). */
#define LAPIC_ESR_SEND_ILLEGAL (1u << 5)
#define LAPIC_ESR_RECV_ILLEGAL (1u << 6)
#define LAPIC_ESR_ILLEGAL_REG (1u << 7)

/* ICR / LVT delivery modes (SDM 3A 11.6.1), as the ipi hook gets them. */
#define LAPIC_DM_FIXED 0u
#define LAPIC_DM_LOWEST 1u
#define LAPIC_DM_SMI 2u
#define LAPIC_DM_NMI 4u
#define LAPIC_DM_INIT 5u
#define LAPIC_DM_SIPI 6u
#define LAPIC_DM_EXTINT 7u

/* ICR destination shorthands, bits 19:18. */
#define LAPIC_SH_NONE 0u
#define LAPIC_SH_SELF 1u
#define LAPIC_SH_ALL 2u
#define LAPIC_SH_OTHERS 3u

/* What the domain gives the model. clock and timer follow hv/vdev/vdev.h.
 * ipi sends one IPI: the domain delivers it to every vCPU the shorthand
 * names, or with LAPIC_SH_NONE to those whose lapic_match_dest(dest,
 * logical) holds (this vCPU included). dest is ICR[63:56] in xAPIC mode and
 * ICR[63:32] in x2APIC mode. LAPIC_DM_LOWEST is passed as is: the domain
 * delivers it as fixed to the lowest-numbered matching vCPU. Fixed and
 * lowest-priority IPIs are edge-triggered (lapic_accept(..., false)).
 * eoi broadcasts the EOI of a level-triggered vector to the I/O APICs. */
struct lapic_hooks {
	struct vdev_clock clock;
	struct vdev_timer timer;
	void (*ipi)(void *ctx, uint32_t dest, bool logical, unsigned shorthand, unsigned mode,
		    uint8_t vector);
	void (*eoi)(void *ctx, uint8_t vector);
	void *ctx; /* for ipi and eoi */
};

enum lapic_lvt {
	LAPIC_LVT_TIMER_IDX,
	LAPIC_LVT_THERMAL_IDX,
	LAPIC_LVT_PERF_IDX,
	LAPIC_LVT_LINT0_IDX,
	LAPIC_LVT_LINT1_IDX,
	LAPIC_LVT_ERROR_IDX,
	LAPIC_LVT_COUNT,
};

/* The architectural state: the save/load unit. The ID register is the
 * initial APIC ID and read-only in both modes. */
struct lapic_state {
	uint64_t apic_base; /* IA32_APIC_BASE as the MSR policy accepted it */
	uint32_t id;
	uint32_t tpr, ldr, dfr, svr;
	uint32_t isr[8], tmr[8], irr[8];
	uint32_t esr;         /* what the last ESR write latched */
	uint32_t esr_pending; /* errors since that write */
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_COUNT];
	uint32_t timer_initial, timer_divide;
	/* Counting modes: the counter held timer_first at timer_origin_ns and
	 * counts down at crystal / divide; the next expiry is when timer_next
	 * ticks have passed since the origin. */
	bool timer_counting;
	uint64_t timer_origin_ns, timer_first, timer_next;
	uint64_t tsc_deadline; /* 0: not armed */
};

struct lapic {
	struct lapic_state s;
	struct lapic_hooks hooks;
	uint64_t crystal_hz, tsc_hz;
};

enum lapic_msr_result {
	LAPIC_MSR_OK,
	LAPIC_MSR_GP, /* the caller injects #GP(0); nothing changed */
};

/* Power-on state (SDM 3A 11.4.7.1): enabled in xAPIC mode at the default
 * base, BSP flag as given, software-disabled, every LVT masked. The timer
 * counts at crystal_hz (CPUID.15H ECX) divided by the divide configuration;
 * guest TSC t is clock time t * 10^9 / tsc_hz ns (the domain keeps the guest
 * TSC at zero when its clock reads zero). Returns -1 if either rate is 0. */
int lapic_init(struct lapic *l, uint32_t apic_id, bool bsp, const struct lapic_hooks *hooks,
	       uint64_t crystal_hz, uint64_t tsc_hz);

/* INIT received (SDM 3A 11.4.7.3): registers as after power-on except the ID
 * and IA32_APIC_BASE; an x2APIC keeps its mode and derived LDR. */
void lapic_init_signal(struct lapic *l);

/* A WRMSR to IA32_APIC_BASE that the MSR policy already accepted (a legal
 * 11.12.5 transition at the fixed base), so value is taken as is. EN clear:
 * the LAPIC is hardware-disabled with its registers reset; EN set again:
 * xAPIC mode in the reset state; EXTD newly set: x2APIC mode with the other
 * registers kept and the LDR derived from the ID (11.12.5.1). */
void lapic_set_apic_base(struct lapic *l, uint64_t value);

/* The xAPIC page on bus (this vCPU's view). In x2APIC mode or while
 * disabled the page acts as absent: reads all ones, writes dropped. Only
 * 32-bit writes at 16-byte aligned offsets reach a register; narrower reads
 * within a register's first 4 bytes read its bytes. */
int lapic_mmio_attach(struct lapic *l, struct mmio_bus *bus, char *err, size_t errlen);

/* RDMSR / WRMSR of 0x800-0x8ff in x2APIC mode (SDM 3A 11.12.1.2). */
enum lapic_msr_result lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value);
enum lapic_msr_result lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t value);

/* IA32_TSC_DEADLINE (SDM 3A 11.5.4.1): the caller forwards WRMSR and RDMSR.
 * Writes outside TSC-deadline mode are ignored, 0 disarms, and the value
 * reads 0 outside that mode and once the timer fired. */
void lapic_write_tsc_deadline(struct lapic *l, uint64_t tsc);
uint64_t lapic_read_tsc_deadline(const struct lapic *l);

/* The domain's timer armed by the model expired. */
void lapic_timer_fired(struct lapic *l);

/* A fixed interrupt arrives (IPI, I/O APIC, MSI): IRR set, TMR set for level
 * and cleared for edge. Returns false when it is dropped: the LAPIC is
 * disabled, or the vector is below 16 (receive-illegal-vector error). */
bool lapic_accept(struct lapic *l, uint8_t vector, bool level);

/* The highest IRR vector, if its priority class beats the PPR's. */
bool lapic_pending(const struct lapic *l, uint8_t *vector);

/* The vector is injected: IRR -> ISR. */
void lapic_ack(struct lapic *l, uint8_t vector);

/* Whether a fixed-delivery IPI or message for dest reaches this LAPIC:
 * physical ID or broadcast, or the logical flat / cluster models of the DFR
 * (xAPIC) or the x2APIC cluster LDR (SDM 3A 11.6.2). */
bool lapic_match_dest(const struct lapic *l, uint32_t dest, bool logical);

/* Whether the PIC's INTR output reaches this vCPU: LINT0 unmasked in ExtINT
 * mode, or the LAPIC hardware-disabled (then the pin goes straight to the
 * core, 11.4.3). The vector then comes from the PIC, not the IRR. */
bool lapic_accepts_pic(const struct lapic *l);

bool lapic_x2apic_mode(const struct lapic *l);

/* MOV to and from CR8 in 64-bit mode: CR8[3:0] is TPR[7:4] and a write
 * clears TPR[3:0] (SDM 3A 11.8.6.1). */
uint64_t lapic_read_cr8(const struct lapic *l);
void lapic_write_cr8(struct lapic *l, uint64_t cr8);

/* Snapshots: load re-arms (or cancels) the domain's timer to match. */
void lapic_save(const struct lapic *l, struct lapic_state *out);
void lapic_load(struct lapic *l, const struct lapic_state *in);

#endif
