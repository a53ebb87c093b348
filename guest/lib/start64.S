/* Entry for 64-bit test guests: the hypervisor enters the ELF entry point in
 * long mode with paging on. guest_main's return value is the exit status. */
	.text
	.code64
	.globl _start
_start:
	leaq	stack_top(%rip), %rsp
	call	guest_exceptions_init
	call	guest_main
	movl	%eax, %edi
	call	hv_exit

	.bss
	.balign 16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
