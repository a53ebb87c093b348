/* Hypercalls (ABI: include/public/hypercall.h). A bad argument is the
 * caller's error, never the hypervisor's: it gets a negative result and the
 * domain goes on. */
#include "hv/hypercall.h"
#include "include/public/hypercall.h"

static int64_t console_write(struct domain *d, uint64_t gpa, uint64_t len)
{
	if (len > HV_CONSOLE_WRITE_MAX)
		return HV_EINVAL;
	if (!domain_gpa_is_ram(d, gpa, len))
		return HV_EFAULT;
	const uint8_t *bytes = domain_gpa_to_host(d, gpa);
	for (uint64_t i = 0; i < len; i++)
		domain_console_byte(d, bytes[i]);
	return (int64_t)len;
}

int64_t hypercall_dispatch(struct domain *d, const struct hypercall_args *a)
{
	d->hypercalls++;
	switch (a->nr) {
	case HV_HC_VERSION:
		return HV_HYPERCALL_ABI_VERSION;
	case HV_HC_CONSOLE_WRITE:
		return console_write(d, a->arg[0], a->arg[1]);
	case HV_HC_DOMAIN_ID:
		return d->id;
	case HV_HC_SHUTDOWN:
		domain_console_flush(d);
		domain_end(d, DOMAIN_END_POWEROFF, a->arg[0]);
		return 0;
	default:
		return HV_ENOSYS;
	}
}
