/* EPT table building: maps with the largest pages allowed, splits large pages
 * for partial unmaps and permission changes, and undoes half-done work on OOM. */
#include "arch/x86/vmx/ept.h"
#include "hv/string.h"

/* Entry bits (SDM 3C 29.3.2, Tables 29-1 to 29-6). */
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MEMTYPE_SHIFT 3       /* leaf: EPT memory type, bits 5:3 */
#define EPT_IGNORE_PAT (1ull << 6) /* leaf */
#define EPT_LARGE (1ull << 7)      /* PDPTE / PDE: maps a 1 GiB / 2 MiB page */
#define EPT_ACCESSED (1ull << 8)   /* set by the CPU when A/D flags are on */
#define EPT_DIRTY (1ull << 9)      /* leaf; likewise */
/* Bits 51:12 hold an address; those at or above the CPU's physical-address
 * width are reserved, which the caller's addresses respect by being real. */
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPT_HPA_LIMIT ((uint64_t)1 << 52)

/* What the smaller pages of a split large page inherit: access rights, memory
 * type, "ignore PAT" and the CPU's A/D flags (no other leaf bit is ever set). */
#define EPT_LEAF_KEEP (EPT_RWX | (7ull << EPT_MEMTYPE_SHIFT) | EPT_IGNORE_PAT | EPT_ACCESSED | EPT_DIRTY)

/* EPTP (SDM 3C 25.6.11, "Extended-Page-Table Pointer (EPTP)"). */
#define EPTP_WALK_4 (3ull << 3) /* page-walk length minus 1 */
#define EPTP_AD (1ull << 6)

#define EPT_ENTRIES 512
#define EPT_LEVELS 4 /* 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT */

/* A split changes at most two levels at each end of a range. */
#define EPT_MAX_SPLITS 4

struct split_log {
	unsigned n;
	struct {
		uint64_t *slot;
		uint64_t old;
		paddr_t table;
	} step[EPT_MAX_SPLITS];
};

/* Bytes one entry of a level-`level` table covers. */
static uint64_t entry_size(int level)
{
	return PAGE_SIZE << (9 * (level - 1));
}

static unsigned slot_index(uint64_t gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (EPT_ENTRIES - 1);
}

/* SDM 3C 29.3.2: an entry with bits 2:0 all clear is not present. */
static bool present(uint64_t v)
{
	return v & EPT_RWX;
}

static bool is_leaf(uint64_t v, int level)
{
	return level == 1 || (v & EPT_LARGE);
}

static uint64_t *table_at(const struct ept *e, paddr_t pa)
{
	return e->ops.phys_to_virt(pa, e->ops.ctx);
}

static uint64_t *child_table(const struct ept *e, uint64_t v)
{
	return table_at(e, v & EPT_ADDR_MASK);
}

/* A release store: the CPU may walk the tables while they change, so an entry
 * must appear whole and only after the table it points to is filled in. */
static void set_entry(uint64_t *slot, uint64_t v)
{
	__atomic_store_n(slot, v, __ATOMIC_RELEASE);
}

static paddr_t alloc_table(struct ept *e)
{
	paddr_t pa = e->ops.alloc_page(e->ops.ctx);
	if (pa == PADDR_INVALID)
		return PADDR_INVALID;
	memset(table_at(e, pa), 0, PAGE_SIZE);
	e->table_pages++;
	return pa;
}

