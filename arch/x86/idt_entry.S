/* One stub per vector: push a dummy error code where the CPU pushes none,
 * push the vector, save every GPR into a struct trap_frame, call trap_dispatch. */

	.text
	.code64
	.balign 16
idt_stubs:
	vector = 0
	.rept 256
	.balign 16
	/* No error code from the CPU for this vector (SDM 3A 6.13): push a dummy. */
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	pushq	$0
	.endif
	pushq	$vector
	jmp	trap_common
	vector = vector + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl idt_stub_table
idt_stub_table:
	vector = 0
	.rept 256
	.quad	idt_stubs + vector * 16
	vector = vector + 1
	.endr
