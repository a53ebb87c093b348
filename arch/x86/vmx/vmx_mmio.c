/* MMIO emulation (see vmx_mmio.h) with the instruction emulator of
 * hv/emul/x86emu*: it decodes and executes; this file supplies the guest's
 * view of memory (segment base, the guest's paging, then RAM or a device on
 * the MMIO bus) and turns faults into injected exceptions. */
#include "arch/x86/vmx/vmx_mmio.h"
#include "arch/x86/cpu.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_event.h"
#include "arch/x86/vmx/vmx_exit.h"
#include "arch/x86/vmx/vmx_guest_memory.h"
#include "hv/log.h"
#include "hv/string.h"

/* A REP string instruction runs this many elements per exit at most, then
 * re-executes (the emulator leaves RIP on it). */
#define MMIO_REP_MAX 256

static const uint32_t seg_base_field[6] = {
	VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE, VMCS_GUEST_SS_BASE,
	VMCS_GUEST_DS_BASE, VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE,
};

struct mmio_ctx {
	struct vcpu *v;
	enum x86emu_mode mode;
	uint64_t bad_gpa; /* set when an access reached neither RAM nor a device */
	/* Instruction bytes already fetched: one walk serves a whole page. */
	uint64_t fetch_offset;
	unsigned fetch_len;
	uint8_t fetch_buf[X86EMU_MAX_LEN];
};

static void page_fault(struct x86emu_fault *f, const struct pw_fault *pf)
{
	*f = (struct x86emu_fault){X86_EXC_PF, true, pf->error_code, pf->cr2};
}

struct mmio_bus *vmx_mmio_bus_for(struct vcpu *v, uint64_t gpa, unsigned len)
{
	if (mmio_bus_find(&v->local_mmio, gpa, len).region)
		return &v->local_mmio;
	if (mmio_bus_find(&v->dom->mmio, gpa, len).region)
		return &v->dom->mmio;
	return NULL;
}

/* A device register. Device timers fire in host interrupt handlers and
 * change the same state, so the access runs with host interrupts off. A
 * register no bus holds goes to the domain's bus, which reports why. */
static enum mmio_result device_access(struct vcpu *v, uint64_t gpa, unsigned n, bool write,
				      uint64_t *value)
{
	struct mmio_bus *bus = vmx_mmio_bus_for(v, gpa, n);
	if (!bus)
		bus = &v->dom->mmio;
	uint64_t flags = irq_save();
	enum mmio_result res = mmio_bus_access(bus, gpa, n, write, value);
	irq_restore(flags);
	return res;
}

/* One access of len bytes at seg:offset, split at a page boundary into at
 * most two parts, each RAM or a device register. Segment limits are not
 * checked: guests that reach MMIO use flat segments (64-bit mode has none). */
static int access(struct mmio_ctx *c, enum x86_seg seg, uint64_t offset, void *buf, unsigned len,
		  bool write, bool fetch, struct x86emu_fault *f)
{
	struct pw_range range;
	struct pw_fault pf;
	uint64_t linear = vmcs_read(seg_base_field[seg]) + offset;
	size_t done = 0;

	if (c->mode != X86EMU_MODE_64)
		linear &= 0xffffffffull;
	int res = vmx_guest_translate(c->v, linear, len, write, fetch, &range, &pf);
	if (res == PW_FAULT) {
		page_fault(f, &pf);
		return X86EMU_FAULT;
	}
	if (res != PW_OK) {
		/* Non-canonical: #SS for the stack segment, else #GP(0). */
		*f = (struct x86emu_fault){seg == X86_SEG_SS ? X86_EXC_SS : X86_EXC_GP, true, 0, 0};
		return X86EMU_FAULT;
	}
	for (unsigned i = 0; i < range.parts; i++) {
		uint64_t gpa = range.part[i].gpa;
		size_t n = range.part[i].len;
		uint8_t *p = (uint8_t *)buf + done;
		if (domain_gpa_is_ram(c->v->dom, gpa, n)) {
			if (write && !vpc_gpa_is_rom(gpa)) /* ROM ignores writes */
				memcpy(domain_gpa_to_host(c->v->dom, gpa), p, n);
			else if (!write)
				memcpy(p, domain_gpa_to_host(c->v->dom, gpa), n);
		} else {
			uint64_t value = 0;
			if (write)
				memcpy(&value, p, n);
			if (fetch || device_access(c->v, gpa, (unsigned)n, write, &value) != MMIO_CLAIMED) {
				c->bad_gpa = gpa;
				return X86EMU_UNSUPPORTED;
			}
			if (!write)
				memcpy(p, &value, n);
		}
		done += n;
	}
	return X86EMU_OK;
}

