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

# The test's own stand-ins, first in PATH: a harmless "mkfs.ext4" that vg
# refuses by classification and that only leaves a marker if it ever ran.
setup_dirs() {
  mkdir -p "$T/home" "$T/config/vg" "$T/state" "$T/data" "$T/cache" "$T/shadow" "$T/bin" "$T/work"
  cp "$VG_BIN" "$T/bin/vg"
  cat >"$T/shadow/mkfs.ext4" <<EOF
#!/bin/sh
touch "$T/mkfs-ran"
EOF
  chmod +x "$T/shadow/mkfs.ext4"
  cat >"$T/config/vg/config.yaml" <<'EOF'
sandbox:
  mode: disabled
  block_critical: true
EOF
}

audit_has() { [[ -f "$T/state/vg/audit.jsonl" ]] && grep -qF -- "$1" "$T/state/vg/audit.jsonl"; }
file_is() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }
no_file() { [[ ! -e "$1" ]]; }

finish() {
  echo "# $PASS passed, $FAIL failed"
  ((FAIL == 0))
}
