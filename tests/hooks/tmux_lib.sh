# Helpers for driving a live interactive shell in a private tmux server.
# Sourced by live_*.sh. Every wait polls for a prompt sentinel or a text on
# the screen with a deadline; nothing relies on a fixed sleep.
# shellcheck shell=bash

: "${VG_BIN:?VG_BIN must point at the vg binary}"
T=$(mktemp -d /tmp/vg-hooks-XXXXXX)
SOCK="vg-hooks-$$-${RANDOM}"
PASS=0
FAIL=0
N=0  # the prompt counter the shell under test shows as "P<N>$ "

# require TOOL...: skip (exit 77) when a tool is missing, fail under CI=true.
require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null && continue
    if [[ ${CI-} == true ]]; then
      echo "not ok - $tool is required under CI=true"
      exit 1
    fi
    echo "# SKIP: $tool is not installed"
    exit 77
  done
}

tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

cleanup() {
  tm kill-server 2>/dev/null
  if ((FAIL == 0)); then rm -rf "$T" 2>/dev/null; else echo "# kept $T for inspection"; fi
}
trap cleanup EXIT

screen() { tm capture-pane -p -J -S -3000 -t t 2>/dev/null; }
last_line() { screen | sed -e 's/[[:space:]]*$//' -e '/^$/d' | tail -n 1; }

die() {
  echo "not ok - $*"
  echo "# --- screen ---"
  screen | sed -e '/^[[:space:]]*$/d' | tail -n 40 | sed -e 's/^/# /'
  FAIL=$((FAIL + 1))
  exit 1
}

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else FAIL=$((FAIL + 1)); echo "not ok - $what"; fi
}

# wait_until DESCRIPTION COMMAND...: poll COMMAND until it succeeds (15 s).
wait_until() {
  local what=$1 i
  shift
  for ((i = 0; i < 300; i++)); do
    "$@" && return 0
    sleep 0.05
  done
  die "timed out waiting for: $what"
}

last_is() { [[ "$(last_line)" == "$1" ]]; }
# The prompt may follow a "^C" echoed on the same line.
last_ends() { [[ "$(last_line)" == *"$1" ]]; }
screen_has() { screen | grep -qF -- "$1"; }
screen_count() { screen | grep -cF -- "$1"; }
count_at_least() { (($(screen_count "$1") >= $2)); }

# start_shell COMMAND...: run COMMAND in a clean environment inside tmux.
start_shell() {
  tm new-session -d -s t -x 200 -y 50 -- env -i \
    HOME="$T/home" TERM=xterm-256color LANG=C.UTF-8 \
    PATH="$T/shadow:$T/bin:/usr/local/bin:/usr/bin:/bin" \
    XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" XDG_DATA_HOME="$T/data" \
    XDG_CACHE_HOME="$T/cache" T="$T" "$@"
  N=1
  wait_until "first prompt" last_is "P1\$"
}

# type_line TEXT: type TEXT and Enter, wait for the next prompt.
type_line() {
  tm send-keys -t t -l -- "$1"
  tm send-keys -t t Enter
  N=$((N + 1))
  wait_until "prompt P$N after: $1" last_is "P$N\$"
}

# refused_line TEXT: type TEXT and Enter; vg must refuse it and keep it in
# the buffer; then clear the buffer.
refused_line() {
  local before
  before=$(screen_count "vg: refused")
  tm send-keys -t t -l -- "$1"
  tm send-keys -t t Enter
  wait_until "refusal of: $1" count_at_least "vg: refused" $((before + 1))
  wait_until "buffer kept after refusal of: $1" last_is "P$N\$ $1"
  tm send-keys -t t C-u
  wait_until "buffer cleared" last_is "P$N\$"
}

# refused_line_as TEXT BUFFER: like refused_line, but the buffer left for
# editing is BUFFER (the hook expanded something in it).
refused_line_as() {
  local before
  before=$(screen_count "vg: refused")
  tm send-keys -t t -l -- "$1"
  tm send-keys -t t Enter
  wait_until "refusal of: $1" count_at_least "vg: refused" $((before + 1))
  wait_until "buffer '$2' kept after refusal of: $1" last_is "P$N\$ $2"
  tm send-keys -t t C-u
  wait_until "buffer cleared" last_is "P$N\$"
}

