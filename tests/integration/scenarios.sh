# Integration boots: each scenario_NAME boots build/hv.iso once and checks
# what the hypervisor printed. Run with `make test` (all) or
# `tests/run-tests.sh --integration NAME...`. Every boot has a hard timeout
# (tools/hvrun sends SIGKILL) and must end by itself well before it.

BOCHS_TIMEOUT=180
QEMU_TIMEOUT=90

SUMMARY_VMX='^hv: boot cpus=[0-9]+ ram_mib=[0-9]+ vmx=yes ept=yes vpid=yes ug=yes$'
SUMMARY_NO_VMX='^hv: boot cpus=[0-9]+ ram_mib=[0-9]+ vmx=no ept=no vpid=no ug=no$'

# Bochs' TSC runs at ips (50 MHz) with clock: sync=none; its CPUID 0x16
# claims 3500 MHz, which must not be believed.
expect_tsc_near_50mhz() {
	local khz
	khz=$(value 'hv: tsc_khz')
	[ -n "$khz" ] || { echo "no tsc_khz line"; return 1; }
	if [ "$khz" -lt 49750 ] || [ "$khz" -gt 50250 ]; then
		echo "tsc_khz=$khz is not within 0.5% of 50000"
		return 1
	fi
}

expect_ram_mib() {
	local mib
	mib=$(value ram_mib)
	if [ -z "$mib" ] || [ "$mib" -gt "$1" ] || [ "$mib" -lt $(($1 - 16)) ]; then
		echo "ram_mib=${mib:-?} is not just under the $1 MiB the machine has"
		return 1
	fi
}

expect_cpus_online() {
	local n=$1 i
	expect_count '^hv: cpu[0-9]+ online apic=[0-9]+$' "$n"
	for ((i = 0; i < n; i++)); do expect "^hv: cpu$i online apic=[0-9]+$"; done
	expect "^hv: boot cpus=$n "
}

expect_cpus_vmx_on() {
	local n=$1 i
	expect_count '^hv: cpu[0-9]+ vmx on$' "$n"
	for ((i = 0; i < n; i++)); do expect "^hv: cpu$i vmx on$"; done
}

# The one-shot timer check must fire, and never before its deadline.
expect_timer_fired() {
	local lines us
	lines=$(hv_lines)
	us=$(sed -n 's/^hv: timer: one-shot event of 1000 us fired after \([0-9]*\) us$/\1/p' <<<"$lines")
	[ -n "$us" ] || { echo "the one-shot timer check did not report firing"; return 1; }
	[ "$us" -ge 1000 ] || { echo "the one-shot timer fired early: after $us us"; return 1; }
}

HELLO_DOMAINS=/domains/hello32.cfg,/domains/realmode.cfg,/domains/hello64.cfg
# Tests run the software VM-entry checker before every entry: every state an
# exit handler leaves behind is checked against the SDM, not just the first.
CHECK_ALL=vmentry_check=always

# A domain ran to its exit port with status 0 and printed no FAIL line.
expect_domain_passed() {
	expect "^hv: dom[0-9]+ $1 ended: exit-port status=0 exits=[1-9][0-9]*$"
	expect "^hv: dom[0-9]+ $1: PASS: "
	expect_none "^hv: dom[0-9]+ $1: FAIL: "
}

expect_clean_refusal() {
	expect "$SUMMARY_NO_VMX"
	expect_after '^hv: boot cpus=' '^hv: fatal: VT-x unavailable: no VMX'
	expect_last '^hv: poweroff$'
}

scenario_bochs_skylake_1cpu() {
	boot --emu bochs --model corei7_skylake_x --cpus 1 --timeout $BOCHS_TIMEOUT \
		--iso "$TEST_ISO" --cmdline "$CHECK_ALL domains=$HELLO_DOMAINS"
	expect_cpus_online 1
	expect_cpus_vmx_on 1
	expect "$SUMMARY_VMX"
	expect_ram_mib 512
	expect_tsc_near_50mhz
	expect_timer_fired
	expect '^hv: vmx: '
	expect_none '^hv: fatal'
	expect_domain_passed hello32
	expect_domain_passed realmode
	expect_domain_passed hello64
	expect '^hv: domains: 3 ran, 0 refused'
	expect_last '^hv: poweroff$'
}

