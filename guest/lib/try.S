/* guest_try(fn, arg): call fn(arg) and return -1, unless fn raises an
 * exception: then guest_exception() calls guest_try_resume(vector), which
 * returns from guest_try with the vector, the rest of fn skipped. Both run
 * at CPL 0 on the same stack, so restoring the saved registers suffices. */
	.text
	.globl guest_try, guest_try_resume
#ifdef __x86_64__
guest_try:
	movq	%rbx, try_buf + 0(%rip)
	movq	%rbp, try_buf + 8(%rip)
	movq	%r12, try_buf + 16(%rip)
	movq	%r13, try_buf + 24(%rip)
	movq	%r14, try_buf + 32(%rip)
	movq	%r15, try_buf + 40(%rip)
	movq	%rsp, try_buf + 48(%rip)
	movl	$1, guest_try_active(%rip)
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	movl	$0, guest_try_active(%rip)
	movl	$-1, %eax
	ret

guest_try_resume:
	movl	$0, guest_try_active(%rip)
	movl	%edi, %eax
	movq	try_buf + 0(%rip), %rbx
	movq	try_buf + 8(%rip), %rbp
	movq	try_buf + 16(%rip), %r12
	movq	try_buf + 24(%rip), %r13
	movq	try_buf + 32(%rip), %r14
	movq	try_buf + 40(%rip), %r15
	movq	try_buf + 48(%rip), %rsp
	ret
#else
guest_try:
	movl	%ebx, try_buf + 0
	movl	%esi, try_buf + 4
	movl	%edi, try_buf + 8
	movl	%ebp, try_buf + 12
	movl	%esp, try_buf + 16
	movl	$1, guest_try_active
	movl	4(%esp), %eax
	pushl	8(%esp)
	call	*%eax
	addl	$4, %esp
	movl	$0, guest_try_active
	movl	$-1, %eax
	ret

guest_try_resume:
	movl	$0, guest_try_active
	movl	4(%esp), %eax
	movl	try_buf + 0, %ebx
	movl	try_buf + 4, %esi
	movl	try_buf + 8, %edi
	movl	try_buf + 12, %ebp
	movl	try_buf + 16, %esp
	ret
#endif

	.data
	.balign 8
	.globl guest_try_active
guest_try_active:
	.long	0
	.balign 8
try_buf:
	.skip	56

	.section .note.GNU-stack, "", @progbits