# cont_line TEXT: type TEXT and Enter on an unfinished command; wait for PS2.
cont_line() {
  tm send-keys -t t -l -- "$1"
  tm send-keys -t t Enter
  wait_until "continuation prompt after: $1" last_is ">"
}

# The test's own stand-ins, first in PATH: a harmless "mkfs.ext4" that vg
# refuses by classification and a harmless "docker" that vg rates medium
# (container.run); each only leaves a marker if it ever ran.
setup_dirs() {
  mkdir -p "$T/home" "$T/config/vg" "$T/state" "$T/data" "$T/cache" "$T/shadow" "$T/bin" "$T/work/fn"
  cp "$VG_BIN" "$T/bin/vg" || { echo "not ok - cannot copy the vg binary $VG_BIN"; exit 1; }
  printf '#!/bin/sh\ntouch "%s/mkfs-ran"\n' "$T" >"$T/shadow/mkfs.ext4"
  printf '#!/bin/sh\ntouch "%s/docker-ran"\n' "$T" >"$T/shadow/docker"
  chmod +x "$T/shadow/mkfs.ext4" "$T/shadow/docker"
  printf 'sandbox:\n  mode: disabled\n  block_critical: true\n' >"$T/config-disabled.yaml"
  printf 'sandbox:\n  mode: auto\n  block_critical: true\n  runtime: mock\n  risk_threshold: {low: host, medium: ask, high: ask}\n' \
    >"$T/config-ask.yaml"
  cp "$T/config-disabled.yaml" "$T/config/vg/config.yaml"
}

# plan_is SHELL VERDICT LINE: `vg hook plan` gives VERDICT for LINE.
plan_is() {
  local first
  first=$(XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" \
    "$T/bin/vg" hook plan --shell "$1" -- "$3" </dev/null 2>/dev/null | head -n 1)
  [[ $first == "$2" ]]
}

# must_refuse SHELL LINE: stop before typing LINE unless vg refuses it.
must_refuse() {
  plan_is "$1" refuse "$2" || die "vg does not refuse '$2' by classification; not typing it"
}

audit_has() { [[ -f "$T/state/vg/audit.jsonl" ]] && grep -qF -- "$1" "$T/state/vg/audit.jsonl"; }
file_is() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }
no_file() { [[ ! -e "$1" ]]; }

# --- Scenarios every shell runs the same way -------------------------------

# scenario_refused_line SHELL: a refused `a; b; c` runs no part of it.
scenario_refused_line() {
  local line="touch $T/r1; mkfs.ext4 /dev/vg-test-none; touch $T/r2"
  must_refuse "$1" "$line"
  refused_line "$line"
  check "refused line: first part did not run" no_file "$T/r1"
  check "refused line: refused part did not run" no_file "$T/mkfs-ran"
  check "refused line: last part did not run" no_file "$T/r2"
  check "the refusal is in the audit log" audit_has "mkfs.ext4 /dev/vg-test-none"
}

# scenario_definitions SHELL: the rc file defined vgx (alias) and vgf
# (function) running the refused stand-in, vgg (function calling vgf),
# vgenv (alias of a harmless external; not for fish) and vgset (function changing the
# shell's own state).
scenario_definitions() {
  must_refuse "$1" "mkfs.ext4 /dev/vg-test-none"
  refused_line "vgx"
  check "an alias of a refused command is refused" no_file "$T/mkfs-ran"
  refused_line "echo before > $T/def-before && vgf"
  check "a function running a refused command is refused" no_file "$T/mkfs-ran"
  check "nothing of a line calling that function ran" no_file "$T/def-before"
  check "the refusal names the function" screen_has "function 'vgf'"
  refused_line "vgg"
  check "a function calling that function is refused" no_file "$T/mkfs-ran"
  if [[ $1 != fish ]]; then  # fish has no aliases (its `alias` makes a function)
    type_line "vgenv"
    check "an alias of an external command runs through vg exec" grep -qx VG_ACTIVE=1 "$T/env-alias"
  fi
  type_line "vgset; echo \"\$VGSET \$PWD\" > $T/o-func"
  check "a safe function runs natively in the shell" file_is "$T/o-func" "7 $T/work/fn"
  type_line "cd $T/work"
}