scenario_bochs_skylake_2cpu() {
	boot --emu bochs --model corei7_skylake_x --cpus 2 --timeout $BOCHS_TIMEOUT \
		--iso "$TEST_ISO" --cmdline "$CHECK_ALL domains=$HELLO_DOMAINS"
	expect_cpus_online 2
	expect_cpus_vmx_on 2
	expect '^hv: ipi: 1 of 1 other CPUs answered$'
	expect "$SUMMARY_VMX"
	expect_ram_mib 512
	expect_tsc_near_50mhz
	expect_none '^hv: fatal'
	expect_domain_passed hello32
	expect_domain_passed realmode
	expect_domain_passed hello64
	expect_last '^hv: poweroff$'
}

# A CPU with VMX but without EPT: refused cleanly, saying what is missing.
scenario_bochs_penryn_no_ept() {
	boot --emu bochs --model core2_penryn_t9600 --cpus 1 --timeout $BOCHS_TIMEOUT
	expect '^hv: boot cpus=1 ram_mib=[0-9]+ vmx=yes ept=no vpid=(yes|no) ug=no$'
	expect_after '^hv: boot cpus=' '^hv: fatal: VT-x unavailable: .*EPT.*unrestricted guest'
	expect_none 'vmx on$'
	expect_last '^hv: poweroff$'
}

scenario_bochs_selftest_pf() {
	boot --emu bochs --cpus 2 --cmdline "selftest=pf" --timeout $BOCHS_TIMEOUT
	expect '^hv: selftest pf: writing to unmapped address 0x700000000000$'
	expect '^hv: panic: cpu0: unhandled exception #PF at rip=[0-9a-f]{16}$'
	expect '^hv:   cr2=0000700000000000 \(faulting address\)$'
	expect '^hv:   #PF: not-present write supervisor$'
	expect '^hv:   rip=[0-9a-f]{16} cs=0008 rflags=[0-9a-f]{16}$'
	expect '^hv:   rax=[0-9a-f]{16} rbx=[0-9a-f]{16} rcx=[0-9a-f]{16}$'
	expect '^hv:   r13=[0-9a-f]{16} r14=[0-9a-f]{16} r15=[0-9a-f]{16}$'
	expect '^hv:   cr0=[0-9a-f]{16} cr2=0000700000000000 cr3=[0-9a-f]{16}$'
	expect '^hv:   backtrace: '
	expect_last '^hv: panic: cpu0 halted$'
	expect_none '^hv: (boot |poweroff)'
}

scenario_qemu_tcg_2cpu() {
	boot --emu qemu --cpus 2 --timeout $QEMU_TIMEOUT
	expect_cpus_online 2
	expect_clean_refusal
}

scenario_qemu_tcg_4cpu() {
	boot --emu qemu --cpus 4 --mem 256 --timeout $QEMU_TIMEOUT
	expect_cpus_online 4
	expect '^hv: ipi: 3 of 3 other CPUs answered$'
	expect_ram_mib 256
	expect_timer_fired
	expect_clean_refusal
}

scenario_qemu_uefi() {
	boot --emu qemu --uefi --cpus 2 --timeout $QEMU_TIMEOUT
	expect '^hv: acpi: rsdp from multiboot2 tag 1[45]'
	expect_cpus_online 2
	expect_clean_refusal
}

# QEMU's default CPU model on a real CPU (no nested VMX here): unknown MSRs
# raise a real #GP, which the fix-up table must absorb.
scenario_qemu_kvm() {
	[ -w /dev/kvm ] || skip "no /dev/kvm on this machine"
	boot --emu kvm --cpus 2 --cmdline "selftest=msr" --timeout $QEMU_TIMEOUT
	expect_cpus_online 2
	expect '^hv: selftest msr: rdmsr 0xbadc0de raised #GP: caught$'
	expect '^hv: selftest msr: wrmsr 0xbadc0de raised #GP: caught$'
	expect_clean_refusal
}

# Bad input on the command line is named and ignored; the boot goes on.
scenario_qemu_bad_cmdline() {
	boot --emu qemu --cpus 1 --cmdline "loglevel=loud selftest=nope" --timeout $QEMU_TIMEOUT
	expect '^hv: cmdline: loglevel=loud is not one of err, warn, info, debug, 0-3$'
	expect "^hv: selftest: unknown self-test 'nope' \(known: msr, pf\)$"
	expect_clean_refusal
}

# With the software checker on, a broken guest state is refused before any
# VM entry, and the next domain still runs.
scenario_bochs_entry_checker_refuses() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/badstate.cfg,/domains/hello32.cfg"
	expect '^hv: dom1 badstate: VM-entry check refused the state'
	expect '^hv:   GUEST_CR0: '
	expect_none 'VM entry failed'
	expect '^hv: dom1 badstate ended: entry-failed status=0 exits=0$'
	expect_domain_passed hello32
	expect_last '^hv: poweroff$'
}

