/* I/O instruction exits (qualification: SDM 3C 28.2.1, table "Exit
 * Qualification for I/O Instructions"). IN and OUT go to the domain's
 * ports; INS and OUTS are exit_io_string.c's. */
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_exit.h"

#define IOQ_SIZE_MASK 0x7 /* 0: 1 byte, 1: 2 bytes, 3: 4 bytes */
#define IOQ_IN (1u << 3)
#define IOQ_STRING (1u << 4)
#define IOQ_REP (1u << 5)
#define IOQ_PORT_SHIFT 16

void vmx_exit_io(struct vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	unsigned int size = (unsigned int)(q & IOQ_SIZE_MASK) + 1;
	uint16_t port = (uint16_t)(q >> IOQ_PORT_SHIFT);
	uint64_t *rax = &v->arch.regs.gpr[GUEST_REG_RAX];
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	if (q & IOQ_STRING) {
		vmx_exit_io_string(v, port, size, q & IOQ_IN, q & IOQ_REP);
		return;
	}
	if (q & IOQ_IN) {
		uint32_t value = 0;
		domain_port_io(v->dom, port, size, false, &value);
		*rax = (*rax & ~(uint64_t)mask) | (value & mask);
	} else {
		uint32_t value = (uint32_t)*rax & mask;
		domain_port_io(v->dom, port, size, true, &value);
	}
	vmx_skip_instruction();
}
