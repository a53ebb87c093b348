/* MSR access. rdmsr/wrmsr fault on an MSR the CPU lacks; the _safe variants
 * turn that #GP into an error return through the exception fix-up table. */
#ifndef ARCH_X86_MSR_H
#define ARCH_X86_MSR_H

#include "hv/types.h"
#include "arch/x86/extable.h"
#include "arch/x86/msr_index.h"

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* Returns 0, or -1 when the access raised an exception (its vector is in
 * this CPU's fixup_vector). *val is 0 after a failed read. */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	int err = 0;
	__asm__ volatile("1: rdmsr\n"
			 "2:\n" EXTABLE_FIXUP("1b", "3f") ".pushsection .fixup, \"ax\"\n"
			 "3: movl $-1, %2\n"
			 "   xorl %0, %0\n"
			 "   xorl %1, %1\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 : "+a"(lo), "+d"(hi), "+r"(err)
			 : "c"(msr));
	*val = ((uint64_t)hi << 32) | lo;
	return err;
}

static inline int wrmsr_safe(uint32_t msr, uint64_t v)
{
	int err = 0;
	__asm__ volatile("1: wrmsr\n"
			 "2:\n" EXTABLE_FIXUP("1b", "3f") ".pushsection .fixup, \"ax\"\n"
			 "3: movl $-1, %0\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 : "+r"(err)
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
	return err;
}

#endif
