# Helpers for integration scenarios: boot the image with tools/hvrun and
# check the console lines it printed. Sourced by tests/run-tests.sh.

LOG_DIR=${LOG_DIR:-build/test-logs}

# run_scenario NAME RESULTS_DIR: runs scenario_NAME with its console log in
# $LOG and records pass/fail/skip and the messages.
run_scenario() {
	local name=$1 results=$2 start=$SECONDS
	mkdir -p "$LOG_DIR"
	LOG="$LOG_DIR/$name.log"
	SCENARIO=$name
	: >"$LOG"
	local out status
	out=$( (set -e; "scenario_$name") 2>&1)
	case $? in
	0) status=pass ;;
	77) status=skip ;;
	*) status=fail ;;
	esac
	{
		[ $status = pass ] || [ -z "$out" ] || sed 's/^/      /' <<<"$out"
		case $status in
		pass) echo "ok:   boot $name ($((SECONDS - start))s)" ;;
		skip) echo "skip: boot $name" ;;
		*) echo "FAIL: boot $name (console: $LOG)" ;;
		esac
	} >"$results/$name.out"
	echo $status >"$results/$name.status"
}

# boot ARGS...: tools/hvrun with a hard timeout, console into $LOG.
# Fails when the emulator had to be killed: every scenario must end by itself.
boot() {
	local rc=0
	tools/hvrun --log "$LOG" "$@" >/dev/null 2>"$LOG.stderr" || rc=$?
	if [ $rc -eq 137 ]; then
		echo "the emulator did not stop by itself (killed by the timeout)"
		return 1
	fi
	if [ $rc -ne 0 ]; then
		echo "hvrun failed ($rc):"; cat "$LOG.stderr"
		return 1
	fi
}

skip() {
	echo "$*"
	exit 77
}

# The console with the emulator's noise (GRUB, firmware, CRs) taken out.
hv_lines() {
	tr -d '\r' <"$LOG" | grep -a '^hv: '
}

expect() {
	hv_lines | grep -Eq -- "$1" && return 0
	echo "expected a line matching: $1"
	return 1
}

expect_none() {
	hv_lines | grep -Eq -- "$1" || return 0
	echo "unexpected line: $(hv_lines | grep -E -- "$1" | head -n1)"
	return 1
}

expect_count() {
	local n
	n=$(hv_lines | grep -Ec -- "$1")
	[ "$n" -eq "$2" ] && return 0
	echo "expected $2 lines matching '$1', got $n"
	return 1
}

# expect_after A B: the hv: line right after the first one matching A matches B.
expect_after() {
	local next
	next=$(hv_lines | grep -EA1 -m1 -- "$1" | sed -n 2p)
	[[ $next =~ $2 ]] && return 0
	echo "after '$1' expected '$2', got '${next:-<nothing>}'"
	return 1
}

expect_last() {
	local last
	last=$(hv_lines | tail -n1)
	[[ $last =~ $1 ]] && return 0
	echo "expected the last line to match '$1', got '${last:-<nothing>}'"
	return 1
}

# value KEY: the number after KEY= in the first line that has it.
value() {
	hv_lines | grep -Eo -- "$1=[0-9]+" | head -n1 | cut -d= -f2
}