/* The emulator fetches a byte at a time; translating once for every byte up
 * to the end of the page (or the longest instruction) gives the same result
 * as a walk per byte, at a fifteenth of the cost. */
static int op_fetch(void *ctx, uint64_t offset, uint8_t *byte, struct x86emu_fault *f)
{
	struct mmio_ctx *c = ctx;

	if (offset < c->fetch_offset || offset >= c->fetch_offset + c->fetch_len) {
		uint64_t linear = vmcs_read(VMCS_GUEST_CS_BASE) + offset;
		unsigned to_page_end = (unsigned)(PAGE_SIZE - (linear & (PAGE_SIZE - 1)));
		unsigned n = MIN(to_page_end, (unsigned)X86EMU_MAX_LEN);
		int res = access(c, X86_SEG_CS, offset, c->fetch_buf, n, false, true, f);
		if (res != X86EMU_OK)
			return res;
		c->fetch_offset = offset;
		c->fetch_len = n;
	}
	*byte = c->fetch_buf[offset - c->fetch_offset];
	return X86EMU_OK;
}

static int op_read(void *ctx, enum x86_seg seg, uint64_t offset, void *buf, unsigned len, struct x86emu_fault *f)
{
	return access(ctx, seg, offset, buf, len, false, false, f);
}

static int op_write(void *ctx, enum x86_seg seg, uint64_t offset, const void *buf, unsigned len,
		    struct x86emu_fault *f)
{
	return access(ctx, seg, offset, (void *)buf, len, true, false, f);
}

static const struct x86emu_ops mmio_ops = {op_fetch, op_read, op_write};

bool vmx_emulate_mmio(struct vcpu *v, uint64_t gpa)
{
	struct mmio_ctx c = {.v = v, .mode = vmx_guest_code_mode()};
	struct x86emu_regs regs;
	struct x86emu_out out;

	memcpy(regs.gpr, v->arch.regs.gpr, sizeof(regs.gpr));
	regs.gpr[GUEST_REG_RSP] = vmcs_read(VMCS_GUEST_RSP);
	regs.rip = vmcs_read(VMCS_GUEST_RIP);
	regs.rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	regs.mode = c.mode;

	switch (x86emu_run(&regs, &mmio_ops, &c, MMIO_REP_MAX, &out)) {
	case X86EMU_OK:
		memcpy(v->arch.regs.gpr, regs.gpr, sizeof(regs.gpr));
		vmcs_write(VMCS_GUEST_RSP, regs.gpr[GUEST_REG_RSP]);
		vmcs_write(VMCS_GUEST_RFLAGS, regs.rflags);
		if (regs.rip != vmcs_read(VMCS_GUEST_RIP))
			vmx_skip_shadow_to(regs.rip);
		return true;
	case X86EMU_FAULT:
		if (out.fault.vector == X86_EXC_PF)
			v->arch.regs.cr2 = out.fault.cr2;
		vmx_inject_exception(v, out.fault.vector, out.fault.has_error_code, out.fault.error_code);
		return true;
	default:
		if (c.bad_gpa)
			log_err("dom%u %s: access to guest-physical %#lx, outside its RAM and devices", v->dom->id,
				v->dom->cfg.name, c.bad_gpa);
		else
			log_err("dom%u %s: MMIO access at %#lx by an instruction not emulated: %s", v->dom->id,
				v->dom->cfg.name, gpa, out.msg);
		return false;
	}
}
