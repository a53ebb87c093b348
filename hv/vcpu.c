/* Pending guest events (see vcpu.h). Raising may happen in a host interrupt
 * handler, so updates are atomic. */
#include "hv/vcpu.h"

void vcpu_raise_irq(struct vcpu *v, uint8_t vector)
{
	__atomic_fetch_or(&v->pending.irq[vector / 64], 1ull << (vector % 64), __ATOMIC_RELEASE);
}

void vcpu_raise_nmi(struct vcpu *v)
{
	__atomic_store_n(&v->pending.nmi, true, __ATOMIC_RELEASE);
}

int vcpu_highest_irq(const struct vcpu *v)
{
	for (int word = 3; word >= 0; word--) {
		uint64_t bits = __atomic_load_n(&v->pending.irq[word], __ATOMIC_ACQUIRE);
		if (bits)
			return word * 64 + 63 - __builtin_clzll(bits);
	}
	return -1;
}

void vcpu_clear_irq(struct vcpu *v, uint8_t vector)
{
	__atomic_fetch_and(&v->pending.irq[vector / 64], ~(1ull << (vector % 64)), __ATOMIC_RELEASE);
}
