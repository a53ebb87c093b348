/* Register dump lines, each through log_line_locked so they start with "hv:". */
#include "arch/x86/regdump.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "hv/log.h"

#define BACKTRACE_DEPTH 16
#define STACK_WORDS 8

/* A frame pointer worth following: 8-byte aligned, above the faulting RSP and
 * not absurdly far from it (stacks are at most a few pages). */
static bool plausible_frame(uint64_t rbp, uint64_t rsp)
{
	return rbp && !(rbp & 7) && rbp >= rsp && rbp - rsp < 64 * 1024;
}

static void print_pf_error(uint64_t err)
{
	log_line_locked("  #PF: %s %s %s%s%s", err & 1 ? "protection" : "not-present",
			err & 2 ? "write" : "read", err & 4 ? "user" : "supervisor",
			err & 8 ? " reserved-bit" : "", err & 16 ? " instruction-fetch" : "");
}

void regdump_print(const struct trap_frame *f)
{
	log_line_locked("  vector=%lu (%s) error=%#lx", f->vector, exception_name(f->vector),
			f->error_code);
	if (f->vector == 14) {
		log_line_locked("  cr2=%016lx (faulting address)", read_cr2());
		print_pf_error(f->error_code);
	}
	log_line_locked("  rip=%016lx cs=%04lx rflags=%016lx", f->rip, f->cs, f->rflags);
	log_line_locked("  rsp=%016lx ss=%04lx", f->rsp, f->ss);
	log_line_locked("  rax=%016lx rbx=%016lx rcx=%016lx", f->rax, f->rbx, f->rcx);
	log_line_locked("  rdx=%016lx rsi=%016lx rdi=%016lx", f->rdx, f->rsi, f->rdi);
	log_line_locked("  rbp=%016lx r8 =%016lx r9 =%016lx", f->rbp, f->r8, f->r9);
	log_line_locked("  r10=%016lx r11=%016lx r12=%016lx", f->r10, f->r11, f->r12);
	log_line_locked("  r13=%016lx r14=%016lx r15=%016lx", f->r13, f->r14, f->r15);
	log_line_locked("  cr0=%016lx cr2=%016lx cr3=%016lx", read_cr0(), read_cr2(), read_cr3());
	log_line_locked("  cr4=%016lx efer=%016lx", read_cr4(), rdmsr(MSR_EFER));

	if (plausible_frame(f->rsp + 8 * (STACK_WORDS - 1), f->rsp)) {
		const uint64_t *sp = (const uint64_t *)f->rsp;
		log_line_locked("  stack: %016lx %016lx %016lx %016lx", sp[0], sp[1], sp[2], sp[3]);
		log_line_locked("         %016lx %016lx %016lx %016lx", sp[4], sp[5], sp[6], sp[7]);
	}

	uint64_t rbp = f->rbp;
	log_line_locked("  backtrace: %016lx", f->rip);
	for (int depth = 0; depth < BACKTRACE_DEPTH && plausible_frame(rbp, f->rsp); depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		if (!frame[1])
			break;
		log_line_locked("             %016lx", frame[1]);
		rbp = frame[0];
	}
}