static void free_table(struct ept *e, paddr_t pa)
{
	e->ops.free_page(pa, e->ops.ctx);
	e->table_pages--;
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

static bool leaf_allowed(const struct ept *e, int level)
{
	return level == 1 || (level == 2 && e->allow_2m) || (level == 3 && e->allow_1g);
}

/* SDM 3C 29.3.3.1: write without read is an EPT misconfiguration, and so is
 * execute without read unless the CPU supports execute-only translations. */
static bool perms_valid(const struct ept *e, unsigned perms)
{
	if (perms == 0 || (perms & ~EPT_RWX))
		return false;
	if (perms & EPT_R)
		return true;
	return perms == EPT_X && e->exec_only;
}

static bool gpa_range_valid(uint64_t gpa, uint64_t size)
{
	return size && !((gpa | size) & ~PAGE_MASK) && size <= EPT_GPA_LIMIT && gpa <= EPT_GPA_LIMIT - size;
}

/* Each recursive walk below visits the entries of table t (at `level`) that
 * cover [gpa, end), handing each one the part of the range inside it. */

static uint64_t mapped_bytes(const struct ept *e, const uint64_t *t, int level, uint64_t gpa, uint64_t end)
{
	uint64_t n = 0;
	for (uint64_t a = gpa, next; a < end; a = next) {
		next = MIN(ALIGN_DOWN(a, entry_size(level)) + entry_size(level), end);
		uint64_t v = t[slot_index(a, level)];
		if (!present(v))
			continue;
		n += is_leaf(v, level) ? next - a : mapped_bytes(e, child_table(e, v), level - 1, a, next);
	}
	return n;
}

/* [gpa, end) is wholly unmapped. On failure the part already mapped, and tables
 * allocated for it, stay for the caller to clear. */
static int map_range(struct ept *e, uint64_t *t, int level, uint64_t gpa, uint64_t end, paddr_t hpa, uint64_t leaf)
{
	uint64_t size = entry_size(level);
	for (uint64_t a = gpa, next; a < end; a = next) {
		uint64_t base = ALIGN_DOWN(a, size);
		next = MIN(base + size, end);
		uint64_t *slot = &t[slot_index(a, level)];
		paddr_t h = hpa + (a - gpa);
		if (a == base && next - base == size && !(h & (size - 1)) && leaf_allowed(e, level)) {
			set_entry(slot, h | leaf | (level > 1 ? EPT_LARGE : 0));
			continue;
		}
		if (!present(*slot)) {
			paddr_t pa = alloc_table(e);
			if (pa == PADDR_INVALID)
				return -1;
			/* Non-leaf entries grant everything: the leaf alone decides. */
			set_entry(slot, pa | EPT_RWX);
		}
		if (map_range(e, child_table(e, *slot), level - 1, a, next, h, leaf))
			return -1;
	}
	return 0;
}

/* Every leaf overlapping [gpa, end) lies wholly inside it. Frees the tables this
 * leaves empty, unlinking each before it goes. */
static void clear_range(struct ept *e, uint64_t *t, int level, uint64_t gpa, uint64_t end)
{
	for (uint64_t a = gpa, next; a < end; a = next) {
		next = MIN(ALIGN_DOWN(a, entry_size(level)) + entry_size(level), end);
		uint64_t *slot = &t[slot_index(a, level)];
		uint64_t v = *slot;
		if (!present(v))
			continue;
		if (is_leaf(v, level)) {
			set_entry(slot, 0);
			continue;
		}
		uint64_t *child = child_table(e, v);
		clear_range(e, child, level - 1, a, next);
		if (table_empty(child)) {
			set_entry(slot, 0);
			free_table(e, v & EPT_ADDR_MASK);
		}
	}
}

/* Every leaf overlapping [gpa, end) lies wholly inside it. */
static void protect_range(const struct ept *e, uint64_t *t, int level, uint64_t gpa, uint64_t end, unsigned perms)
{
	for (uint64_t a = gpa, next; a < end; a = next) {
		next = MIN(ALIGN_DOWN(a, entry_size(level)) + entry_size(level), end);
		uint64_t *slot = &t[slot_index(a, level)];
		uint64_t v = *slot;
		if (!present(v))
			continue;
		if (is_leaf(v, level))
			set_entry(slot, (v & ~(uint64_t)EPT_RWX) | perms);
		else
			protect_range(e, child_table(e, v), level - 1, a, next, perms);
	}
}

/* Replaces the large leaf in *slot (at level 3 or 2) by a table of 512 leaves
 * one level down that map the same memory the same way. */
static paddr_t split_leaf(struct ept *e, uint64_t *slot, int level)
{
	paddr_t pa = alloc_table(e);
	if (pa == PADDR_INVALID)
		return PADDR_INVALID;
	uint64_t v = *slot;
	uint64_t *t = table_at(e, pa);
	uint64_t size = entry_size(level - 1);
	uint64_t attrs = (v & EPT_LEAF_KEEP) | (level - 1 > 1 ? EPT_LARGE : 0);
	paddr_t base = v & EPT_ADDR_MASK & ~(entry_size(level) - 1);
	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		t[i] = (base + i * size) | attrs;
	set_entry(slot, pa | EPT_RWX);
	return pa;
}

/* Splits large pages until none straddles gpa, logging each split. gpa may be
 * EPT_GPA_LIMIT: its index bits are 0 and it is aligned to every page size,
 * so nothing splits. */
static int split_at(struct ept *e, uint64_t gpa, struct split_log *log)
{
	uint64_t *t = table_at(e, e->pml4);
	for (int level = EPT_LEVELS; level > 1; level--) {
		uint64_t *slot = &t[slot_index(gpa, level)];
		uint64_t v = *slot;
		if (!present(v))
			return 0;
		if (is_leaf(v, level)) {
			if (!(gpa & (entry_size(level) - 1)))
				return 0;
			paddr_t pa = split_leaf(e, slot, level);
			if (pa == PADDR_INVALID)
				return -1;
			log->step[log->n].slot = slot;
			log->step[log->n].old = v;
			log->step[log->n].table = pa;
			log->n++;
			v = *slot;
		}
		t = child_table(e, v);
	}
	return 0;
}

/* Puts back the large pages split_at split, newest first. */
static void undo_splits(struct ept *e, const struct split_log *log)
{
	for (unsigned i = log->n; i-- > 0;) {
		set_entry(log->step[i].slot, log->step[i].old);
		free_table(e, log->step[i].table);
	}
}

/* Makes gpa and end page-size boundaries, or changes nothing. */
static int split_edges(struct ept *e, uint64_t gpa, uint64_t end)
{
	struct split_log log = { 0 };
	if (split_at(e, gpa, &log) || split_at(e, end, &log)) {
		undo_splits(e, &log);
		return -1;
	}
	return 0;
}

int ept_init(struct ept *e, const struct ept_mem_ops *ops, const struct vmx_ept_caps *caps)
{
	memset(e, 0, sizeof(*e));
	e->pml4 = PADDR_INVALID;
	e->ops = *ops;
	if (!caps->present || !caps->walk4 || !caps->wb)
		return -1;
	e->allow_2m = caps->page_2m;
	e->allow_1g = caps->page_1g;
	e->exec_only = caps->exec_only;
	e->ad = caps->ad;
	e->memtype = VMX_MEMTYPE_WB;
	e->pml4 = alloc_table(e);
	return e->pml4 == PADDR_INVALID ? -1 : 0;
}

int ept_map(struct ept *e, uint64_t gpa, paddr_t hpa, uint64_t size, unsigned perms, uint8_t memtype)
{
	if (!gpa_range_valid(gpa, size) || (hpa & ~PAGE_MASK) || hpa > EPT_HPA_LIMIT - size ||
	    !perms_valid(e, perms) || (memtype != VMX_MEMTYPE_WB && memtype != VMX_MEMTYPE_UC))
		return -1;
	uint64_t *root = table_at(e, e->pml4);
	if (mapped_bytes(e, root, EPT_LEVELS, gpa, gpa + size))
		return -1;
	/* SDM 3C 29.3.7: with "ignore PAT" the leaf's type is the effective one,
	 * so a guest cannot make device memory cacheable through its PAT. */
	uint64_t leaf = perms | ((uint64_t)memtype << EPT_MEMTYPE_SHIFT) |
			(memtype == VMX_MEMTYPE_UC ? EPT_IGNORE_PAT : 0);
	if (map_range(e, root, EPT_LEVELS, gpa, gpa + size, hpa, leaf)) {
		/* The range was unmapped before: clearing all of it restores that. */
		clear_range(e, root, EPT_LEVELS, gpa, gpa + size);
		return -1;
	}
	return 0;
}

int ept_unmap(struct ept *e, uint64_t gpa, uint64_t size)
{
	if (!gpa_range_valid(gpa, size) || split_edges(e, gpa, gpa + size))
		return -1;
	clear_range(e, table_at(e, e->pml4), EPT_LEVELS, gpa, gpa + size);
	return 0;
}

int ept_protect(struct ept *e, uint64_t gpa, uint64_t size, unsigned perms)
{
	if (!gpa_range_valid(gpa, size) || !perms_valid(e, perms))
		return -1;
	uint64_t *root = table_at(e, e->pml4);
	if (mapped_bytes(e, root, EPT_LEVELS, gpa, gpa + size) != size || split_edges(e, gpa, gpa + size))
		return -1;
	protect_range(e, root, EPT_LEVELS, gpa, gpa + size, perms);
	return 0;
}

bool ept_translate(const struct ept *e, uint64_t gpa, paddr_t *hpa, unsigned *perms, uint64_t *page_size)
{
	if (gpa >= EPT_GPA_LIMIT)
		return false;
	const uint64_t *t = table_at(e, e->pml4);
	/* SDM 3C 29.3.3.2: an access is allowed only if every entry on the way
	 * allows it. */
	unsigned allowed = EPT_RWX;
	for (int level = EPT_LEVELS; level >= 1; level--) {
		uint64_t v = t[slot_index(gpa, level)];
		if (!present(v))
			return false;
		allowed &= v & EPT_RWX;
		if (level < EPT_LEVELS && is_leaf(v, level)) {
			uint64_t size = entry_size(level);
			if (hpa)
				*hpa = (v & EPT_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
			if (perms)
				*perms = allowed;
			if (page_size)
				*page_size = size;
			return true;
		}
		t = child_table(e, v);
	}
	return false;
}

uint64_t ept_eptp(const struct ept *e)
{
	return e->pml4 | (e->ad ? EPTP_AD : 0) | EPTP_WALK_4 | e->memtype;
}

static void free_tree(struct ept *e, paddr_t pa, int level)
{
	const uint64_t *t = table_at(e, pa);
	for (unsigned i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if (present(t[i]) && !is_leaf(t[i], level))
			free_tree(e, t[i] & EPT_ADDR_MASK, level - 1);
	free_table(e, pa);
}

void ept_destroy(struct ept *e)
{
	if (e->pml4 == PADDR_INVALID)
		return;
	free_tree(e, e->pml4, EPT_LEVELS);
	e->pml4 = PADDR_INVALID;
}
