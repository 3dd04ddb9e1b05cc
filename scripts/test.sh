#!/usr/bin/env bash
# Install, build, and run vg's whole test suite: unit tests, end-to-end
# suites, then the microVM suite (slow under TCG, so it runs on its own).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VG_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"

cd "$build"
echo "test: unit and end-to-end suites"
ctest --output-on-failure -j 2 -LE microvm --timeout 600
if ctest -N -L microvm | grep -q 'Total Tests: [1-9]'; then
  echo "test: microVM suite"
  ctest --output-on-failure -L microvm --timeout 900
fi