# With the checker off the CPU itself refuses: a VMfailValid (error 7,
# invalid control fields) and a failed entry (exit reason 33 with bit 31),
# each decoded, each ending only its domain.
scenario_bochs_entry_failures_decoded() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "vmentry_check=off domains=/domains/badctl.cfg,/domains/badstate.cfg,/domains/hello32.cfg"
	expect '^hv: dom1 badctl: VM entry failed: VM-instruction error 7 '
	expect '^hv: dom1 badctl ended: entry-failed status=0 exits=0$'
	expect '^hv: dom2 badstate: VM entry failed: exit reason 33 '
	expect '^hv: dom2 badstate ended: entry-failed '
	expect '^hv: vmcs: .*GUEST_CR0='
	expect_none 'VM-entry check refused'
	expect_domain_passed hello32
	expect_last '^hv: poweroff$'
}

# A domain that fills its RAM with a marker, then one that scans its RAM:
# the second gets the very same host pages (checked) and must never see
# the marker. The same for the registers the VMCS does not switch (XMM0-15,
# DR0-3). Then a bad config is named by file:line and skipped.
scenario_bochs_isolation_and_bad_config() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/memfill.cfg,/domains/memscan.cfg,/domains/ctxfill.cfg,/domains/ctxscan.cfg,/domains/broken.cfg,/domains/hello32.cfg"
	local lines fill scan
	lines=$(hv_lines)
	fill=$(sed -n 's/^hv: dom1 memfill: started, 32 MiB at host \(0x[0-9a-f]*\),.*/\1/p' <<<"$lines")
	scan=$(sed -n 's/^hv: dom2 memscan: started, 32 MiB at host \(0x[0-9a-f]*\),.*/\1/p' <<<"$lines")
	[ -n "$fill" ] && [ "$fill" = "$scan" ] || { echo "memscan did not get memfill's pages ($fill vs $scan)"; return 1; }
	expect_domain_passed memfill
	expect '^hv: dom2 memscan: PASS: no marker from an earlier domain$'
	expect_domain_passed memscan
	expect_domain_passed ctxfill
	expect '^hv: dom4 ctxscan: PASS: XMM0-15 hold nothing from an earlier domain$'
	expect '^hv: dom4 ctxscan: PASS: DR0-3 hold nothing from an earlier domain$'
	expect_domain_passed ctxscan
	expect '^hv: domain config /domains/broken.cfg:4: memory: expected an integer, got lots$'
	expect_domain_passed hello32
	expect '^hv: domains: 5 ran, 1 refused'
	expect_last '^hv: poweroff$'
}

# Guests that go wrong in every way this issue handles end with the right
# reason, and only they do: the next domain still runs.
scenario_bochs_domain_end_reasons() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/badaccess.cfg,/domains/triplefault.cfg,/domains/halt.cfg,/domains/exception.cfg,/domains/badimage.cfg,/domains/hello32.cfg"
	expect '^hv: dom1 badaccess: bad access: read of guest-physical 0xc0000000 '
	expect '^hv: dom1 badaccess ended: bad-access status=0 '
	expect '^hv: dom2 triplefault ended: triple-fault status=0 '
	expect '^hv: dom3 halt ended: stuck status=0 '
	expect '^hv: dom4 exception: FAIL: exception 0x0000000000000006 '
	expect '^hv: dom4 exception ended: exit-port status=134 '
	expect '^hv: dom5 badimage: not started: kernel /guests/realmode.bin: neither a multiboot kernel, a Linux kernel nor an ELF image'
	expect_domain_passed hello32
	expect '^hv: domains: 5 ran, 1 refused'
	expect_last '^hv: poweroff$'
}

# Hypercalls, injected exceptions and guarded exits, checked from inside the
# guest; the harness keeps its own list of the PASS lines it expects rather
# than trusting the guest's count.
HYPERCALL_CHECKS=(
	"hypercall version" "hypercall domain id" "hypercall console write"
	"console write from a wild address: EFAULT" "console write of a huge length: EINVAL"
	"console write of a wrapping length: EINVAL" "unknown hypercall: ENOSYS"
	"VMMCALL raises #UD" "VMXON raises #UD \(VMX not offered\)" "GETSEC raises #UD \(SMX not offered\)"
	"INVD returns" "VMCALL from ring 3 raises #UD" "setting CR4.VMXE raises #GP"
	"setting reserved CR4 bit 31 raises #GP" "setting CR4.OSXSAVE works"
	"XSETBV without x87 raises #GP" "XSETBV x87|SSE works"
)

