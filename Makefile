# Build, image, run and test the hypervisor. `make help` lists the targets.
# Every target that needs packages calls tools/setup.sh first, which installs
# only what is missing (Debian 12).

BUILD   := build
CC      := gcc
HOSTCC  ?= clang
EMU     ?=
CPUS    ?=

# --- the hypervisor ----------------------------------------------------------
KCFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-fcf-protection=none -fno-strict-aliasing -I. -MMD -MP
KASFLAGS := $(filter-out -std=c11,$(KCFLAGS)) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -static -no-pie -Wl,-T,linker.ld -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--build-id=none

KSRCS := $(shell find boot arch hv drivers -name '*.c' -o -name '*.S' | sort)
KOBJS := $(patsubst %,$(BUILD)/k/%.o,$(KSRCS))

.PHONY: all hv iso run test unit integration bench setup clean help guests FORCE
all: hv
hv: $(BUILD)/hv.elf

$(BUILD)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(KOBJS) linker.ld
	@echo "  LD      $@"
	@$(CC) $(KCFLAGS) $(KLDFLAGS) -o $@ $(KOBJS) -lgcc
	@tools/check-image.sh $@

include guest/guest.mk
include guest/linux/linux.mk

# --- the bootable image --------------------------------------------------------
iso: $(BUILD)/hv.iso
# The domains `make iso` packs and runs, in order (DOMAINS="a.cfg b.cfg"):
# by default one Linux domain with a shell on its console.
DOMAINS ?= guest/linux/linux.cfg
# The Linux guest is built only when a domain needs it.
DOMAINS_LINUX := $(if $(filter guest/linux/%,$(DOMAINS)),$(LINUX_FILES))
$(BUILD)/hv.iso: $(BUILD)/hv.elf tools/mkiso.sh $(GUEST_BINS) $(DOMAINS_LINUX) $(DOMAINS) FORCE
	@tools/mkiso.sh --guest-dir $(GUEST_DIR) $@ $(BUILD)/hv.elf $(DOMAINS)

# Every test domain, for the integration boots (they choose with domains=).
TEST_ISO := $(BUILD)/hv-test.iso
LINUX_CONFIGS := $(sort $(wildcard guest/linux/*.cfg))
$(TEST_ISO): $(BUILD)/hv.elf tools/mkiso.sh $(GUEST_BINS) $(GUEST_CONFIGS) $(LINUX_FILES) $(LINUX_CONFIGS)
	@tools/mkiso.sh --guest-dir $(GUEST_DIR) $@ $(BUILD)/hv.elf $(GUEST_CONFIGS) $(LINUX_CONFIGS)
FORCE:

run: $(BUILD)/.setup-run
	$(MAKE) iso
	tools/hvrun $(if $(EMU),--emu $(EMU)) $(if $(CPUS),--cpus $(CPUS)) --interactive

$(BUILD)/.setup-run $(BUILD)/.setup-test:
	@mkdir -p $(BUILD)
	tools/setup.sh
	@touch $(BUILD)/.setup-run $(BUILD)/.setup-test

# --- tests -----------------------------------------------------------------------
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
UNIT_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -I. \
	-DHV_HOST_TEST -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_BINS := $(patsubst %,$(BUILD)/unit/test_%,$(UNIT_TESTS))
# Any header may change what a test compiles to: rebuild on all of them.
UNIT_HEADERS := $(shell find hv arch drivers include tests -name '*.h')

define unit_rule
$(BUILD)/unit/test_$(1): tests/unit/test_$(1).c $$($(1)_SRCS) $(UNIT_HEADERS) | $(BUILD)/.setup-test
	@mkdir -p $$(dir $$@)
	$$(HOSTCC) $$(UNIT_CFLAGS) -o $$@ tests/unit/test_$(1).c $$($(1)_SRCS) -lcmocka
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)
	tests/run-tests.sh --unit $(UNIT_BINS)

integration: $(BUILD)/.setup-test
	$(MAKE) iso $(TEST_ISO)
	tests/run-tests.sh --integration

test: $(BUILD)/.setup-test
	$(MAKE) $(UNIT_BINS) iso $(TEST_ISO)
	tests/run-tests.sh --unit $(UNIT_BINS) --fuzz --integration

bench: $(BUILD)/.setup-test
	$(MAKE) iso $(TEST_ISO)
	tools/bench.sh

# Slow boots kept out of `make test` (minutes each): Debian's stock kernel.
.PHONY: test-slow
test-slow: $(BUILD)/.setup-test
	$(MAKE) $(BUILD)/hv.elf linux-guest
	tools/test-slow.sh

setup:
	tools/setup.sh

clean:
	rm -rf $(BUILD)

help:
	@echo "make          build build/hv.elf"
	@echo "make iso      build build/hv.iso (BIOS + UEFI GRUB image)"
	@echo "make run      boot it in an emulator (EMU=qemu|bochs|kvm, CPUS=N): a Linux shell"
	@echo "make linux-guest  build the Linux guest (guest/linux/, cached in ~/.cache/hv-linux)"
	@echo "make test     unit + integration tests; last line 'N passed, M failed'"
	@echo "make test-slow  Debian's stock kernel under the hypervisor in Bochs (minutes)"
	@echo "make bench    boot-time measurements"

-include $(shell find $(BUILD)/k -name '*.d' 2>/dev/null)
