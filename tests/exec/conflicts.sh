#!/usr/bin/env bash
# A conflict is a change made on the host while the sandboxed command ran,
# never a write made just before vg started: 200 back-to-back runs of
# `echo old > f; vg exec -- sh -c 'echo new > f'` all land. A genuine
# concurrent change (in place, or a file replaced) is still caught and kept
# aside; and whenever vg keeps a change aside (conflict or refusal) a
# command that succeeded exits 73, while a failing one keeps its code.
# Usage: conflicts.sh VG_BIN
# Skips (exit 77) when the sandbox cannot start here; with CI=true that is a
# failure instead.
set -u
VG=${1:?usage: conflicts.sh VG_BIN}
ROOT=$(mktemp -d /tmp/vg-conflicts-XXXXXX)
FAILS=0
CASE=setup
KEPT_ASIDE=73  # config/exit_codes.hpp k_kept_aside

fail() { echo "FAIL: $CASE: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $CASE: $*"; }
skip() {
  echo "skipped: $*"
  if [ "${CI:-}" = "true" ]; then echo "FAIL: CI=true requires this suite"; exit 1; fi
  exit 77
}

mkdir -p "$ROOT/ws/.git" "$ROOT/home" "$ROOT/state" "$ROOT/cache" "$ROOT/config/vg"
export HOME=$ROOT/home XDG_STATE_HOME=$ROOT/state XDG_CACHE_HOME=$ROOT/cache XDG_CONFIG_HOME=$ROOT/config
printf 'sandbox: {mode: always}\n' > "$ROOT/config/vg/config.yaml"
cd "$ROOT/ws" || exit 1
if ! "$VG" exec --no-cache -- true </dev/null 2>"$ROOT/start.err"; then
  skip "the sandbox does not start here: $(tail -1 "$ROOT/start.err")"
fi

# The directory named by vg's "kept in DIR" line in file $1.
kept_in() { sed -n 's/.*; kept in \(.*\)$/\1/p' "$1" | tail -1; }

CASE="200 host writes, each just before a sandboxed write"
lost=0 codes=0
for i in $(seq 1 200); do
  # Every other round the file's times are looked at first, which makes the
  # kernel stamp the next write with its fine clock (multigrain timestamps).
  [ $((i % 2)) = 0 ] && stat f >/dev/null 2>&1
  echo old > f
  "$VG" exec --no-cache -- sh -c 'echo new > f' </dev/null 2>"$ROOT/err"
  code=$?
  if [ "$(cat f)" != new ]; then
    lost=$((lost + 1))
    [ "$lost" -le 3 ] && echo "  round $i: f is '$(cat f)': $(tr '\n' ' ' <"$ROOT/err")"
  fi
  [ "$code" != 0 ] && codes=$((codes + 1))
done
if [ "$lost" = 0 ] && [ "$codes" = 0 ]; then pass "200 of 200 landed, all exit 0"; else fail "$lost not landed, $codes not exit 0"; fi

CASE="the same through the result cache"
lost=0
for i in $(seq 1 50); do
  echo old > f
  "$VG" exec -- sh -c 'echo new > f' </dev/null 2>"$ROOT/err" || lost=$((lost + 1))
  [ "$(cat f)" = new ] || lost=$((lost + 1))
done
if [ "$lost" = 0 ]; then pass "50 of 50 landed"; else fail "$lost failed"; fi

# concurrent NAME HOST_CHANGE: the sandbox writes f after 1 s; the host makes
# HOST_CHANGE at 0.4 s. The host's version stays, the sandbox's is kept.
concurrent() {
  CASE="a concurrent host change ($1)"
  echo old > f
  "$VG" exec --no-cache -- sh -c 'sleep 1; echo new > f' </dev/null 2>"$ROOT/err" &
  local pid=$!
  sleep 0.4
  bash -c "$2"
  wait "$pid"
  local code=$? dir
  dir=$(kept_in "$ROOT/err")
  if [ "$(cat f)" != host ]; then
    fail "the host's change was overwritten: f is '$(cat f)'"
  elif ! grep -q "conflict: modified f" "$ROOT/err"; then
    fail "no conflict reported: $(tr '\n' ' ' <"$ROOT/err")"
  elif [ "$code" != "$KEPT_ASIDE" ]; then
    fail "exit $code, expected $KEPT_ASIDE"
  elif [ "$(cat "$dir/f" 2>/dev/null)" != new ]; then
    fail "the sandbox's version is not in the quarantine ($dir)"
  else
    pass "caught, exit $code, the sandbox's version kept in the quarantine"
  fi
}
concurrent "written in place" 'echo host > f'
concurrent "replaced by a rename" 'echo host > f.tmp && mv f.tmp f'

CASE="a refused write"
"$VG" exec --no-cache -- sh -c 'echo "export X=1" > .envrc' </dev/null 2>"$ROOT/err"
code=$?
if [ "$code" = "$KEPT_ASIDE" ] && [ ! -e .envrc ] && grep -q "refused" "$ROOT/err"; then
  pass "refused and kept aside, exit $code"
else
  fail "exit $code, .envrc $( [ -e .envrc ] && echo exists || echo absent): $(tr '\n' ' ' <"$ROOT/err")"
fi
CASE="a refused write of a failing command"
"$VG" exec --no-cache -- sh -c 'echo "export X=1" > .envrc; exit 3' </dev/null 2>"$ROOT/err"
code=$?
if [ "$code" = 3 ]; then pass "its own exit 3 kept"; else fail "exit $code, expected 3"; fi
CASE="a run that changes nothing it may not"
"$VG" exec --no-cache -- sh -c 'echo fine > g' </dev/null 2>"$ROOT/err"
code=$?
if [ "$code" = 0 ] && [ "$(cat g)" = fine ]; then pass "exit 0"; else fail "exit $code: $(tr '\n' ' ' <"$ROOT/err")"; fi

if [ "$FAILS" -gt 0 ]; then
  echo "$FAILS failure(s); files kept in $ROOT"
  exit 1
fi
rm -rf "$ROOT"
echo "all passed"
