#!/usr/bin/env bash
# End-to-end cases for vg's configuration; run one case: config_e2e.sh CASE.
# Needs VG_BIN (the built vg). Each case gets its own temporary HOME; it is
# kept, with its path printed, when the case fails.
set -u

case_name=${1:?usage: config_e2e.sh CASE}
: "${VG_BIN:?VG_BIN must name the built vg binary}"

root=$(mktemp -d /tmp/vg-config-e2e-XXXXXX)
export HOME=$root/home XDG_CONFIG_HOME=$root/home/.config XDG_STATE_HOME=$root/home/.local/state
export XDG_DATA_HOME=$root/home/.local/share XDG_CACHE_HOME=$root/home/.cache
# Configuration variables of the caller must not leak into the cases.
for v in $(compgen -e | grep '^VG_' || true); do
  [[ $v == VG_BIN ]] || unset "$v"
done
mkdir -p "$HOME" "$root/repo"
cd "$root/repo"

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run ARGS...: run vg, capturing $out, $err, $rc.
run() {
  out=$("$VG_BIN" "$@" 2>"$root/stderr")
  rc=$?
  err=$(cat "$root/stderr")
}

expect_rc() {
  [[ $rc == "$1" ]] || fail "vg $2: exit $rc, expected $1; stderr: $err"
}

expect_line() {  # expect_line TEXT REGEX WHAT
  grep -Eq -- "$2" <<<"$1" || fail "$3: no line matching /$2/ in:"$'\n'"$1"
}

user_config() {
  mkdir -p "$XDG_CONFIG_HOME/vg"
  printf '%s' "$1" >"$XDG_CONFIG_HOME/vg/config.yaml"
}

case $case_name in
show_defaults)
  run config show
  expect_rc 0 "config show"
  expect_line "$out" '^sandbox\.mode += always +\(default\)$' "defaults"
  expect_line "$out" '^sandbox\.cache_size += 1GiB +\(default\)$' "size default"
  expect_line "$out" '^sandbox\.network\.mode += none +\(default\)$' "network default"
  ;;

defaults_file_is_valid)
  run config defaults
  expect_rc 0 "config defaults"
  expect_line "$out" '^  mode: always' "defaults file"
  printf '%s\n' "$out" >defaults.yaml
  run config check defaults.yaml
  expect_rc 0 "config check of the printed defaults"
  ;;

show_json)
  user_config $'sandbox:\n  mode: auto\n'
  run config show --json
  expect_rc 0 "config show --json"
  python3 - "$out" "$XDG_CONFIG_HOME/vg/config.yaml" <<'PY' || fail "JSON output"
import json, sys
doc = json.loads(sys.argv[1])
v = doc["values"]
assert v["sandbox.mode"] == {"value": "auto", "origin": sys.argv[2] + ":2:9"}, v["sandbox.mode"]
assert v["sandbox.enabled"]["value"] is True
assert v["sandbox.resources.pids"]["value"] == 0
assert v["sandbox.exclude"]["value"] == []
assert doc["files_read"] == [sys.argv[2]], doc["files_read"]
PY
  ;;

repo_cannot_disable)
  printf 'sandbox:\n  mode: disabled\n' >.vg.yaml
  run config show
  expect_rc 0 "config show"
  expect_line "$out" '^sandbox\.mode += always +\(default\)$' "repository mode: disabled ignored"
  expect_line "$out" "ignoring sandbox\.mode: disabled from $root/repo/\.vg\.yaml:2:9 — a repository config cannot loosen your policy; trust it with 'vg config trust $root/repo/\.vg\.yaml'" "note"
  # From a subdirectory too.
  mkdir -p sub/dir && cd sub/dir
  run config show --json
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["values"]["sandbox.mode"]["value"]=="always"; assert d["project_root"]==sys.argv[2], d["project_root"]' "$out" "$root/repo" ||
    fail "subdirectory: $out"
  ;;

