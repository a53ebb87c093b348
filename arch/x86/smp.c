/* SMP bring-up and cross-CPU signalling (see smp.h). APs are started one at
 * a time: they share the single trampoline parameter block. */
#include "arch/x86/smp.h"
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/paging.h"
#include "arch/x86/spinlock.h"
#include "arch/x86/percpu.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/panic.h"
#include "hv/string.h"

struct ap_trampoline_params {
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint16_t pad0;
	uint32_t far32_offset;
	uint16_t far32_selector, pad1;
	uint32_t far64_offset;
	uint16_t far64_selector, pad2;
	uint32_t cr3;
	uint32_t efer_bits;
	uint64_t stack;
	uint64_t percpu;
	uint64_t entry;
} __attribute__((packed));

/* Offsets inside the blob, in the order boot/ap_trampoline.S lists them. */
enum { OFF_GDT, OFF_PM32, OFF_LM64, OFF_PARAMS };

extern const uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern const uint32_t ap_trampoline_offsets[];

/* SDM 3A 9.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI. How long an AP may take
 * to reach C after that is ours to choose: generous, an emulator is slow. */
#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200
#define AP_ANSWER_US 200000

static volatile bool stop_requested;

struct smp_call {
	void (*fn)(void *arg);
	void *arg;
	volatile bool done;
};

/* One cross-CPU call at a time: callers wait for the answer anyway. */
static spinlock_t call_lock = SPINLOCK_INIT;

static void ipi_call_handler(struct trap_frame *f)
{
	struct smp_call *c = __atomic_exchange_n(&this_cpu()->call, NULL, __ATOMIC_ACQUIRE);
	if (!c)
		return;
	c->fn(c->arg);
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
}

static void ipi_ping_handler(struct trap_frame *f)
{
	__atomic_fetch_add(&this_cpu()->ipi_pings, 1, __ATOMIC_RELAXED);
}

__attribute__((noreturn)) void ap_entry(struct percpu *p);

void ap_entry(struct percpu *p)
{
	percpu_load(p);
	lapic_init_cpu(false);
	fpu_init_cpu();
	uint32_t id = lapic_id();
	if (id != p->apic_id)
		log_warn("cpu%u: APIC ID %u, MADT said %u", p->cpu_id, id, p->apic_id);
	log_info("cpu%u online apic=%u", p->cpu_id, id);
	__atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
	for (;;)
		irq_enable_and_halt();
}

