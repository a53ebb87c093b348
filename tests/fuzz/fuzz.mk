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
	tests/fuzz/run-fuzz.sh
