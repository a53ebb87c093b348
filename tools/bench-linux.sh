#!/usr/bin/env bash
# Linux boot benchmark: the span from the kernel's entry to /init's marker,
# the same kernel, initramfs and command line booted twice in Bochs (one CPU,
# the same settings as tools/hvrun): under the hypervisor, and natively by
# GRUB. Prints both spans in emulated TSC ticks and milliseconds, their
# ratio, and the emulator's version, CPU model and ips. Part of `make bench`
# (tools/bench.sh); needs build/hv.elf and build/guest/linux/ (`make bench`
# builds both).
#
#   tools/bench-linux.sh [RUNS]      (default 3; the medians are printed)
#
# Under the hypervisor (domain guest/linux/bench-linux.cfg): the hypervisor
# stamps its TSC at the domain's first VM entry, which is the bzImage's 64-bit
# entry (startup_64, 0x200 into the protected-mode kernel), and at /init's
# write to the marker port; it logs the difference as "marker 1 at U us since
# first entry". Ticks = U * tsc_khz / 1000.
#
# Natively: GRUB's `linux` and `initrd` (tools/mkiso.sh --native-linux) load the
# same bzImage, at its pref_address, and jump to its 32-bit entry there; that
# code switches to long mode and jumps to startup_64 at pref_address + 0x200,
# the instruction the hypervisor's span starts at. Bochs' debugger stops there
# on a physical-address breakpoint and prints the tick count (`ptime`, which
# is the guest's TSC: both count emulated instructions from power-on, and
# hvprobe's rdtsc read the same number as ptime at that instruction when this
# was checked). The firmware and GRUB time before it is not counted: the span
# is hvprobe's TSC at marker 1 (printed by /init) minus the tick at startup_64.
#
# The same bytes reach both kernels: GRUB's multiboot2 `module2` (how the
# hypervisor's image carries the initramfs) gunzips a gzip file as it loads
# it, while `initrd` passes it as it is, so the native run is given the
# uncompressed cpio (zcat of initramfs.cpio.gz) that the hypervisor's domain
# gets.
#
# The last run's consoles stay in build/bench-linux/{hv,native}-console.log;
# with hvtest=dmesg they end with the kernel log, whose timestamps show where
# the two boots differ.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cfg=guest/linux/bench-linux.cfg
hv_elf=build/hv.elf
kernel=build/guest/linux/bzImage
initramfs=build/guest/linux/initramfs.cpio.gz
work=build/bench-linux
model=corei7_skylake_x
ips=50000000
die() { echo "bench-linux: $*" >&2; exit 1; }
for f in "$cfg" "$hv_elf" "$kernel" "$initramfs"; do
	[ -f "$f" ] || die "no $f (make hv linux-guest builds them)"
done
command -v bochs >/dev/null || die "bochs missing: run tools/setup.sh"

# The domain's command line and memory: the native run uses the same.
cfg_value() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}[[:space:]]*$/\\1/p" "$cfg" | tail -n1; }
cmdline=$(cfg_value extra)
mem=$(cfg_value memory)
name=$(cfg_value name)
[ -n "$cmdline" ] && [[ $mem =~ ^[0-9]+$ ]] && [ -n "$name" ] || die "cannot read name, memory and extra from $cfg"

# Where GRUB puts the kernel: a relocatable bzImage (boot protocol >= 2.10)
# goes to its pref_address (header offset 0x258) when that is free, which it
# is on this 256 MiB machine; the run fails below if the breakpoint never hit.
pref=$(od -An -tx8 -j $((0x258)) -N8 "$kernel" | tr -d ' ')
entry64=$(printf '0x%x' $((0x$pref + 0x200)))

mkdir -p "$work"
# The hypervisor's image: this one domain. The native image: GRUB's linux.
MKISO_QUIET=1 tools/mkiso.sh --guest-dir build/guest "$work/hv.iso" "$hv_elf" "$cfg"
zcat "$initramfs" >"$work/initramfs.cpio"
MKISO_QUIET=1 tools/mkiso.sh --native-linux --cmdline "$cmdline" "$work/native.iso" "$kernel" "$work/initramfs.cpio"

median() { sort -n | awk '{v[NR]=$1} END {print (NR ? v[int((NR+1)/2)] : "")}'; }

