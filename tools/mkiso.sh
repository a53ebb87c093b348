#!/usr/bin/env bash
# Builds the hybrid BIOS + UEFI GRUB image holding the hypervisor.
# usage: tools/mkiso.sh OUT.iso HV.elf [HYPERVISOR COMMAND LINE]
# (default command line: "loglevel=info"). tools/hvrun --cmdline uses the
# third argument to wrap the same hv.elf with another command line.
set -euo pipefail
out=$1
elf=$2
cmdline=${3:-loglevel=info}
case $cmdline in *[\"\$\\]*) echo "mkiso: the command line may not contain quotes, \$ or backslashes" >&2; exit 1 ;; esac

for tool in grub-mkrescue xorriso mformat; do
	command -v "$tool" >/dev/null || { echo "mkiso: $tool missing: run tools/setup.sh" >&2; exit 1; }
done
for dir in /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi; do
	[ -d "$dir" ] || { echo "mkiso: $dir missing (grub-pc-bin / grub-efi-amd64-bin): run tools/setup.sh" >&2; exit 1; }
done

stage=$(mktemp -d)
mklog=$(mktemp)
trap 'rm -rf "$stage" "$mklog"' EXIT
mkdir -p "$stage/boot/grub"
cp "$elf" "$stage/boot/hv.elf"
cat >"$stage/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
menuentry "hv" {
	multiboot2 /boot/hv.elf $cmdline
	boot
}
CFG

mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$stage" >"$mklog" 2>&1 || {
	cat "$mklog" >&2
	exit 1
}
[ -n "${MKISO_QUIET:-}" ] || echo "  ISO     $out"
