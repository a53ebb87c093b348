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