scenario_bochs_hypercalls_and_injection() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/hypercalls.cfg,/domains/hello32.cfg"
	local check
	for check in "${HYPERCALL_CHECKS[@]}"; do
		expect "^hv: dom1 hypercalls: PASS: ${check//|/\\|}$"
	done
	expect '^hv: dom1 hypercalls: hello through the console hypercall$'
	expect_none '^hv: dom1 hypercalls: FAIL'
	expect '^hv: dom1 hypercalls ended: poweroff status=0 '
	expect_domain_passed hello32
	expect_last '^hv: poweroff$'
}

# Negative control: the same guest booted natively by QEMU's multiboot
# loader, no hypervisor. Every check that depends on the hypervisor must
# FAIL there, which shows the checks can fail at all; the architectural ones
# (VMMCALL and ring-3 VMCALL raise #UD on any Intel-compatible CPU) pass.
HYPERVISOR_DEPENDENT_CHECKS=(
	"hypercall version" "hypercall domain id" "hypercall console write"
	"console write from a wild address: EFAULT" "console write of a huge length: EINVAL"
	"console write of a wrapping length: EINVAL" "unknown hypercall: ENOSYS"
)

# The CPUID/MSR checks that only this hypervisor makes true (QEMU's TCG
# reads unknown MSRs as 0 and has its own signature and leaves).
CPUIDMSR_HYPERVISOR_DEPENDENT=(
	"CPUID hypervisor signature HVResearch" "CPUID 15H crystal ratio matches 16H"
	"RDMSR of an unknown MSR raises #GP" "WRMSR of an unknown MSR raises #GP"
	"IA32_FEATURE_CONTROL reads locked, VMX off"
)

# expect_native_fails KERNEL CHECK...: booted natively, each CHECK FAILs.
expect_native_fails() {
	local kernel=$1 lines check
	shift
	boot --emu qemu --native-kernel "$kernel" --timeout $QEMU_TIMEOUT
	lines=$(tr -d '\r' <"$LOG")
	for check in "$@"; do
		grep -qxF "FAIL: $check" <<<"$lines" || { echo "natively, '$check' did not FAIL"; return 1; }
	done
}

scenario_qemu_native_negative_control() {
	expect_native_fails build/guest/hypercalls.elf "${HYPERVISOR_DEPENDENT_CHECKS[@]}"
	local lines
	lines=$(tr -d '\r' <"$LOG")
	grep -qxF "PASS: VMMCALL raises #UD" <<<"$lines" || { echo "natively, VMMCALL did not raise #UD"; return 1; }
	! grep -q "^PASS: hypercall" <<<"$lines" || { echo "a hypercall check passed without a hypervisor"; return 1; }
	expect_native_fails build/guest/cpuidmsr.elf "${CPUIDMSR_HYPERVISOR_DEPENDENT[@]}"
}

# Interrupt delivery from the test interrupt source (HLT wake-up, the
# interrupt window, an NMI waking cli; hlt, a storm), then a sweep over all
# 65536 I/O ports. During both the hypervisor's own 1 ms timer keeps firing
# (its count is logged) and each guest ends by itself; the next domain
# still passes. The checker runs only at launch here: 130k exits.
INTERRUPT_CHECKS=(
	"HLT woken by an interrupt" "no interrupt while IF=0" "interrupt delivered once IF=1"
	"NMI wakes cli; hlt" "interrupt storm delivered, guest still running"
)

scenario_bochs_interrupts_and_port_sweep() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "domains=/domains/interrupts.cfg,/domains/portsweep.cfg,/domains/hello32.cfg"
	local check name ticks lines
	for check in "${INTERRUPT_CHECKS[@]}"; do
		expect "^hv: dom1 interrupts: PASS: $check$"
	done
	expect_domain_passed interrupts
	expect '^hv: dom2 portsweep: PASS: every unclaimed port reads all ones$'
	expect_domain_passed portsweep
	lines=$(hv_lines)
	for name in interrupts portsweep; do
		ticks=$(sed -n "s/^hv: dom[0-9]* $name: host timer ticks=\([0-9]*\),.*/\1/p" <<<"$lines")
		[ "${ticks:-0}" -gt 0 ] || { echo "no host timer ticks logged while $name ran"; return 1; }
	done
	# A read and a write of each of the 65536 ports but the 61 portsweep skips
	# (0xE9, 0xF4-F7, 0x520-527 and the 48 in its pc_ports[]).
	expect '^hv: dom2 portsweep: .*unclaimed port accesses=130950,'
	expect_domain_passed hello32
	expect_last '^hv: poweroff$'
}

