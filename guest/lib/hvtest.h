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
/* Installs handlers for the 32 exception vectors (the start code does this
 * before guest_main): a fault is reported and ends the domain with status
 * 0x80 + vector. */
void guest_exceptions_init(void);

#endif
