/* A raw real-mode guest, started at CS:IP = 0x0800:0x0000 (linear 0x8000)
 * under unrestricted guest: prints through the console port, takes a CPUID
 * exit, checks it runs in real mode, and ends with status 0. */
#define CONSOLE 0xe9
#define EXIT 0xf4

	.code16
	.text
	.globl _start
_start:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %ss
	movw	$0xfffe, %sp
	movw	$hello - _start, %si
	call	puts
	xorl	%eax, %eax
	cpuid
	cmpl	$0x756e6547, %ebx	/* "Genu" */
	je	1f
	cmpl	$0x68747541, %ebx	/* "Auth" */
	jne	fail
1:	movw	$pass_cpuid - _start, %si
	call	puts
	movl	%cr0, %eax		/* the read shadow: PE clear in real mode */
	testb	$1, %al
	jnz	fail
	movw	$pass_mode - _start, %si
	call	puts
	xorl	%eax, %eax
	outl	%eax, $EXIT
	hlt

fail:	movw	$failed - _start, %si
	call	puts
	movl	$1, %eax
	outl	%eax, $EXIT
	hlt

puts:	lodsb
	testb	%al, %al
	jz	2f
	outb	%al, $CONSOLE
	jmp	puts
2:	ret

hello:		.asciz "hello from a real-mode guest\n"
pass_cpuid:	.asciz "PASS: cpuid leaf 0\n"
pass_mode:	.asciz "PASS: CR0.PE clear\n"
failed:		.asciz "FAIL: real-mode checks\n"

	.section .note.GNU-stack, "", @progbits
