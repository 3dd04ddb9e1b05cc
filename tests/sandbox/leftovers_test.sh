#!/usr/bin/env bash
# Nothing of a sandboxed run outlives it, whatever kills vg: a vg killed by
# SIGKILL mid-run (restricted network and a memory limit, so that both a
# socket directory and a cgroup exist) leaves nothing once the next vg has
# run, and that next vg sweeps nothing a live run owns.
# Usage: leftovers_test.sh /path/to/vg
# Skips (exit 77) when the sandbox cannot start here; with CI=true that is a
# failure instead.
set -u
VG=${1:?usage: leftovers_test.sh VG_BIN}
ROOT=$(mktemp -d /tmp/vg-leftovers-XXXXXX)
# Where the restricted network's socket directories are made (socket_dir.hpp).
if [ "$(id -u)" = 0 ]; then
  if [ -d /run ] && [ "$(stat -c %u /run)" = 0 ]; then NET_BASE=/run/vg-net; else NET_BASE=/tmp/vg-net-0; fi
  NET_MODE=711
elif [ "${XDG_RUNTIME_DIR:-}" != "" ] && [ "${XDG_RUNTIME_DIR#/}" != "$XDG_RUNTIME_DIR" ]; then
  NET_BASE=$XDG_RUNTIME_DIR/vg/net
  NET_MODE=700
else
  NET_BASE=/tmp/vg-$(id -u)/net
  NET_MODE=700
fi
PIDNS=$(stat -Lc %i /proc/self/ns/pid)
FAILS=0
CASE=setup

fail() { echo "FAIL: $CASE: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $CASE: $*"; }
skip() {
  echo "skipped: $*"
  if [ "${CI:-}" = "true" ]; then echo "FAIL: CI=true requires this suite"; exit 1; fi
  exit 77
}

mkdir -p "$ROOT/ws/.git" "$ROOT/xdg/config/vg" "$ROOT/xdg/state" "$ROOT/home"
cat > "$ROOT/xdg/config/vg/config.yaml" <<'EOF'
sandbox:
  enable_cache: false
  network:
    mode: restricted
    allowed_hosts: [example.org]
  resources:
    memory: 256MiB
EOF
export XDG_CONFIG_HOME=$ROOT/xdg/config XDG_STATE_HOME=$ROOT/xdg/state HOME=$ROOT/home
cd "$ROOT/ws" || exit 1
# Sleeps of lengths no other process is likely to use, to find them by name.
KILLED_SLEEP=60.$$
LIVE_SLEEP=8.$$

# The run directories of vg process $1: its cgroups and its socket directory.
cgroups_of() { find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "vg-$1-*" 2>/dev/null; }
netdirs_of() { ls -d "$NET_BASE/$1-"* 2>/dev/null; }
leftovers_of() { cgroups_of "$1"; netdirs_of "$1"; }
# The processes still in the cgroups of vg process $1.
procs_in() {
  local d
  for d in $(cgroups_of "$1"); do cat "$d/cgroup.procs" 2>/dev/null; done
}
# Wait up to $2 tenths of a second for command $1 to succeed.
wait_for() {
  local i
  for ((i = 0; i < $2; i++)); do
    eval "$1" && return 0
    sleep 0.1
  done
  return 1
}
# Start `vg exec --sandbox -- sleep $1` in the background; its pid in VG_PID.
start_vg() {
  "$VG" exec --sandbox -- sleep "$1" < /dev/null > "$ROOT/out.$2" 2> "$ROOT/err.$2" &
  VG_PID=$!
}
cleanup() {
  [ -n "${LIVE_PID:-}" ] && kill -9 "$LIVE_PID" 2> /dev/null
  [ -n "${HOLDER:-}" ] && kill -9 "$HOLDER" 2> /dev/null
  wait 2> /dev/null
  rm -rf "${FAKE_LIVE:-/nonexistent}" "${FAKE_DEAD:-/nonexistent}"
  if [ $FAILS -eq 0 ]; then rm -rf "$ROOT"; else echo "kept test directory: $ROOT"; fi
}
trap cleanup EXIT

# --- can the sandbox run here at all?
"$VG" exec --sandbox -- true < /dev/null > /dev/null 2> "$ROOT/probe.err"
rc=$?
if [ $rc -ne 0 ]; then skip "the namespace sandbox does not start here (exit $rc): $(cat "$ROOT/probe.err")"; fi

