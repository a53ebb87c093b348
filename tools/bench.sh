#!/usr/bin/env bash
# Boot benchmarks: for each configuration, boots build/hv.iso RUNS times and
# reports the hypervisor's own boot time (TSC-measured, from its entry to the
# boot summary), the TSC at its entry (firmware + GRUB), and the emulator's
# host CPU-seconds. In Bochs (clock: sync=none) the TSC counts emulated
# instructions, so the first two columns are exact and repeatable; host
# seconds depend on the machine and its load.
# The image booted is build/bench-boot.iso: the hypervisor with the three
# small test domains (hello32, realmode, hello64) that were `make iso`'s
# default before it became the Linux shell, so the numbers stay comparable.
# Then guest-measured exit round trips (CPUID, VMCALL, port read, MMIO read)
# in Bochs, and the Linux boot span under the hypervisor against the same
# kernel booted natively (tools/bench-linux.sh).
#   tools/bench.sh [RUNS]          (default 3; results also in build/bench.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
out=build/bench.txt
boot_iso=build/bench-boot.iso
MKISO_QUIET=1 tools/mkiso.sh --guest-dir build/guest "$boot_iso" build/hv.elf \
	guest/tests/hello32.cfg guest/tests/realmode.cfg guest/tests/hello64.cfg
configs=(
	"bochs-skylake-1cpu|--emu bochs --cpus 1"
	"bochs-skylake-2cpu|--emu bochs --cpus 2"
	"bochs-skylake-4cpu|--emu bochs --cpus 4"
	"qemu-tcg-2cpu|--emu qemu --cpus 2"
	"qemu-tcg-uefi-2cpu|--emu qemu --uefi --cpus 2"
)

median() { sort -n | awk '{v[NR]=$1} END {print (NR ? v[int((NR+1)/2)] : "-")}'; }

{
	printf '%-22s %5s %16s %18s %14s\n' config runs hv_boot_us tsc_at_entry host_cpu_s
	for c in "${configs[@]}"; do
		name=${c%%|*} args=${c#*|}
		boot_us=() entry=() cpu=()
		for ((i = 0; i < runs; i++)); do
			log=$(mktemp)
			TIMEFORMAT='%U %S'
			t=$( { time tools/hvrun --iso "$boot_iso" $args --timeout 300 --log "$log" >/dev/null 2>&1; } 2>&1 | tail -n1)
			line=$(tr -d '\r' <"$log" | grep -a '^hv: boot time:' || true)
			rm -f "$log"
			[ -n "$line" ] || { echo "bench: $name run $i printed no boot time" >&2; continue; }
			boot_us+=("$(sed 's/.*time: \([0-9]*\) us.*/\1/' <<<"$line")")
			entry+=("$(sed 's/.*tsc=\([0-9]*\) at entry.*/\1/' <<<"$line")")
			cpu+=("$(awk '{printf "%.2f", $1 + $2}' <<<"$t")")
		done
		printf '%-22s %5s %16s %18s %14s\n' "$name" "${#boot_us[@]}" \
			"$(printf '%s\n' "${boot_us[@]}" | median)" "$(printf '%s\n' "${entry[@]}" | median)" \
			"$(printf '%s\n' "${cpu[@]}" | median)"
	done
	echo "(medians; hv_boot_us and tsc_at_entry are emulated time in Bochs, host time in QEMU)"
	echo
	# Exit round trips, measured inside a guest (guest/tests/exitbench.c).
	model=corei7_skylake_x
	bochs_version=$(dpkg-query -W -f='${Version}' bochs 2>/dev/null || echo unknown)
	log=$(mktemp)
	tools/hvrun --iso build/hv-test.iso --emu bochs --model $model --cpus 1 --timeout 300 \
		--cmdline "domains=/domains/exitbench.cfg" --log "$log" >/dev/null 2>&1 || true
	echo "exit round trips, guest TSC ticks per operation (minimum of 5 batches of 200)"
	echo "Bochs $bochs_version, cpu model $model, ips=50000000, clock: sync=none:"
	echo "a tick is one emulated instruction, an instruction-count proxy for the exit path, not hardware latency"
	tr -d '\r' <"$log" | sed -n 's/^hv: dom[0-9]* exitbench: bench \(.*\) ticks=\([0-9]*\)$/  \1 \2/p' |
		awk '{printf "  %-12s %8s ticks\n", $1, $2}'
	rm -f "$log"
	echo
	tools/bench-linux.sh "$runs"
} | tee "$out"