# One native boot: prints "ENTRY_TICK MARK_TSC", or nothing when it failed.
native_run() {
	local d
	d=$(mktemp -d)
	cat >"$d/bochsrc" <<-RC
	display_library: rfb, options="timeout=0"
	romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
	vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
	megs: $mem
	cpu: model=$model, count=1, ips=$ips, reset_on_triple_fault=0
	ata0-master: type=cdrom, path=$work/native.iso, status=inserted
	boot: cdrom
	clock: sync=none, time0=946684800
	port_e9_hack: enabled=1
	com1: enabled=1, mode=file, dev=$d/serial.log
	plugin_ctrl: speaker=0, parallel=0, gameport=0
	log: $d/bochs.log
	panic: action=fatal
	RC
	# Stop at startup_64, print the tick, drop the breakpoint (the
	# decompressed kernel runs code at that address later), run to the end.
	printf 'pb %s\nc\nptime\nd 1\nc\nquit\n' "$entry64" >"$d/cmds"
	timeout -s KILL 300 bochs -q -f "$d/bochsrc" -rc "$d/cmds" >"$d/bochs.out" 2>&1 </dev/null || true
	local at mark
	at=$(sed -n 's/^ptime: \([0-9]*\)$/\1/p' "$d/bochs.out" | head -n1)
	mark=$(tr -d '\r' <"$d/serial.log" 2>/dev/null | sed -n 's/^hvprobe: mark 1 tsc=\([0-9]*\) .*/\1/p' | head -n1)
	if [ -n "$at" ] && [ -n "$mark" ]; then
		echo "$at $mark"
		tr -d '\r' <"$d/serial.log" >"$work/native-console.log"
	else
		local what="marker 1 on the console"
		[ -n "$at" ] || what="stop at the breakpoint at $entry64"
		echo "bench-linux: native run: no $what (logs in $work/native-failed)" >&2
		rm -rf "$work/native-failed"
		cp -r "$d" "$work/native-failed"
	fi
	rm -rf "$d"
}

# One boot under the hypervisor: prints "SPAN_TICKS", or nothing.
hv_run() {
	local log khz us
	log=$(mktemp)
	tools/hvrun --iso "$work/hv.iso" --emu bochs --model $model --cpus 1 --timeout 300 \
		--log "$log" >/dev/null 2>&1 || true
	khz=$(tr -d '\r' <"$log" | sed -n 's/^hv: tsc_khz=\([0-9]*\) .*/\1/p' | head -n1)
	us=$(tr -d '\r' <"$log" | sed -n "s/^hv: dom1 $name: marker 1 at \\([0-9]*\\) us since first entry .*/\\1/p" | head -n1)
	if [ -n "$khz" ] && [ -n "$us" ]; then
		echo $((us * khz / 1000))
		tr -d '\r' <"$log" >"$work/hv-console.log"
	else
		echo "bench-linux: hypervisor run: no marker 1 (console in $work/hv-failed.log)" >&2
		cp "$log" "$work/hv-failed.log"
	fi
	rm -f "$log"
}

hv=() native=() entry=()
for ((i = 0; i < runs; i++)); do
	t=$(hv_run)
	[ -z "$t" ] || hv+=("$t")
	r=$(native_run)
	if [ -n "$r" ]; then
		entry+=("${r% *}")
		native+=("$((${r#* } - ${r% *}))")
	fi
done
[ ${#hv[@]} -gt 0 ] && [ ${#native[@]} -gt 0 ] || die "no complete run (see above)"

hv_m=$(printf '%s\n' "${hv[@]}" | median)
nat_m=$(printf '%s\n' "${native[@]}" | median)
entry_m=$(printf '%s\n' "${entry[@]}" | median)
ms() { awk -v t="$1" -v ips=$ips 'BEGIN {printf "%.1f", t * 1000 / ips}'; }
spread() { printf '%s\n' "$@" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print hi - lo}'; }
bochs_version=$(dpkg-query -W -f='${Version}' bochs 2>/dev/null || bochs --help 2>&1 | sed -n 's/.*Bochs x86 Emulator \([0-9.]*\).*/\1/p' | head -n1)

echo "Linux boot: kernel entry (startup_64) to /init's marker 1, emulated time"
echo "Bochs ${bochs_version:-unknown}, cpu model $model, 1 CPU, ips=$ips, clock: sync=none; 1 tick = 1 emulated instruction = $((1000000000 / ips)) ns"
echo "kernel $kernel, initramfs $initramfs (uncompressed cpio in both runs), $mem MiB"
echo "command line (both runs): $cmdline"
printf '  %-34s %12s ticks %9s ms  (runs %s, spread %s ticks)\n' "under the hypervisor ($name)" "$hv_m" "$(ms "$hv_m")" "${#hv[@]}" "$(spread "${hv[@]}")"
printf '  %-34s %12s ticks %9s ms  (runs %s, spread %s ticks)\n' "native, GRUB linux+initrd" "$nat_m" "$(ms "$nat_m")" "${#native[@]}" "$(spread "${native[@]}")"
printf '  %-34s %12s ticks %9s ms  (not counted)\n' "native firmware + GRUB before it" "$entry_m" "$(ms "$entry_m")"
awk -v h="$hv_m" -v n="$nat_m" 'BEGIN {printf "  ratio hypervisor / native: %.3f\n", h / n}'
