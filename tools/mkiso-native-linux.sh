#!/usr/bin/env bash
# Builds a BIOS + UEFI GRUB image that boots a Linux kernel natively, without
# the hypervisor: GRUB's `linux` and `initrd` commands, the way a distribution
# boots it. tools/bench-linux.sh uses it for the native side of the Linux boot
# benchmark.
#
#   tools/mkiso-native-linux.sh --cmdline "ARGS" OUT.iso KERNEL INITRD
#
# The kernel and initrd become /boot/linux and /boot/initrd in the image.
set -euo pipefail

die() { echo "mkiso-native-linux: $*" >&2; exit 1; }
cmdline=""
[ "${1-}" = --cmdline ] && { cmdline=${2?}; shift 2; }
[ $# -eq 3 ] || die "usage: mkiso-native-linux.sh --cmdline ARGS OUT.iso KERNEL INITRD"
out=$1 kernel=$2 initrd=$3
case $cmdline in *[\"\$\\\;]*) die "the command line may not contain quotes, \$, ; or backslashes" ;; esac
[ -f "$kernel" ] || die "no kernel $kernel"
[ -f "$initrd" ] || die "no initrd $initrd"
for tool in grub-mkrescue xorriso mformat; do
	command -v "$tool" >/dev/null || die "$tool missing: run tools/setup.sh"
done

stage=$(mktemp -d)
mklog=$(mktemp)
trap 'rm -rf "$stage" "$mklog"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/linux"
cp "$initrd" "$stage/boot/initrd"
cat >"$stage/boot/grub/grub.cfg" <<-CFG
set timeout=0
set default=0
menuentry "linux" {
	linux /boot/linux $cmdline
	initrd /boot/initrd
	boot
}
CFG
mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$stage" >"$mklog" 2>&1 || {
	cat "$mklog" >&2
	exit 1
}
