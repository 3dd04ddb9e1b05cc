#!/usr/bin/env bash
# Install the system packages vg needs (when run as root) and build vg into
# build/ (or $VG_BUILD_DIR). Extra arguments go to cmake's configure step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VG_BUILD_DIR:-$root/build}

if [ "$(id -u)" -eq 0 ]; then
  "$root/scripts/install-deps.sh"
else
  "$root/scripts/install-deps.sh" || {
    echo "build: some packages are missing; run this as root (or with sudo) once to install them" >&2
    exit 1
  }
fi

werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVG_WERROR=$werror "$@" >/dev/null
jobs=$(nproc)
echo "build: compiling with $jobs jobs into $build"
cmake --build "$build" -j "$jobs"
