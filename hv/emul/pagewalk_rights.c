/* Access rights of a completed translation (SDM Vol. 3A 4.6): U/S, R/W with
 * CR0.WP, XD, SMEP, SMAP with RFLAGS.AC, protection keys; and the #PF code. */
#include "hv/emul/pagewalk_rights.h"

/* 4.6: implicit supervisor-mode accesses are supervisor-mode at any CPL. */
static bool user_mode(const struct pw_regs *regs, struct pw_access acc)
{
	return regs->cpl == 3 && !acc.implicit_supervisor;
}

uint32_t pw_access_bits(const struct pw_regs *regs, struct pw_access acc)
{
	uint32_t code = 0;
	if (acc.write && !acc.fetch)
		code |= PW_PF_W;
	if (user_mode(regs, acc))
		code |= PW_PF_U;
	/* 4.7: I/D is reported only where fetches can fault on their own: with
	 * SMEP, or with XD available (CR4.PAE = 1 and EFER.NXE = 1). */
	bool nx_on = (regs->cr4 & PW_CR4_PAE) && (regs->efer & PW_EFER_NXE);
	if (acc.fetch && ((regs->cr4 & PW_CR4_SMEP) || nx_on))
		code |= PW_PF_ID;
	return code;
}

/* 4.6.1: the rules without protection keys. */
static bool rights_allow(const struct pw_regs *regs, struct pw_access acc,
			 const struct pw_perms *p)
{
	bool write = acc.write && !acc.fetch;
	if (acc.fetch && p->xd)
		return false;
	if (user_mode(regs, acc))
		return p->user && (!write || p->writable);
	/* Supervisor-mode access. */
	if (acc.fetch)
		return !(p->user && (regs->cr4 & PW_CR4_SMEP));
	/* SMAP: explicit accesses may reach user pages while RFLAGS.AC = 1;
	 * implicit ones never may, whatever AC says. */
	bool ac_override = !acc.implicit_supervisor && (regs->rflags & PW_RFLAGS_AC);
	if (p->user && (regs->cr4 & PW_CR4_SMAP) && !ac_override)
		return false;
	/* CR0.WP = 0 lets supervisor-mode writes ignore R/W. */
	return !write || p->writable || !(regs->cr0 & PW_CR0_WP);
}

/* 4.6.2 and the PK flag's definition in 4.7: a data access to a user-mode
 * page is refused when the key's AD bit is set, and a write when its WD bit
 * is set, for supervisor-mode writes only under CR0.WP = 1. */
static bool pkey_refuses(const struct pw_regs *regs, struct pw_access acc,
			 const struct pw_perms *p)
{
	if (!p->has_pkey || !p->user || acc.fetch)
		return false;
	bool ad = (regs->pkru >> (2 * p->pkey)) & 1;
	bool wd = (regs->pkru >> (2 * p->pkey + 1)) & 1;
	bool wp_applies = user_mode(regs, acc) || (regs->cr0 & PW_CR0_WP);
	return ad || (wd && acc.write && wp_applies);
}

uint32_t pw_check_rights(const struct pw_regs *regs, struct pw_access acc,
			 const struct pw_perms *perms)
{
	bool allowed = rights_allow(regs, acc, perms);
	bool pk = pkey_refuses(regs, acc, perms);
	if (allowed && !pk)
		return 0;
	/* PK is reported whenever the key refuses, even alongside another
	 * violation: 4.7 defines the flag by the key alone. */
	return pw_access_bits(regs, acc) | PW_PF_P | (pk ? PW_PF_PK : 0);
}