# CPUID (default deny, state-dependent bits, synthesized leaves) and MSRs
# (allow-list, #GP for the rest, values that read back), from inside.
CPUIDMSR_CHECKS=(
	"CPUID hides VMX" "CPUID hypervisor bit set" "CPUID hypervisor signature HVResearch"
	"CPUID 15H crystal ratio matches 16H" "CPUID OSXSAVE clear while CR4.OSXSAVE is"
	"CPUID OSXSAVE follows CR4.OSXSAVE" "CPUID 0DH size follows XCR0"
	"RDMSR of an unknown MSR raises #GP" "WRMSR of an unknown MSR raises #GP"
	"IA32_FEATURE_CONTROL reads locked, VMX off" "EFER readable" "EFER reserved bit raises #GP"
	"PAT powers on" "PAT write reads back" "PAT reserved type raises #GP" "STAR write reads back"
)

# ... and a raw real-mode guest that walks real -> protected -> PAE -> long
# mode through an intercepted EFER write.
scenario_bochs_cpuid_and_msrs() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/cpuidmsr.cfg,/domains/modewalk.cfg,/domains/hello32.cfg"
	local check
	for check in "${CPUIDMSR_CHECKS[@]}"; do
		expect "^hv: dom1 cpuidmsr: PASS: $check$"
	done
	expect_domain_passed cpuidmsr
	for check in "started in real mode" "protected mode" "PAE paging translates" \
		"long mode with EFER.LMA set"; do
		expect "^hv: dom2 modewalk: PASS: $check$"
	done
	expect_domain_passed modewalk
	expect_domain_passed hello32
	expect_last '^hv: poweroff$'
}

# MMIO through the guest's own 4-level paging to the test device; hostile
# guests: an instruction straddling the end of RAM, thousands of fuzzed
# hypercalls. Each ends only itself; the next domain still passes.
MMIO_CHECKS=(
	"MMIO ID register reads HVMM" "MMIO 64-bit write reads back" "MMIO 16-bit write merges"
	"MMIO byte read" 'MMIO read through base\+index\*8' "MMIO MOVZX" "MMIO access counter"
	"MMIO rep movsl into RAM \(unused register reads all ones\)" "MMIO lock cmpxchg succeeds"
	"MMIO cmpxchg fails and loads the old value" "MMIO or, and, add in place"
	"MOV to CR8 sets the LAPIC TPR" "MOV from CR8 reads TPR bits 7:4" "MOV to CR8 clears TPR bits 3:0"
)

scenario_bochs_mmio_and_hostile_guests() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/mmio.cfg,/domains/straddle.cfg,/domains/hcfuzz.cfg,/domains/hello32.cfg"
	local check
	for check in "${MMIO_CHECKS[@]}"; do
		expect "^hv: dom1 mmio: PASS: $check$"
	done
	expect_domain_passed mmio
	expect '^hv: dom2 straddle: bad access: execute of guest-physical 0x800000 '
	expect '^hv: dom2 straddle ended: bad-access '
	expect '^hv: dom3 hcfuzz: PASS: survived fuzzed hypercalls$'
	expect '^hv: dom3 hcfuzz: still alive after the fuzzing$'
	expect_domain_passed hcfuzz
	expect_domain_passed hello32
	expect '^hv: domains: 4 ran, 0 refused'
	expect_last '^hv: poweroff$'
}

# String I/O, twice: with the CPU's INS/OUTS information (IA32_VMX_BASIC[54])
# and with the hypervisor decoding the instruction itself.
STRIO_CHECKS=(
	"rep outsb moves ESI and clears ECX" "rep insb fills the buffer from the port"
	"rep insb with DF=1 runs downwards" "insw from an unclaimed port reads all ones"
)

expect_strio_passed() {
	local check
	expect '^hv: dom1 strio: written by rep outsb$'
	for check in "${STRIO_CHECKS[@]}"; do
		expect "^hv: dom1 strio: PASS: $check$"
	done
	expect_domain_passed strio
}

scenario_bochs_string_io() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/strio.cfg"
	expect_none 'test option'
	expect_strio_passed
}

scenario_bochs_string_io_decoded() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL vmx_mask_ins_outs_info domains=/domains/strio.cfg"
	expect '^hv: vmx: test option: ignoring IA32_VMX_BASIC\[54\], INS/OUTS are decoded$'
	expect_strio_passed
}

