#!/usr/bin/env bash
# Builds the Linux guest from Debian 12's own packages: a tinyconfig-based
# kernel (config.fragment) from linux-source-6.1 and a busybox initramfs with
# /init, the test scripts and hvprobe.
#   guest/linux/build.sh [OUTDIR]      (default OUTDIR: <repo>/build/guest/linux)
# Writes OUTDIR/{bzImage,vmlinux,initramfs.cpio.gz,config,System.map}. The
# kernel is built in ${HV_LINUX_CACHE:-~/.cache/hv-linux}/<key>/, <key> hashing
# the linux-source version, config.fragment and this script, so a repeat run
# only rebuilds the initramfs (seconds). The newest HV_LINUX_CACHE_KEEP (2)
# kernel trees are kept. Installs missing packages (apt-get, as root or sudo).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$(mkdir -p "${1:-$REPO/build/guest/linux}" && cd "${1:-$REPO/build/guest/linux}" && pwd)
CACHE_ROOT=${HV_LINUX_CACHE:-${HOME:-/root}/.cache/hv-linux}
CACHE_KEEP=${HV_LINUX_CACHE_KEEP:-2}
SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
JOBS=$(nproc)
# Timestamps inside the initramfs, so the same inputs give the same archive.
EPOCH=${SOURCE_DATE_EPOCH:-0}
# The kernel's own make must not see an outer make's flags or jobserver, nor
# kbuild settings meant for some other tree.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL KBUILD_OUTPUT KCONFIG_CONFIG CROSS_COMPILE
START=$SECONDS

say() { echo "linux: $*"; }
die() { echo "linux: error: $*" >&2; exit 1; }

# --- packages ---------------------------------------------------------------
# linux-source-6.1: the kernel; busybox-static: the userland; bc bison flex
# libelf-dev (objtool) gcc make: the kernel build; lz4: KERNEL_LZ4; xz-utils:
# the source tarball; libc6-dev: the static hvprobe. No libssl-dev (no module
# signing, no certificates) and no cpio (gen_init_cpio writes the archive).
PACKAGES=(linux-source-6.1 busybox-static bc bison flex libelf-dev gcc make lz4 xz-utils
	libc6-dev)
install_missing() {
	local missing=() p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case $status in ii*) ;; *) missing+=("$p") ;; esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
