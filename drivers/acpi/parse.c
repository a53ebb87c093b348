/* Walks the RSDT or XSDT, validates each table it lists and hands the MADT and
 * FADT to their decoders, then looks for \_S5 in the DSDT and the SSDTs. */
#include "drivers/acpi/internal.h"
#include "hv/string.h"

struct walk {
	acpi_map_fn map;
	void *ctx;
	struct acpi_info *out;
	struct acpi_msg *msg;
	paddr_t dsdt_pa; /* named by the FADT */
};

enum { GOT, UNREADABLE, INVALID };

/* Describes a problem. One with the root table ends the parse, so it becomes
 * the error message itself; any other one is a note among others. */
__attribute__((format(printf, 3, 4))) static void problem(struct walk *w, bool fatal,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fatal)
		acpi_msg_vadd(w->msg, fmt, ap);
	else
		acpi_vnote(w->msg, w->out, fmt, ap);
	va_end(ap);
}

/* The smallest length a table with this signature can have. */
static uint32_t min_length(const char sig[4])
{
	if (memcmp(sig, "APIC", 4) == 0)
		return sizeof(struct acpi_madt);
	return sizeof(struct acpi_sdt_header);
}

/* Maps the table at pa and checks it: header readable, signature as expected
 * (unless expect is NULL), length plausible, whole table readable, checksum
 * (ACPI 6.5 §5.2.6). On GOT, *tp holds *lenp bytes until the next map call. */
static int get_table(struct walk *w, paddr_t pa, const char *expect, bool fatal,
		     const uint8_t **tp, uint32_t *lenp)
{
	unsigned long long at = pa;
	const struct acpi_sdt_header *h = w->map(pa, sizeof(*h), w->ctx);
	if (!h) {
		problem(w, fatal, "%s header not readable at 0x%llx", expect ? expect : "table",
			at);
		return UNREADABLE;
	}
	char sig[5];
	acpi_sig_name(sig, h->signature);
	uint32_t len = h->length;
	if (expect && memcmp(h->signature, expect, 4) != 0) {
		problem(w, fatal, "%s signature bad (found %s) at 0x%llx", expect, sig, at);
		return INVALID;
	}
	if (len < min_length(h->signature)) {
		problem(w, fatal, "%s length %u too short at 0x%llx", sig, len, at);
		return INVALID;
	}
	const uint8_t *t = w->map(pa, len, w->ctx);
	if (!t) {
		problem(w, fatal, "%s not readable (length %u) at 0x%llx", sig, len, at);
		return UNREADABLE;
	}
	if (!acpi_sum_ok(t, len)) {
		problem(w, fatal, "%s checksum bad at 0x%llx", sig, at);
		return INVALID;
	}
	*tp = t;
	*lenp = len;
	return GOT;
}

static void note_duplicate(struct walk *w, const char *sig, paddr_t pa)
{
	problem(w, false, "%s listed again at 0x%llx; ignored", sig, (unsigned long long)pa);
}

static void visit(struct walk *w, paddr_t pa)
{
	struct acpi_info *out = w->out;
	const uint8_t *t;
	uint32_t len;

	if (get_table(w, pa, NULL, false, &t, &len) != GOT) {
		out->bad_tables++;
		return;
	}
	out->tables++;
	struct acpi_table_ref ref = { .pa = pa, .len = len };
	if (memcmp(t, "APIC", 4) == 0) {
		if (out->madt.len) {
			note_duplicate(w, "APIC", pa);
			return;
		}
		out->madt = ref;
		acpi_madt_decode(t, len, out, w->msg);
	} else if (memcmp(t, "FACP", 4) == 0) {
		if (out->fadt.len) {
			note_duplicate(w, "FACP", pa);
			return;
		}
		out->fadt = ref;
		w->dsdt_pa = acpi_fadt_decode(t, len, out, w->msg);
	} else if (memcmp(t, "SSDT", 4) == 0) {
		if (out->nssdts == ACPI_MAX_SSDTS)
			out->ssdts_overflow++;
		else
			out->ssdts[out->nssdts++] = ref;
	}
}

