/* Interrupt and exception entry for test guests, 32- and 64-bit: each of the
 * 256 vectors pushes its number (and a dummy error code where the CPU pushes
 * none). NMIs (vector 2) and interrupts (32-255) are counted by
 * guest_interrupt() and return; exceptions go to guest_exception(vector,
 * error_code, faulting_ip), which reports them and ends the domain (or
 * resumes a guest_try()). */
#define NMI_VECTOR 2
#define FIRST_INTERRUPT 32

	.text
	.balign 16
	.globl exception_stubs
exception_stubs:
	vector = 0
	.rept 256
	.balign 16
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21)
	push	$0
	.endif
	push	$vector
	jmp	entry_common
	vector = vector + 1
	.endr

#ifdef __x86_64__
entry_common:
	cmpq	$NMI_VECTOR, (%rsp)
	je	interrupt
	cmpq	$FIRST_INTERRUPT, (%rsp)
	jae	interrupt
	movq	(%rsp), %rdi		/* vector */
	movq	8(%rsp), %rsi		/* error code */
	movq	16(%rsp), %rdx		/* RIP */
	andq	$-16, %rsp
	call	guest_exception
1:	hlt
	jmp	1b

interrupt:
	pushq	%rbx			/* used below to find the frame again */
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	movq	80(%rsp), %rdi		/* vector */
	movq	%rsp, %rbx		/* callee-saved across the call */
	andq	$-16, %rsp
	call	guest_interrupt
	movq	%rbx, %rsp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	popq	%rbx
	addq	$16, %rsp		/* vector and error code */
	iretq
#else
entry_common:
	cmpl	$NMI_VECTOR, (%esp)
	je	interrupt
	cmpl	$FIRST_INTERRUPT, (%esp)
	jae	interrupt
	/* vector, error code and EIP are already the three cdecl arguments */
	call	guest_exception
1:	hlt
	jmp	1b

interrupt:
	pushl	%eax
	pushl	%ecx
	pushl	%edx
	pushl	12(%esp)		/* vector */
	call	guest_interrupt
	addl	$4, %esp
	popl	%edx
	popl	%ecx
	popl	%eax
	addl	$8, %esp		/* vector and error code */
	iret
#endif

	.section .note.GNU-stack, "", @progbits
