# libFuzzer build of the domain configuration parser and `fuzz-smoke`, a short
# time-bounded run of it. Included by the top Makefile, or on its own:
#   make -f tests/fuzz/fuzz.mk fuzz-smoke

BUILD ?= build
# libFuzzer ships with clang only, whatever HOSTCC says.
FUZZCC ?= clang
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -I. -DHV_HOST_TEST \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz-smoke

$(BUILD)/fuzz/fuzz_domain_config: tests/fuzz/fuzz_domain_config.c hv/domain_config.c \
		hv/domain_config.h hv/format.c hv/format.h hv/types.h hv/string.h
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_domain_config.c hv/domain_config.c hv/format.c

fuzz-smoke: $(BUILD)/fuzz/fuzz_domain_config
	tests/fuzz/run-fuzz.sh domain_config

# The instruction emulator (hv/emul/x86emu*.c): `fuzz-x86emu` runs it for
# 20 seconds (tests/fuzz/run-fuzz.sh x86emu).
X86EMU_FUZZ_SRCS := hv/emul/x86emu.c hv/emul/x86emu_decode.c hv/emul/x86emu_alu.c \
	hv/emul/x86emu_mov.c hv/emul/x86emu_bt.c hv/emul/x86emu_string.c hv/format.c

.PHONY: fuzz-x86emu

$(BUILD)/fuzz/fuzz_x86emu: tests/fuzz/fuzz_x86emu.c $(X86EMU_FUZZ_SRCS) hv/emul/x86emu.h \
		hv/emul/x86emu_internal.h hv/format.h hv/types.h hv/string.h
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_x86emu.c $(X86EMU_FUZZ_SRCS)

fuzz-x86emu: $(BUILD)/fuzz/fuzz_x86emu
	tests/fuzz/run-fuzz.sh x86emu

# `make fuzz`: every target for FUZZ_SECONDS each (default 10 minutes).
FUZZ_SECONDS ?= 600
.PHONY: fuzz
fuzz:
	tests/fuzz/run-fuzz.sh domain_config $(FUZZ_SECONDS)
	tests/fuzz/run-fuzz.sh x86emu $(FUZZ_SECONDS)
