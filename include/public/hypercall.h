/* The hypercall ABI shared by the hypervisor, guest code and tools.
 *
 * A guest at CPL 0 executes VMCALL with the hypercall number in RAX and up
 * to four arguments in RBX, RCX, RDX and RSI (EAX, EBX, ... in 32-bit guests,
 * where only the low 32 bits count). The result comes back in RAX: zero or
 * positive on success, a negative HV_E* value on failure. Other registers
 * are preserved. Buffers are passed as a guest-physical address and a length
 * and must lie entirely in the caller's RAM. VMCALL at CPL 3 raises #UD, as
 * does VMMCALL (AMD's instruction) on this Intel-only hypervisor. */
#ifndef PUBLIC_HYPERCALL_H
#define PUBLIC_HYPERCALL_H

#define HV_HYPERCALL_ABI_VERSION 1

/* Returns HV_HYPERCALL_ABI_VERSION. */
#define HV_HC_VERSION 0
/* RBX = guest-physical address, RCX = length (at most HV_CONSOLE_WRITE_MAX):
 * the bytes appear on the hypervisor console as the domain's output. Returns
 * the number of bytes written. */
#define HV_HC_CONSOLE_WRITE 1
/* Returns the caller's domain id (1 and up). */
#define HV_HC_DOMAIN_ID 2
/* RBX = status: ends the caller's domain ("poweroff", with that status).
 * Does not return. */
#define HV_HC_SHUTDOWN 3

#define HV_CONSOLE_WRITE_MAX 4096

#define HV_EPERM (-1)
#define HV_EFAULT (-14)
#define HV_EINVAL (-22)
#define HV_ENOSYS (-38)

#endif