# COM1 is a 16550A model in every domain; its IRQ 4 goes through the
# domain's 8259 pair.
UART_CHECKS=(
	"COM1 scratch register" "COM1 loopback modem lines follow MCR" "COM1 loopback returns the byte"
	"COM1 receive buffer empty after the read"
	"PIC IRR holds IRQ 4 from COM1" "no COM1 interrupt while IF=0"
	"COM1 interrupt arrives at the programmed vector" "IRQ 4 in service until EOI"
	"COM1 IIR names the THRE interrupt" "EOI ends IRQ 4's service"
	"HLT woken by COM1's transmit interrupt" "masked IRQ 4 not delivered" "IRQ 4 delivered once unmasked"
	"PIC interrupt held while LINT0 is masked"
)

scenario_bochs_uart() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/uart.cfg"
	local check
	expect '^hv: dom1 uart: hello through COM1$'
	for check in "${UART_CHECKS[@]}"; do
		expect "^hv: dom1 uart: PASS: $check$"
	done
	expect_domain_passed uart
}

# The virtual PC's device models driven from inside a domain: COM1, the PIT
# through the 8259 and through the I/O APIC, the LAPIC timers, a level
# interrupt's remote IRR, the RTC, the ACPI tables and PM timer, the
# read-only BIOS area, PCI and x2APIC; then an ACPI S5 poweroff.
PLATFORM_CHECKS=(
	"CPUID 0x15 reports the TSC and crystal clock rates"
	"COM1 loopback: the byte written to THR comes back in RBR"
	"ACPI RSDP found in 0xE0000-0xFFFFF"
	"RSDP checksum \(20 bytes\) and extended checksum \(36 bytes, revision 2\)"
	"XSDT found through the RSDP, checksum valid"
	"FADT \(FACP\) found through the XSDT, checksum valid"
	"MADT \(APIC\) found through the XSDT, checksum valid"
	"MADT names the LAPIC at 0xFEE00000"
	"MADT: one processor-local APIC, ID 0, enabled"
	"MADT: I/O APIC at 0xFEC00000, GSI base 0"
	"MADT: ISA IRQ 0 overridden to GSI 2"
	"MADT: SCI IRQ 9 on GSI 9, level-triggered, active-low \(flags 0x000F\)"
	"DSDT found through the FADT, checksum valid"
	"FADT: SCI_INT 9, PM1a_CNT_BLK and PM_TMR_BLK present"
	"ACPI PM timer: 24 bits counting at 3.579545 MHz against the TSC"
	"write to the BIOS area \(the RSDP\) is dropped: read-only"
	"RSDP intact after the write"
	"PCI 00:00.0 is the i440FX host bridge \(0x12378086\)"
	"PCI 00:00.0 class code is host bridge \(0x060000\)"
	"PCI 00:01.0 is absent: reads all ones"
	"MOVS from MMIO: LAPIC version copied into RAM"
	"MOVS into MMIO: TPR written from RAM"
	"LOCK CMPXCHG on MMIO swaps the TPR when it matches"
	"LOCK CMPXCHG on MMIO fails and loads the TPR when it differs"
	"RTC status B as firmware leaves it: BCD, 24-hour, no interrupts"
	"RTC date and time read with the UIP protocol are valid BCD in range"
	"RTC year is 2000 or later \(the host clock at boot\)"
	"RTC seconds advance one at a time"
	"RTC seconds advance at 1 Hz against the TSC"
	"PIT channel 0 interrupts through the 8259 and LINT0"
	"PIT channel 0 through the 8259: 1193 counts at 1.193182 MHz per interrupt"
	"PIT channel 2 OUT \(port 0x61 bit 5\) low while counting in mode 0"
	"PIT channel 2 OUT rises after the count elapses"
	"LAPIC version register reads 0x00050014"
	"LAPIC ID register is 0 \(vCPU0\)"
	"LAPIC timer current count falls at the CPUID 0x15 crystal rate"
	"LAPIC one-shot timer interrupt arrives after its count"
	"LAPIC one-shot timer fires exactly once, current count 0 after"
	"LAPIC periodic timer: repeated interrupts"
	"LAPIC periodic timer period matches its initial count"
	"CPUID.1:ECX\[24\] offers the TSC-deadline timer"
	"IA32_TSC_DEADLINE reads back the armed deadline"
	"TSC-deadline timer interrupt arrives, not before the deadline"
	"IA32_TSC_DEADLINE reads 0 after the interrupt"
	"TSC-deadline timer fires once"
	"I/O APIC version 0x20 with maximum redirection entry 23"
	"PIT interrupts arrive through I/O APIC pin 2 \(edge\)"
	"PIT through the I/O APIC: 1193 counts at 1.193182 MHz per interrupt"
	"IRQ 0 reaches neither I/O APIC pin 0 nor the masked 8259"
	"COM1 THRE interrupt arrives through I/O APIC pin 4 \(level\)"
	"I/O APIC remote IRR set while the level interrupt is in service"
	"LAPIC TMR marks the vector level-triggered"
	"IIR read then EOI: remote IRR clears, no second delivery"
	"EOI while IRQ 4 is still asserted delivers it again"
	"once IIR is read the level interrupt stops"
	"I/O APIC pin 9 \(SCI, level, active-low\) idle: no interrupt"
	"RTC periodic interrupts arrive through I/O APIC pin 8"
	"RTC periodic interrupt at 256 Hz \(RS 8\)"
	"RTC register C shows PF and IRQF at each periodic interrupt"
	"RTC register C is cleared by reading it"
	"CPUID.1:ECX\[21\] offers x2APIC"
	"IA32_APIC_BASE: base 0xFEE00000, EN and BSP set"
	"x2APIC mode entered: IA32_APIC_BASE.EXTD set"
	"x2APIC ID MSR 0x802 reads 0"
	"x2APIC version MSR 0x803 reads 0x00050014"
	"xAPIC MMIO page reads all ones in x2APIC mode"
	"x2APIC enable, MSR reads, disable and xAPIC re-enable raise no exception"
	"back in xAPIC mode after disabling the APIC"
	"LAPIC in its reset state after re-enabling: software-disabled, LVTs masked"
)

