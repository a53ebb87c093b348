/* The boot sequence: from the first C line on the boot CPU to the boot
 * summary, then power-off (later issues put the domains in between). */
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/paging.h"
#include "arch/x86/percpu.h"
#include "arch/x86/pic.h"
#include "arch/x86/smp.h"
#include "arch/x86/timer.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "arch/x86/vmx/vmx_cpu.h"
#include "arch/x86/vmx/vmx_probe.h"
#include "drivers/acpi/acpi_host.h"
#include "drivers/emulator.h"
#include "hv/boot_modules.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/domains.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/multiboot2.h"
#include "hv/power.h"
#include "hv/selftest.h"

#define TIMER_CHECK_US 1000
#define TIMER_CHECK_LIMIT_US 100000

static struct mb2_info boot_info;
static struct acpi_info acpi;

__attribute__((noreturn)) static void fatal(const char *what)
{
	log_err("fatal: %s", what);
	power_off();
}

static void apply_loglevel(const char *cmdline)
{
	char value[16];
	enum log_level level;

	if (!cmdline_get(cmdline, "loglevel", value, sizeof(value)))
		return;
	if (log_level_parse(value, &level))
		log_set_level(level);
	else
		log_err("cmdline: loglevel=%s is not one of err, warn, info, debug, 0-3", value);
}

/* vmentry_check=off|launch|always: when the software VM-entry checker runs
 * (default: before each vCPU's first entry). */
static void apply_entry_check(const char *cmdline)
{
	static const char *const modes[] = {"off", "launch", "always"};
	int m = cmdline_match(cmdline, "vmentry_check", modes, ARRAY_SIZE(modes));

	if (m == -2)
		log_err("cmdline: vmentry_check= must be off, launch or always");
	else if (m >= 0)
		vmx_set_entry_check((enum vmx_entry_check)m);
}

static volatile bool timer_check_fired;
static uint64_t timer_check_fired_tsc;

static void timer_check_fire(struct timer_event *ev)
{
	timer_check_fired_tsc = rdtsc();
	timer_check_fired = true;
}

/* Arm a one-shot event and wait for it: proves the LAPIC timer, its
 * calibration and the interrupt path before anything depends on them. */
static void timer_check(void)
{
	struct timer_event ev = {.fn = timer_check_fire};
	uint64_t start = rdtsc();
	uint64_t limit = start + tsc_us_to_ticks(TIMER_CHECK_LIMIT_US);

	timer_arm_us(&ev, TIMER_CHECK_US);
	while (!timer_check_fired && rdtsc() < limit)
		cpu_relax();
	if (!timer_check_fired) {
		timer_cancel(&ev);
		log_err("timer: one-shot event of %u us did not fire within %u us", TIMER_CHECK_US,
			TIMER_CHECK_LIMIT_US);
		return;
	}
	log_info("timer: one-shot event of %u us fired after %lu us", TIMER_CHECK_US,
		 tsc_ticks_to_us(timer_check_fired_tsc - start));
}

static void time_init(void)
{
	enum tsc_source src = tsc_calibrate(acpi.pm_tmr, acpi.pm_tmr_32bit);
	if (src == TSC_SOURCE_NONE)
		fatal("cannot determine the TSC frequency (no CPUID 15H, PM timer or PIT)");
	log_info("tsc_khz=%lu source=%s", tsc_khz, tsc_source_name(src));
	timer_init();
	log_info("lapic: %s mode, timer %lu kHz", lapic_is_x2apic() ? "x2apic" : "xapic",
		 lapic_timer_calibrate());
	irq_enable();
	timer_check();
}

void hv_main(uint32_t magic, uint32_t mbi_pa);

void hv_main(uint32_t magic, uint32_t mbi_pa)
{
	uint64_t entry_tsc = rdtsc();
	char err[128];

	percpu_init_boot_cpu();
	console_init();
	log_info("starting");
	if (magic != MB2_BOOTLOADER_MAGIC)
		fatal("not started by a multiboot2 boot loader (EAX is not 0x36d76289)");
	if (mb2_parse(phys_to_virt(mbi_pa), &boot_info, err, sizeof(err)))
		fatal(err);
	const char *cmdline = boot_info.cmdline ? boot_info.cmdline : "";
	apply_loglevel(cmdline);
	log_info("cmdline: %s", cmdline);
	boot_modules_log(&boot_info);

	if (mm_init(&boot_info, mbi_pa) || paging_init(&boot_info))
		fatal("memory set-up failed");
	if (acpi_host_init(&boot_info, &acpi))
		fatal("no usable ACPI tables");

	enum emulator emu = emulator_detect(acpi.oem_id);
	if (emu == EMULATOR_BOCHS)
		console_enable_debug_port();
	power_init(&acpi, emu);
	log_info("platform: emulator=%s console=%s", emulator_name(emu),
		 console_has_uart() ? "com1" : "none");

	pic_remap_and_mask(VECTOR_PIC_BASE);
	lapic_init_cpu(true);
	fpu_init_cpu();
	if (!fpu_xsave_compacted_ok())
		log_info("fpu: CPUID 0xD.1 EBX is not the compacted size of XCR0 %#lx: XSAVEC/XSAVES hidden from guests",
			 fpu_host_xcr0());
	time_init();

	smp_boot(&acpi);
	log_info("ipi: %u of %u other CPUs answered", smp_ping_all(), cpus_online - 1);

	struct vmx_probe vmx;
	vmx_probe_cpu(&vmx);
	selftest_run(cmdline);

	/* In Bochs (clock: sync=none) the TSC counts emulated instructions, so
	 * both numbers are exactly repeatable: what make bench reports. */
	log_info("boot time: %lu us from hypervisor entry, tsc=%lu at entry",
		 tsc_ticks_to_us(rdtsc() - entry_tsc), entry_tsc);
	log_info("boot cpus=%u ram_mib=%lu vmx=%s ept=%s vpid=%s ug=%s", cpus_online,
		 mm_ram_bytes() / MIB, vmx.vmx ? "yes" : "no", vmx.vmx && vmx.ept ? "yes" : "no",
		 vmx.vmx && vmx.vpid ? "yes" : "no", vmx.vmx && vmx.ug ? "yes" : "no");
	if (!vmx.usable) {
		log_err("fatal: VT-x unavailable: %s", vmx.missing);
		power_off();
	}
	if (!vmx_enable_all_cpus(&vmx.caps))
		fatal("no CPU could enter VMX operation");
	apply_entry_check(cmdline);
	if (cmdline_has(cmdline, "vmx_mask_ins_outs_info")) {
		log_info("vmx: test option: ignoring IA32_VMX_BASIC[54], INS/OUTS are decoded");
		vmx_mask_ins_outs_info();
	}
	domains_run(&boot_info, cmdline);
	power_off();
}
