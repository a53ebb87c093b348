/* The instruction emulator for accesses that reach MMIO: decodes one
 * instruction through a fetch callback and carries it out on the registers
 * and, through read/write callbacks, on memory (SDM Vol. 2 instruction pages). */
#ifndef HV_EMUL_X86EMU_H
#define HV_EMUL_X86EMU_H

#include "hv/types.h"

/* An instruction longer than this raises #GP(0) (SDM Vol. 2 2.3.11). */
#define X86EMU_MAX_LEN 15

/* The code segment's defaults: 16-bit operand and address size (real and
 * virtual-8086 mode, or CS.D = 0), 32-bit (CS.D = 1), or 64-bit mode
 * (EFER.LMA = 1 and CS.L = 1: operand size 32, address size 64). The caller
 * maps compatibility mode to 16 or 32 by CS.D. */
enum x86emu_mode { X86EMU_MODE_16, X86EMU_MODE_32, X86EMU_MODE_64 };

/* Segment registers in the sreg field's numbering (SDM Vol. 2 Appendix B). */
enum x86_seg { X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS };

/* RFLAGS bits the emulator reads or writes (SDM Vol. 1 3.4.3). */
#define X86_FLAG_CF (1u << 0)
#define X86_FLAG_PF (1u << 2)
#define X86_FLAG_AF (1u << 4)
#define X86_FLAG_ZF (1u << 6)
#define X86_FLAG_SF (1u << 7)
#define X86_FLAG_DF (1u << 10)
#define X86_FLAG_OF (1u << 11)
#define X86_FLAGS_ARITH (X86_FLAG_CF | X86_FLAG_PF | X86_FLAG_AF | X86_FLAG_ZF | X86_FLAG_SF | X86_FLAG_OF)

/* Exception vectors the emulator raises itself or expects from callbacks. */
#define X86_EXC_UD 6
#define X86_EXC_SS 12
#define X86_EXC_GP 13
#define X86_EXC_PF 14

/* The guest registers in and out: GPRs in encoding order (RAX, RCX, RDX,
 * RBX, RSP, RBP, RSI, RDI, R8 .. R15), RIP as the offset in CS. */
struct x86emu_regs {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
	enum x86emu_mode mode;
};

enum x86emu_result {
	X86EMU_OK,          /* registers, RIP, flags and memory updated */
	X86EMU_FAULT,       /* inject fault; nothing changed but a REP's progress */
	X86EMU_UNSUPPORTED, /* not emulated: msg names the opcode; nothing changed */
};

/* A fault to inject: from a callback, or #GP(0)/#UD raised by the decoder. */
struct x86emu_fault {
	uint8_t vector;
	bool has_error_code;
	uint32_t error_code;
	uint64_t cr2; /* #PF only */
};

/* The callbacks. offset is the effective address, already wrapped to the
 * address size (or, for fetch, RIP + i wrapped to the mode's IP width): the
 * caller adds the segment base, checks the limit or canonicality (#GP, or
 * #SS for seg == SS), walks the guest's paging (#PF) and performs the access,
 * splitting it at page boundaries. len is 1, 2, 4 or 8 for data and 1 for
 * fetch; buf is little-endian. Each returns X86EMU_OK, X86EMU_FAULT with
 * *fault filled, or X86EMU_UNSUPPORTED (say, no device there), which the
 * emulator passes on. A read-modify-write reads then writes the same bytes;
 * the emulator never reads or writes anything but what it is given. */
struct x86emu_ops {
	int (*fetch)(void *ctx, uint64_t offset, uint8_t *byte, struct x86emu_fault *fault);
	int (*read)(void *ctx, enum x86_seg seg, uint64_t offset, void *buf, unsigned len,
		    struct x86emu_fault *fault);
	int (*write)(void *ctx, enum x86_seg seg, uint64_t offset, const void *buf, unsigned len,
		     struct x86emu_fault *fault);
};

#define X86EMU_MSG_LEN 96

struct x86emu_out {
	struct x86emu_fault fault; /* X86EMU_FAULT */
	unsigned len;              /* the instruction's length, once decoded */
	char msg[X86EMU_MSG_LEN];  /* X86EMU_UNSUPPORTED (and the emulator's own faults) */
};

/* Emulates the instruction at CS:RIP. Instructions are fetched a byte at a
 * time through ops->fetch, as far as decoding needs, so one that ends before
 * an unmapped page never touches it and one that runs into it gets the
 * fetch's #PF. A REP string instruction runs at most rep_max (at least 1)
 * iterations per call; when the count is not exhausted RIP stays on the
 * instruction with RSI/RDI/RCX advanced and the result is X86EMU_OK, so the
 * caller resumes the guest, which executes it again (SDM Vol. 2 "REP").
 * LOCK is accepted on the forms that allow it and gives nothing more: the
 * caller performs each access alone (one vCPU per emulated access, and MMIO
 * devices serialize their own registers). */
enum x86emu_result x86emu_run(struct x86emu_regs *regs, const struct x86emu_ops *ops, void *ctx,
			      unsigned rep_max, struct x86emu_out *out);

#endif
