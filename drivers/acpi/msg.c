/* Collects the parser's error and problem text in the caller's fixed buffer,
 * through the hypervisor's printf engine. */
#include "drivers/acpi/internal.h"
#include "hv/format.h"

void acpi_msg_init(struct acpi_msg *m, char *buf, size_t cap)
{
	m->buf = buf;
	m->cap = buf ? cap : 0;
	m->len = 0;
	if (m->cap)
		buf[0] = '\0';
}

void acpi_msg_vadd(struct acpi_msg *m, const char *fmt, va_list ap)
{
	if (m->len + 1 >= m->cap)
		return;
	int n = fmt_vsnprintf(m->buf + m->len, m->cap - m->len, fmt, ap);
	if (n > 0)
		m->len = MIN(m->len + (size_t)n, m->cap - 1);
}

__attribute__((format(printf, 2, 3))) static void msg_add(struct acpi_msg *m, const char *fmt,
								...)
{
	va_list ap;

	va_start(ap, fmt);
	acpi_msg_vadd(m, fmt, ap);
	va_end(ap);
}

void acpi_vnote(struct acpi_msg *m, struct acpi_info *info, const char *fmt, va_list ap)
{
	if (info->problems++)
		msg_add(m, "; ");
	acpi_msg_vadd(m, fmt, ap);
}

void acpi_note(struct acpi_msg *m, struct acpi_info *info, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	acpi_vnote(m, info, fmt, ap);
	va_end(ap);
}

void acpi_sig_name(char out[5], const char sig[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = sig[i] >= ' ' && sig[i] <= '~' ? sig[i] : '?';
	out[4] = '\0';
}
