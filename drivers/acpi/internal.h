/* Interfaces shared between the ACPI parser's source files; not for callers
 * outside drivers/acpi/. */
#ifndef DRIVERS_ACPI_INTERNAL_H
#define DRIVERS_ACPI_INTERNAL_H

#include <stdarg.h>

#include "drivers/acpi/acpi.h"

/* ACPI 6.5 §5.2.6: a structure is valid when all its bytes sum to zero mod 256. */
static inline bool acpi_sum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	while (len--)
		sum = (uint8_t)(sum + *b++);
	return sum == 0;
}

/* A bounded, always NUL-terminated text buffer for the err argument: output
 * past its end is dropped, never written. */
struct acpi_msg {
	char *buf;
	size_t cap;
	size_t len;
};

void acpi_msg_init(struct acpi_msg *m, char *buf, size_t cap);
__attribute__((format(printf, 2, 0))) void acpi_msg_vadd(struct acpi_msg *m, const char *fmt,
							 va_list ap);

/* Appends a non-fatal problem, separated from the previous one by "; ", and
 * counts it in info->problems. */
__attribute__((format(printf, 3, 0))) void acpi_vnote(struct acpi_msg *m, struct acpi_info *info,
						      const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) void acpi_note(struct acpi_msg *m, struct acpi_info *info,
						     const char *fmt, ...);

/* A table signature as printable text: a corrupt one may hold any byte. */
void acpi_sig_name(char out[5], const char sig[4]);

/* Table decoders; t holds len bytes that passed the length and checksum checks,
 * and len is at least the size of the table's fixed part (struct acpi_madt) or
 * of its header (FADT). */
void acpi_madt_decode(const uint8_t *t, uint32_t len, struct acpi_info *out,
		      struct acpi_msg *msg);
/* Returns the DSDT address the FADT names (0 if none). */
paddr_t acpi_fadt_decode(const uint8_t *t, uint32_t len, struct acpi_info *out,
			 struct acpi_msg *msg);

#endif
