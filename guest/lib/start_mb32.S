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
	/* Multiboot leaves GDTR undefined (spec 3.2): load a flat GDT before
	 * anything (an exception, say) reloads a segment register. */
	lgdt	gdt_ptr
	ljmp	$0x08, $1f
1:	movw	$0x10, %cx
	movw	%cx, %ds
	movw	%cx, %es
	movw	%cx, %fs
	movw	%cx, %gs
	movw	%cx, %ss
	movl	$stack_top, %esp
	movl	%eax, %esi		/* callee-saved across the C call */
	movl	%ebx, %edi
	call	guest_exceptions_init
	pushl	%edi
	pushl	%esi
	call	guest_main
	pushl	%eax
	call	hv_exit

	.section .rodata
	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
gdt_ptr:
	.short	gdt_ptr - gdt - 1
	.long	gdt

	.bss
	.balign 16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
