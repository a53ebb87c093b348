/* Builds an IDT: every vector goes to its stub in idt_entry.S; #DF, NMI and
 * #MC run on their own IST stacks so a broken stack cannot take them down. */
#include "arch/x86/desc.h"
#include "arch/x86/asm_defs.h"
#include "arch/x86/percpu.h"

extern const uint64_t idt_stub_table[256];

static void set_gate(struct idt_gate *g, uint64_t handler, uint8_t ist)
{
	g->offset_lo = handler & 0xffff;
	g->selector = GDT_KERNEL_CS;
	g->ist = ist;
	g->type_attr = IDT_INTERRUPT_GATE;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_hi = handler >> 32;
	g->reserved = 0;
}

void idt_fill(struct idt_gate *idt, const uint64_t *ist_top)
{
	for (int v = 0; v < 256; v++)
		set_gate(&idt[v], idt_stub_table[v], 0);
	idt[2].ist = IST_NMI;
	idt[8].ist = IST_DF;
	idt[18].ist = IST_MC;
}
