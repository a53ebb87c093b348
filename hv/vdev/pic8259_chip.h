/* What the 8259A's priority logic (pic8259.c) offers its command and port
 * decoding (pic8259_regs.c); internal to the PIC model. */
#ifndef HV_VDEV_PIC8259_CHIP_H
#define HV_VDEV_PIC8259_CHIP_H

#include "hv/vdev/pic8259.h"

#define PIC_MASTER 0
#define PIC_SLAVE 1

/* The inputs that follow their line's level rather than latching an edge. */
uint8_t pic_chip_level_mask(const struct pic_chip *c);
/* The highest-priority request the chip would present on INT, or -1. */
int pic_chip_resolve(const struct pic_chip *c, bool master);
/* The highest-priority in-service level an EOI applies to, or -1. */
int pic_chip_highest_isr(const struct pic_chip *c);
/* The chip's part of an INTA cycle for the request at ir. */
void pic_chip_accept(struct pic_chip *c, unsigned ir);
/* Recompute the cascade and the INT output after any change. */
void pic_update(struct pic *p);

#endif
