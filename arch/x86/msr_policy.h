/* The guest MSR policy: an allow-list of MSRs with emulated values and the
 * SDM's validity checks (Vol. 4 "Architectural MSRs"). Every other access is
 * refused with MSR_GP and the exit handler injects #GP. Pure logic. */
#ifndef ARCH_X86_MSR_POLICY_H
#define ARCH_X86_MSR_POLICY_H

#include "hv/types.h"
#include "arch/x86/asm_defs.h"
#include "arch/x86/msr_bitmap.h"
#include "arch/x86/msr_index.h"

/* MSR numbers beyond msr_index.h and asm_defs.h (MSR_EFER), SDM Vol. 4
 * Table 2-2. Names other files already define are spelled as they do. */
#define MSR_IA32_TIME_STAMP_COUNTER 0x10
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_SPEC_CTRL 0x48
#define MSR_IA32_PRED_CMD 0x49
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_MTRR_PHYSBASE0 0x200 /* PHYSBASEn 0x200 + 2n, PHYSMASKn 0x201 + 2n */
#define MSR_IA32_MTRR_FIX64K_00000 0x250
#define MSR_IA32_MTRR_FIX16K_80000 0x258
#define MSR_IA32_MTRR_FIX16K_A0000 0x259
#define MSR_IA32_MTRR_FIX4K_C0000 0x268 /* through FIX4K_F8000 at 0x26f */
#define MSR_IA32_PAT 0x277
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_TSC_AUX 0xc0000103

/* IA32_APIC_BASE (SDM 3A 11.4.4, 11.12.1). Relocation is not offered. */
#define APIC_BASE_BSP ((uint64_t)1 << 8)
#define APIC_BASE_EXTD ((uint64_t)1 << 10)
#define APIC_BASE_EN ((uint64_t)1 << 11)
#define APIC_BASE_DEFAULT 0xfee00000ull

/* IA32_MISC_ENABLE bits the policy reports (Vol. 4, MSR 1A0H). */
#define MISC_ENABLE_FAST_STRINGS ((uint64_t)1 << 0)
#define MISC_ENABLE_BTS_UNAVAIL ((uint64_t)1 << 11)
#define MISC_ENABLE_PEBS_UNAVAIL ((uint64_t)1 << 12)
#define MISC_ENABLE_XD_DISABLE ((uint64_t)1 << 34)

/* IA32_SPEC_CTRL and IA32_PRED_CMD (Vol. 4, MSRs 48H, 49H). */
#define SPEC_CTRL_IBRS ((uint64_t)1 << 0)
#define SPEC_CTRL_STIBP ((uint64_t)1 << 1)
#define SPEC_CTRL_SSBD ((uint64_t)1 << 2)
#define PRED_CMD_IBPB ((uint64_t)1 << 0)

/* Architectural counts: 11 fixed-range MTRRs (SDM 3A 12.11.2.2) and the
 * variable pairs Vol. 4 defines, PHYSBASE0-PHYSMASK9 (0x200-0x213). */
#define MSR_MTRR_FIXED_COUNT 11
#define MSR_MTRR_VAR_MAX 10

/* What the vCPU's CPUID reports; the policy offers exactly that. */
struct msr_platform {
	bool bsp;              /* IA32_APIC_BASE.BSP of this vCPU */
	bool x2apic;           /* CPUID.01H:ECX[21] */
	bool tsc_deadline;     /* CPUID.01H:ECX[24] */
	bool spec_ctrl;        /* CPUID.(EAX=07H,ECX=0):EDX[26]: IBRS and IBPB */
	bool stibp;            /* EDX[27]: IA32_SPEC_CTRL.STIBP writable */
	bool ssbd;             /* EDX[31]: IA32_SPEC_CTRL.SSBD writable */
	bool nx;               /* CPUID.80000001H:EDX[20]: EFER.NXE writable */
	bool mtrr;             /* CPUID.01H:EDX[12] */
	uint8_t mtrr_var_count; /* variable MTRR pairs; above MSR_MTRR_VAR_MAX counts as that */
	uint8_t pa_bits;       /* MAXPHYADDR; above 52, the architectural limit, counts as 52 */
	uint8_t la_bits;       /* linear-address width: 57 with 5-level paging, anything else is 48 */
};

