#!/bin/sh
# hvtest=platform: the in-guest acceptance checks of the virtual platform. Each
# check prints exactly one "PASS: <what>" or "FAIL: <what> (<details>)" line;
# the E820 and hvprobe mark lines are for the host harness to compare with the
# hypervisor's own e820 map and TSC stamps. Run on bare QEMU it is a negative
# control: the checks that need the hypervisor fail there.

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 ($2)"; }
# PASS: $1 when no kernel message matches the grep patterns that follow. The
# log is read first and must be there: a dmesg or grep that failed (or
# crashed) must not pass for "nothing found".
absent_from_dmesg() {
	local what=$1 log bad rc
	shift
	log=$(dmesg) && [ -n "$log" ] || { fail "$what" "dmesg failed"; return; }
	bad=$(echo "$log" | grep "$@")
	rc=$?
	case $rc in
	0) fail "$what" "$(echo "$bad" | head -n 1)" ;;
	1) pass "$what" ;;
	*) fail "$what" "grep failed ($rc)" ;;
	esac
}

cmdline_value() {
	local arg
	set -f
	for arg in $(cat /proc/cmdline); do
		case $arg in
		"$1"=*) echo "${arg#*=}" ;;
		esac
	done
	set +f
}

# The sum of the local APIC timer counts over all CPUs.
loc_count() {
	awk '$1 == "LOC:" { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i }
	     END { print s + 0 }' /proc/interrupts
}

# --- interrupts -----------------------------------------------------------------
what="interrupts routed through the IO-APIC"
if grep -q 'IO-APIC' /proc/interrupts; then
	pass "$what"
else
	fail "$what" "no IO-APIC line in /proc/interrupts; irq 0: $(grep '^ *0:' /proc/interrupts | tr -s ' ')"
fi

what="local APIC timer counts (LOC) grow across sleep 1"
before=$(loc_count)
sleep 1
after=$(loc_count)
if [ "$after" -gt "$before" ]; then
	pass "$what"
else
	fail "$what" "LOC $before before, $after after"
fi

# --- clocks -----------------------------------------------------------------------
what="clocksource is tsc"
cs_dir=/sys/devices/system/clocksource/clocksource0
cs=$(cat $cs_dir/current_clocksource 2>/dev/null)
# tsc-early becomes tsc when the kernel's TSC refinement work, queued about a
# second into boot, has run: on a slow emulator that can be after /init starts.
waited=0
while [ "$cs" = tsc-early ] && [ $waited -lt 5 ]; do
	sleep 1
	waited=$((waited + 1))
	cs=$(cat $cs_dir/current_clocksource 2>/dev/null)
done
if [ "$cs" = tsc ]; then
	pass "$what"
else
	fail "$what" "current: ${cs:-none}; available: $(cat $cs_dir/available_clocksource 2>/dev/null)"
fi

# The kernel's words (linux 6.1): tsc.c "Marking TSC unstable due to ...",
# clocksource.c "Marking clocksource 'tsc' as unstable because the skew is too large".
absent_from_dmesg "TSC not marked unstable" \
	-e 'Marking TSC unstable' -e "Marking clocksource 'tsc' as unstable"

# io_apic.c check_timer(): "..MP-BIOS bug: 8254 timer not connected to IO-APIC"
# when IRQ 0 does not arrive through its IO-APIC pin (it then tries the 8259
# and virtual wire), and the panic "IO-APIC + timer doesn't work!" when nothing does.
absent_from_dmesg "timer IRQ 0 through the IO-APIC" \
	-e '8254 timer not connected to IO-APIC' -e "IO-APIC + timer doesn't work"

# --- CPU identification -------------------------------------------------------------
what="cpuinfo flags include hypervisor"
if grep -m 1 '^flags' /proc/cpuinfo | grep -qw hypervisor; then
	pass "$what"
else
	fail "$what" "CPUID.1:ECX[31] clear"
fi

what="CPUID 0x40000000 signature is HVResearch"
leaf=$(hvprobe cpuid 0x40000000)
sig=${leaf#*signature=}
case $sig in
HVResearch*) pass "$what" ;;
*) fail "$what" "$leaf" ;;
esac

# --- memory -----------------------------------------------------------------------------
what="MemTotal is 85-100% of hvmem"
mib=$(cmdline_value hvmem)
total=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
if [ -z "$mib" ]; then
	fail "$what" "no hvmem=<MiB> on the kernel command line; MemTotal ${total} kB"
else
	ram=$((mib * 1024))
	if [ $((total * 100)) -ge $((ram * 85)) ] && [ "$total" -le "$ram" ]; then
		pass "$what"
	else
		fail "$what" "MemTotal ${total} kB of hvmem=${mib} MiB (${ram} kB)"
	fi
fi

# The map the kernel was handed (e820.c e820__print_table("BIOS-e820")).
dmesg | sed -n 's/^\[[^]]*\] *//; s/^BIOS-e820: /E820: /p'

# --- RTC --------------------------------------------------------------------------------
what="RTC advances 10 s across sleep 10"
rtc=/sys/class/rtc/rtc0/since_epoch
if [ ! -r $rtc ]; then
	fail "$what" "no $rtc"
else
	t0=$(cat $rtc)
	sleep 10
	t1=$(cat $rtc)
	d=$((t1 - t0))
	if [ "$d" -ge 9 ] && [ "$d" -le 11 ]; then
		pass "$what"
	else
		fail "$what" "advanced $d s: $t0 -> $t1"
	fi
fi

# --- guest time against the hypervisor's stamps ---------------------------------------
m2=$(hvprobe mark 2)
sleep 5
m3=$(hvprobe mark 3)
echo "$m2"
echo "$m3"
field() { echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }
if [ -n "$(field "$m2" mono_ns)" ] && [ -n "$(field "$m3" mono_ns)" ]; then
	echo "TIMING: mark 2->3 mono_ns=$(($(field "$m3" mono_ns) - $(field "$m2" mono_ns))) tsc=$(($(field "$m3" tsc) - $(field "$m2" tsc)))"
fi
