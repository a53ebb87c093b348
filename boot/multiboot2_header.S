/* Multiboot2 header (Multiboot2 spec 3.1): tells GRUB to load this ELF and
 * enter _start32 in 32-bit protected mode. It must sit in the first 32 KiB. */
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386    0

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Information request: we need the memory map (6), the command line (1),
	 * modules (3) and the ACPI RSDP copies (14, 15); optional, so GRUB never refuses to boot over one. */
	.balign 8
	.short 1, 1
	.long 8 + 4 * 5
	.long 1, 3, 6, 14, 15

	/* Module alignment: page-align boot modules so they can be reserved whole. */
	.balign 8
	.short 6, 0
	.long 8

	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:
