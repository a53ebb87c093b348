/* Checked VMCS accessors and the VMCS dump (see vmcs.h). */
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_insn.h"
#include "hv/format.h"
#include "hv/log.h"

static bool access_failed;

static const char *field_label(uint32_t field)
{
	const char *name = vmcs_field_name(field);
	return name ? name : "unknown field";
}

/* The error number of the last VMfailValid (SDM 3C 31.4). */
static uint32_t instruction_error(void)
{
	uint64_t err = 0;
	vmread_raw(VMCS_VM_INSTRUCTION_ERROR, &err);
	return (uint32_t)err;
}

static void report(const char *op, uint32_t field, enum vmx_status st, const char *caller)
{
	access_failed = true;
	if (st == VMX_FAIL_INVALID) {
		log_err("vmcs: %s %s (%#x) in %s: VMfailInvalid (no current VMCS)", op,
			field_label(field), field, caller);
		return;
	}
	uint32_t err = instruction_error();
	log_err("vmcs: %s %s (%#x) in %s: VM-instruction error %u (%s)", op, field_label(field),
		field, caller, err, vmx_instruction_error_name(err));
}

uint64_t vmcs_read_from(uint32_t field, const char *caller)
{
	uint64_t value = 0;
	enum vmx_status st = vmread_raw(field, &value);
	if (st != VMX_OK)
		report("VMREAD", field, st, caller);
	return value;
}

static bool fits_width(uint32_t field, uint64_t value)
{
	switch (vmcs_field_width(field)) {
	case VMCS_WIDTH_16:
		return value <= 0xffff;
	case VMCS_WIDTH_32:
		return value <= 0xffffffffull;
	default:
		return true;
	}
}

void vmcs_write_from(uint32_t field, uint64_t value, const char *caller)
{
	if (!fits_width(field, value)) {
		access_failed = true;
		log_err("vmcs: VMWRITE %s (%#x) in %s: value %#lx does not fit the field's width",
			field_label(field), field, caller, value);
		return;
	}
	enum vmx_status st = vmwrite_raw(field, value);
	if (st != VMX_OK)
		report("VMWRITE", field, st, caller);
}

bool vmcs_error_take(void)
{
	bool failed = access_failed;
	access_failed = false;
	return failed;
}

void vmcs_dump(void)
{
	char line[160];
	size_t used = 0;

	for (size_t i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_desc *f = vmcs_field_at(i);
		uint64_t value;
		/* Fields this CPU does not support fail to read: skip them. */
		if (vmread_raw(f->enc, &value) != VMX_OK)
			continue;
		int n = fmt_snprintf(line + used, sizeof(line) - used, " %s=%#lx", f->name, value);
		if (n < 0 || used + (size_t)n >= 100) {
			/* Print the full line without this field; it starts the next. */
			line[used] = '\0';
			if (used)
				log_info("vmcs:%s", line);
			used = 0;
			n = fmt_snprintf(line, sizeof(line), " %s=%#lx", f->name, value);
		}
		used += (size_t)(n > 0 ? n : 0);
	}
	if (used)
		log_info("vmcs:%s", line);
}