bad_config_exits_78)
  user_config $'sandbox:\n  mdoe: auto\n'
  run exec -- touch "$root/ran"
  expect_rc 78 "exec with a bad config"
  expect_line "$err" "^vg: error: $XDG_CONFIG_HOME/vg/config\.yaml:2:3: unknown key 'mdoe' in sandbox; did you mean 'mode'\?$" "error message"
  [[ ! -e $root/ran ]] || fail "the command ran under a bad config"
  [[ -z $out ]] || fail "stdout not empty: $out"
  # A syntax error, a wrong type and an out-of-range value.
  user_config $'sandbox:\n  network: {mode: none\n'
  run exec -- true
  expect_rc 78 "exec with a YAML syntax error"
  expect_line "$err" "^vg: error: $XDG_CONFIG_HOME/vg/config\.yaml:3:1: YAML syntax error" "syntax error"
  user_config $'sandbox:\n  mode: [a]\n'
  run exec -- true
  expect_rc 78 "exec with a wrong type"
  expect_line "$err" "config\.yaml:2:9: wrong type for sandbox\.mode" "wrong type"
  user_config $'sandbox:\n  resources:\n    memory: -1GB\n'
  run exec -- true
  expect_rc 78 "exec with a negative size"
  expect_line "$err" "config\.yaml:3:13: sandbox\.resources\.memory: negative size" "out of range"
  # A repository file with an error stops vg too.
  rm "$XDG_CONFIG_HOME/vg/config.yaml"
  printf 'sandbox:\n  mode: sometimes\n' >.vg.yaml
  run exec -- true
  expect_rc 78 "exec with a bad repository config"
  expect_line "$err" "$root/repo/\.vg\.yaml:2:9: unknown mode 'sometimes'; expected always\|auto\|manual\|disabled" "repo error"
  # An unreadable config file (a directory) is an error naming it.
  rm .vg.yaml
  mkdir -p "$XDG_CONFIG_HOME/vg/config.yaml"
  run exec -- true
  expect_rc 78 "exec with an unreadable config"
  expect_line "$err" "config\.yaml: cannot read config file: it is a directory" "unreadable"
  ;;

trust_lets_repo_loosen)
  printf 'sandbox:\n  mode: disabled\n' >.vg.yaml
  run config trust .vg.yaml
  expect_rc 0 "config trust"
  expect_line "$out" "sandbox\.mode: disabled" "trust lists what will apply"
  [[ -f $XDG_STATE_HOME/vg/trusted-configs ]] || fail "no trust store written"
  run config show
  expect_line "$out" "^sandbox\.mode += disabled +\($root/repo/\.vg\.yaml:2:9\)$" "trusted file applies"
  run config path
  expect_line "$out" "repository +$root/repo/\.vg\.yaml \(read, trusted\)" "path shows trusted"
  # Editing the file revokes the trust.
  printf 'sandbox:\n  mode: disabled\n  enable_cache: false\n' >.vg.yaml
  run config show
  expect_line "$out" '^sandbox\.mode += always +\(default\)$' "edited file is untrusted again"
  expect_line "$out" '^sandbox\.enable_cache += false' "free keys still apply"
  # Trust again, then untrust.
  run config trust .vg.yaml
  run config show
  expect_line "$out" '^sandbox\.mode += disabled' "re-trusted"
  run config untrust .vg.yaml
  expect_rc 0 "config untrust"
  run config show
  expect_line "$out" '^sandbox\.mode += always' "untrusted"
  # A file with errors is not trusted.
  printf 'sandbox:\n  mdoe: disabled\n' >.vg.yaml
  run config trust .vg.yaml
  expect_rc 78 "trusting a bad file"
  ;;

check_file)
  printf 'sandbox:\n  mode: auto\n' >good.yaml
  printf 'sandbox:\n  cache_ttl: forever\n' >bad.yaml
  run config check good.yaml
  expect_rc 0 "config check good.yaml"
  run config check bad.yaml
  expect_rc 78 "config check bad.yaml"
  expect_line "$err" "^vg: error: $root/repo/bad\.yaml:2:14: sandbox\.cache_ttl: invalid duration 'forever'" "check error"
  run config check
  expect_rc 0 "config check (all layers)"
  ;;

path_lists_layers)
  user_config $'sandbox: {}\n'
  printf 'sandbox: {}\n' >.vg.yaml
  run config path
  expect_rc 0 "config path"
  expect_line "$out" '^system +/etc/vg/config\.yaml \((missing|read)\)$' "system file"
  expect_line "$out" "^user +$XDG_CONFIG_HOME/vg/config\.yaml \(read\)$" "user file"
  expect_line "$out" "^repository +$root/repo/\.vg\.yaml \(read, untrusted" "repo file"
  expect_line "$out" "^trust store: $XDG_STATE_HOME/vg/trusted-configs$" "trust store"
  ;;

env_errors)
  VG_MODE=x run config show
  expect_rc 78 "VG_MODE=x"
  expect_line "$err" "^vg: error: VG_MODE: unknown mode 'x'; expected always\|auto\|manual\|disabled$" "env error"
  VG_MOED=auto run config show
  expect_rc 0 "unknown VG_ variable"
  expect_line "$out" "ignoring environment variable VG_MOED: not a vg setting; did you mean VG_MODE\?" "env note"
  ;;

flags_and_env_origins)
  user_config $'sandbox:\n  mode: manual\n'
  VG_MODE=auto VG_NETWORK=full run config show
  expect_line "$out" '^sandbox\.mode += auto +\(env VG_MODE\)$' "env origin"
  expect_line "$out" '^sandbox\.network\.mode += full +\(env VG_NETWORK\)$' "env origin"
  ;;

*)
  echo "unknown case: $case_name" >&2
  exit 2
  ;;
esac

if ((failures > 0)); then
  echo "kept $root" >&2
  exit 1
fi
rm -rf "$root"
echo "ok: $case_name"
