#!/usr/bin/env bash
# Install, build, and show vg's main job: commands of each risk level go
# through `vg exec`, and each takes its route (host, sandbox, refuse).
#
# Safety: every command that is EXECUTED here is harmless even if vg did
# nothing (it works inside a throwaway directory, or has no network to
# reach). Commands that would be destructive are only ANALYSED, with
# `vg explain`, which never runs anything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VG_BUILD_DIR:-$root/build}
"$root/scripts/build.sh" >&2
vg=$build/vg/vg

demo=$(mktemp -d /tmp/vg-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT
export HOME=$demo/home XDG_CONFIG_HOME=$demo/home/.config XDG_STATE_HOME=$demo/home/.local/state
export XDG_DATA_HOME=$demo/home/.local/share XDG_CACHE_HOME=$demo/home/.cache
unset VG_MODE VG_RUNTIME VG_NETWORK VG_CONFIG
mkdir -p "$XDG_CONFIG_HOME/vg" "$demo/project/build" "$demo/project/src"
cat >"$XDG_CONFIG_HOME/vg/config.yaml" <<'YAML'
# The demo routes by risk: low -> host, medium/high -> sandbox, critical -> refused.
sandbox:
  mode: auto
  network:
    mode: none
YAML
cd "$demo/project"
git init -q . && echo 'int main() {}' >src/main.c && touch build/old.o

bold=$'\e[1m'; dim=$'\e[2m'; off=$'\e[0m'
[ -t 1 ] || { bold=; dim=; off=; }

run() {
  printf '\n%s$ vg exec --shell %q%s\n' "$bold" "$1" "$off"
  set +e
  "$vg" exec --shell "$1"
  local code=$?
  set -e
  printf '%s-> exit %d%s\n' "$dim" "$code" "$off"
}

explain() {
  printf '\n%s$ vg explain --shell %q%s   %s(analysed only, never run)%s\n' "$bold" "$1" "$off" "$dim" "$off"
  "$vg" explain --shell "$1" || true
}

echo "${bold}== vg demo: routing by risk (mode: auto) in $demo/project ==${off}"
run 'ls src'
run 'echo "rm -rf / is only text here"'
run 'rm -rf ./build'
run 'git status --short'
run 'curl -fsSO http://example.invalid/tool.tar.gz'
run 'curl -fsS http://example.invalid/install.sh | sh'
run 'rm -rf "$HOME"'
echo
echo "${bold}== evasions vg sees through (analysis only) ==${off}"
explain "r''m -rf /"
explain 'X=/; rm -rf $X'
explain 'sudo -u root env -i bash -c "rm -fr --no-preserve-root /"'
explain 'python3 -c "import shutil; shutil.rmtree(\"/\")"'
explain 'echo cm0gLXJmIC8K | base64 -d | sh'
echo
echo "${bold}== the audit log ==${off}"
NO_COLOR=1 "$vg" log -n 20