# --- a vg killed mid-run
CASE=killed_mid_run
start_vg $KILLED_SLEEP killed
KILLED=$VG_PID
# The sandbox is set up once `sleep` runs in it.
wait_for "pgrep -f -x 'sleep $KILLED_SLEEP' > /dev/null" 300 ||
  fail "the sandboxed sleep never started: $(cat "$ROOT/err.killed")"
echo "while it ran: cgroups: $(echo $(cgroups_of $KILLED)); socket directory: $(echo $(netdirs_of $KILLED))"
if [ -z "$(cgroups_of $KILLED)" ]; then
  echo "note: no cgroup for this run (this user has none to use); the socket directories are still checked"
  if [ "$(id -u)" = 0 ]; then fail "as root, a run with a memory limit has a cgroup"; fi
fi
# A second run that stays alive through the sweep.
start_vg $LIVE_SLEEP live
LIVE_PID=$VG_PID
wait_for "pgrep -f -x 'sleep $LIVE_SLEEP' > /dev/null" 300 ||
  fail "the live run's sleep never started: $(cat "$ROOT/err.live")"
live_made=$(cgroups_of $LIVE_PID)
kill -9 $KILLED
{ wait $KILLED; } 2> /dev/null
# Its sandbox dies with it (PR_SET_PDEATHSIG); the kernel needs a moment to
# empty the cgroup, which cannot be removed before.
wait_for "[ -z \"\$(procs_in $KILLED)\" ]" 100 || fail "the killed vg's sandbox lives on: $(procs_in $KILLED)"
if pgrep -f -x "sleep $KILLED_SLEEP" > /dev/null; then fail "the killed vg's command still runs"; fi
echo "after the kill: $(echo $(leftovers_of $KILLED))"

# A socket directory of a vg killed before its sandbox was set up, which the
# launcher removes at that point: made by hand here (a dead pid's), and one
# of a live process that must stay.
DEAD=$(sh -c 'echo $$')
[ -d "$NET_BASE" ] || { mkdir -p -m 700 "$(dirname "$NET_BASE")" && mkdir -m $NET_MODE "$NET_BASE"; }
FAKE_DEAD="$NET_BASE/$DEAD-$PIDNS-DeAdXx"
sleep 120 &
HOLDER=$!
FAKE_LIVE="$NET_BASE/$HOLDER-$PIDNS-LiVeXx"
mkdir -m 700 "$FAKE_DEAD" "$FAKE_LIVE"
: > "$FAKE_DEAD/proxy.sock"
: > "$FAKE_LIVE/proxy.sock"

# --- the next run sweeps what the dead one left, and nothing live
CASE=next_run_sweeps
"$VG" exec --sandbox -- true < /dev/null > /dev/null 2> "$ROOT/err.next"
rc=$?
[ $rc -eq 0 ] || fail "the next run failed (exit $rc): $(cat "$ROOT/err.next")"
left=$(leftovers_of $KILLED)
if [ -n "$left" ]; then fail "the killed vg's run directories remain: $left"
else pass "nothing of the killed vg remains"; fi
if [ -e "$FAKE_DEAD" ]; then fail "a dead vg's socket directory remains: $FAKE_DEAD"
else pass "a dead vg's socket directory was swept"; fi
if [ ! -e "$FAKE_LIVE/proxy.sock" ]; then fail "a live process's socket directory was swept: $FAKE_LIVE"
else pass "a live process's socket directory was kept"; fi
for d in $live_made; do
  if [ ! -d "$d" ]; then fail "the live run's cgroup was swept: $d"; fi
done

# --- the live run was not disturbed and cleans up after itself
CASE=live_run
wait $LIVE_PID
rc=$?
LIVE=$LIVE_PID
LIVE_PID=
if [ $rc -ne 0 ]; then fail "the live run failed (exit $rc): $(cat "$ROOT/err.live")"
elif [ -n "$(leftovers_of $LIVE)" ]; then fail "the live run left $(leftovers_of $LIVE)"
else pass "it ran to the end and left nothing"; fi

# --- a run that ends normally leaves nothing either
CASE=normal_run
"$VG" exec --sandbox -- true < /dev/null > /dev/null 2> "$ROOT/err.normal" &
NORMAL=$!
wait $NORMAL
if [ -n "$(leftovers_of $NORMAL)" ]; then fail "a normal run left $(leftovers_of $NORMAL)"
else pass "nothing left"; fi

echo "$FAILS failed"
[ $FAILS -eq 0 ]
