/* The access rights a finished walk collected and the checks on them (SDM
 * Vol. 3A 4.6); shared by pagewalk.c and pagewalk_rights.c only. */
#ifndef HV_EMUL_PAGEWALK_RIGHTS_H
#define HV_EMUL_PAGEWALK_RIGHTS_H

#include "hv/emul/pagewalk.h"

/* What the entries of one translation allow, combined over every level that
 * controls access rights (4.6: a page is user-mode or writable only if every
 * level says so, execute-disable if any level does). */
struct pw_perms {
	bool user;     /* U/S = 1 in every entry */
	bool writable; /* R/W = 1 in every entry */
	bool xd;       /* XD = 1 in some entry, with EFER.NXE = 1 */
	bool has_pkey; /* 4/5-level paging with CR4.PKE = 1 */
	unsigned pkey; /* the leaf entry's bits 62:59 */
};

/* The error-code bits that describe the access itself (W/R, U/S, I/D), which
 * every #PF carries whatever its cause (4.7). */
uint32_t pw_access_bits(const struct pw_regs *regs, struct pw_access acc);

/* 0 when the access is allowed, else the complete #PF error code. */
uint32_t pw_check_rights(const struct pw_regs *regs, struct pw_access acc,
			 const struct pw_perms *perms);

#endif
