#!/usr/bin/env bash
# Build vg's Debian package from a built tree and check it with lintian.
#   packaging/build-deb.sh [BUILD_DIR [OUT_DIR]]
# Writes OUT_DIR/vg_VERSION_amd64.deb, xz-compressed, with a Built-Using
# field (the source packages linked into the static binaries, with their
# versions), and the vg-dbgsym .ddeb beside it; fails on any lintian error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=${2:-$build/packages}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# cpack installs the project, splits the debug information off and strips.
work=$(mktemp -d /tmp/vg-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work/cpack" >"$work/cpack.log") || { cat "$work/cpack.log" >&2; exit 1; }
deb=$(ls "$work"/cpack/vg_*.deb)

# What the static binaries contain, as Debian source packages and versions.
static_dev_packages=(libre2-dev libyaml-cpp-dev libtree-sitter-dev libseccomp-dev librocksdb-dev libsnappy-dev
  liblz4-dev libzstd-dev zlib1g-dev libbz2-dev libgflags-dev libc6-dev libstdc++-12-dev libgcc-12-dev
  libcli11-dev)
built_using=$(dpkg-query -W -f='${source:Package} (= ${source:Version})\n' "${static_dev_packages[@]}" | sort -u |
  paste -sd, - | sed 's/,/, /g')
dpkg-deb -R "$deb" "$work/root"
sed -i "/^Suggests:/a Built-Using: $built_using" "$work/root/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz -b "$work/root" "$out/$(basename "$deb")" >/dev/null
cp "$work"/cpack/vg-dbgsym_*.ddeb "$out/"
final="$out/$(basename "$deb")"
echo "build-deb: $final ($(du -k "$final" | cut -f1) KiB)"

if command -v lintian >/dev/null 2>&1; then
  # Errors fail the build; warnings are printed.
  lintian --fail-on error --tag-display-limit 0 "$final"
  echo "build-deb: lintian: no errors"
else
  echo "build-deb: lintian is not installed (apt-get install lintian)" >&2
  exit 1
fi
