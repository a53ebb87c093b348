/* Test-guest interrupt and exception handling: an IDT whose every exception
 * vector reports "FAIL: exception <n> at <ip>" and ends the domain with status
 * 0x80 + n (so a guest bug shows up as a named failure, not as a triple
 * fault), while NMIs and interrupts are counted per vector. */
#include "hvtest.h"

#define STUB_SIZE 16
#define EXCEPTION_STATUS_BASE 0x80

extern char exception_stubs[];

#ifdef __x86_64__
struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));
#define GATE_TYPE 0x8e /* present 64-bit interrupt gate */
#else
struct gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));
#define GATE_TYPE 0x8e /* present 32-bit interrupt gate */
#endif

static struct gate idt[256] __attribute__((aligned(16)));

volatile uint32_t guest_irq_count[256];

void guest_interrupt(uintptr_t vector);

void guest_interrupt(uintptr_t vector)
{
	guest_irq_count[vector & 0xff]++;
}

void guest_exceptions_init(void)
{
	uint16_t cs;
	struct {
		uint16_t limit;
		uintptr_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uintptr_t)idt};

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (int v = 0; v < 256; v++) {
		uintptr_t h = (uintptr_t)exception_stubs + (uintptr_t)v * STUB_SIZE;
		idt[v].off_lo = (uint16_t)h;
		idt[v].sel = cs;
		idt[v].type = GATE_TYPE;
#ifdef __x86_64__
		idt[v].off_mid = (uint16_t)(h >> 16);
		idt[v].off_hi = (uint32_t)((uint64_t)h >> 32);
#else
		idt[v].off_hi = (uint16_t)(h >> 16);
#endif
	}
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

__attribute__((noreturn)) void guest_exception(uintptr_t vector, uintptr_t error, uintptr_t ip);
extern volatile int guest_try_active;
__attribute__((noreturn)) void guest_try_resume(int vector);

void guest_exception(uintptr_t vector, uintptr_t error, uintptr_t ip)
{
	if (guest_try_active)
		guest_try_resume((int)vector);
	con_puts("FAIL: exception ");
	con_put_hex(vector);
	con_puts(" error ");
	con_put_hex(error);
	con_puts(" at ");
	con_put_hex(ip);
	con_puts("\n");
	hv_exit(EXCEPTION_STATUS_BASE + (uint32_t)vector);
}
