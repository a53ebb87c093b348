/* Walks real -> protected -> PAE paging -> long mode, as a boot loader
 * does, under the hypervisor: the EFER.LME write is a WRMSR it intercepts,
 * the rest (CR0, CR3, CR4, far jumps) runs natively. Each stage checks the
 * mode it reached and prints PASS or FAIL; the status is the failure count.
 * Linked at 0x8000 and entered at 0000:8000 (kernel_type "raw16"). */
#define CONSOLE 0xe9
#define EXIT 0xf4
#define PDPT_PAE 0x20000	/* 32-byte aligned PAE PDPT */
#define PML4 0x21000
#define PDPT_LONG 0x22000
#define PD 0x23000		/* one 2 MiB page: identity map of 0-2 MiB */
#define MSR_EFER 0xc0000080

	.text
	.code16
	.globl _start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %ss
	movw	$0x7000, %sp
	movw	$msg_real, %si
	call	puts16
	lgdt	gdt_ptr
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $prot32

	.code32
prot32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$0x7000, %esp
	movl	%cr0, %eax
	testl	$1, %eax		/* CR0.PE */
	movl	$pass_prot, %esi
	call	report

	/* PAE paging: PDPT entry 0 -> PD, PD entry 0 = 2 MiB page at 0. */
	movl	$PD + 1, PDPT_PAE
	movl	$0, PDPT_PAE + 4
	movl	$0x83, PD		/* present, writable, 2 MiB */
	movl	$0, PD + 4
	movl	%cr4, %eax
	orl	$0x20, %eax		/* CR4.PAE */
	movl	%eax, %cr4
	movl	$PDPT_PAE, %eax
	movl	%eax, %cr3
	movl	%cr0, %eax
	orl	$0x80000000, %eax	/* CR0.PG */
	movl	%eax, %cr0
	movl	marker, %eax		/* read through the new page tables */
	cmpl	$0x4d524b21, %eax
	sete	%al
	movzbl	%al, %eax
	testl	%eax, %eax
	movl	$pass_pae, %esi
	call	report

	/* Long mode: paging off, 4-level tables, EFER.LME (intercepted),
	 * paging on again (the CPU sets EFER.LMA), far jump to 64-bit code. */
	movl	%cr0, %eax
	andl	$0x7fffffff, %eax
	movl	%eax, %cr0
	movl	$PDPT_LONG + 3, PML4
	movl	$0, PML4 + 4
	movl	$PD + 3, PDPT_LONG
	movl	$0, PDPT_LONG + 4
	movl	$PML4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$0x100, %eax		/* EFER.LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000000, %eax
	movl	%eax, %cr0
	ljmpl	$0x18, $long64

	.code64
long64:
	movl	$MSR_EFER, %ecx
	rdmsr				/* intercepted: the VMCS's EFER */
	testl	$0x400, %eax		/* EFER.LMA */
	jz	1f
	movq	$0x123456789, %rax	/* a 64-bit register only long mode has */
	shrq	$32, %rax
	cmpq	$1, %rax
	jne	1f
	leaq	pass_long(%rip), %rsi
	call	puts64
	movl	fails, %eax
	outl	%eax, $EXIT
	hlt
1:	leaq	fail_long(%rip), %rsi
	call	puts64
	movl	$1, %eax
	addl	fails, %eax
	outl	%eax, $EXIT
	hlt

puts64:
	lodsb
	testb	%al, %al
	jz	2f
	outb	%al, $CONSOLE
	jmp	puts64
2:	ret

	.code32
/* The check before the call leaves ZF clear for success (MOV and CALL keep
 * the flags): print the PASS line at %esi, or count a failure. */
report:
	jz	1f
	call	puts32
	ret
1:	incl	fails
	movl	$fail_msg, %esi
	call	puts32
	ret

puts32:
	lodsb
	testb	%al, %al
	jz	2f
	outb	%al, $CONSOLE
	jmp	puts32
2:	ret

	.code16
puts16:
	lodsb
	testb	%al, %al
	jz	4f
	outb	%al, $CONSOLE
	jmp	puts16
4:	ret

	.data
	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
gdt_ptr:
	.short	gdt_ptr - gdt - 1
	.long	gdt
marker:	.long	0x4d524b21
fails:	.long	0
msg_real:	.asciz "PASS: started in real mode\n"
pass_prot:	.asciz "PASS: protected mode\n"
pass_pae:	.asciz "PASS: PAE paging translates\n"
pass_long:	.asciz "PASS: long mode with EFER.LMA set\n"
fail_long:	.asciz "FAIL: long mode with EFER.LMA set\n"
fail_msg:	.asciz "FAIL: a mode switch check\n"

	.section .note.GNU-stack, "", @progbits
