/* Per-CPU areas: descriptor tables and GS base for each CPU. */
#include "arch/x86/percpu.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "hv/string.h"

struct percpu *percpu_by_id[HV_MAX_CPUS];
unsigned int cpus_online;

static struct percpu boot_cpu;
static uint8_t boot_ist_stacks[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
extern uint8_t bsp_boot_stack[];

static void gdt_fill(struct percpu *p)
{
	uint64_t base = (uint64_t)&p->tss;
	uint64_t limit = sizeof(p->tss) - 1;

	p->gdt[0] = 0;
	p->gdt[GDT_KERNEL_CS / 8] = GDT_CODE64_DESC;
	p->gdt[GDT_KERNEL_DS / 8] = GDT_DATA_DESC;
	p->gdt[GDT_CODE32 / 8] = GDT_CODE32_DESC;
	/* 64-bit TSS descriptor (SDM 3A 8.2.3): type 9 (available), present. */
	p->gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
			      ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	p->gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void percpu_load(struct percpu *p)
{
	struct desc_ptr gdtr = {sizeof(p->gdt) - 1, (uint64_t)p->gdt};
	struct desc_ptr idtr = {sizeof(p->idt) - 1, (uint64_t)p->idt};

	p->self = p;
	gdt_fill(p);
	memset(&p->tss, 0, sizeof(p->tss));
	for (int i = 0; i < IST_COUNT; i++)
		p->tss.ist[i] = p->ist_top[i];
	p->tss.rsp[0] = p->stack_top;
	p->tss.iomap_base = sizeof(p->tss); /* no I/O bitmap */
	idt_fill(p->idt, p->ist_top);

	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %0\n"
			 "leaq 1f(%%rip), %%rax\n"
			 "pushq %%rax\n"
			 "lretq\n"
			 "1:\n"
			 :
			 : "i"(GDT_KERNEL_CS)
			 : "rax", "memory");
	__asm__ volatile("movl %0, %%ds; movl %0, %%es; movl %0, %%ss" : : "r"(GDT_KERNEL_DS));
	__asm__ volatile("movl %0, %%fs; movl %0, %%gs" : : "r"(0));
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
	__asm__ volatile("lidt %0" : : "m"(idtr));
	wrmsr(MSR_GS_BASE, (uint64_t)p);
}

void percpu_init_boot_cpu(void)
{
	struct percpu *p = &boot_cpu;

	p->cpu_id = 0;
	p->stack_top = (uint64_t)bsp_boot_stack + BSP_BOOT_STACK_SIZE;
	for (int i = 0; i < IST_COUNT; i++)
		p->ist_top[i] = (uint64_t)boot_ist_stacks[i] + IST_STACK_SIZE;
	percpu_load(p);
	percpu_by_id[0] = p;
}
