/* Initial guest and host state (SDM 3C 25.4 "Guest-State Area", 25.5
 * "Host-State Area"). Guest CR0/CR4 bits that VMX forces on (the FIXED0
 * MSRs) are owned by the hypervisor through the guest/host masks; the guest
 * reads its own values from the read shadows. */
#include "arch/x86/vmx/vmx_guest_state.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_controls.h"
#include "arch/x86/vmx/vmx_cpu.h"

#define MSR_IA32_PAT 0x277
/* The power-on PAT (SDM 3A 13.12.4): WB, WT, UC-, UC, repeated. */
#define PAT_POWER_ON 0x0007040600070406ull
#define RFLAGS_RESERVED_ONE 0x2
#define DR7_POWER_ON 0x400

/* Access rights (SDM 3C 25.4.1, table "Format of Access Rights"). */
#define AR_CODE16 0x009b   /* present, code, execute/read, accessed */
#define AR_DATA16 0x0093   /* present, data, read/write, accessed */
#define AR_CODE32 0xc09b   /* + D/B and G: flat 4 GiB */
#define AR_DATA32 0xc093
#define AR_CODE64 0xa09b   /* + L and G */
#define AR_TSS_BUSY 0x008b /* 32/64-bit busy TSS */
#define AR_LDT_UNUSABLE 0x10000

extern char vmx_exit_point[];