static bool wait_online(struct percpu *p, uint64_t us)
{
	uint64_t end = rdtsc() + tsc_us_to_ticks(us);
	while (rdtsc() < end) {
		if (__atomic_load_n(&p->online, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return __atomic_load_n(&p->online, __ATOMIC_ACQUIRE);
}

static struct percpu *percpu_alloc(unsigned int cpu_id, uint32_t apic_id)
{
	uint64_t area_pages = ALIGN_UP(sizeof(struct percpu), PAGE_SIZE) / PAGE_SIZE;
	paddr_t area = mm_alloc_pages(area_pages);
	paddr_t stack = mm_alloc_pages(CPU_STACK_SIZE / PAGE_SIZE);
	paddr_t ist = mm_alloc_pages(IST_COUNT * IST_STACK_SIZE / PAGE_SIZE);

	if (area == PADDR_INVALID || stack == PADDR_INVALID || ist == PADDR_INVALID)
		return NULL;
	struct percpu *p = phys_to_virt(area);
	p->cpu_id = cpu_id;
	p->apic_id = apic_id;
	p->stack_top = (uint64_t)phys_to_virt(stack) + CPU_STACK_SIZE;
	for (int i = 0; i < IST_COUNT; i++)
		p->ist_top[i] = (uint64_t)phys_to_virt(ist) + (uint64_t)(i + 1) * IST_STACK_SIZE;
	return p;
}

static bool start_ap(uint8_t *tramp, struct percpu *p)
{
	struct ap_trampoline_params *params = (void *)(tramp + ap_trampoline_offsets[OFF_PARAMS]);
	uint32_t page = (uint32_t)virt_to_phys(tramp);

	params->stack = p->stack_top;
	params->percpu = (uint64_t)p;
	barrier();
	if (!lapic_send_ipi(p->apic_id, ICR_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL))
		return false;
	tsc_delay_us(INIT_DELAY_US);
	for (int sipi = 0; sipi < 2; sipi++) {
		lapic_send_ipi(p->apic_id, ICR_STARTUP | (page >> 12));
		if (wait_online(p, SIPI_DELAY_US))
			return true;
	}
	return wait_online(p, AP_ANSWER_US);
}

static uint8_t *trampoline_install(void)
{
	paddr_t page = mm_alloc_low_page();
	size_t size = (size_t)(ap_trampoline_end - ap_trampoline_start);

	if (page == PADDR_INVALID || size > PAGE_SIZE)
		return NULL;
	uint8_t *t = phys_to_virt(page);
	memcpy(t, ap_trampoline_start, size);
	struct ap_trampoline_params *params = (void *)(t + ap_trampoline_offsets[OFF_PARAMS]);
	params->gdt_base = (uint32_t)page + ap_trampoline_offsets[OFF_GDT];
	params->far32_offset = (uint32_t)page + ap_trampoline_offsets[OFF_PM32];
	params->far64_offset = (uint32_t)page + ap_trampoline_offsets[OFF_LM64];
	params->cr3 = (uint32_t)paging_root();
	params->efer_bits = EFER_LME | ((cpuid(0x80000001).edx & CPUID80000001_EDX_NX) ? EFER_NXE : 0);
	params->entry = (uint64_t)ap_entry;
	return t;
}

void smp_boot(const struct acpi_info *acpi)
{
	uint32_t self = lapic_id();
	struct percpu *bsp = this_cpu();

	irq_register(VECTOR_IPI_PING, ipi_ping_handler);
	irq_register(VECTOR_IPI_CALL, ipi_call_handler);
	bsp->apic_id = self;
	bsp->online = true;
	cpus_online = 1;
	log_info("cpu0 online apic=%u", self);

	uint8_t *tramp = NULL;
	for (uint32_t i = 0; i < acpi->ncpus; i++) {
		const struct acpi_cpu *c = &acpi->cpus[i];
		if (!c->enabled || c->apic_id == self)
			continue;
		if (cpus_online == HV_MAX_CPUS) {
			log_warn("smp: more than %u CPUs; apic=%u and later left out", HV_MAX_CPUS,
				 c->apic_id);
			break;
		}
		if (!tramp && !(tramp = trampoline_install())) {
			log_err("smp: no page below 1 MiB for the AP trampoline; running on one CPU");
			return;
		}
		struct percpu *p = percpu_alloc(cpus_online, c->apic_id);
		if (!p) {
			log_err("smp: out of memory for cpu%u (apic=%u); left out", cpus_online,
				c->apic_id);
			continue;
		}
		if (!start_ap(tramp, p)) {
			/* Park it again: a late start would run on the next AP's
			 * stack. Its memory stays allocated, for the same reason. */
			lapic_send_ipi(c->apic_id, ICR_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL);
			log_err("cpu apic=%u did not answer INIT-SIPI-SIPI; left out", c->apic_id);
			continue;
		}
		percpu_by_id[cpus_online++] = p;
	}
}

unsigned int smp_ping_all(void)
{
	unsigned int answered = 0;

	for (unsigned int id = 1; id < cpus_online; id++) {
		struct percpu *p = percpu_by_id[id];
		uint64_t before = __atomic_load_n(&p->ipi_pings, __ATOMIC_RELAXED);
		lapic_send_ipi(p->apic_id, ICR_FIXED | VECTOR_IPI_PING);
		uint64_t end = rdtsc() + tsc_us_to_ticks(AP_ANSWER_US);
		while (__atomic_load_n(&p->ipi_pings, __ATOMIC_RELAXED) == before && rdtsc() < end)
			cpu_relax();
		if (__atomic_load_n(&p->ipi_pings, __ATOMIC_RELAXED) != before)
			answered++;
		else
			log_err("ipi: cpu%u (apic=%u) did not answer", id, p->apic_id);
	}
	return answered;
}

bool smp_call_on(unsigned int cpu_id, void (*fn)(void *arg), void *arg)
{
	struct percpu *p = cpu_id < cpus_online ? percpu_by_id[cpu_id] : NULL;
	struct smp_call call = {fn, arg, false};

	if (!p)
		return false;
	if (p == this_cpu()) {
		fn(arg);
		return true;
	}
	spin_lock(&call_lock);
	__atomic_store_n(&p->call, &call, __ATOMIC_RELEASE);
	lapic_send_ipi(p->apic_id, ICR_FIXED | VECTOR_IPI_CALL);
	uint64_t end = rdtsc() + tsc_us_to_ticks(AP_ANSWER_US * 10);
	while (!__atomic_load_n(&call.done, __ATOMIC_ACQUIRE) && rdtsc() < end)
		cpu_relax();
	bool done = __atomic_load_n(&call.done, __ATOMIC_ACQUIRE);
	/* Withdraw an untaken request so a late IPI cannot run a dead frame. A
	 * request the target took but never finished would write into this
	 * frame after we return: that is a hypervisor bug, not a timeout. */
	if (!done && !__atomic_exchange_n(&p->call, NULL, __ATOMIC_ACQ_REL))
		panic("smp: cpu%u took a call and never finished it", cpu_id);
	spin_unlock(&call_lock);
	return done;
}

bool smp_stop_requested(void)
{
	return stop_requested;
}

void smp_stop_other_cpus(void)
{
	stop_requested = true;
	if (lapic_ready() && cpus_online > 1)
		lapic_send_ipi_all_but_self(ICR_NMI);
}
