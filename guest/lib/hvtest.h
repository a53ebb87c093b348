/* The freestanding runtime for test guests: console and exit through the
 * hypervisor's test ports, CPUID, PASS/FAIL reporting. Builds for 32- and
 * 64-bit guests alike. */
#ifndef GUEST_LIB_HVTEST_H
#define GUEST_LIB_HVTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ports the hypervisor gives every domain for tests: bytes written to the
 * console port appear on the hypervisor console prefixed with the domain's
 * id and name; a write to the exit port ends the domain with that status
 * (QEMU's isa-debug-exit semantics). */
#define HVTEST_CONSOLE_PORT 0xe9
#define HVTEST_EXIT_PORT 0xf4

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

void con_puts(const char *s);
void con_put_hex(uint64_t v);
/* "PASS: name" or "FAIL: name" on the console; returns ok. */
bool check(bool ok, const char *name);
__attribute__((noreturn)) void hv_exit(uint32_t status);
/* Installs handlers for all 256 vectors (the start code does this before
 * guest_main): an exception is reported and ends the domain with status
 * 0x80 + vector; an NMI or interrupt is counted in guest_irq_count[]. */
void guest_exceptions_init(void);
extern volatile uint32_t guest_irq_count[256];

/* The hypervisor's test interrupt source (hv/vdev/test_devices.h). */
#define HVTEST_IRQ_PORT 0x520
#define HVTEST_IRQ_REPEAT_PORT 0x524
#define HVTEST_IRQ_NMI (1u << 8)
#define HVTEST_IRQ_DELAY_SHIFT 9
static inline void test_irq_arm(uint8_t vector, uint32_t delay_us, uint32_t repeats)
{
	outl(HVTEST_IRQ_REPEAT_PORT, repeats);
	outl(HVTEST_IRQ_PORT, vector | (delay_us << HVTEST_IRQ_DELAY_SHIFT));
}
static inline void test_nmi_arm(uint32_t delay_us)
{
	outl(HVTEST_IRQ_PORT, HVTEST_IRQ_NMI | (delay_us << HVTEST_IRQ_DELAY_SHIFT));
}

/* Calls fn(arg); returns -1 when it completes, or the vector of the
 * exception it raised (the rest of fn is skipped). For checks that expect
 * a fault: the guest goes on afterwards. */
int guest_try(void (*fn)(void *arg), void *arg);

#ifndef __x86_64__
/* 32-bit guests: user segments and a TSS for CPL 3, then run fn at CPL 3.
 * fn comes back only through an exception: call it inside guest_try(). */
void guest_ring3_init(void);
__attribute__((noreturn)) void guest_run_user(void (*fn)(void), void *stack_top);
#endif

/* A hypercall (include/public/hypercall.h): number in RAX, arguments in
 * RBX, RCX, RDX, RSI, result in RAX. */
static inline long hv_hypercall(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
				unsigned long a4)
{
	__asm__ volatile("vmcall" : "+a"(nr) : "b"(a1), "c"(a2), "d"(a3), "S"(a4) : "memory");
	return (long)nr;
}

#endif