void vmx_write_host_state(void)
{
	struct percpu *p = this_cpu();

	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, read_cr3());
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	vmcs_write(VMCS_HOST_CS_SELECTOR, GDT_KERNEL_CS);
	vmcs_write(VMCS_HOST_SS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(VMCS_HOST_DS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(VMCS_HOST_ES_SELECTOR, GDT_KERNEL_DS);
	vmcs_write(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_TR_SELECTOR, GDT_TSS);
	vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmcs_write(VMCS_HOST_TR_BASE, (uint64_t)&p->tss);
	vmcs_write(VMCS_HOST_GDTR_BASE, (uint64_t)p->gdt);
	vmcs_write(VMCS_HOST_IDTR_BASE, (uint64_t)p->idt);
	vmcs_write(VMCS_HOST_SYSENTER_CS, 0);
	vmcs_write(VMCS_HOST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_HOST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmcs_write(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(VMCS_HOST_RIP, (uint64_t)vmx_exit_point);
}

struct segment {
	uint16_t sel;
	uint64_t base;
	uint32_t limit, ar;
};

static void write_segment(uint32_t sel_field, const struct segment *s)
{
	/* Selector, limit, access rights and base fields of one register are
	 * laid out at the same offset from their groups' first fields. */
	uint32_t index = sel_field - VMCS_GUEST_ES_SELECTOR;
	vmcs_write(sel_field, s->sel);
	vmcs_write(VMCS_GUEST_ES_LIMIT + index, s->limit);
	vmcs_write(VMCS_GUEST_ES_AR + index, s->ar);
	vmcs_write(VMCS_GUEST_ES_BASE + index, s->base);
}

static void write_segments(const struct segment *code, const struct segment *data,
			   const struct segment *tr)
{
	static const struct segment ldtr = {0, 0, 0, AR_LDT_UNUSABLE};

	write_segment(VMCS_GUEST_CS_SELECTOR, code);
	write_segment(VMCS_GUEST_SS_SELECTOR, data);
	write_segment(VMCS_GUEST_DS_SELECTOR, data);
	write_segment(VMCS_GUEST_ES_SELECTOR, data);
	write_segment(VMCS_GUEST_FS_SELECTOR, data);
	write_segment(VMCS_GUEST_GS_SELECTOR, data);
	write_segment(VMCS_GUEST_TR_SELECTOR, tr);
	write_segment(VMCS_GUEST_LDTR_SELECTOR, &ldtr);
}

/* The guest sees cr0/cr4 as given; the VMCS holds them with the bits VMX
 * requires, and the masks make the guest's reads show its own values. With
 * unrestricted guest, CR0.PE and CR0.PG are the guest's own (SDM 3C 24.8). */
static void write_control_registers(uint64_t cr0, uint64_t cr4)
{
	const struct vmx_caps *caps = vmx_active_caps();
	uint64_t cr0_forced = caps->cr0_fixed0 & ~(uint64_t)(CR0_PE | CR0_PG);
	uint64_t cr0_owned = cr0_forced | (~caps->cr0_fixed1 & 0xffffffffull);
	uint64_t cr4_owned = caps->cr4_fixed0 | (~caps->cr4_fixed1 & 0xffffffffull);

	vmcs_write(VMCS_GUEST_CR0, (cr0 | cr0_forced) & (caps->cr0_fixed1 | CR0_PE | CR0_PG));
	vmcs_write(VMCS_CR0_GUEST_HOST_MASK, cr0_owned);
	vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_write(VMCS_GUEST_CR4, (cr4 | caps->cr4_fixed0) & caps->cr4_fixed1);
	vmcs_write(VMCS_CR4_GUEST_HOST_MASK, cr4_owned);
	vmcs_write(VMCS_CR4_READ_SHADOW, cr4);
}

static void write_common_state(void)
{
	vmcs_write(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED_ONE);
	vmcs_write(VMCS_GUEST_DR7, DR7_POWER_ON);
	vmcs_write(VMCS_GUEST_PAT, PAT_POWER_ON);
	vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(VMCS_LINK_POINTER, VMX_LINK_POINTER_NONE);
}

void vmx_write_guest_state(const struct vcpu_boot_state *b)
{
	struct segment code, data, tr = {0, 0, 0xffff, AR_TSS_BUSY};

	write_common_state();
	vmcs_write(VMCS_GUEST_RIP, b->rip);
	vmcs_write(VMCS_GUEST_RSP, b->rsp);
	switch (b->mode) {
	case VCPU_BOOT_REAL16:
		/* Real mode: base = selector * 16, 64 KiB limits (SDM 3A 21.1). */
		code = (struct segment){b->cs, (uint64_t)b->cs << 4, 0xffff, AR_CODE16};
		data = (struct segment){0, 0, 0xffff, AR_DATA16};
		write_segments(&code, &data, &tr);
		vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
		vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0xffff);
		vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
		vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0x3ff);
		write_control_registers(CR0_ET, 0);
		vmcs_write(VMCS_GUEST_CR3, 0);
		vmcs_write(VMCS_GUEST_EFER, 0);
		break;
	case VCPU_BOOT_PROT32:
		/* Multiboot v1 machine state (spec 3.2): flat 4 GiB segments, paging
		 * off; GDTR and IDTR are the kernel's to load. */
		code = (struct segment){0x08, 0, 0xffffffff, AR_CODE32};
		data = (struct segment){0x10, 0, 0xffffffff, AR_DATA32};
		tr.limit = 0x67;
		write_segments(&code, &data, &tr);
		vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
		vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0);
		vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
		vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0);
		write_control_registers(CR0_PE | CR0_ET, 0);
		vmcs_write(VMCS_GUEST_CR3, 0);
		vmcs_write(VMCS_GUEST_EFER, 0);
		break;
	case VCPU_BOOT_LONG64:
		code = (struct segment){b->code_sel, 0, 0xffffffff, AR_CODE64};
		data = (struct segment){b->data_sel, 0, 0xffffffff, AR_DATA32};
		tr.limit = 0x67;
		write_segments(&code, &data, &tr);
		vmcs_write(VMCS_GUEST_GDTR_BASE, b->gdt_base);
		vmcs_write(VMCS_GUEST_GDTR_LIMIT, b->gdt_limit);
		vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
		vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0);
		write_control_registers(CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG, CR4_PAE);
		vmcs_write(VMCS_GUEST_CR3, b->cr3);
		vmcs_write(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
		break;
	}
}

static uint64_t visible(uint32_t value_field, uint32_t mask_field, uint32_t shadow_field)
{
	uint64_t mask = vmcs_read(mask_field);
	return (vmcs_read(value_field) & ~mask) | (vmcs_read(shadow_field) & mask);
}

uint64_t vmx_guest_visible_cr0(void)
{
	return visible(VMCS_GUEST_CR0, VMCS_CR0_GUEST_HOST_MASK, VMCS_CR0_READ_SHADOW);
}

uint64_t vmx_guest_visible_cr4(void)
{
	return visible(VMCS_GUEST_CR4, VMCS_CR4_GUEST_HOST_MASK, VMCS_CR4_READ_SHADOW);
}