# scenario_ask SHELL: with medium commands routed to `ask`, a medium line
# asks on the terminal; n runs nothing and keeps the line, y runs it (vg
# exec then asks where, host or sandbox).
scenario_ask() {
  local line="docker run --rm vg-ask-test" before
  cp "$T/config-ask.yaml" "$T/config/vg/config.yaml"
  plan_is "$1" ask "$line" || die "vg does not route '$line' to ask; not typing it"
  before=$(screen_count "run it? [y/N]")
  tm send-keys -t t -l -- "$line"
  tm send-keys -t t Enter
  wait_until "the hook asks about: $line" count_at_least "run it? [y/N]" $((before + 1))
  tm send-keys -t t -l -- n
  wait_until "the line kept after n" last_is "P$N\$ $line"
  check "ask: n runs nothing" no_file "$T/docker-ran"
  check "ask: n says so" screen_has "vg: not run"
  tm send-keys -t t C-u
  wait_until "buffer cleared" last_is "P$N\$"
  before=$(screen_count "run it? [y/N]")
  tm send-keys -t t -l -- "$line"
  tm send-keys -t t Enter
  wait_until "the hook asks again" count_at_least "run it? [y/N]" $((before + 1))
  tm send-keys -t t -l -- y
  wait_until "vg exec asks where to run it" screen_has "run it on the [h]ost"
  tm send-keys -t t -l -- h
  tm send-keys -t t Enter
  N=$((N + 1))
  wait_until "prompt after the approved line" last_ends "P$N\$"
  check "ask: y runs the line" test -f "$T/docker-ran"
  check "ask: the approved run is in the audit log" audit_has "vg-ask-test"
  cp "$T/config-disabled.yaml" "$T/config/vg/config.yaml"
}

# scenario_nested SHELL EXPECTED: SHELL typed at the prompt runs through
# vg exec and does not hook again. $NESTED_ECHO (in SHELL's syntax) prints
# "hooked=... active=..."; the file it writes must read EXPECTED.
scenario_nested() {
  tm send-keys -t t -l -- "$1"
  tm send-keys -t t Enter
  wait_until "nested $1 prompt" last_is "P1\$"
  tm send-keys -t t -l -- "$NESTED_ECHO > $T/nested; exit"
  tm send-keys -t t Enter
  N=$((N + 1))
  wait_until "outer prompt after nested $1" last_is "P$N\$"
  check "a nested shell does not hook again" file_is "$T/nested" "$2"
}

# scenario_ctrl_c: Ctrl-C inside a wrapped command leaves the terminal as it was.
# The sleep's argument is unique to this run: another suite's sleep must
# not pass for ours.
scenario_ctrl_c() {
  local sleep_line="sleep 30.$$"
  type_line "stty -g > $T/stty1"
  tm send-keys -t t -l -- "$sleep_line"
  tm send-keys -t t Enter
  wait_until "sleep running" pgrep -f "^$sleep_line\$" >/dev/null
  tm send-keys -t t C-c
  N=$((N + 1))
  wait_until "prompt after Ctrl-C" last_ends "P$N\$"
  type_line "stty -g > $T/stty2"
  check "Ctrl-C in a wrapped command leaves stty -g unchanged" cmp -s "$T/stty1" "$T/stty2"
}

# scenario_off_on: `vg off` / `vg on` switch the hook for this shell.
scenario_off_on() {
  type_line "vg off"
  type_line "env > $T/env-off"
  type_line "vg on"
  type_line "env > $T/env-on"
  check "vg off: commands run natively" bash -c "! grep -q VG_ACTIVE '$T/env-off'"
  check "vg on: commands go through vg again" grep -qx VG_ACTIVE=1 "$T/env-on"
}

# scenario_missing: the binary disappears; one warning, the shell keeps working.
scenario_missing() {
  type_line "mv $T/bin/vg $T/bin/vg.away"
  type_line "touch $T/miss1"
  check "missing vg: the line still runs" test -f "$T/miss1"
  check "missing vg: a one-line warning" screen_has "is missing; commands run without vg"
  type_line "mv $T/bin/vg.away $T/bin/vg"
  type_line "env > $T/env-back"
  check "vg back: commands go through vg again" grep -qx VG_ACTIVE=1 "$T/env-back"
}

finish() {
  echo "# $PASS passed, $FAIL failed"
  ((FAIL == 0))
}
