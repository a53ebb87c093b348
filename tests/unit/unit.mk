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

# The guest page-table walk (hv/emul/pagewalk*.c).
UNIT_TESTS += pagewalk
pagewalk_SRCS := hv/emul/pagewalk.c hv/emul/pagewalk_rights.c

# The I/O APIC model on the MMIO bus.
UNIT_TESTS += vdev_ioapic
vdev_ioapic_SRCS := hv/vdev/ioapic.c hv/mmiobus.c hv/format.c

# The 16550A UART model (COM ports): registers, FIFOs, interrupts, timeout.
UNIT_TESTS += vdev_uart
vdev_uart_SRCS := hv/vdev/uart16550.c hv/vdev/uart16550_rx.c hv/iobus.c hv/format.c

# The PC platform's device models (hv/vdev/): CMOS RTC, ACPI PM registers,
# PCI configuration mechanism #1 and the reset sources.
UNIT_TESTS += vdev_rtc vdev_acpi_pm vdev_pci vdev_reset
vdev_rtc_SRCS := hv/vdev/rtc.c hv/vdev/rtc_calendar.c hv/iobus.c hv/format.c
vdev_acpi_pm_SRCS := hv/vdev/acpi_pm.c hv/iobus.c hv/format.c
vdev_pci_SRCS := hv/vdev/pci_host.c hv/iobus.c hv/format.c
vdev_reset_SRCS := hv/vdev/reset.c hv/vdev/pci_host.c hv/iobus.c hv/format.c

# The domain ACPI tables builder, read back with the ACPI parser; its DSDT's
# ASL is tests/fixtures/acpi_build/dsdt.asl.
UNIT_TESTS += vdev_acpi_tables
vdev_acpi_tables_SRCS := hv/vdev/acpi_tables.c hv/vdev/acpi_fadt_build.c \
	hv/vdev/acpi_madt_build.c hv/vdev/acpi_dsdt.c drivers/acpi/fadt.c drivers/acpi/madt.c \
	drivers/acpi/msg.c drivers/acpi/parse.c drivers/acpi/rsdp.c drivers/acpi/s5.c hv/format.c

# The instruction emulator for MMIO and string I/O (hv/emul/x86emu*.c):
# assembled forms (tests/fixtures/x86emu/), flags against the host CPU, REP.
X86EMU_SRCS := hv/emul/x86emu.c hv/emul/x86emu_decode.c hv/emul/x86emu_alu.c \
	hv/emul/x86emu_mov.c hv/emul/x86emu_bt.c hv/emul/x86emu_string.c hv/format.c
UNIT_TESTS += x86emu x86emu_flags x86emu_string
x86emu_SRCS := $(X86EMU_SRCS)
x86emu_flags_SRCS := $(X86EMU_SRCS)
x86emu_string_SRCS := $(X86EMU_SRCS)

# The per-vCPU local APIC model (hv/vdev/lapic*.c): registers, interrupts,
# IPIs, the timer and the x2APIC view.
VDEV_LAPIC_SRCS := hv/vdev/lapic.c hv/vdev/lapic_access.c hv/vdev/lapic_ipi.c \
	hv/vdev/lapic_regs.c hv/vdev/lapic_timer.c hv/mmiobus.c hv/format.c
UNIT_TESTS += vdev_lapic vdev_lapic_timer vdev_lapic_ipi vdev_lapic_x2apic
vdev_lapic_SRCS := $(VDEV_LAPIC_SRCS)
vdev_lapic_timer_SRCS := $(VDEV_LAPIC_SRCS)
vdev_lapic_ipi_SRCS := $(VDEV_LAPIC_SRCS)
vdev_lapic_x2apic_SRCS := $(VDEV_LAPIC_SRCS)

# The Linux loader (hv/loader/linux*.c): bzImage header and placement; the zero
# page, e820, command line, initrd and the vmlinux ELF64 path.
LINUX_LOADER_SRCS := hv/loader/linux.c hv/loader/linux_bzimage.c hv/loader/linux_layout.c \
	hv/loader/linux_vmlinux.c hv/loader/linux_zero_page.c hv/loader/elf.c hv/loader/loader_msg.c hv/format.c \
	tests/fixtures/loader/elf_build.c tests/fixtures/loader/linux_build.c
UNIT_TESTS += loader_linux loader_linux_boot
loader_linux_SRCS := $(LINUX_LOADER_SRCS)
loader_linux_boot_SRCS := $(LINUX_LOADER_SRCS)

# The legacy PC interrupt controllers and timer (hv/vdev/): the 8259A pair
# with the ELCR, and the 8254 with port 0x61.
UNIT_TESTS += vdev_pic vdev_pit
vdev_pic_SRCS := hv/vdev/pic8259.c hv/vdev/pic8259_regs.c hv/iobus.c hv/format.c
vdev_pit_SRCS := hv/vdev/pit8254.c hv/vdev/pit8254_counter.c hv/iobus.c hv/format.c
