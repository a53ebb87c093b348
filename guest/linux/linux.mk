# The Linux guest: guest/linux/build.sh builds a kernel from Debian's
# linux-source-6.1 (cached outside the tree, ~/.cache/hv-linux) and a busybox
# initramfs into $(LINUX_OUT). Included by the top Makefile; other rules depend
# on $(LINUX_OUT)/bzImage and $(LINUX_OUT)/initramfs.cpio.gz. Needs GNU make
# 4.3 (grouped target: one build.sh run makes every file).

LINUX_OUT := $(GUEST_DIR)/linux
LINUX_FILES := $(addprefix $(LINUX_OUT)/,bzImage vmlinux initramfs.cpio.gz config System.map)
# Anything under guest/linux/, and the Debian inputs once installed (an upgrade
# of linux-source-6.1 or busybox-static rebuilds too).
LINUX_INPUTS := $(shell find guest/linux -type f) \
	$(wildcard /usr/src/linux-source-6.1.tar.xz /bin/busybox)

.PHONY: linux-guest
linux-guest: $(LINUX_FILES)

$(LINUX_FILES) &: $(LINUX_INPUTS)
	@guest/linux/build.sh $(LINUX_OUT)
