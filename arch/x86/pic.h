/* The legacy 8259A pair: remapped away from the exception vectors and masked,
 * so a stray legacy interrupt can never look like a CPU exception. */
#ifndef ARCH_X86_PIC_H
#define ARCH_X86_PIC_H

#include "hv/types.h"

void pic_remap_and_mask(uint8_t vector_base);

#endif
