/* Exception entry for test guests, 32- and 64-bit: each of the 32 vectors
 * pushes its number (and a dummy error code where the CPU pushes none) and
 * calls guest_exception(vector, error_code, faulting_ip), which reports the
 * fault and ends the domain. */
	.text
	.balign 16
	.globl exception_stubs
exception_stubs:
	vector = 0
	.rept 32
	.balign 16
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21)
	push	$0
	.endif
	push	$vector
	jmp	exception_common
	vector = vector + 1
	.endr

exception_common:
#ifdef __x86_64__
	movq	(%rsp), %rdi		/* vector */
	movq	8(%rsp), %rsi		/* error code */
	movq	16(%rsp), %rdx		/* RIP */
	andq	$-16, %rsp
	call	guest_exception
#else
	/* vector, error code and EIP are already the three cdecl arguments */
	call	guest_exception
#endif
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
