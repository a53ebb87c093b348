#!/usr/bin/env bash
# Builds the hybrid BIOS + UEFI GRUB image: the hypervisor, and for each
# domain its configuration and the kernel/ramdisk files it names, all as
# multiboot2 boot modules.
#
#   tools/mkiso.sh [--cmdline "ARGS"] [--guest-dir DIR] OUT.iso HV.elf [DOMAIN.cfg...]
#   tools/mkiso.sh --rewrap IN.iso --cmdline "ARGS" OUT.iso
#   tools/mkiso.sh --native-linux --cmdline "ARGS" OUT.iso KERNEL INITRD
#
# A config's kernel/ramdisk paths name files in the image: "/guests/NAME" is
# taken from --guest-dir (default build/guest). Each config becomes module
# "/domains/FILE.cfg"; the default command line is
# "loglevel=info domains=/domains/a.cfg,/domains/b.cfg" (every domain given,
# in order). --rewrap makes a new image from IN.iso's hypervisor, modules and
# boot entry with another command line (tools/hvrun --cmdline uses it).
# --native-linux boots a Linux kernel without the hypervisor, through GRUB's
# `linux` and `initrd` as a distribution does (the native side of
# tools/bench-linux.sh); they become /boot/linux and /boot/initrd.
set -euo pipefail

cmdline="" guest_dir=build/guest rewrap="" native_linux=0
while [ $# -gt 0 ]; do
	case $1 in
	--cmdline) cmdline=$2; shift 2 ;;
	--guest-dir) guest_dir=$2; shift 2 ;;
	--rewrap) rewrap=$2; shift 2 ;;
	--native-linux) native_linux=1; shift ;;
	*) break ;;
	esac
done
die() { echo "mkiso: $*" >&2; exit 1; }
case $cmdline in *[\"\$\\\;]*) die "the command line may not contain quotes, \$, ; or backslashes (grub.cfg would read them)" ;; esac
for tool in grub-mkrescue xorriso mformat; do
	command -v "$tool" >/dev/null || die "$tool missing: run tools/setup.sh"
done

stage=$(mktemp -d)
mklog=$(mktemp)
trap 'rm -rf "$stage" "$mklog"' EXIT
mkdir -p "$stage/boot/grub"

# The value of KEY = "VALUE" in a config (what the hypervisor's parser reads).
cfg_value() {
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*[\"']\\([^\"']*\\)[\"'].*/\\1/p" "$2" | tail -n1
}

modules=()
if [ $native_linux -eq 1 ]; then
	[ $# -eq 3 ] || die "usage: --native-linux --cmdline ARGS OUT.iso KERNEL INITRD"
	out=$1
	[ -f "$2" ] || die "no kernel $2"
	[ -f "$3" ] || die "no initrd $3"
	cp "$2" "$stage/boot/linux"
	cp "$3" "$stage/boot/initrd"
elif [ -n "$rewrap" ]; then
	[ $# -eq 1 ] && [ -n "$cmdline" ] || die "usage: --rewrap IN.iso --cmdline ARGS OUT.iso"
	out=$1
	xorriso -osirrox on -indev "$rewrap" -extract /boot/hv.elf "$stage/boot/hv.elf" \
		-extract /boot/grub/grub.cfg "$stage/boot/grub/grub.orig" >/dev/null 2>&1 ||
		die "cannot read the hypervisor and grub.cfg from $rewrap"
	for dir in domains guests; do
		xorriso -osirrox on -indev "$rewrap" -extract /$dir "$stage/$dir" >/dev/null 2>&1 || true
	done
	mapfile -t modules < <(sed -n 's/^[[:space:]]*module2 \([^ ]*\) .*/\1/p' "$stage/boot/grub/grub.orig")
	rm "$stage/boot/grub/grub.orig"
else
	[ $# -ge 2 ] || die "usage: mkiso.sh [--cmdline ARGS] [--guest-dir DIR] OUT.iso HV.elf [DOMAIN.cfg...]"
	out=$1 elf=$2
	shift 2
	cp "$elf" "$stage/boot/hv.elf"
	domains=""
	for cfg in "$@"; do
		[ -f "$cfg" ] || die "no domain config $cfg"
		name=/domains/$(basename "$cfg")
		mkdir -p "$stage/domains"
		cp "$cfg" "$stage$name"
		modules+=("$name")
		domains="${domains:+$domains,}$name"
		for key in kernel ramdisk; do
			path=$(cfg_value "$key" "$cfg")
			[ -n "$path" ] || continue
			case $path in /guests/*) ;; *) die "$cfg: $key '$path' is not under /guests/" ;; esac
			[ -f "$guest_dir/${path#/guests/}" ] || die "$cfg: $key '$path': no $guest_dir/${path#/guests/}"
			mkdir -p "$(dirname "$stage$path")"
			if [ ! -f "$stage$path" ]; then
				cp "$guest_dir/${path#/guests/}" "$stage$path"
				modules+=("$path")
			fi
		done
	done
	[ -n "$cmdline" ] || cmdline="loglevel=info${domains:+ domains=$domains}"
fi

{
	echo "set timeout=0"
	echo "set default=0"
	if [ $native_linux -eq 1 ]; then
		echo 'menuentry "linux" {'
		echo "	linux /boot/linux $cmdline"
		echo "	initrd /boot/initrd"
	else
		echo 'menuentry "hv" {'
		echo "	multiboot2 /boot/hv.elf $cmdline"
		for m in "${modules[@]}"; do echo "	module2 $m $m"; done
	fi
	echo "	boot"
	echo "}"
} >"$stage/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$stage" >"$mklog" 2>&1 || {
	cat "$mklog" >&2
	exit 1
}
[ -n "${MKISO_QUIET:-}" ] || echo "  ISO     $out"
