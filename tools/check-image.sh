#!/usr/bin/env bash
# Refuses an image GRUB would not boot: the multiboot2 header must be found
# in the first 32 KiB, and the entry point must be a physical address.
set -euo pipefail
elf=$1
if ! grub-file --is-x86-multiboot2 "$elf"; then
	echo "check-image: $elf has no valid multiboot2 header in its first 32 KiB" >&2
	exit 1
fi
entry=$(readelf -h "$elf" | awk '/Entry point/ {print $4}')
if (( entry >= 0x100000000 )); then
	echo "check-image: entry point $entry is not a physical address" >&2
	exit 1
fi
