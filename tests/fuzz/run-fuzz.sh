#!/usr/bin/env bash
# Fuzzes the domain configuration parser for 20 seconds over a scratch copy of
# the seed corpus (never the repository's) and prints exactly one line,
# "ok:   fuzz domain_config (N runs)" or "FAIL: fuzz domain_config (...)".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

bin=build/fuzz/fuzz_domain_config
work=build/fuzz/domain_config
log=$work/fuzz.log

rm -rf "$work"
mkdir -p "$work"
if ! make -s -f tests/fuzz/fuzz.mk "$bin" >"$work/build.log" 2>&1; then
	echo "FAIL: fuzz domain_config (build failed, see $work/build.log)"
	exit 1
fi
cp -r tests/fuzz/corpus_domain_config "$work/corpus"

# -timeout catches a hang in one input; the outer KILL is the backstop in
# case libFuzzer itself never returns.
timeout -s KILL 90 "$bin" -max_total_time=20 -seed=1 -timeout=10 -max_len=4096 \
	-dict=tests/fuzz/domain_config.dict -artifact_prefix="$work/" "$work/corpus" >"$log" 2>&1
rc=$?

runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n1)
if [ $rc -eq 0 ] && [ -n "$runs" ]; then
	echo "ok:   fuzz domain_config ($runs runs)"
	exit 0
fi
input=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | head -n1)
echo "FAIL: fuzz domain_config (exit $rc${input:+, input $input}, log $log)"
exit 1
