/* The marker port, part of the guest ABI: a 32-bit OUT of a value N to
 * HV_PORT_MARKER makes the hypervisor stamp its TSC and log
 *   "domD NAME: marker N at U us since first entry (tsc T)"
 * so a guest can delimit a span (Linux's /init writes 1 when it starts) that
 * is measured outside the guest's own clock. On a machine without the
 * hypervisor the port is unclaimed and the write does nothing. */
#ifndef PUBLIC_MARKER_H
#define PUBLIC_MARKER_H

#define HV_PORT_MARKER 0x510
#define HV_PORT_MARKER_WIDTH 4

#endif
