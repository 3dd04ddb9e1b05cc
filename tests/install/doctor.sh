#!/usr/bin/env bash
# `vg doctor`: every check named in the issue is there with a status, the
# JSON parses, the exit status says whether the configured sandbox can run:
# 0 here for the namespace sandbox (which the other suites use), and 69 for
# the microVM backend when its guest agent cannot be read.
#   doctor.sh VG
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/install/lib.sh
source "$HERE/lib.sh"
VG=$(realpath "$1")
require python3
export XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" XDG_DATA_HOME="$T/data" XDG_CACHE_HOME="$T/cache"
mkdir -p "$T/config/vg" "$T/work"
cd "$T/work" || exit 1

"$VG" doctor --json >"$T/doctor.json" 2>"$T/doctor.err"
rc=$?
check "vg doctor exits 0 where the namespace sandbox runs (the sandbox suites run here)" test "$rc" = 0
cat >"$T/expect.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = {c["name"]: c for c in d["checks"]}
want = ["user namespaces", "overlayfs", "idmapped mounts", "cgroup delegation", "seccomp filter",
        "seccomp user notification", "KVM or TCG", "guest agent", "guest assets", "state directory",
        "cache directory"]
missing = [w for w in want if w not in names]
assert not missing, f"missing checks: {missing}"
for c in d["checks"]:
    assert c["status"] in ("ok", "warn", "fail", "skip"), c
    assert c["detail"], f"no detail: {c}"
    if c["status"] in ("warn", "fail"):
        assert c["fix"], f"a {c['status']} without a fix: {c}"
assert d["runtime"] == sys.argv[2], d["runtime"]
assert d["sandbox_ready"] == (sys.argv[3] == "true"), d["sandbox_ready"]
if len(sys.argv) > 4:
    c = names[sys.argv[4]]
    assert c["status"] == "fail" and c["required"], c
PY
check "vg doctor --json names every check, each with a status, a detail, and a fix when it is not ok" \
  python3 "$T/expect.py" "$T/doctor.json" namespace true
"$VG" doctor >"$T/doctor.txt" 2>&1
check "the text report ends with the verdict" grep -q '^vg doctor: the namespace sandbox can run here$' "$T/doctor.txt"

printf 'sandbox:\n  runtime: microvm\n' >"$T/config/vg/config.yaml"
VG_GUEST_AGENT=$T/no-such-agent "$VG" doctor --json >"$T/microvm.json" 2>"$T/microvm.err"
rc=$?
check "with the microVM backend and no readable guest agent, vg doctor exits 69" test "$rc" = 69
check "... and names the guest agent as the failing, required check" \
  python3 "$T/expect.py" "$T/microvm.json" microvm false "guest agent"
finish
