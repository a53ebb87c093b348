/* Multiboot v1 entry for 32-bit test guests: the loader (GRUB, QEMU -kernel
 * or this hypervisor) enters in protected mode with EAX = 0x2BADB002 and EBX
 * = the information block. guest_main's return value is the exit status. */
#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00000003 /* page-align modules, memory information */

	.section .multiboot, "a"
	.balign 4
	.long	MB1_MAGIC
	.long	MB1_FLAGS
	.long	-(MB1_MAGIC + MB1_FLAGS)

	.text
	.code32
	.globl _start
_start:
	movl	$stack_top, %esp
	pushl	%ebx
	pushl	%eax
	call	guest_main
	pushl	%eax
	call	hv_exit

	.bss
	.balign 16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
