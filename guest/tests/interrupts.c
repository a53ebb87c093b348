/* Interrupt delivery from the hypervisor's test interrupt source: HLT
 * blocks until an interrupt wakes it; an interrupt raised while IF=0 waits
 * for STI (the interrupt window); an NMI wakes even cli; hlt; a storm of
 * interrupts on one vector arrives while the guest keeps running (raises
 * that find the vector still pending coalesce, as in a local APIC's IRR). */
#include "hvtest.h"

#define VECTOR_A 0x40
#define VECTOR_B 0x41
#define VECTOR_STORM 0x42
#define NMI_VECTOR 2
#define STORM_REPEATS 2000
#define STORM_SPIN 400000u /* longer than the storm lasts (2000 x 20 us) */

static unsigned int failures;

static void expect(bool ok, const char *name)
{
	failures += !check(ok, name);
}

static void spin_us(uint32_t loops)
{
	for (volatile uint32_t i = 0; i < loops; i++)
		;
}

int guest_main(uint32_t magic, const void *info)
{
	/* 1. HLT with interrupts on blocks until the interrupt wakes it. */
	test_irq_arm(VECTOR_A, 2000, 0);
	__asm__ volatile("sti; hlt; cli");
	expect(guest_irq_count[VECTOR_A] == 1, "HLT woken by an interrupt");

	/* 2. Raised while IF=0: held until STI opens the interrupt window. */
	test_irq_arm(VECTOR_B, 100, 0);
	spin_us(200000);
	expect(guest_irq_count[VECTOR_B] == 0, "no interrupt while IF=0");
	__asm__ volatile("sti; nop; cli");
	expect(guest_irq_count[VECTOR_B] == 1, "interrupt delivered once IF=1");

	/* 3. An NMI wakes a vCPU halted with interrupts off. */
	test_nmi_arm(1000);
	__asm__ volatile("cli; hlt");
	expect(guest_irq_count[NMI_VECTOR] == 1, "NMI wakes cli; hlt");

	/* 4. A storm: interrupts keep arriving, the guest keeps running. */
	test_irq_arm(VECTOR_STORM, 20, STORM_REPEATS - 1);
	__asm__ volatile("sti");
	spin_us(STORM_SPIN);
	__asm__ volatile("cli");
	uint32_t storm = guest_irq_count[VECTOR_STORM];
	expect(storm > 1 && storm <= STORM_REPEATS, "interrupt storm delivered, guest still running");
	con_puts("storm interrupts: ");
	con_put_hex(guest_irq_count[VECTOR_STORM]);
	con_puts("\n");
	return failures ? 1 : 0;
}