scenario_bochs_platform() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/platform.cfg"
	local check
	for check in "${PLATFORM_CHECKS[@]}"; do
		expect "^hv: dom1 platform: PASS: $check$"
	done
	expect_count '^hv: dom1 platform: PASS: ' ${#PLATFORM_CHECKS[@]}
	expect_none '^hv: dom1 platform: FAIL: '
	expect '^hv: dom1 platform: platform: checks done, failures=0$'
	expect '^hv: dom1 platform ended: poweroff status=0 exits=[1-9][0-9]*$'
}

# --- Linux domains (guest/linux) ----------------------------------------------
# Bochs runs the kernel to userspace in about 20 s; the platform checks sleep
# 16 s of guest time more.
LINUX_TIMEOUT=420
LINUX_CHECKS=(
	"interrupts routed through the IO-APIC" "local APIC timer counts \(LOC\) grow across sleep 1"
	"clocksource is tsc" "TSC not marked unstable" "timer IRQ 0 through the IO-APIC"
	"cpuinfo flags include hypervisor" "CPUID 0x40000000 signature is HVResearch"
	"MemTotal is 85-100% of hvmem" "RTC advances 10 s across sleep 10"
)

# The e820 map the kernel logged (the guest prints it as "E820: ...") is the
# one the loader built (the hypervisor logs it as "e820: ...").
expect_linux_e820_matches() {
	local lines built seen
	lines=$(hv_lines)
	built=$(sed -n "s/^hv: dom[0-9]* $1: e820: //p" <<<"$lines")
	seen=$(sed -n "s/^hv: dom[0-9]* $1: E820: //p" <<<"$lines")
	[ -n "$built" ] || { echo "the hypervisor logged no e820 map"; return 1; }
	[ "$built" = "$seen" ] && return 0
	echo "the kernel's e820 map differs from the loader's:"
	diff <(echo "$built") <(echo "$seen") || true
	return 1
}

# The guest's monotonic clock between two marker writes (hvprobe prints it)
# runs at the rate of the hypervisor's TSC stamps of the same writes, to 2 %.
expect_linux_clock_rate() {
	local lines g2 g3 h2 h3
	lines=$(hv_lines)
	g2=$(sed -n "s/^hv: dom[0-9]* $1: hvprobe: mark 2 .*mono_ns=\([0-9]*\)$/\1/p" <<<"$lines")
	g3=$(sed -n "s/^hv: dom[0-9]* $1: hvprobe: mark 3 .*mono_ns=\([0-9]*\)$/\1/p" <<<"$lines")
	h2=$(sed -n "s/^hv: dom[0-9]* $1: marker 2 at \([0-9]*\) us .*/\1/p" <<<"$lines")
	h3=$(sed -n "s/^hv: dom[0-9]* $1: marker 3 at \([0-9]*\) us .*/\1/p" <<<"$lines")
	if [ -z "$g2" ] || [ -z "$g3" ] || [ -z "$h2" ] || [ -z "$h3" ]; then
		echo "missing marker lines (guest: '$g2' '$g3', hypervisor: '$h2' '$h3')"
		return 1
	fi
	# Guest ns and hypervisor us over the same span: per mille of 1.
	local permille=$(( (g3 - g2) / (h3 - h2) ))
	echo "guest clock / hypervisor TSC between markers 2 and 3: $permille per mille" >>"$LOG.notes"
	[ "$permille" -ge 980 ] && [ "$permille" -le 1020 ] && return 0
	echo "the guest clock ran at $permille/1000 of the hypervisor's TSC between markers 2 and 3"
	return 1
}

