#!/usr/bin/env bash
# `vg hook plan` with the definitions a hook sends on stdin: aliases are
# expanded into the planned text, function bodies are judged, in the
# default mode (always) and in auto. Classification only: nothing is run.
# Usage: VG_BIN=/path/to/vg plan_cli.sh
set -u
: "${VG_BIN:?VG_BIN must point at the vg binary}"
T=$(mktemp -d /tmp/vg-hooks-plan-XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" HOME="$T"
mkdir -p "$T/config/vg"
fail=0
n=0

# plan SHELL LINE RECORD...: the plan's output; stdin = names, NUL, records
# (each argument is one NUL-terminated field).
plan() {
  local shell=$1 line=$2
  shift 2
  { printf 'cd\necho\nf\ng\nh\n\0'; for field in "$@"; do printf '%s\0' "$field"; done; } |
    "$VG_BIN" hook plan --shell "$shell" --names - -- "$line" 2>"$T/stderr"
}

# expect WHAT VERDICT TEXT -- SHELL LINE RECORD...: the plan's first line is
# VERDICT and, when TEXT is not empty, the line to run is TEXT.
expect() {
  local what=$1 verdict=$2 text=$3 out first
  shift 4
  n=$((n + 1))
  out=$(plan "$@")
  first=${out%%$'\n'*}
  if [[ $first != "$verdict" ]]; then
    echo "not ok $n - $what: verdict '$first', expected '$verdict'"
    printf '%s\n' "$out" | sed -e 's/^/# /'
    fail=1
  elif [[ -n $text && $out != *$'\n'"$text" ]]; then
    echo "not ok $n - $what: text is not '$text'"
    printf '%s\n' "$out" | sed -e 's/^/# /'
    fail=1
  else
    echo "ok $n - $what"
  fi
}

MKFS='mkfs.ext4 /dev/vg-test-none'
BODY_MKFS=$'f () \n{ \n    '"$MKFS"$'\n}'
BODY_SAFE=$'f () \n{ \n    VGSET=7;\n    cd /tmp\n}'
BODY_CALLS=$'g () \n{ \n    echo start;\n    f\n}'
BODY_DOCKER=$'h () \n{ \n    docker run --rm alpine\n}'

echo "# default config (sandbox.mode: always)"
expect "a function without findings runs natively" native "" -- bash "f" function f "$BODY_SAFE"
expect "a function running a refused command is refused" refuse "" -- bash "cd /tmp && f" function f "$BODY_MKFS"
expect "a function calling it is refused" refuse "" -- bash "g" function g "$BODY_CALLS" function f "$BODY_MKFS"
expect "a function that is not called is not judged" native "" -- bash "echo f" function f "$BODY_MKFS"
expect "an alias of a refused command is refused" refuse "" -- bash "x" alias x "$MKFS"
expect "an alias inside quotes is not expanded" native "" -- bash "echo 'x'" alias x "$MKFS"
expect "an escaped alias is not expanded (it is a program, through vg)" wrap "vg exec -- \\x" -- bash "\\x" alias x "$MKFS"
expect "an alias of an external command is wrapped, expanded" wrap "vg exec -- ls -l /tmp" -- bash "ll /tmp" alias ll "ls -l"
expect "an alias left in its own value is escaped in the rewrite" wrap "\\cd -P /tmp && vg exec -- ls" \
  -- zsh "cd /tmp && ls" alias cd "cd -P"
expect "an alias with a trailing blank expands the next word" refuse "" \
  -- bash "sudo x" alias sudo "sudo " alias x "$MKFS"
expect "a zsh function body (sent bare) is judged" refuse "" -- zsh "f" function f $'\t'"$MKFS"
expect "a fish function in fish syntax without findings runs natively" native "" \
  -- fish "f" function f $'# Defined in - @ line 1\nfunction f\n    if test -d /tmp\n        set -g x 1\n    end\nend'
expect "a fish function running a refused command is refused" refuse "" \
  -- fish "f" function f $'function f\n    '"$MKFS"$'\nend'
expect "malformed records are ignored" native "" -- bash "cd /tmp" widget w x alias
expect "an alias named vg is never expanded" native "" -- bash "vg exec -- true" alias vg "$MKFS"

printf 'sandbox:\n  mode: auto\n  risk_threshold: {low: host, medium: ask, high: ask}\n' >"$T/config/vg/config.yaml"
echo "# mode auto, medium: ask"
expect "a function with a medium finding asks" ask "" -- bash "h" function h "$BODY_DOCKER"
printf 'sandbox:\n  mode: auto\n  risk_threshold: {low: host, medium: sandbox, high: sandbox}\n' >"$T/config/vg/config.yaml"
echo "# mode auto, medium: sandbox"
expect "a function whose body must go to the sandbox is refused" refuse "" -- bash "h" function h "$BODY_DOCKER"

# The refusal names the function, on stderr-bound message lines.
out=$(plan bash "f" function f "$BODY_MKFS")
n=$((n + 1))
if [[ $out == *"function 'f' runs a refused command"* ]]; then echo "ok $n - the refusal names the function"; else
  echo "not ok $n - the refusal names the function"
  fail=1
fi
exit $fail
