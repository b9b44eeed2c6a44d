#!/bin/sh
# Smoke test of one tend executable, used as a user would: its version; a detached supervisor
# (start -d, status, stop); a foreground one ended by SIGTERM. Each supervisor runs a
# one-line Procfile in a private TEND_HOME.
#
#   scripts/smoke-test.sh dist/release/tend-0.1.0-linux-x64
#
# TEND_SMOKE_EMULATOR  runs the binary through a user-mode emulator, e.g. qemu-aarch64. The
#                      detached round is left out then: an emulated binary cannot start itself
#                      again (without binfmt_misc the kernel does not know its format), and
#                      qemu fakes /proc/self/stat, so the supervisor records a start time that
#                      other processes never see and `status` takes it for a stale one.
#
# Every round_* function is one check, listed in ROUNDS. Add a round for each new command
# (bg, ps, kill) rather than growing an existing one.

set -eu

if [ -n "${TEND_SMOKE_EMULATOR:-}" ]; then
	ROUNDS="version foreground"
else
	ROUNDS="version detached foreground"
fi

[ $# -eq 1 ] || {
	echo "usage: $0 path/to/tend" >&2
	exit 2
}
bin=$1
[ -x "$bin" ] || {
	echo "smoke: $bin is not an executable file" >&2
	exit 2
}

home=
fg_pid=
cleanup() {
	if [ -n "$fg_pid" ]; then
		kill "$fg_pid" 2>/dev/null || true
		wait "$fg_pid" 2>/dev/null || true
	fi
	if [ -n "$home" ]; then
		[ -n "${TEND_SMOKE_EMULATOR:-}" ] || tend stop >/dev/null 2>&1 || true
		rm -rf "$home"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() {
	echo "smoke: FAIL: $*" >&2
	for log in "$home/supervisor.log" "$home/foreground.log"; do
		if [ -n "$home" ] && [ -s "$log" ]; then
			echo "--- last lines of $log:" >&2
			tail -n 20 "$log" >&2
		fi
	done
	exit 1
}

tend() {
	if [ -n "${TEND_SMOKE_EMULATOR:-}" ]; then
		# shellcheck disable=SC2086 # the emulator may come with options of its own
		$TEND_SMOKE_EMULATOR "$bin" "$@"
	else
		"$bin" "$@"
	fi
}

# Like tend, in the background, with fg_pid the process itself so that it can be signalled.
tend_in_background() {
	if [ -n "${TEND_SMOKE_EMULATOR:-}" ]; then
		# shellcheck disable=SC2086
		$TEND_SMOKE_EMULATOR "$bin" "$@" >"$home/foreground.log" 2>&1 &
	else
		"$bin" "$@" >"$home/foreground.log" 2>&1 &
	fi
	fg_pid=$!
}

# Polls for up to $1 seconds until the rest of the arguments, run as a command, succeed.
wait_until() {
	tries=$(($1 * 5))
	shift
	while [ "$tries" -gt 0 ]; do
		if "$@"; then return 0; fi
		sleep 0.2
		tries=$((tries - 1))
	done
	return 1
}

# A private TEND_HOME with a project whose one process writes its pid; exec keeps that pid
# the process's own, so the checks after a stop look at the process itself.
new_home() {
	home=$(mktemp -d "${TMPDIR:-/tmp}/tend-smoke.XXXXXX")
	TEND_HOME=$home
	export TEND_HOME
	mkdir "$home/project"
	echo 'ticker: echo $$ > ticker.pid; exec sleep 300' >"$home/project/Procfile"
}

ticker_started() {
	[ -s "$home/project/ticker.pid" ]
}

ticker_running() {
	ticker_started && tend status 2>/dev/null | grep -q '^ticker  *running'
}

expect_ticker_ended() {
	pid=$(cat "$home/project/ticker.pid")
	if kill -0 "$pid" 2>/dev/null; then fail "the ticker (pid $pid) still runs after $1"; fi
}

end_home() {
	rm -rf "$home"
	home=
}

supervisor_supported() {
	case $(tend version --json) in
	*'"platform": "win32"'*)
		echo "skip: $1 (signals, process groups and unix sockets are not supported on Windows yet)"
		return 1
		;;
	esac
}

round_version() {
	out=$(tend --version) || fail "--version exited with $?"
	case $out in
	[0-9]*.[0-9]*.[0-9]*" ("*")") ;;
	*) fail "--version printed \"$out\", expected \"X.Y.Z (commit)\"" ;;
	esac
	info=$(tend version --json) || fail "version --json exited with $?"
	case $info in
	*'"target": "bun-'*) ;;
	*) fail "version --json has no compile target: $info" ;;
	esac
	echo "ok: --version: $out; $(echo "$info" | grep -E '"(platform|arch|target)"' | tr -d ' \n')"
}

round_detached() {
	supervisor_supported "start -d / status / stop" || return 0
	new_home
	tend start -d --dir "$home/project" >/dev/null || fail "start -d exited with $?"
	wait_until 20 ticker_running || fail "the ticker is not running after start -d: $(tend status 2>&1)"
	out=$(tend stop 2>&1) || fail "stop exited with $?: $out"
	case $out in
	*stopped*) ;;
	*) fail "stop said \"$out\"" ;;
	esac
	out=$(tend status 2>&1)
	case $out in
	*"not running"*) ;;
	*) fail "status after stop says \"$out\"" ;;
	esac
	expect_ticker_ended stop
	end_home
	echo "ok: start -d / status / stop (ticker pid $pid ended)"
}

round_foreground() {
	supervisor_supported "start / SIGTERM" || return 0
	new_home
	tend_in_background start --dir "$home/project"
	wait_until 30 ticker_started || fail "the ticker did not start under tend start"
	kill -TERM "$fg_pid"
	code=0
	wait "$fg_pid" || code=$?
	fg_pid=
	[ "$code" -eq 0 ] || fail "tend start exited with $code after SIGTERM"
	grep -q "supervisor stopped" "$home/foreground.log" || fail "tend start did not report its stop"
	expect_ticker_ended SIGTERM
	end_home
	echo "ok: start / SIGTERM (ticker pid $pid ended)"
}

for round in $ROUNDS; do
	"round_$round"
done
echo "smoke: all rounds passed for $bin"
