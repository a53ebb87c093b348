/* The world switch (SDM 3C 28, "VM Entries", and 29.5, "Loading Host State").
 * The host stack pointer is written into HOST_RSP on every entry; at the VM
 * exit the CPU resumes at vmx_exit_point with that stack, on which the
 * pointer to the guest register block waits. */
#include "arch/x86/vmx/guest_regs.h"

#define VMCS_HOST_RSP 0x6c14
#define REG(n) ((n) * 8)

	.text
	.code64
	.globl vmx_enter_guest, vmx_exit_point
vmx_enter_guest:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi			/* the register block, for the exit path */

	movq	$VMCS_HOST_RSP, %rax
	vmwrite	%rsp, %rax
	jbe	entry_failed		/* CF or ZF: no current VMCS, or VMfailValid */

	movq	REG(GUEST_REG_CR2)(%rdi), %rax
	movq	%rax, %cr2
	testl	%esi, %esi		/* flags survive the MOVs below */
	movq	REG(0)(%rdi), %rax
	movq	REG(1)(%rdi), %rcx
	movq	REG(2)(%rdi), %rdx
	movq	REG(3)(%rdi), %rbx
	movq	REG(5)(%rdi), %rbp
	movq	REG(6)(%rdi), %rsi
	movq	REG(8)(%rdi), %r8
	movq	REG(9)(%rdi), %r9
	movq	REG(10)(%rdi), %r10
	movq	REG(11)(%rdi), %r11
	movq	REG(12)(%rdi), %r12
	movq	REG(13)(%rdi), %r13
	movq	REG(14)(%rdi), %r14
	movq	REG(15)(%rdi), %r15
	movq	REG(7)(%rdi), %rdi
	jnz	1f
	vmlaunch
	jmp	entry_failed
1:	vmresume

	/* The entry failed as an instruction: RFLAGS says how. */
entry_failed:
	movl	$1, %eax		/* VMX_FAIL_INVALID */
	movl	$2, %ecx		/* VMX_FAIL_VALID */
	cmovzl	%ecx, %eax
	popq	%rdi
	jmp	restore_host

vmx_exit_point:
	pushq	%rdi			/* guest RDI, above the block pointer */
	movq	8(%rsp), %rdi
	movq	%rax, REG(0)(%rdi)
	movq	%rcx, REG(1)(%rdi)
	movq	%rdx, REG(2)(%rdi)
	movq	%rbx, REG(3)(%rdi)
	movq	%rbp, REG(5)(%rdi)
	movq	%rsi, REG(6)(%rdi)
	popq	REG(7)(%rdi)
	movq	%r8, REG(8)(%rdi)
	movq	%r9, REG(9)(%rdi)
	movq	%r10, REG(10)(%rdi)
	movq	%r11, REG(11)(%rdi)
	movq	%r12, REG(12)(%rdi)
	movq	%r13, REG(13)(%rdi)
	movq	%r14, REG(14)(%rdi)
	movq	%r15, REG(15)(%rdi)
	movq	%cr2, %rax
	movq	%rax, REG(GUEST_REG_CR2)(%rdi)
	popq	%rdi
	xorl	%eax, %eax		/* VMX_OK: a VM exit */

restore_host:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
