/* What a decoded MOV does to the registers: its effective address, the value
 * a write stores, and how a read's value lands in the destination register. */
#include "hv/emul/decode_mov.h"

static uint64_t mask_of(unsigned bytes)
{
	return bytes >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * bytes)) - 1;
}

/* Vol. 1 3.7.5: base + index * scale + displacement, computed in the
 * address size, so 16- and 32-bit addresses wrap; RIP-relative addressing
 * adds the next instruction's address (Vol. 2 2.2.1.6), truncated to 32 bits
 * under a 67 prefix like any other address. Unsigned arithmetic wraps modulo
 * 2^64, so masking at the end gives the narrow sum. */
uint64_t mov_effective_address(const struct mov_insn *insn, const uint64_t gpr[16],
			       uint64_t rip_next)
{
	uint64_t ea = insn->disp;
	if (insn->rip_relative)
		ea += rip_next;
	if (insn->base != MOV_NO_REG)
		ea += gpr[insn->base];
	if (insn->index != MOV_NO_REG)
		ea += gpr[insn->index] * insn->scale;
	return ea & mask_of(insn->addr_size);
}

uint64_t mov_store_value(const struct mov_insn *insn, const uint64_t gpr[16])
{
	if (insn->src == MOV_IMM)
		return insn->imm;
	uint64_t v = gpr[insn->reg];
	if (insn->high_byte)
		v >>= 8;
	return v & mask_of(insn->size);
}

/* Vol. 1 3.4.1.1: an 8- or 16-bit result leaves the register's other bits
 * alone; a 32-bit one is zero-extended to 64 bits in 64-bit mode. Outside
 * 64-bit mode bits 63:32 are undefined, so the same zero-extension serves. */
void mov_apply_load(const struct mov_insn *insn, uint64_t gpr[16], uint64_t value)
{
	uint64_t v = value & mask_of(insn->size);
	if (insn->sign_extend) {
		uint64_t sign = (uint64_t)1 << (8 * insn->size - 1);
		v = ((v ^ sign) - sign) & mask_of(insn->reg_size);
	}
	uint64_t *r = &gpr[insn->reg];
	switch (insn->reg_size) {
	case 1:
		if (insn->high_byte)
			*r = (*r & ~(uint64_t)0xff00) | v << 8;
		else
			*r = (*r & ~(uint64_t)0xff) | v;
		break;
	case 2:
		*r = (*r & ~(uint64_t)0xffff) | v;
		break;
	default:
		*r = v;
		break;
	}
}
