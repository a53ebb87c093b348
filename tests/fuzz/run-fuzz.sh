#!/usr/bin/env bash
# Fuzzes one target (domain_config or x86emu) over a scratch copy of its seed
# corpus (never the repository's) and prints exactly one line,
# "ok:   fuzz TARGET (N runs)" or "FAIL: fuzz TARGET (...)".
#   tests/fuzz/run-fuzz.sh TARGET [SECONDS]     (default 20)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

target=${1:?usage: run-fuzz.sh TARGET [SECONDS]}
secs=${2:-20}
case $target in
domain_config) extra=(-max_len=4096 -dict=tests/fuzz/domain_config.dict) ;;
x86emu) extra=(-max_len=128) ;;
*) echo "FAIL: fuzz $target (no such target)"; exit 1 ;;
esac
bin=build/fuzz/fuzz_$target
work=build/fuzz/$target
log=$work/fuzz.log

rm -rf "$work"
mkdir -p "$work"
if ! make -s -f tests/fuzz/fuzz.mk "$bin" >"$work/build.log" 2>&1; then
	echo "FAIL: fuzz $target (build failed, see $work/build.log)"
	exit 1
fi
cp -r "tests/fuzz/corpus_$target" "$work/corpus"

# -timeout catches a hang in one input; the outer KILL is the backstop in
# case libFuzzer itself never returns.
timeout -s KILL $((secs + 70)) "$bin" -max_total_time="$secs" -seed=1 -timeout=10 "${extra[@]}" \
	-artifact_prefix="$work/" "$work/corpus" >"$log" 2>&1
rc=$?

runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n1)
if [ $rc -eq 0 ] && [ -n "$runs" ]; then
	echo "ok:   fuzz $target ($runs runs)"
	exit 0
fi
input=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | head -n1)
echo "FAIL: fuzz $target (exit $rc${input:+, input $input}, log $log)"
exit 1
