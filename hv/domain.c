/* Domain end, the test devices every domain has, and guest memory access
 * (see domain.h). */
#include "hv/domain.h"
#include "hv/log.h"
#include "hv/mm.h"

/* isa-debug-exit at 0xf4 (QEMU's semantics: the value written is the
 * status) and a write-only console at 0xe9 (Bochs' and QEMU's debug port). */
#define TEST_EXIT_PORT 0xf4
#define TEST_CONSOLE_PORT 0xe9

static const char *const end_reason_names[] = {
	[DOMAIN_RUNNING] = "running",
	[DOMAIN_END_POWEROFF] = "poweroff",
	[DOMAIN_END_RESET] = "reset",
	[DOMAIN_END_EXIT_PORT] = "exit-port",
	[DOMAIN_END_TRIPLE_FAULT] = "triple-fault",
	[DOMAIN_END_BAD_ACCESS] = "bad-access",
	[DOMAIN_END_ENTRY_FAILED] = "entry-failed",
	[DOMAIN_END_UNHANDLED_EXIT] = "unhandled-exit",
	[DOMAIN_END_STUCK] = "stuck",
	[DOMAIN_END_DESTROYED] = "destroyed",
};

const char *domain_end_reason_name(enum domain_end_reason r)
{
	return r < ARRAY_SIZE(end_reason_names) ? end_reason_names[r] : "?";
}

void domain_end(struct domain *d, enum domain_end_reason reason, uint64_t status)
{
	if (d->end_reason != DOMAIN_RUNNING)
		return;
	d->end_reason = reason;
	d->end_status = status;
}

void domain_console_flush(struct domain *d)
{
	if (!d->console_len)
		return;
	d->console[d->console_len] = '\0';
	log_info("dom%u %s: %s", d->id, d->cfg.name, d->console);
	d->console_len = 0;
}

/* Lines are gathered so a guest's output never interleaves mid-line with
 * the hypervisor's; unprintable bytes are shown as '?'. */
void domain_console_byte(struct domain *d, uint8_t c)
{
	if (c == '\n') {
		domain_console_flush(d);
		return;
	}
	if (c == '\r')
		return;
	d->console[d->console_len++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	if (d->console_len == DOMAIN_CONSOLE_LINE_MAX - 1)
		domain_console_flush(d);
}

bool domain_port_io(struct domain *d, uint16_t port, unsigned int size, bool write, uint32_t *value)
{
	if (port == TEST_EXIT_PORT) {
		if (write) {
			domain_console_flush(d);
			domain_end(d, DOMAIN_END_EXIT_PORT, *value);
		}
		return true;
	}
	if (port == TEST_CONSOLE_PORT) {
		if (write)
			domain_console_byte(d, (uint8_t)*value);
		else
			*value = TEST_CONSOLE_PORT; /* reads back like Bochs' port_e9_hack */
		return true;
	}
	return false;
}

void *domain_gpa_to_host(const struct domain *d, uint64_t gpa)
{
	return phys_to_virt(d->ram_hpa + gpa);
}
