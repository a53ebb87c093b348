#!/usr/bin/env bash
# Runs the unit test programs and the integration boots, and ends with the
# line "N passed, M failed" (", K skipped" when some could not run here).
#   tests/run-tests.sh [--unit BIN...] [--fuzz] [--integration [SCENARIO...]]
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0
unit_bins=() scenarios=() run_integration=0 run_fuzz=0
mode=""
for arg in "$@"; do
	case $arg in
	--unit) mode=unit ;;
	--integration) mode=integration; run_integration=1 ;;
	--fuzz) run_fuzz=1 ;;
	*) if [ "$mode" = unit ]; then unit_bins+=("$arg"); else scenarios+=("$arg"); fi ;;
	esac
done

# cmocka prints "[  PASSED  ] N test(s)." and, when some fail,
# "[  FAILED  ] N test(s), listed below:". A program that crashed before
# its summary (a sanitizer report, say) counts as one failure.
for bin in "${unit_bins[@]}"; do
	out=$("$bin" 2>&1)
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' <<<"$out" | tail -n1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:$/\1/p' <<<"$out" | tail -n1)
	p=${p:-0} f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "$out"
		echo "FAIL: unit $(basename "$bin") ($f failed)"
	else
		echo "ok:   unit $(basename "$bin") ($p tests)"
	fi
done

# Time-bounded fuzzing of the parsers that take untrusted input.
if [ $run_fuzz -eq 1 ]; then
	for target in domain_config x86emu; do
		if tests/fuzz/run-fuzz.sh $target; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	done
fi

if [ $run_integration -eq 1 ]; then
	source tests/integration/lib.sh
	source tests/integration/scenarios.sh
	[ ${#scenarios[@]} -gt 0 ] || mapfile -t scenarios < <(declare -F | awk '{print $3}' | sed -n 's/^scenario_//p')
	results=$(mktemp -d)
	jobs_max=$(nproc)
	for s in "${scenarios[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
		run_scenario "$s" "$results" &
	done
	wait
	for s in "${scenarios[@]}"; do
		cat "$results/$s.out"
		case $(cat "$results/$s.status") in
		pass) passed=$((passed + 1)) ;;
		skip) skipped=$((skipped + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done
	rm -rf "$results"
fi

summary="$passed passed, $failed failed"
[ $skipped -eq 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
