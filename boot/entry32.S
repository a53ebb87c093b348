/* 32-bit entry from GRUB (multiboot2): check for long mode, build the early
 * page tables (identity map of the first 4 GiB and the image in the top 2 GiB),
 * enter long mode and jump to the 64-bit C world. */
#include "arch/x86/asm_defs.h"

#define EARLY_STACK_SIZE 4096

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl	$early_stack + EARLY_STACK_SIZE, %esp
	movl	%eax, %edi			/* multiboot2 magic: first C argument */
	movl	%ebx, %esi			/* multiboot2 info: second C argument */

	/* Long mode needs CPUID leaf 0x80000001 EDX.LM[29]. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode
	movl	%edx, %ebp			/* remember NX support (EDX[20]) */

	/* Zero the early tables: GRUB clears bss, but do not depend on it. */
	pushl	%edi
	movl	$early_tables_start, %edi
	movl	$(early_tables_end - early_tables_start) / 4, %ecx
	xorl	%eax, %eax
	rep stosl
	popl	%edi

	/* PML4[0] -> identity PDPT, PML4[511] -> high PDPT. */
	movl	$early_pdpt_low + PTE_P + PTE_W, early_pml4
	movl	$early_pdpt_high + PTE_P + PTE_W, early_pml4 + 511 * 8
	/* Identity PDPT[0..3] -> the four page directories (4 GiB). */
	movl	$early_pd + PTE_P + PTE_W, early_pdpt_low
	movl	$early_pd + 0x1000 + PTE_P + PTE_W, early_pdpt_low + 8
	movl	$early_pd + 0x2000 + PTE_P + PTE_W, early_pdpt_low + 16
	movl	$early_pd + 0x3000 + PTE_P + PTE_W, early_pdpt_low + 24
	/* High PDPT[510] (0xffffffff80000000) -> the first directory: the
	 * image's virtual address is its physical address + KERNEL_VMA. */
	movl	$early_pd + PTE_P + PTE_W, early_pdpt_high + 510 * 8

	/* 2048 large-page entries: entry i maps i * 2 MiB. */
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$PTE_P + PTE_W + PTE_PS, %eax
	movl	%eax, early_pd(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	1b

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$early_pml4, %eax
	movl	%eax, %cr3

	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	btl	$20, %ebp
	jnc	2f
	orl	$EFER_NXE, %eax
2:	wrmsr

	/* Caches on: firmware may hand over CD/NW set, and an AP starts with
	 * them set (SDM 3A 10.1.1, CR0 after reset 0x60000010). */
	movl	%cr0, %eax
	andl	$~(CR0_CD + CR0_NW), %eax
	orl	$CR0_PG + CR0_PE + CR0_WP + CR0_NE, %eax
	movl	%eax, %cr0

	lgdt	early_gdt_ptr
	ljmp	$GDT_KERNEL_CS, $long_mode_low

	.code64
long_mode_low:
	movl	$GDT_KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movabsq	$start64, %rax
	jmp	*%rax

	.code32
/* No long mode: say so on COM1 (no initialisation needed for QEMU or Bochs,
 * and harmless on hardware), then stop. */
no_long_mode:
	movl	$no_lm_msg, %esi
1:	lodsb
	testb	%al, %al
	jz	2f
	movw	$0x3f8, %dx
	outb	%al, %dx
	jmp	1b
2:	hlt
	jmp	2b

	.section .boot.data, "a"
no_lm_msg:
	.asciz	"hv: fatal: CPU has no 64-bit long mode\r\n"

	.balign 16
early_gdt:
	.quad	0
	.quad	GDT_CODE64_DESC
	.quad	GDT_DATA_DESC
early_gdt_end:
early_gdt_ptr:
	.short	early_gdt_end - early_gdt - 1
	.long	early_gdt

	.section .boot.bss, "aw", @nobits
	.balign 4096
early_tables_start:
early_pml4:	.skip 4096
early_pdpt_low:	.skip 4096
early_pdpt_high: .skip 4096
early_pd:	.skip 4096 * 4
early_tables_end:
early_stack:	.skip EARLY_STACK_SIZE

/* 64-bit, high half: switch to the BSP's boot stack, clear .bss, enter C. */
	.text
	.code64
	.globl start64
start64:
	movq	$bsp_boot_stack + BSP_BOOT_STACK_SIZE, %rsp
	xorl	%ebp, %ebp
	movl	%edi, %r12d
	movl	%esi, %r13d
	movq	$__bss_start, %rdi
	movq	$__bss_end, %rcx
	subq	%rdi, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq
	/* bsp_boot_stack lives in .bss: we just cleared the stack we stand on,
	 * which is fine because nothing is on it yet. */
	movl	%r12d, %edi
	movl	%r13d, %esi
	call	hv_main
1:	cli
	hlt
	jmp	1b

	.bss
	.balign 4096
	.globl bsp_boot_stack
bsp_boot_stack:
	.skip BSP_BOOT_STACK_SIZE
