/* CPL 3 for 32-bit test guests: flat user segments and a TSS whose ESP0 is
 * the stack exceptions from ring 3 switch to. guest_run_user() drops to
 * ring 3; the code there comes back only through an exception, which
 * guest_try() catches. */
#include "hvtest.h"

#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_CODE (0x18 | 3)
#define SEL_USER_DATA (0x20 | 3)
#define SEL_TSS 0x28

struct tss32 {
	uint32_t link, esp0, ss0, unused[22];
	uint16_t trap, iomap_base;
} __attribute__((packed));

static struct tss32 tss;
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint64_t gdt[6] = {
	0,
	0x00cf9a000000ffffull, /* kernel code */
	0x00cf92000000ffffull, /* kernel data */
	0x00cffa000000ffffull, /* user code, DPL 3 */
	0x00cff2000000ffffull, /* user data, DPL 3 */
	0,                     /* TSS, filled in below */
};

void guest_ring3_init(void)
{
	uint32_t base = (uint32_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt};

	tss.esp0 = (uint32_t)(uintptr_t)(ring0_stack + sizeof(ring0_stack));
	tss.ss0 = SEL_KERNEL_DATA;
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 gets no ports */
	/* 32-bit available TSS (type 9), present, DPL 0. */
	gdt[5] = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | (0x89ull << 40) |
		 ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)(base >> 24) << 56);
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
}

void guest_run_user(void (*fn)(void), void *stack_top)
{
	__asm__ volatile("movw %w[ds], %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "pushl %[ds]\n\t"
			 "pushl %[sp]\n\t"
			 "pushfl\n\t"
			 "pushl %[cs]\n\t"
			 "pushl %[ip]\n\t"
			 "iret"
			 :
			 : [ds] "i"(SEL_USER_DATA), [cs] "i"(SEL_USER_CODE), [sp] "r"(stack_top),
			   [ip] "r"(fn)
			 : "eax", "memory");
	__builtin_unreachable();
}
