# Helpers for integration scenarios: boot the image with tools/hvrun and
# check the console lines it printed. Sourced by tests/run-tests.sh.

LOG_DIR=${LOG_DIR:-build/test-logs}
# The image with every test domain (make build/hv-test.iso); scenarios pick
# domains with --cmdline "domains=...".
TEST_ISO=${TEST_ISO:-build/hv-test.iso}

# run_scenario NAME RESULTS_DIR: runs scenario_NAME with its console log in
# $LOG and records pass/fail/skip and the messages.
run_scenario() {
	local name=$1 results=$2 start=$SECONDS
	mkdir -p "$LOG_DIR"
	LOG="$LOG_DIR/$name.log"
	SCENARIO=$name
	: >"$LOG"
	rm -f "$LOG.retried"
	local out status
	out=$( (set -e; "scenario_$name") 2>&1)
	case $? in
	0) status=pass ;;
	77) status=skip ;;
	*) status=fail ;;
	esac
	if [ $status = fail ]; then
		# Keep the evidence: a later run of the same scenario overwrites $LOG.
		mkdir -p "$LOG_DIR/failed"
		cp "$LOG" "$LOG_DIR/failed/$name.log" 2>/dev/null || true
		cp "$LOG.stderr" "$LOG_DIR/failed/$name.stderr" 2>/dev/null || true
		cp "$LOG".*.out "$LOG".bochs.log "$LOG_DIR/failed/" 2>/dev/null || true
	fi
	{
		[ $status = pass ] || [ -z "$out" ] || sed 's/^/      /' <<<"$out"
		case $status in
		pass) echo "ok:   boot $name ($((SECONDS - start))s)$([ -f "$LOG.retried" ] && echo ", retried once: the first console was empty, logs in $LOG_DIR/failed/")" ;;
		skip) echo "skip: boot $name" ;;
		*) echo "FAIL: boot $name (console: $LOG)" ;;
		esac
	} >"$results/$name.out"
	echo $status >"$results/$name.status"
}

# boot ARGS...: tools/hvrun with a hard timeout, console into $LOG.
# Fails when the emulator had to be killed: every scenario must end by itself.
# A boot whose console stayed completely empty (hvrun status 1: not even the
# hypervisor's first line) is retried once. Bochs with clock: sync=none is
# deterministic, so a hypervisor bug would fail the retry too; this was seen
# twice in many runs, cause not yet known. The retry is reported on the
# scenario's line and the first attempt's logs are kept in failed/.
boot() {
	local rc=0
	tools/hvrun --log "$LOG" "$@" >/dev/null 2>"$LOG.stderr" || rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$LOG" ]; then
		mkdir -p "$LOG_DIR/failed"
		cp "$LOG.stderr" "$LOG_DIR/failed/$SCENARIO.empty-console.stderr"
		cp "$LOG".*.out "$LOG".bochs.log "$LOG_DIR/failed/" 2>/dev/null || true
		echo "empty console" >"$LOG.retried"
		rc=0
		tools/hvrun --log "$LOG" "$@" >/dev/null 2>"$LOG.stderr" || rc=$?
	fi
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
# Checks read it into a variable and grep a here-string: a reader that stops
# early (grep -q, grep -m1) inside a pipeline would kill the writer with
# SIGPIPE, which pipefail turns into a false failure on long logs.
hv_lines() {
	tr -d '\r' <"$LOG" | grep -a '^hv: ' || true
}

expect() {
	local lines
	lines=$(hv_lines)
	grep -Eq -- "$1" <<<"$lines" && return 0
	echo "expected a line matching: $1"
	return 1
}

expect_none() {
	local lines
	lines=$(hv_lines)
	grep -Eq -- "$1" <<<"$lines" || return 0
	echo "unexpected line: $(grep -E -- "$1" <<<"$lines" | head -n1)"
	return 1
}

expect_count() {
	local lines n
	lines=$(hv_lines)
	n=$(grep -Ec -- "$1" <<<"$lines" || true)
	[ "$n" -eq "$2" ] && return 0
	echo "expected $2 lines matching '$1', got $n"
	return 1
}

# expect_after A B: the hv: line right after the first one matching A matches B.
expect_after() {
	local lines next
	lines=$(hv_lines)
	next=$(grep -EA1 -m1 -- "$1" <<<"$lines" | sed -n 2p || true)
	[[ $next =~ $2 ]] && return 0
	echo "after '$1' expected '$2', got '${next:-<nothing>}'"
	return 1
}

expect_last() {
	local lines last
	lines=$(hv_lines)
	last=$(tail -n1 <<<"$lines")
	[[ $last =~ $1 ]] && return 0
	echo "expected the last line to match '$1', got '${last:-<nothing>}'"
	return 1
}

# value KEY: the number after KEY= in the first line that has it.
value() {
	local lines
	lines=$(hv_lines)
	grep -Eo -- "$1=[0-9]+" <<<"$lines" | head -n1 | cut -d= -f2 || true
}
