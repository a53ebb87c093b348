/* Architectural constants shared by assembly and C: control-register bits,
 * page-table bits, the hypervisor's GDT layout and boot stack size. */
#ifndef ARCH_X86_ASM_DEFS_H
#define ARCH_X86_ASM_DEFS_H

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_ET (1 << 4)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG 0x80000000 /* not (1 << 31): that int would sign-extend to 64 bits */

#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)
#define CR4_VMXE (1 << 13)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)
#define EFER_NXE (1 << 11)

#define PTE_P (1 << 0)
#define PTE_W (1 << 1)
#define PTE_U (1 << 2)
#define PTE_PWT (1 << 3)
#define PTE_PCD (1 << 4)
#define PTE_A (1 << 5)
#define PTE_D (1 << 6)
#define PTE_PS (1 << 7)
#define PTE_G (1 << 8)

/* GDT: null, 64-bit code, data, 32-bit code (AP trampoline), then the TSS
 * (a 16-byte system descriptor). */
#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_CODE32 0x18
#define GDT_TSS 0x20
#define GDT_ENTRIES 6

/* Flat descriptors: base 0, limit 4 GiB, present, DPL 0. */
#define GDT_CODE64_DESC 0x00af9a000000ffff /* L=1, D=0, execute/read */
#define GDT_DATA_DESC 0x00cf92000000ffff   /* read/write */
#define GDT_CODE32_DESC 0x00cf9a000000ffff /* D=1, execute/read */

#define BSP_BOOT_STACK_SIZE 16384

#endif