/* The emulated MSRs of one vCPU. All uint64_t, so it compares with memcmp. */
struct msr_vcpu_state {
	/* Copies of the VMCS guest EFER and CR0 that an EFER write is checked
	 * against (SDM 3A 10.8.5): the exit handler refreshes both before each
	 * msr_policy_write. */
	uint64_t guest_efer, guest_cr0;
	uint64_t apic_base;
	uint64_t misc_enable;
	uint64_t spec_ctrl;    /* loaded into the CPU while the vCPU runs, by the caller */
	uint64_t mtrr_def_type;
	uint64_t mtrr_fixed[MSR_MTRR_FIXED_COUNT]; /* 0x250, 0x258, 0x259, 0x268-0x26f */
	uint64_t mtrr_physbase[MSR_MTRR_VAR_MAX], mtrr_physmask[MSR_MTRR_VAR_MAX];
};

enum msr_result {
	MSR_OK,   /* done: a read's value is in *value */
	MSR_GP,   /* refused: inject #GP(0), the state is unchanged */
	MSR_VMCS, /* allowed: the caller carries out the access on *where */
};

/* Where a MSR_VMCS access goes (the uint32_t *where). The caller reads it
 * into the guest's EDX:EAX, or writes value there unchanged: the policy has
 * already checked it, including against the field's width. */
enum msr_backing {
	MSR_BACK_NONE,           /* MSR_OK and MSR_GP */
	MSR_BACK_TSC_OFFSET,     /* VMCS TSC offset (SDM 3C 25.6.5): reads give host TSC +
				  * offset, a write sets offset = value - host TSC */
	MSR_BACK_SYSENTER_CS,    /* VMCS guest-state fields (SDM 3C 25.4.1) */
	MSR_BACK_SYSENTER_ESP,
	MSR_BACK_SYSENTER_EIP,
	MSR_BACK_PAT,
	MSR_BACK_EFER,
	MSR_BACK_FS_BASE,
	MSR_BACK_GS_BASE,
	MSR_BACK_STAR,           /* struct guest_context fields (in the CPU while it is loaded) */
	MSR_BACK_LSTAR,
	MSR_BACK_CSTAR,
	MSR_BACK_SFMASK,
	MSR_BACK_KERNEL_GS_BASE,
	MSR_BACK_TSC_AUX,
	MSR_BACK_LAPIC,          /* the virtual LAPIC's x2APIC register msr (SDM 3A 11.12.1.2) */
	MSR_BACK_TSC_DEADLINE,   /* the virtual LAPIC's IA32_TSC_DEADLINE (SDM 3A 11.5.4.1) */
	MSR_BACK_PRED_CMD,       /* a command: the caller writes value to the CPU's IA32_PRED_CMD */
};

/* Power-on values (SDM 3A 10.1.1); guest_efer 0 and guest_cr0 0x60000010. */
void msr_vcpu_state_init(const struct msr_platform *p, struct msr_vcpu_state *s);

/* RDMSR of msr. *value is 0 unless MSR_OK; *where is MSR_BACK_NONE unless
 * MSR_VMCS. The state is never changed. */
enum msr_result msr_policy_read(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
				uint64_t *value, uint32_t *where);

/* WRMSR of value to msr. *where is MSR_BACK_NONE unless MSR_VMCS. Only
 * MSR_OK changes the state. */
enum msr_result msr_policy_write(const struct msr_platform *p, struct msr_vcpu_state *s, uint32_t msr,
				 uint64_t value, uint32_t *where);

/* The MSRs that may run without exits when the caller asks: FS_BASE and
 * GS_BASE (the VMCS switches them at entry and exit) and KERNEL_GS_BASE
 * (guest_context switches it with the vCPU); the CPU's own canonical
 * checks then apply. */
extern const struct msr_bitmap_pass msr_policy_pass_bases[];
extern const size_t msr_policy_pass_bases_count;

/* The bitmap for a vCPU: everything exits, except with pass_bases the
 * table above. */
void msr_policy_bitmap(uint8_t bitmap[MSR_BITMAP_SIZE], bool pass_bases);

#endif
