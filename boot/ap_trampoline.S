/* AP start-up code. The boot CPU copies this blob to a page below 1 MiB and
 * fills in the parameter block; a SIPI starts the AP at offset 0 of that page
 * in real mode. It goes real -> protected -> long mode and jumps to ap_entry
 * with the AP's per-CPU area. Everything is addressed relative to the page:
 * DS-relative offsets in real mode, %esi (the page's linear address) after. */
#include "arch/x86/asm_defs.h"

#define OFF(sym) ((sym) - ap_trampoline_start)

	.section .rodata
	.balign 16
	.globl ap_trampoline_start, ap_trampoline_end
	.code16
ap_trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %esi
	shll	$4, %esi
	lgdtl	OFF(tramp_gdtr)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*OFF(tramp_far32)

	.code32
tramp_pm32:
	movw	$GDT_KERNEL_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	OFF(tramp_cr3)(%esi), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	OFF(tramp_efer_bits)(%esi), %eax
	wrmsr
	/* Caches on: firmware may hand over CD/NW set, and an AP starts with
	 * them set (SDM 3A 10.1.1, CR0 after reset 0x60000010). */
	movl	%cr0, %eax
	andl	$~(CR0_CD + CR0_NW), %eax
	orl	$CR0_PG + CR0_PE + CR0_WP + CR0_NE, %eax
	movl	%eax, %cr0
	ljmpl	*OFF(tramp_far64)(%esi)

	.code64
tramp_lm64:
	movl	%esi, %esi		/* upper halves are undefined after the switch */
	movq	OFF(tramp_stack)(%rsi), %rsp
	movq	OFF(tramp_percpu)(%rsi), %rdi
	movq	OFF(tramp_entry)(%rsi), %rax
	xorl	%ebp, %ebp
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad	0
	.quad	GDT_CODE64_DESC
	.quad	GDT_DATA_DESC
	.quad	GDT_CODE32_DESC
tramp_gdt_end:

/* The parameter block, filled in by smp.c (struct ap_trampoline_params). */
	.balign 8
	.globl ap_trampoline_params
ap_trampoline_params:
tramp_gdtr:
	.short	tramp_gdt_end - tramp_gdt - 1
	.long	0			/* page + OFF(tramp_gdt) */
	.short	0
tramp_far32:
	.long	0			/* page + OFF(tramp_pm32) */
	.short	GDT_CODE32
	.short	0
tramp_far64:
	.long	0			/* page + OFF(tramp_lm64) */
	.short	GDT_KERNEL_CS
	.short	0
tramp_cr3:
	.long	0
tramp_efer_bits:
	.long	0
tramp_stack:
	.quad	0
tramp_percpu:
	.quad	0
tramp_entry:
	.quad	0
ap_trampoline_end:

/* Offsets C needs to patch the absolute addresses above. */
	.balign 4
	.globl ap_trampoline_offsets
ap_trampoline_offsets:
	.long	OFF(tramp_gdt), OFF(tramp_pm32), OFF(tramp_lm64), OFF(ap_trampoline_params)