scenario_bochs_linux_platform() {
	boot --emu bochs --cpus 1 --timeout $LINUX_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/linux-platform.cfg"
	local check
	expect '^hv: dom1 linux-platform: linux bzImage, boot protocol 2\.[0-9]+'
	expect '^hv: dom1 linux-platform: hvlinux: init reached$'
	for check in "${LINUX_CHECKS[@]}"; do
		expect "^hv: dom1 linux-platform: PASS: $check$"
	done
	expect_none '^hv: dom1 linux-platform: FAIL: '
	expect_none '^hv: dom1 linux-platform: .*(WARNING|BUG|Oops|Kernel panic|XSAVE consistency)'
	expect_linux_e820_matches linux-platform
	expect_linux_clock_rate linux-platform
	expect '^hv: dom1 linux-platform ended: poweroff status=0 exits=[1-9][0-9]*$'
}

# The uncompressed vmlinux ELF boots through the same 64-bit entry.
scenario_bochs_linux_vmlinux() {
	boot --emu bochs --cpus 1 --timeout $LINUX_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "domains=/domains/linux-vmlinux.cfg"
	expect '^hv: dom1 linux-vmlinux: linux vmlinux, '
	expect '^hv: dom1 linux-vmlinux: PASS: hello from linux$'
	expect '^hv: dom1 linux-vmlinux ended: poweroff status=0 exits=[1-9][0-9]*$'
}

# What is typed on the hypervisor's console reaches the guest's shell: a
# client on the emulator's serial socket types a command at the prompt and
# must see its output come back, then powers the guest off the same way.
scenario_bochs_linux_console_input() {
	local port rc=0
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("localhost", 0)); print(s.getsockname()[1])')
	tools/hvrun --emu bochs --cpus 1 --timeout $LINUX_TIMEOUT --iso "$TEST_ISO" --serial-tcp "$port" \
		--cmdline "domains=/domains/linux.cfg" >/dev/null 2>"$LOG.stderr" &
	local emu=$!
	tests/integration/serial_chat.py --port "$port" --log "$LOG" --timeout $((LINUX_TIMEOUT - 20)) \
		--expect 'hvlinux:/# ' --send 'echo typed-$((6*7))-word\n' \
		--expect '^hv: dom1 linux: typed-42-word\r?$' --send 'poweroff -f\n' || rc=$?
	wait $emu || { echo "the emulator failed (see $LOG.stderr)"; return 1; }
	[ $rc -eq 0 ] || { echo "the typed command did not come back (serial_chat exit $rc)"; return 1; }
	expect '^hv: dom1 linux: typed-42-word$'
	expect '^hv: dom1 linux ended: poweroff status=0 exits=[1-9][0-9]*$'
}

# The three reset sources of a PC each end their domain with "reset", named
# in the log, and the next domain still runs.
scenario_bochs_reset_sources() {
	boot --emu bochs --cpus 1 --timeout $BOCHS_TIMEOUT --iso "$TEST_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/reset-cf9.cfg,/domains/reset-kbc.cfg,/domains/reset-port92.cfg,/domains/hello32.cfg"
	expect '^hv: dom1 reset-cf9: reset requested \(cf9-hard\)$'
	expect '^hv: dom1 reset-cf9 ended: reset status=0 exits=[1-9][0-9]*$'
	expect '^hv: dom2 reset-kbc: reset requested \(kbc-pulse\)$'
	expect '^hv: dom2 reset-kbc ended: reset status=0 exits=[1-9][0-9]*$'
	expect '^hv: dom3 reset-port92: reset requested \(port92-fast\)$'
	expect '^hv: dom3 reset-port92 ended: reset status=0 exits=[1-9][0-9]*$'
	expect_none '^hv: dom[1-3] reset-.*: FAIL: '
	expect_domain_passed hello32
}
