/* Per-CPU area: reached through GS (its first field points to itself), it holds
 * the CPU's identity, descriptor tables, TSS and stacks. */
#ifndef ARCH_X86_PERCPU_H
#define ARCH_X86_PERCPU_H

#include "hv/types.h"
#include "arch/x86/asm_defs.h"
#include "arch/x86/desc.h"
#include "arch/x86/timer.h"

#define HV_MAX_CPUS 256
#define CPU_STACK_SIZE (16 * 1024)
#define IST_STACK_SIZE (8 * 1024)

/* IST slots (1-based, as the IDT gate encodes them). */
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3
#define IST_COUNT 3

struct smp_call;

struct percpu {
	struct percpu *self; /* must stay first: this_cpu() reads %gs:0 */
	unsigned int cpu_id; /* dense index: 0 is the boot CPU */
	uint32_t apic_id;
	uint64_t stack_top;
	uint64_t ist_top[IST_COUNT];
	volatile int fixup_vector; /* vector of the last exception a fix-up absorbed */
	volatile bool online;
	volatile uint64_t ipi_pings; /* IPI_VECTOR_PING received */
	struct smp_call *volatile call; /* a function another CPU asked this one to run */
	paddr_t vmxon_region; /* 0 until VMX operation is entered */
	struct timer_queue timers;
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
	struct idt_gate idt[256] __attribute__((aligned(16)));
};

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

extern struct percpu *percpu_by_id[HV_MAX_CPUS];
extern unsigned int cpus_online;

/* Fill in descriptor tables for p and load them (GDT, TSS, IDT) and GS on
 * the calling CPU. */
void percpu_load(struct percpu *p);

/* Set up the boot CPU's area from static storage: usable before memory
 * management, so exceptions are caught from the first C line on. */
void percpu_init_boot_cpu(void);

#endif
