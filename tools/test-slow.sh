#!/usr/bin/env bash
# The slow targets, kept out of `make test`: Debian 12's stock kernel (the
# package linux-image-amd64 depends on) booted under the hypervisor in Bochs,
# one vCPU, with the Linux guest's initramfs and the checks of the
# bochs_linux_platform scenario. The package is fetched with
# `apt-get download` and only its ./boot is unpacked (dpkg-deb), into
# build/stock/; nothing is installed on this machine, and the kernel is kept
# for later runs. Prints the harness's "ok:"/"FAIL:" line, the wall time and
# the emulated time from the kernel's entry to /init, and ends with
# "N passed, M failed".
#
#   tools/test-slow.sh        (make test-slow; needs build/hv.elf and
#                              build/guest/linux/initramfs.cpio.gz)
#
# Environment: STOCK_TIMEOUT (the boot's hard limit in seconds, default
# 1800), STOCK_MEM (the domain's MiB, default 512; Bochs gets twice that),
# STOCK_QUIET (default 1: `quiet` on the kernel command line; 0 keeps the
# kernel's whole log on the console, which still trips Linux's TSC watchdog:
# see docs/benchmarks.md).
set -uo pipefail
cd "$(dirname "$0")/.."

die() { echo "test-slow: $*" >&2; exit 1; }
STOCK_TIMEOUT=${STOCK_TIMEOUT:-1800}
STOCK_MEM=${STOCK_MEM:-512}
STOCK_QUIET=${STOCK_QUIET:-1}
quiet=""
[ "$STOCK_QUIET" = 0 ] || quiet="quiet "
stock=build/stock
initramfs=build/guest/linux/initramfs.cpio.gz
[ -f build/hv.elf ] || die "no build/hv.elf (make hv)"
[ -f "$initramfs" ] || die "no $initramfs (make linux-guest)"

# --- the stock kernel: the package linux-image-amd64 depends on -------------------
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
[ -n "$pkg" ] || die "apt knows no linux-image-amd64 (run 'apt-get update')"
version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
kdir=$stock/$pkg-$version
if [ ! -d "$kdir/boot" ]; then
	echo "test-slow: fetching $pkg $version (not installed: unpacked into $kdir)"
	dl=$(mktemp -d)
	(cd "$dl" && apt-get download "$pkg" >download.log 2>&1) ||
		{ cat "$dl/download.log" >&2; rm -rf "$dl"; die "apt-get download $pkg failed"; }
	# Only ./boot (the kernel, its config and System.map): the modules, about
	# 400 MB unpacked, are not needed.
	rm -rf "$kdir.tmp"
	mkdir -p "$kdir.tmp"
	dpkg-deb --fsys-tarfile "$dl"/"$pkg"_*.deb | tar -x -C "$kdir.tmp" ./boot ||
		{ rm -rf "$dl"; die "cannot unpack ./boot from the package"; }
	rm -rf "$dl"
	mv "$kdir.tmp" "$kdir"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$vmlinuz" ] || die "no /boot/vmlinuz-* in $kdir"

# --- the image: the hypervisor and one domain --------------------------------------
# A config under build/, not guest/linux/: every guest/linux/*.cfg goes into
# build/hv-test.iso, which must not need this download.
guests=$stock/guest
rm -rf "$guests"
mkdir -p "$guests/stock" "$guests/linux"
cp "$vmlinuz" "$guests/stock/vmlinuz"
cp "$initramfs" "$guests/linux/initramfs.cpio.gz"
cat >"$stock/stock-linux.cfg" <<-CFG
# Written by tools/test-slow.sh: Debian's $(basename "$vmlinuz") ($pkg $version)
# with the Linux guest's initramfs and the bochs_linux_platform checks.
name = "stock-linux"
memory = $STOCK_MEM
kernel = "/guests/stock/vmlinuz"
ramdisk = "/guests/linux/initramfs.cpio.gz"
extra = "console=ttyS0 ${quiet}hvtest=platform hvmem=$STOCK_MEM"
CFG
STOCK_ISO=$stock/hv-stock.iso
MKISO_QUIET=1 tools/mkiso.sh --guest-dir "$guests" "$STOCK_ISO" build/hv.elf "$stock/stock-linux.cfg" ||
	die "cannot build $STOCK_ISO"

# --- the boot, judged by the integration harness's helpers ------------------------
source tests/integration/lib.sh
source tests/integration/scenarios.sh # CHECK_ALL, LINUX_CHECKS, expect_linux_*

# Like scenario_bochs_linux_platform, with every failed check reported, not
# just the first. The stock kernel prints "RETBleed: WARNING: Spectre v2
# mitigation leaves CPU vulnerable": only a WARN()'s "WARNING: CPU:" counts.
scenario_stock_linux_platform() {
	local check bad=0 d='^hv: dom1 stock-linux'
	boot --emu bochs --cpus 1 --mem $((STOCK_MEM * 2)) --timeout "$STOCK_TIMEOUT" --iso "$STOCK_ISO" \
		--cmdline "$CHECK_ALL domains=/domains/stock-linux.cfg"
	expect "$d: linux bzImage, boot protocol 2\.[0-9]+" || bad=1
	expect "$d: hvlinux: init reached$" || bad=1
	for check in "${LINUX_CHECKS[@]}"; do
		expect "$d: PASS: $check$" || bad=1
	done
	expect_none "$d: FAIL: " || bad=1
	expect_none "$d: .*(WARNING: CPU:|BUG:|Oops|Kernel panic|XSAVE consistency|segfault)" || bad=1
	expect_linux_e820_matches stock-linux || bad=1
	expect_linux_clock_rate stock-linux || bad=1
	expect "$d ended: poweroff status=0 exits=[1-9][0-9]*$" || bad=1
	[ $bad -eq 0 ]
}

echo "test-slow: $pkg $version, $(basename "$vmlinuz"), under the hypervisor in Bochs (1 CPU, $STOCK_MEM MiB domain, limit ${STOCK_TIMEOUT}s)"
results=$(mktemp -d)
start=$SECONDS
run_scenario stock_linux_platform "$results"
wall=$((SECONDS - start))
cat "$results/stock_linux_platform.out"
status=$(cat "$results/stock_linux_platform.status")
rm -rf "$results"

# The times: the hypervisor's TSC stamps of /init's marker 1 (kernel entry to
# /init) and of the platform test's marker 3 (its last), in emulated time.
log=$LOG_DIR/stock_linux_platform.log
us_of() { tr -d '\r' <"$log" | sed -n "s/^hv: dom1 stock-linux: marker $1 at \\([0-9]*\\) us since first entry .*/\\1/p" | head -n1; }
secs() { [ -n "$1" ] && awk -v u="$1" 'BEGIN {printf "%.2f s", u / 1e6}' || echo "-"; }
echo "stock kernel: /init after $(secs "$(us_of 1)") emulated (kernel entry to marker 1), checks done after $(secs "$(us_of 3)"); ${wall}s wall for the whole boot"
echo "console: $log"
if [ "$status" != pass ]; then
	echo "the console's last lines:"
	tr -d '\r' <"$log" | tail -n 15 | awk '{print "  " $0}'
fi
if [ "$status" = pass ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
	exit 1
fi
