/* Switching the extra vCPU state (see guest_context.h). The host uses none
 * of it, so loading a guest's values needs no host copy: whatever the last
 * guest left is overwritten by the next one's. */
#include "arch/x86/guest_context.h"
#include "arch/x86/fpu.h"
#include "arch/x86/msr.h"
#include "hv/mm.h"

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_TSC_AUX 0xc0000103
#define DR6_INIT 0xffff0ff0ull
#define XCR0_X87 1

int guest_context_init(struct guest_context *c)
{
	*c = (struct guest_context){.dr6 = DR6_INIT, .xcr0 = XCR0_X87};
	c->fpu_pages = ALIGN_UP(fpu_area_size(), PAGE_SIZE) / PAGE_SIZE;
	c->fpu_area = mm_alloc_pages(c->fpu_pages);
	if (c->fpu_area == PADDR_INVALID)
		return -1;
	fpu_area_init(phys_to_virt(c->fpu_area));
	return 0;
}

void guest_context_free(struct guest_context *c)
{
	if (c->fpu_area && c->fpu_area != PADDR_INVALID)
		mm_free_pages(c->fpu_area, c->fpu_pages);
	c->fpu_area = 0;
}

#define DEFINE_DR_ACCESSORS(n)                                                       \
	static uint64_t read_dr##n(void)                                             \
	{                                                                            \
		uint64_t v;                                                          \
		__asm__ volatile("mov %%db" #n ", %0" : "=r"(v));                    \
		return v;                                                            \
	}                                                                            \
	static void write_dr##n(uint64_t v)                                          \
	{                                                                            \
		__asm__ volatile("mov %0, %%db" #n : : "r"(v));                      \
	}
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)
#undef DEFINE_DR_ACCESSORS

/* Every MSR here exists on any CPU with long mode except TSC_AUX (RDTSCP);
 * the safe accessors let a CPU without it simply skip it. */
void guest_context_load(const struct guest_context *c)
{
	write_dr0(c->dr[0]);
	write_dr1(c->dr[1]);
	write_dr2(c->dr[2]);
	write_dr3(c->dr[3]);
	write_dr6(c->dr6);
	wrmsr_safe(MSR_STAR, c->star);
	wrmsr_safe(MSR_LSTAR, c->lstar);
	wrmsr_safe(MSR_CSTAR, c->cstar);
	wrmsr_safe(MSR_SFMASK, c->sfmask);
	wrmsr_safe(MSR_KERNEL_GS_BASE, c->kernel_gs_base);
	wrmsr_safe(MSR_TSC_AUX, c->tsc_aux);
	/* Restore every component under the host's XCR0, so state the guest's
	 * XCR0 does not enable is reset too, then give the guest its XCR0. */
	fpu_set_xcr0(fpu_host_xcr0());
	fpu_restore(phys_to_virt(c->fpu_area));
	fpu_set_xcr0(c->xcr0);
}

void guest_context_save(struct guest_context *c)
{
	c->dr[0] = read_dr0();
	c->dr[1] = read_dr1();
	c->dr[2] = read_dr2();
	c->dr[3] = read_dr3();
	c->dr6 = read_dr6();
	rdmsr_safe(MSR_STAR, &c->star);
	rdmsr_safe(MSR_LSTAR, &c->lstar);
	rdmsr_safe(MSR_CSTAR, &c->cstar);
	rdmsr_safe(MSR_SFMASK, &c->sfmask);
	rdmsr_safe(MSR_KERNEL_GS_BASE, &c->kernel_gs_base);
	rdmsr_safe(MSR_TSC_AUX, &c->tsc_aux);
	fpu_set_xcr0(fpu_host_xcr0());
	fpu_save(phys_to_virt(c->fpu_area));
}
