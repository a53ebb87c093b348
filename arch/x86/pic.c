/* 8259A initialization sequence (ICW1-ICW4, Intel 8259A data sheet). */
#include "arch/x86/pic.h"
#include "arch/x86/io.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11 /* edge, cascade, ICW4 follows */
#define ICW4_8086 0x01

void pic_remap_and_mask(uint8_t vector_base)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC1_DATA, vector_base);
	io_delay();
	outb(PIC2_DATA, vector_base + 8);
	io_delay();
	outb(PIC1_DATA, 1 << 2); /* slave on IR2 */
	io_delay();
	outb(PIC2_DATA, 2); /* slave identity */
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}
