#!/usr/bin/env bash
# A closed stdout or stderr ends a run as it would end the command: on every
# route and backend, with the result cache on and off, `vg exec -- yes |
# head -1` and its kind exit 141 (SIGPIPE), or the command's own status when
# it ignores SIGPIPE, within a second; and a run whose output was cut short
# is never stored in the cache (a replay would repeat the cut).
# Usage: closed_pipes.sh VG_BIN [namespace|microvm]
# Skips (exit 77) when the backend cannot start here; with CI=true that is a
# failure instead.
set -u
VG=${1:?usage: closed_pipes.sh VG_BIN [namespace|microvm]}
BACKEND=${2:-namespace}
ROOT=$(mktemp -d /tmp/vg-closed-pipes-XXXXXX)
FAILS=0
CASE=setup

fail() { echo "FAIL: $CASE: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $CASE: $*"; }
skip() {
  echo "skipped: $*"
  if [ "${CI:-}" = "true" ]; then echo "FAIL: CI=true requires this suite"; exit 1; fi
  exit 77
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

mkdir -p "$ROOT/ws/.git" "$ROOT/home" "$ROOT/state" "$ROOT/cache"
export HOME=$ROOT/home XDG_STATE_HOME=$ROOT/state XDG_CACHE_HOME=$ROOT/cache
# The microVM's guest assets are shared with the other microVM tests.
[ -n "${MICROVM_DATA_HOME:-}" ] && export XDG_DATA_HOME=$MICROVM_DATA_HOME
config() {  # config NAME YAML: a config directory for one route
  mkdir -p "$ROOT/$1/vg"
  printf '%s\n' "$2" > "$ROOT/$1/vg/config.yaml"
}
config host 'sandbox: {mode: disabled}'
# The microVM's runs are not traced, and only the aggressive strategy stores
# an untraced run: without it the cache checks below could not fail there.
strategy=smart
[ "$BACKEND" = microvm ] && strategy=aggressive
config sandbox "sandbox: {mode: always, runtime: $BACKEND, cache_strategy: $strategy}"
cd "$ROOT/ws" || exit 1

if ! XDG_CONFIG_HOME=$ROOT/sandbox timeout 300 "$VG" exec --no-cache -- true </dev/null >/dev/null 2>"$ROOT/start.err"; then
  skip "the $BACKEND sandbox does not start here: $(tail -1 "$ROOT/start.err")"
fi
# What "within a second" is measured against: a run that ends by itself
# (the slowest of three: a microVM's start varies with the machine's load).
START_MS=0
for _ in 1 2 3; do
  t0=$(now_ms)
  XDG_CONFIG_HOME=$ROOT/sandbox "$VG" exec --no-cache -- true </dev/null >/dev/null 2>&1
  t=$(($(now_ms) - t0))
  [ "$t" -gt "$START_MS" ] && START_MS=$t
done
LIMIT_MS=$((START_MS + 1000))
echo "a plain run takes ${START_MS} ms; every case must end within ${LIMIT_MS} ms"

# check NAME ROUTE EXPECTED PIPELINE: run PIPELINE (a bash string where VG
# is the vg exec command line) with a 20 s safety net; it must end with
# EXPECTED as the status of its first command, within LIMIT_MS.
check() {
  CASE="$1 ($2)"
  local cfg=$ROOT/host flags=""
  case $2 in
    host) ;;
    cache) cfg=$ROOT/sandbox ;;
    no-cache) cfg=$ROOT/sandbox flags="--no-cache" ;;
  esac
  local start code elapsed
  start=$(now_ms)
  XDG_CONFIG_HOME=$cfg VGX="$VG exec $flags" timeout 20 bash -c "$4" </dev/null 2>"$ROOT/err"
  code=$?
  elapsed=$(($(now_ms) - start))
  if [ "$code" = 124 ]; then
    fail "still running after 20 s (the closed pipe did not end it); stderr: $(tail -2 "$ROOT/err")"
  elif [ "$code" != "$3" ]; then
    fail "exit $code, expected $3; stderr: $(tail -2 "$ROOT/err")"
  elif [ "$elapsed" -gt "$LIMIT_MS" ]; then
    fail "took $elapsed ms (limit $LIMIT_MS ms)"
  else
    pass "exit $code in $elapsed ms"
  fi
}

