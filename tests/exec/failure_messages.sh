#!/usr/bin/env bash
# Failures name their real cause: with `audit.required: true` vg does not run
# a command it cannot record (exit 77, and the command did not run), which a
# repository's .vg.yaml cannot waive; without it the run goes on with a
# warning. `vg log` says "empty" only where a log could have been written:
# on a read-only home it says that runs are not being recorded.
# Usage: failure_messages.sh VG_BIN
set -u
VG=${1:?usage: failure_messages.sh VG_BIN}
ROOT=$(mktemp -d /tmp/vg-failure-messages-XXXXXX)
FAILS=0
CASE=setup

fail() { echo "FAIL: $CASE: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $CASE: $*"; }

mkdir -p "$ROOT/ws/.git" "$ROOT/home" "$ROOT/config/vg"
: > "$ROOT/not-a-dir"
export HOME=$ROOT/home XDG_STATE_HOME=$ROOT/state XDG_CACHE_HOME=$ROOT/cache XDG_CONFIG_HOME=$ROOT/config
cd "$ROOT/ws" || exit 1
# The audit log where none can be made: under a regular file.
BAD_LOG=$ROOT/not-a-dir/audit.jsonl
config() { printf '%s\n' "$1" > "$ROOT/config/vg/config.yaml"; }

# run_case NAME ROUTE_MODE REQUIRED EXPECTED_CODE MARKER_EXPECTED
run_case() {
  CASE=$1
  config "sandbox: {mode: $2}
audit: {path: \"$BAD_LOG\", required: $3}"
  rm -f marker
  "$VG" exec -- touch marker </dev/null 2>"$ROOT/err"
  local code=$?
  if [ "$code" != "$4" ]; then
    fail "exit $code, expected $4: $(tr '\n' ' ' <"$ROOT/err")"
  elif [ "$5" = yes ] && [ ! -e marker ]; then
    fail "the command did not run"
  elif [ "$5" = no ] && [ -e marker ]; then
    fail "the command ran though it could not be recorded"
  elif ! grep -q "not-a-dir" "$ROOT/err"; then
    fail "the cause is not named: $(tr '\n' ' ' <"$ROOT/err")"
  else
    pass "exit $code; $(grep -m1 'not-a-dir' "$ROOT/err")"
  fi
}
run_case "audit.required, host route" disabled true 77 no
run_case "audit.required, sandbox route" always true 77 no
run_case "not required: a warning, and the command runs" disabled false 0 yes

CASE="a repository cannot waive audit.required"
config "sandbox: {mode: disabled}
audit: {path: \"$BAD_LOG\", required: true}"
printf 'audit:\n  required: false\n' > .vg.yaml
rm -f marker
"$VG" exec -- touch marker </dev/null 2>"$ROOT/err"
code=$?
if [ "$code" = 77 ] && [ ! -e marker ] && grep -q "ignoring audit.required" "$ROOT/err"; then
  pass "still refused, the repository's setting ignored"
else
  fail "exit $code, marker $( [ -e marker ] && echo made || echo absent): $(tr '\n' ' ' <"$ROOT/err")"
fi
rm -f .vg.yaml

CASE="audit.required with a writable log"
config "sandbox: {mode: disabled}
audit: {required: true}"
rm -f marker
"$VG" exec -- touch marker </dev/null 2>"$ROOT/err"
code=$?
if [ "$code" = 0 ] && [ -e marker ] && "$VG" log --json | grep -q '"command":"touch marker"'; then
  pass "ran and recorded"
else
  fail "exit $code: $(tr '\n' ' ' <"$ROOT/err")"
fi

CASE="vg log, nothing run yet"
config "sandbox: {mode: disabled}"
XDG_STATE_HOME=$ROOT/fresh-state "$VG" log >/dev/null 2>"$ROOT/err"
code=$?
if [ "$code" = 0 ] && grep -q "is empty (nothing has run through vg yet)" "$ROOT/err"; then
  pass "empty, exit 0"
else
  fail "exit $code: $(cat "$ROOT/err")"
fi

CASE="vg log on a read-only home"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  mkdir -p "$ROOT/ro-home"
  unshare -m bash -c "mount --bind '$ROOT/ro-home' '$ROOT/ro-home' && mount -o remount,bind,ro '$ROOT/ro-home' &&
    env -u XDG_STATE_HOME HOME='$ROOT/ro-home' '$VG' log" >/dev/null 2>"$ROOT/err"
  code=$?
  if [ "$code" = 70 ] && grep -q "read-only file system" "$ROOT/err" && ! grep -q "empty" "$ROOT/err"; then
    pass "exit 70: $(cat "$ROOT/err")"
  else
    fail "exit $code: $(cat "$ROOT/err")"
  fi
else
  echo "skipped: $CASE (needs root to mount a read-only home)"
fi

if [ "$FAILS" -gt 0 ]; then
  echo "$FAILS failure(s); files kept in $ROOT"
  exit 1
fi
rm -rf "$ROOT"
echo "all passed"
