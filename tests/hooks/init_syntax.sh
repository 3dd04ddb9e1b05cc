#!/usr/bin/env bash
# `vg init SHELL` prints a hook that each shell parses, and shellcheck passes
# the bash one. Usage: VG_BIN=/path/to/vg init_syntax.sh
set -u
: "${VG_BIN:?VG_BIN must point at the vg binary}"
T=$(mktemp -d /tmp/vg-hooks-init-XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" HOME="$T"
fail=0
run() { # run DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fail=1; fi
}
for sh in bash zsh fish; do
  run "vg init $sh prints the hook" bash -c '"$1" init "$2" > "$3/init.$2" && test -s "$3/init.$2"' _ "$VG_BIN" "$sh" "$T"
  run "the $sh hook names the vg binary" grep -qF "$VG_BIN" "$T/init.$sh"
done
run "bash -n accepts the bash hook" bash -n "$T/init.bash"
run "zsh -n accepts the zsh hook" zsh -n "$T/init.zsh"
run "fish -n accepts the fish hook" fish -n "$T/init.fish"
run "shellcheck passes the bash hook" shellcheck -s bash "$T/init.bash"
run "an unknown shell is a usage error" bash -c '"$1" init tcsh 2>/dev/null; test $? -eq 64' _ "$VG_BIN"
run "the hook turns itself off inside vg exec" bash -c 'VG_ACTIVE=1 bash -ic "eval \"\$(\"$1\" init bash)\"; test -z \"\${_vg_hooked-}\"" 2>/dev/null' _ "$VG_BIN"
run "the hook turns itself off with VG_OFF=1" bash -c 'VG_OFF=1 bash -ic "eval \"\$(\"$1\" init bash)\"; test -z \"\${_vg_hooked-}\"" 2>/dev/null' _ "$VG_BIN"
exit $fail
