#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the emulators and the tests need,
# only those that are missing. Called by `make run` / `make test`; safe to rerun.
set -euo pipefail

PACKAGES=(
	gcc make binutils clang libcmocka-dev      # hypervisor + host unit tests
	libclang-rt-14-dev                         # ASan/UBSan and libFuzzer runtimes
	grub-common grub-pc-bin grub-efi-amd64-bin  # the hybrid BIOS + UEFI image
	xorriso mtools                              # grub-mkrescue's ISO and FAT tools
	bochs bochsbios vgabios                     # the only VMX we can run here
	qemu-system-x86 ovmf                        # boot paths, UEFI, clean refusal
	acpica-tools                                # iasl: ACPI fixture checks
	python3                                     # tests/integration/serial_chat.py
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
