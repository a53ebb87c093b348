# Test guests: freestanding 32-bit multiboot kernels, 64-bit ELF kernels and
# raw real-mode images, built into build/guest/ and packed into the image
# with their domain configurations (guest/tests/*.cfg).

GUEST_DIR := $(BUILD)/guest
GUEST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -mno-red-zone \
	-fno-asynchronous-unwind-tables -fcf-protection=none -Wno-unused-parameter \
	-Iguest/lib -Iguest/tests -I.
# Test guests are one flat segment each: text and data share pages on purpose.
GUEST_LDFLAGS := -z noexecstack --no-warn-rwx-segments
GUEST32 := hello32 memfill memscan badaccess triplefault halt exception hypercalls interrupts portsweep cpuidmsr exitbench straddle hcfuzz strio uart platform reset
GUEST64 := hello64 ctxfill ctxscan mmio
GUEST_BINS := $(patsubst %,$(GUEST_DIR)/%.elf,$(GUEST32) $(GUEST64)) $(GUEST_DIR)/realmode.bin \
	$(GUEST_DIR)/modewalk.bin
GUEST_CONFIGS := $(sort $(wildcard guest/tests/*.cfg))

$(GUEST_DIR)/obj32/%.o: guest/*/%.c $(wildcard guest/lib/*.h guest/tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC32    $<"
	@$(CC) -m32 $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/obj32/%.o: guest/lib/%.S
	@mkdir -p $(dir $@)
	@$(CC) -m32 $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/obj32/%.o: guest/lib/%.c $(wildcard guest/lib/*.h)
	@mkdir -p $(dir $@)
	@$(CC) -m32 $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/obj64/%.o: guest/*/%.c $(wildcard guest/lib/*.h guest/tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC64    $<"
	@$(CC) -m64 $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/obj64/%.o: guest/lib/%.S
	@mkdir -p $(dir $@)
	@$(CC) -m64 $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/obj64/%.o: guest/lib/%.c $(wildcard guest/lib/*.h)
	@mkdir -p $(dir $@)
	@$(CC) -m64 $(GUEST_CFLAGS) -c $< -o $@

GUEST_RUNTIME32 := $(patsubst %,$(GUEST_DIR)/obj32/%.o,start_mb32 hvtest exceptions exception_entry try ring3)
GUEST_RUNTIME64 := $(patsubst %,$(GUEST_DIR)/obj64/%.o,start64 hvtest exceptions exception_entry try)

$(patsubst %,$(GUEST_DIR)/%.elf,$(GUEST32)): $(GUEST_DIR)/%.elf: $(GUEST_DIR)/obj32/%.o $(GUEST_RUNTIME32) guest/lib/guest32.ld
	@echo "  LD32    $@"
	@ld $(GUEST_LDFLAGS) -m elf_i386 -T guest/lib/guest32.ld -o $@ $(GUEST_RUNTIME32) $<

$(patsubst %,$(GUEST_DIR)/%.elf,$(GUEST64)): $(GUEST_DIR)/%.elf: $(GUEST_DIR)/obj64/%.o $(GUEST_RUNTIME64) guest/lib/guest64.ld
	@echo "  LD64    $@"
	@ld $(GUEST_LDFLAGS) -m elf_x86_64 -z max-page-size=0x1000 -T guest/lib/guest64.ld -o $@ $(GUEST_RUNTIME64) $<

$(GUEST_DIR)/realmode.bin: guest/tests/realmode.S
	@mkdir -p $(dir $@)
	@echo "  AS16    $<"
	@$(CC) -m32 -c $< -o $(GUEST_DIR)/realmode.o
	@ld -m elf_i386 -Ttext=0 --oformat binary -o $@ $(GUEST_DIR)/realmode.o

# Linked where it runs: entered at 0000:8000, absolute addresses in every mode.
$(GUEST_DIR)/modewalk.bin: guest/tests/modewalk.S
	@mkdir -p $(dir $@)
	@echo "  AS16    $<"
	@$(CC) -m64 -c $< -o $(GUEST_DIR)/modewalk.o
	@ld -m elf_x86_64 -Ttext=0x8000 --oformat binary -o $@ $(GUEST_DIR)/modewalk.o

guests: $(GUEST_BINS)
.SECONDARY:
