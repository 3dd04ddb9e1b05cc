#!/usr/bin/env bash
# Run sandbox suites as an ordinary user (nobody) when the tests run as
# root, so that every escape attempt is made with both kinds of caller.
# Copies of the suites, the driver and the probe go to a directory that user
# can reach (the build tree may sit below a 0700 home).
# Usage: as_user.sh DRIVER PROBE SUITE...
set -euo pipefail
driver=$1 probe=$2
shift 2
if [[ $(id -u) -ne 0 ]]; then
  echo "# already an ordinary user: running the suites as they are"
  for suite in "$@"; do "$suite"; done
  exit 0
fi
dir=$(mktemp -d /tmp/vg-as-user-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cp "$driver" "$probe" "$@" "$dir/"
chmod 0755 "$dir" "$dir"/*
uid=65534
status=0
for suite in "$@"; do
  name=$(basename "$suite")
  echo "# $name as uid $uid"
  setpriv --reuid=$uid --regid=$uid --clear-groups --reset-env \
    env HOME="$dir" CI="${CI-}" VG_TEST_SANDBOX_RUN="$dir/$(basename "$driver")" \
    VG_TEST_SANDBOX_PROBE="$dir/$(basename "$probe")" "$dir/$name" || status=1
done
exit $status
