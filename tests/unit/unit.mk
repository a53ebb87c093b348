# Host-side unit tests: one line pair per test program.
#   UNIT_TESTS += <name>            -> tests/unit/test_<name>.c is the test
#   <name>_SRCS := <hypervisor sources it exercises>
# Each program is built with ASan + UBSan and linked against cmocka.

UNIT_TESTS += format
format_SRCS := hv/format.c

UNIT_TESTS += cmdline
cmdline_SRCS := hv/cmdline.c

UNIT_TESTS += multiboot2
multiboot2_SRCS := hv/multiboot2.c hv/format.c

UNIT_TESTS += memmap
memmap_SRCS := hv/memmap.c

UNIT_TESTS += page_pool
page_pool_SRCS := hv/page_pool.c

UNIT_TESTS += mm_plan
mm_plan_SRCS := hv/mm_plan.c hv/memmap.c hv/page_pool.c hv/format.c

UNIT_TESTS += vmx_caps
vmx_caps_SRCS := arch/x86/vmx/vmx_caps.c hv/format.c

UNIT_TESTS += tsc_math
tsc_math_SRCS := arch/x86/tsc_math.c

# ACPI table parser: RSDP/RSDT/XSDT/FADT, MADT, AML \_S5. drivers/acpi/ also
# holds the boot-time glue (acpi_host.c, acpi_power.c), so sources are named.
ACPI_PARSER_SRCS := drivers/acpi/fadt.c drivers/acpi/madt.c drivers/acpi/msg.c \
	drivers/acpi/parse.c drivers/acpi/rsdp.c drivers/acpi/s5.c hv/format.c \
	tests/fixtures/acpi/acpi_fixture.c
UNIT_TESTS += acpi acpi_madt acpi_fadt acpi_aml
acpi_SRCS := $(ACPI_PARSER_SRCS)
acpi_madt_SRCS := $(ACPI_PARSER_SRCS)
acpi_fadt_SRCS := $(ACPI_PARSER_SRCS)
acpi_aml_SRCS := drivers/acpi/s5.c

UNIT_TESTS += domain_config
domain_config_SRCS := hv/domain_config.c hv/format.c

UNIT_TESTS += ept
ept_SRCS := arch/x86/vmx/ept.c

UNIT_TESTS += vmx_exec_controls
vmx_exec_controls_SRCS := arch/x86/vmx/vmx_exec_controls.c arch/x86/vmx/vmx_caps.c hv/format.c

# Guest image loaders (hv/loader/): ELF, Multiboot v1, raw real mode, long-mode entry.
UNIT_TESTS += loader_elf loader_multiboot1 loader_raw16 loader_longmode
loader_elf_SRCS := hv/loader/elf.c hv/loader/loader_msg.c hv/format.c \
	tests/fixtures/loader/elf_build.c
loader_multiboot1_SRCS := hv/loader/multiboot1.c hv/loader/multiboot1_info.c hv/loader/elf.c \
	hv/loader/loader_msg.c hv/format.c tests/fixtures/loader/elf_build.c
loader_raw16_SRCS := hv/loader/raw16.c hv/loader/loader_msg.c hv/format.c
loader_longmode_SRCS := hv/loader/longmode.c hv/loader/loader_msg.c hv/format.c

# VMCS field encodings and names; the software model of the VM-entry checks.
UNIT_TESTS += vmcs_fields vmentry_check
vmcs_fields_SRCS := arch/x86/vmx/vmcs_fields.c
vmentry_check_SRCS := arch/x86/vmx/vmentry_check.c arch/x86/vmx/vmentry_check_exec_controls.c arch/x86/vmx/vmentry_check_exit_entry_controls.c arch/x86/vmx/vmentry_check_host.c arch/x86/vmx/vmentry_check_guest_regs.c arch/x86/vmx/vmentry_check_guest_segments.c arch/x86/vmx/vmentry_check_guest_state.c arch/x86/vmx/vmcs_fields.c arch/x86/vmx/vmx_caps.c hv/format.c

# The per-domain I/O buses: port ranges and guest-physical MMIO regions.
UNIT_TESTS += iobus mmiobus
iobus_SRCS := hv/iobus.c hv/format.c
mmiobus_SRCS := hv/mmiobus.c hv/format.c

# The guest MSR policy (allow-list, emulated values, validity checks) and the
# VMX MSR bitmap it programs.
UNIT_TESTS += msr_bitmap msr_policy
msr_bitmap_SRCS := arch/x86/msr_bitmap.c
msr_policy_SRCS := arch/x86/msr_policy.c arch/x86/msr_policy_apic.c arch/x86/msr_policy_mtrr.c \
	arch/x86/msr_bitmap.c

UNIT_TESTS += test_devices
test_devices_SRCS := hv/vdev/test_devices.c hv/iobus.c hv/format.c

# The guest CPUID policy (allow-list, synthesized leaves, invariant checker)
# on recorded host CPUID dumps; tsc_math.c reads its leaf 15H back.
UNIT_TESTS += cpuid_policy
cpuid_policy_SRCS := arch/x86/cpuid_policy.c arch/x86/cpuid_features.c \
	arch/x86/cpuid_requirements.c arch/x86/cpuid_leaves.c arch/x86/cpuid_policy_check.c \
	arch/x86/tsc_math.c hv/format.c tests/fixtures/cpuid/cpuid_fixture.c

# The emulator's pure parts (hv/emul/): the guest page-table walk and the
# decoder of memory MOVs (fixtures assembled from tests/fixtures/emul/).
UNIT_TESTS += pagewalk decode_mov
pagewalk_SRCS := hv/emul/pagewalk.c hv/emul/pagewalk_rights.c
decode_mov_SRCS := hv/emul/decode_mov.c hv/emul/decode_mov_operands.c hv/format.c
