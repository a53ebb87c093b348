/* Loads x86 ELF executables (ELF32 EM_386 and ELF64 EM_X86_64, ET_EXEC) into
 * guest memory by physical address, after checking every field it relies on. */
#ifndef HV_LOADER_ELF_H
#define HV_LOADER_ELF_H

#include "hv/loader/guest_mem.h"
#include "hv/types.h"

/* More program headers than any kernel has; bounding them keeps the pairwise
 * overlap check cheap whatever e_phnum a broken image claims. */
#define ELF_MAX_PHDRS 64

struct elf_loaded {
	/* Guest-physical: e_entry moved by p_paddr - p_vaddr of the segment that
	 * holds it, since guests start with paging off or identity-mapped. */
	uint64_t entry;
	bool is64;	  /* ELFCLASS64 / EM_X86_64, else ELFCLASS32 / EM_386 */
	uint64_t lowest;  /* first guest-physical byte loaded */
	uint64_t highest; /* last guest-physical byte loaded, zero-filled (bss) bytes included */
};

/* Validates the image against guest RAM [0, ram_size) without writing anything,
 * and fills *out as elf_load() would. The rules: a little-endian ET_EXEC of a
 * class/machine pair above; program headers inside the image; every PT_LOAD with
 * p_filesz <= p_memsz, its file bytes inside the image, [p_paddr, p_paddr +
 * p_memsz) inside guest RAM (and 4 GiB for ELF32) and disjoint from the other
 * segments; no PT_INTERP; e_entry inside the file bytes of a PT_LOAD with PF_X.
 * Returns 0, or -1 with a message in err (always NUL-terminated when
 * errlen > 0) that names the field or segment (by program header index). */
int elf_check(const void *img, size_t len, uint64_t ram_size, struct elf_loaded *out, char *err,
	      size_t errlen);

/* How elf_check_rules() judges an image; elf_check() uses "ELF", both
 * classes, guest RAM as the limit and the entry by virtual address. */
struct elf_rules {
	const char *who;	    /* what messages start with: "ELF", "vmlinux" */
	bool only64;		    /* refuse ELFCLASS32 */
	uint64_t limit;		    /* every PT_LOAD ends at or below this guest-physical address */
	const char *limit_name;	    /* the limit in messages: "beyond <limit_name>" */
	bool entry_may_be_physical; /* e_entry may also be a physical address (vmlinux) */
};
int elf_check_rules(const void *img, size_t len, const struct elf_rules *r, struct elf_loaded *out,
		    char *err, size_t errlen);

/* Copies the PT_LOAD segments of an image that passed a check (p_filesz bytes
 * to p_paddr, the rest of p_memsz zeroed); gm must hold every segment. */
void elf_copy(const void *img, size_t len, struct guest_mem *gm);

/* Whether a PT_NOTE segment holds a note whose owner (name) is owner. */
bool elf_has_note(const void *img, size_t len, const char *owner);

/* elf_check() against gm->size, then for each PT_LOAD copies p_filesz bytes from
 * p_offset to guest-physical p_paddr and zeroes the rest of p_memsz. On error guest
 * memory is untouched. img must not overlap guest memory. */
int elf_load(const void *img, size_t len, struct guest_mem *gm, struct elf_loaded *out, char *err,
	     size_t errlen);

#endif
