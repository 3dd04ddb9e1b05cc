#!/usr/bin/env bash
# Install every Debian package that vg's build, tests and benchmarks need.
# Idempotent: packages already present are skipped; safe to run repeatedly.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git ca-certificates
  # libraries (static archives are linked where available)
  libcli11-dev libre2-dev libyaml-cpp-dev libtree-sitter-dev
  librocksdb-dev libgtest-dev libgmock-dev
  libseccomp-dev libcap-dev
  # rocksdb's static link needs its compression libraries
  libsnappy-dev liblz4-dev libzstd-dev zlib1g-dev libbz2-dev
  # tests and benchmarks
  python3 expect tmux bash zsh fish shellcheck bubblewrap hyperfine
  iproute2 procps util-linux less vim-tiny
  # microVM backend
  qemu-system-x86 busybox-static
  # packaging and its tests (tests/install): cpack's debug split needs file,
  # the package is checked by lintian and installed in a debootstrap root;
  # man pages render with man, completions load through bash-completion
  file lintian debootstrap man-db bash-completion
)

missing=()
# npm fetches the tree-sitter-bash grammar; Node.js may come from another
# source (with its own npm), so only ask apt for it when there is none.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run this script as root (it uses apt-get)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