static bool s5_in(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
	const size_t hdr = sizeof(struct acpi_sdt_header);
	out->have_s5 = acpi_aml_find_s5(t + hdr, len - hdr, &out->slp_typa, &out->slp_typb);
	return out->have_s5;
}

/* \_S5 is looked for in the DSDT first, then in the SSDTs in root order. */
static void find_s5(struct walk *w)
{
	struct acpi_info *out = w->out;
	const uint8_t *t;
	uint32_t len;

	if (!out->fadt.len)
		return;
	if (!w->dsdt_pa) {
		problem(w, false, "FACP names no DSDT");
		return;
	}
	if (get_table(w, w->dsdt_pa, "DSDT", false, &t, &len) == GOT) {
		out->tables++;
		out->dsdt = (struct acpi_table_ref){ .pa = w->dsdt_pa, .len = len };
		if (s5_in(out, t, len))
			return;
	} else {
		out->bad_tables++;
	}
	for (uint32_t i = 0; i < out->nssdts; i++) {
		t = w->map(out->ssdts[i].pa, out->ssdts[i].len, w->ctx);
		if (t && s5_in(out, t, out->ssdts[i].len))
			return;
	}
}

int acpi_parse(const void *rsdp, acpi_map_fn map, void *ctx, struct acpi_info *out,
	       char *err, size_t errlen)
{
	struct acpi_msg msg;
	struct walk w = { .map = map, .ctx = ctx, .out = out, .msg = &msg };
	const struct acpi_rsdp *r = rsdp;

	acpi_msg_init(&msg, err, errlen);
	memset(out, 0, sizeof(*out));

	/* The caller has validated the RSDP; checking it again here costs little
	 * and keeps a wrong pointer from being followed. Revision 2 and later are
	 * 36 bytes long (ACPI 6.5 §5.2.5.3). */
	if (!r || !acpi_rsdp_valid(r, r->revision >= 2 ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE)) {
		problem(&w, true, "RSDP signature or checksum bad");
		return ACPI_ERR_RSDP;
	}
	memcpy(out->oem_id, r->oem_id, sizeof(r->oem_id));

	/* §5.2.5.3: from revision 2 on, a non-zero XSDT address supersedes the RSDT. */
	out->xsdt = r->revision >= 2 && r->xsdt_addr != 0;
	paddr_t root = out->xsdt ? r->xsdt_addr : r->rsdt_addr;
	const char *root_sig = out->xsdt ? "XSDT" : "RSDT";
	size_t esize = out->xsdt ? sizeof(uint64_t) : sizeof(uint32_t);
	if (!root) {
		problem(&w, true, "RSDP gives no RSDT address");
		return ACPI_ERR_RSDP;
	}

	const uint8_t *t;
	uint32_t len;
	switch (get_table(&w, root, root_sig, true, &t, &len)) {
	case UNREADABLE:
		return ACPI_ERR_ROOT_MAP;
	case INVALID:
		return ACPI_ERR_ROOT_BAD;
	}

	/* §5.2.7/§5.2.8: after the header, an array of 32-bit (RSDT) or 64-bit
	 * (XSDT) table addresses fills the rest of the table. Each entry is read
	 * afresh since visiting a table maps other memory. */
	size_t n = (len - sizeof(struct acpi_sdt_header)) / esize;
	for (size_t i = 0; i < n; i++) {
		paddr_t ea = root + sizeof(struct acpi_sdt_header) + i * esize;
		const void *e = map(ea, esize, ctx);
		if (!e) {
			problem(&w, false, "%s entry not readable at 0x%llx", root_sig,
				(unsigned long long)ea);
			break;
		}
		uint64_t pa = 0;
		memcpy(&pa, e, esize); /* little-endian: the low bytes come first */
		if (pa)
			visit(&w, pa);
	}

	find_s5(&w);
	return ACPI_OK;
}