# What the command itself ends with when it ignores SIGPIPE, run bare.
IGNORING='trap "" PIPE; yes'
bash -c "sh -c '$IGNORING' 2>/dev/null | head -1 >/dev/null; exit \${PIPESTATUS[0]}"
IGNORING_CODE=$?

FIFO=$ROOT/fifo
mkfifo "$FIFO"
routes="cache no-cache"
[ "$BACKEND" = namespace ] && routes="host $routes"
for route in $routes; do
  check "yes | head -1" "$route" 141 '$VGX -- yes | head -1 >/dev/null; exit ${PIPESTATUS[0]}'
  check "yes | grep -q" "$route" 141 '$VGX -- yes | grep -q y; exit ${PIPESTATUS[0]}'
  check "cat /dev/zero | head -c 10" "$route" 141 '$VGX -- cat /dev/zero | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}'
  check "stderr closed" "$route" 141 '$VGX -- sh -c "yes >&2" 2>&1 >/dev/null | head -1 >/dev/null; exit ${PIPESTATUS[0]}'
  # A named FIFO is relayed by vg, not handed over (sandbox/stdio_relay.hpp).
  check "yes > fifo, reader leaves" "$route" 141 "(head -1 <'$FIFO' >/dev/null &); \$VGX -- yes >'$FIFO'"
  # The microVM's guest signals the command instead of closing its pipe: a
  # command that ignores SIGPIPE there is not covered (yet).
  if [ "$BACKEND" = namespace ]; then
    check "SIGPIPE ignored: its own status" "$route" "$IGNORING_CODE" \
      "\$VGX -- sh -c '$IGNORING' | head -1 >/dev/null; exit \${PIPESTATUS[0]}"
  fi
done

# vg's own lines to a closed stderr do not end vg before the commit and the
# audit record: the refusal is kept aside, the accepted write lands, and the
# run is in the log with the command's code.
for route in cache no-cache; do
  CASE="vg's report to a closed stderr ($route)"
  flags=""; [ "$route" = no-cache ] && flags=--no-cache
  rm -f .envrc landed
  XDG_CONFIG_HOME=$ROOT/sandbox timeout 20 "$VG" exec $flags -- sh -c 'echo x > .envrc; echo ok > landed; yes' </dev/null 2>&1 | head -1 >/dev/null
  code=${PIPESTATUS[0]}
  last=$(XDG_CONFIG_HOME=$ROOT/sandbox "$VG" log -n 1 --json)
  if [ "$code" != 141 ]; then
    fail "exit $code, expected 141"
  elif [ ! -e landed ] || [ -e .envrc ]; then
    fail "the commit did not finish: landed $( [ -e landed ] && echo yes || echo no), .envrc $( [ -e .envrc ] && echo landed || echo kept aside)"
  elif ! printf '%s' "$last" | grep -q '"exit_code":141' || ! printf '%s' "$last" | grep -q 'landed'; then
    fail "the run is not in the audit log: $last"
  else
    pass "exit 141, committed, recorded"
  fi
done
rm -f .envrc landed

# A run cut short is never stored: the next identical run prints everything.
export XDG_CONFIG_HOME=$ROOT/sandbox
last_hit() { "$VG" log -n 1 --json | grep -c '"cache_hit":true'; }
# First, that a complete run of this kind is stored and replayed here, or
# the check below could not fail.
CASE="a complete run is replayed"
for _ in 1 2; do lines=$("$VG" exec -- sh -c 'seq 1 300001; exit 0' </dev/null 2>/dev/null | wc -l); done
hits=$(last_hit)
if [ "$lines" = 300001 ] && [ "$hits" = 1 ]; then pass "replayed, 300001 lines"; else fail "lines $lines, hits $hits"; fi
CASE="cut short, not stored"
CMD=(sh -c 'seq 1 300000; exit 0')
"$VG" exec -- "${CMD[@]}" </dev/null 2>/dev/null | head -1 >/dev/null
lines=$("$VG" exec -- "${CMD[@]}" </dev/null 2>/dev/null | wc -l)
hits=$(last_hit)
if [ "$lines" != 300000 ]; then
  fail "the run after a cut-short one printed $lines lines, not 300000"
elif [ "$hits" != 0 ]; then
  fail "the run after a cut-short one was a cache hit"
else
  pass "the next run printed all 300000 lines and was not a replay"
fi

if [ "$FAILS" -gt 0 ]; then
  echo "$FAILS failure(s); files kept in $ROOT"
  exit 1
fi
rm -rf "$ROOT"
echo "all passed"