install_missing
[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL is missing (package linux-source-6.1)"

# --- the kernel, cached -------------------------------------------------------
SRC_VERSION=$(dpkg-query -W -f='${Version}' linux-source-6.1)
KEY=$( { echo "linux-source-6.1 $SRC_VERSION"; cat "$HERE/config.fragment" "$HERE/build.sh"; } |
	sha256sum | cut -c1-16)
KEYDIR=$CACHE_ROOT/$KEY
KSRC=$KEYDIR/linux-source-6.1
KOUT=$KEYDIR/out
LOG=$KEYDIR/build.log
mkdir -p "$KEYDIR"
# One build per key at a time (two makes may ask for the guest at once).
exec 9>"$KEYDIR/.lock"
flock 9

# Runs a step with its output in the log; on failure shows the log's tail.
run_logged() {
	if ! "$@" >>"$LOG" 2>&1; then
		echo "linux: error: '$*' failed; last lines of $LOG:" >&2
		tail -n 40 "$LOG" >&2
		exit 1
	fi
}

# Every CONFIG_X=v line of the fragment must be in the final .config as it is,
# and every "# CONFIG_X is not set" line must not be set there: a dependency
# that silently dropped or forced an option fails the build, naming it.
verify_config() {
	local frag=$1 cfg=$2 bad=() line name got
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			name=${line%%=*}
			if ! grep -qxF "$line" "$cfg"; then
				got=$(grep -E "^$name=|^# $name is not set" "$cfg" || echo "absent")
				bad+=("$line (final .config: $got)")
			fi
			;;
		"# CONFIG_"*" is not set")
			name=${line#\# }
			name=${name%% *}
			if got=$(grep -E "^$name=" "$cfg"); then
				bad+=("$name off (final .config: $got)")
			fi
			;;
		esac
	done <"$frag"
	if [ ${#bad[@]} -ne 0 ]; then
		echo "linux: error: config.fragment options not in the final .config:" >&2
		printf '  %s\n' "${bad[@]}" >&2
		echo "  (a missing dependency, or a select/def_bool that forces it; see $cfg)" >&2
		exit 1
	fi
}

build_kernel() {
	: >"$LOG"
	if [ ! -f "$KEYDIR/.unpacked" ]; then
		say "unpacking linux-source-6.1 $SRC_VERSION into $KEYDIR"
		rm -rf "$KSRC"
		run_logged tar -xJf "$SRC_TARBALL" -C "$KEYDIR"
		touch "$KEYDIR/.unpacked"
	fi
	say "configuring: tinyconfig + config.fragment"
	local kmake=(make -C "$KSRC" ARCH=x86_64 -j"$JOBS")
	run_logged "${kmake[@]}" tinyconfig
	(cd "$KSRC" && run_logged ./scripts/kconfig/merge_config.sh -m .config "$HERE/config.fragment")
	run_logged "${kmake[@]}" olddefconfig
	verify_config "$HERE/config.fragment" "$KSRC/.config"
	say "building bzImage + vmlinux with -j$JOBS (log: $LOG)"
	local t0=$SECONDS
	run_logged "${kmake[@]}" bzImage vmlinux
	say "kernel built in $((SECONDS - t0)) s"
	rm -rf "$KOUT"
	mkdir -p "$KOUT"
	cp "$KSRC/arch/x86/boot/bzImage" "$KSRC/vmlinux" "$KSRC/System.map" "$KOUT/"
	# The kernel's own cpio writer, for the initramfs (device nodes without root).
	run_logged gcc -O2 -o "$KOUT/gen_init_cpio" "$KSRC/usr/gen_init_cpio.c"
	cp "$KSRC/.config" "$KOUT/config"
	touch "$KOUT/.complete"
}

if [ -f "$KOUT/.complete" ]; then
	say "kernel: cache hit ($KEYDIR)"
else
	build_kernel
fi
touch "$KEYDIR"
exec 9>&-

# Drop all but the newest CACHE_KEEP kernel trees (each is about 1.5 GB).
prune_cache() {
	local old
	old=$(find "$CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
		sort -rn | tail -n +"$((CACHE_KEEP + 1))" | cut -d' ' -f2-)
	[ -z "$old" ] && return 0
	while IFS= read -r dir; do
		# Not one that another build.sh is using right now.
		flock -n "$dir/.lock" true 2>/dev/null || continue
		say "pruning old kernel cache $dir"
		rm -rf "$dir"
	done <<<"$old"
}
prune_cache

# --- the initramfs ------------------------------------------------------------
STAGE=$OUT/initramfs.d
rm -rf "$STAGE"
mkdir -p "$STAGE/tests"
readelf -l /bin/busybox | grep -q INTERP && die "/bin/busybox is not static (install busybox-static)"
gcc -std=c11 -static -Os -s -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
	-Wl,--gc-sections -o "$STAGE/hvprobe" "$HERE/hvprobe.c"
cp /bin/busybox "$STAGE/busybox"
cp "$HERE/init" "$STAGE/init"
cp "$HERE"/tests/*.sh "$STAGE/tests/"
find "$STAGE" -exec touch -h -d "@$EPOCH" {} +

# The applets /bin links to: what /init and the tests run, and a small
# interactive toolbox.
APPLETS="[ [[ awk basename cat chmod clear cp cttyhack cut date dd df dirname dmesg
	echo env expr false find free grep head hexdump hwclock kill less ln ls mkdir
	mknod mount mv poweroff printf ps pwd readlink reboot rm rmdir sed seq setsid sh
	sleep sort stat stty sync tail tee test time timeout top touch tr true tty umount
	uname uniq uptime vi watch wc xargs"
{
	echo "# generated by guest/linux/build.sh for usr/gen_init_cpio"
	for d in /bin /dev /etc /etc/hvtests /proc /sys /tmp /root; do
		echo "dir $d 0755 0 0"
	done
	# The kernel opens /dev/console before /init runs: it must be in the archive.
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /init $STAGE/init 0755 0 0"
	echo "file /bin/busybox $STAGE/busybox 0755 0 0"
	echo "file /bin/hvprobe $STAGE/hvprobe 0755 0 0"
	for a in $APPLETS; do
		echo "slink /bin/$a busybox 0777 0 0"
	done
	for t in "$STAGE"/tests/*.sh; do
		echo "file /etc/hvtests/${t##*/} $t 0755 0 0"
	done
} >"$STAGE/list"
"$KOUT/gen_init_cpio" -t "$EPOCH" "$STAGE/list" | gzip -9 -n >"$STAGE/initramfs.cpio.gz"

# --- outputs --------------------------------------------------------------------
cp "$KOUT/bzImage" "$KOUT/vmlinux" "$KOUT/System.map" "$KOUT/config" "$OUT/"
mv "$STAGE/initramfs.cpio.gz" "$OUT/initramfs.cpio.gz"
rm -rf "$STAGE"
size() { stat -c %s "$OUT/$1"; }
say "bzImage $(size bzImage) B, vmlinux $(size vmlinux) B, initramfs.cpio.gz $(size initramfs.cpio.gz) B"
say "done in $((SECONDS - START)) s -> $OUT"
