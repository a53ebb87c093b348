/* Instructions that exit whatever the controls say (SDM 3C 26.1.2). VMX
 * and SMX are not offered to guests (CPUID hides them), so their
 * instructions get the #UD a CPU without them raises; INVD is done as WBINVD,
 * since guest RAM is ordinary write-back host memory whose dirty lines must
 * not be discarded. */
#include "arch/x86/vmx/vmx_event.h"
#include "arch/x86/vmx/vmx_exit.h"

void vmx_exit_not_offered(struct vcpu *v)
{
	vmx_inject_ud(v);
}

void vmx_exit_invd(struct vcpu *v)
{
	__asm__ volatile("wbinvd" ::: "memory");
	vmx_skip_instruction();
}
