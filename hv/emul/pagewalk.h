/* The guest's page-table walk as the CPU does it (SDM Vol. 3A chapter 4
 * "Paging"): linear to guest-physical, or the #PF the CPU would raise. */
#ifndef HV_EMUL_PAGEWALK_H
#define HV_EMUL_PAGEWALK_H

#include "hv/types.h"

/* The register bits the walk depends on (SDM Vol. 3A 2.5 "Control Registers",
 * 2.2.1 "Extended Feature Enable Register", Vol. 1 3.4.3 "EFLAGS"). */
#define PW_CR0_WP ((uint64_t)1 << 16)
#define PW_CR0_PG ((uint64_t)1 << 31)
#define PW_CR4_PSE ((uint64_t)1 << 4)
#define PW_CR4_PAE ((uint64_t)1 << 5)
#define PW_CR4_LA57 ((uint64_t)1 << 12)
#define PW_CR4_SMEP ((uint64_t)1 << 20)
#define PW_CR4_SMAP ((uint64_t)1 << 21)
#define PW_CR4_PKE ((uint64_t)1 << 22)
#define PW_EFER_LMA ((uint64_t)1 << 10)
#define PW_EFER_NXE ((uint64_t)1 << 11)
#define PW_RFLAGS_AC ((uint64_t)1 << 18)

/* The #PF error code (SDM Vol. 3A 4.7, Figure 4-12). */
#define PW_PF_P (1u << 0)    /* 0: not present; 1: protection or reserved bit */
#define PW_PF_W (1u << 1)    /* the access was a write */
#define PW_PF_U (1u << 2)    /* the access was a user-mode access */
#define PW_PF_RSVD (1u << 3) /* a reserved bit was set in a paging-structure entry */
#define PW_PF_ID (1u << 4)   /* an instruction fetch (only with SMEP, or PAE and NXE) */
#define PW_PF_PK (1u << 5)   /* the protection key forbade the data access */

/* The guest state the walk reads. Everything the CPU would take from
 * elsewhere than CR0/CR3/CR4/EFER is an input too. */
struct pw_regs {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;    /* only AC matters (SMAP) */
	unsigned cpl;       /* 3 makes explicit accesses user-mode accesses */
	uint64_t pdpte[4];  /* PAE paging: the PDPTE registers (with EPT, the VMCS
	                     * guest PDPTE fields), never re-read from CR3 (4.4.1) */
	uint32_t pkru;      /* CR4.PKE: the user-mode protection keys (4.6.2) */
	unsigned maxphyaddr; /* CPUID.80000008H:EAX[7:0]; 32..52, clamped to that */
	bool gbpages;       /* CPUID.80000001H:EDX[26]: 1-GByte pages; without
	                     * them PDPTE bit 7 is reserved (Table 4-16) */
};

/* What the access is. Whether it is a user-mode access follows from the CPL:
 * CPL 3 makes one, except for implicit supervisor-mode accesses (GDT, LDT,
 * IDT, TSS), which are supervisor-mode at any CPL (4.6). A fetch is a read:
 * write is ignored with it. */
struct pw_access {
	bool write;
	bool fetch;
	bool implicit_supervisor;
};

enum pw_result {
	PW_OK,
	PW_FAULT,        /* #PF: fault->error_code, fault->cr2 */
	PW_BAD_GPA,      /* a paging structure lies outside guest RAM: fault->gpa */
	PW_NONCANONICAL, /* 4/5-level paging: #GP or #SS, never walked (Vol. 1 3.3.7.1) */
	PW_BAD_LENGTH,   /* pw_translate_range: len is 0 or more than a page */
};

struct pw_fault {
	uint32_t error_code; /* PW_FAULT */
	uint64_t cr2;        /* the linear address that failed, for every result */
	uint64_t gpa;        /* PW_BAD_GPA: the paging-structure entry's address */
};

/* Reads len bytes of guest-physical memory at gpa; false when any of them is
 * outside guest RAM. The walk only reads: see pw_translate. */
typedef bool (*pw_read_fn)(uint64_t gpa, void *buf, size_t len, void *ctx);

/* Translates linear as the guest's paging mode would: paging off (the low 32
 * bits are the physical address), 32-bit, PAE, 4-level or 5-level paging.
 * Accessed and dirty flags are never set, and the guest's tables never
 * written: the emulator translates to decide whether and where to access, and
 * writing them here would set them for accesses that may never happen (an
 * instruction that faults on a later operand) and race with the guest's own
 * updates. The CPU sets them itself (4.8), on its own walk for the access
 * that caused the exit or when the guest retries it.
 * Returns a pw_result; *gpa is set only for PW_OK. */
int pw_translate(const struct pw_regs *regs, uint64_t linear, struct pw_access acc,
		 pw_read_fn read, void *ctx, uint64_t *gpa, struct pw_fault *fault);

/* An access of len bytes (1..4096) at linear, split at 4 KiB boundaries into
 * one or two parts, each translated as the CPU would before touching either:
 * a non-canonical byte anywhere fails the whole access first, then each part
 * is walked in order and the first without a translation fails it, with cr2
 * that part's first byte. On failure, failed is that part's index and the
 * parts before it hold their gpa (none do for PW_NONCANONICAL). */
struct pw_range {
	unsigned parts;  /* 1 or 2; 0 for PW_BAD_LENGTH */
	unsigned failed; /* on failure, the part that failed */
	struct {
		uint64_t linear, gpa;
		size_t len;
	} part[2];
};

int pw_translate_range(const struct pw_regs *regs, uint64_t linear, size_t len,
		       struct pw_access acc, pw_read_fn read, void *ctx,
		       struct pw_range *range, struct pw_fault *fault);

#endif
