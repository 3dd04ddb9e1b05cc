# Helpers shared by the install suites: TAP-style checks, a temporary
# directory kept on failure, skips that fail under CI=true.
# shellcheck shell=bash
PASS=0
FAIL=0
T=$(mktemp -d /tmp/vg-install-XXXXXX)
cleanup() {
  if ((FAIL == 0)); then rm -rf "$T" 2>/dev/null; else echo "# kept $T for inspection"; fi
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: run COMMAND, pass when it succeeds.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
# skip REASON: exit 77, or fail under CI=true where nothing may be skipped.
skip() {
  if [[ ${CI-} == true ]]; then
    echo "not ok - $* (required under CI=true)"
    exit 1
  fi
  echo "# SKIP: $*"
  exit 77
}
require() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
}
finish() {
  echo "# $PASS passed, $FAIL failed"
  ((FAIL == 0))
}
