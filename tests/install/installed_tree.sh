#!/usr/bin/env bash
# The installed vg works on its own: `cmake --install` into a temporary
# prefix, copy that tree elsewhere (an installed tree may be moved whole),
# hide the build and source trees behind empty directories (a private mount
# namespace), and from an unrelated directory, with a PATH holding only the
# moved prefix and the system, run the host route, the sandbox route, the
# result cache (through libexec/vg/vg-full) and `vg guest build` (with the
# installed vg-guest).
# With a third argument, `microvm`, the installed vg also runs a command in
# the microVM it built the guest for (slow under TCG: label microvm).
#   installed_tree.sh BUILD_DIR SOURCE_DIR [microvm]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/install/lib.sh
source "$HERE/lib.sh"
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
MICROVM=${3:-}
require unshare readelf

# The prefix is installed into, then moved: nothing may remember it.
cmake --install "$BUILD" --prefix "$T/first" --strip >"$T/install.log" 2>&1 || {
  bad "cmake --install failed"; cat "$T/install.log"; exit 1; }
mkdir -p "$T/moved/usr"
cp -a "$T/first/." "$T/moved/usr/"
rm -rf "$T/first"
P=$T/moved/usr
check "vg is in bin/" test -x "$P/bin/vg"
check "vg-full is in libexec/vg/" test -x "$P/libexec/vg/vg-full"
check "vg-guest is in libexec/vg/" test -x "$P/libexec/vg/vg-guest"
check "nothing else is in bin/" test "$(ls "$P/bin")" = vg
for b in bin/vg libexec/vg/vg-full libexec/vg/vg-guest; do
  check "$b is stripped (no .debug_info, no .symtab)" \
    bash -c "! readelf -S '$P/$b' | grep -qE '\.debug_info|\.symtab'"
done
check "vg(1), vg-exec(1) and vg(5) are installed" \
  test -f "$P/share/man/man1/vg.1.gz" -a -f "$P/share/man/man1/vg-exec.1.gz" -a -f "$P/share/man/man5/vg.5.gz"
check "the bash completion is where bash-completion looks" test -f "$P/share/bash-completion/completions/vg"
check "the zsh completion is in site-functions" test -f "$P/share/zsh/site-functions/_vg"
check "the fish completion is in vendor_completions.d" test -f "$P/share/fish/vendor_completions.d/vg.fish"
check "the built-in defaults are in share/vg" cmp -s "$P/share/vg/defaults.yaml" "$SRC/config/defaults.yaml"
for b in bin/vg libexec/vg/vg-full; do
  check "$b holds no path of the source or build tree" bash -c "! grep -qaF '$SRC/' '$P/$b' && ! grep -qaF '$BUILD' '$P/$b'"
done

# Everything below runs with the build and source trees hidden. The kernel
# package `vg guest build` unpacks: the one the microVM suite downloaded,
# when there is one (else vg guest build downloads it).
mkdir -p "$T/empty" "$T/elsewhere/project" "$T/home"
kernel_deb=$(ls "$BUILD"/microvm-data/vg/guest/cache/linux-image-*.deb 2>/dev/null | head -n 1)
if [[ -n $kernel_deb ]]; then cp "$kernel_deb" "$T/"; kernel_deb=$T/$(basename "$kernel_deb"); fi
echo hello >"$T/elsewhere/project/in.txt"
cat >"$T/run.sh" <<'INNER'
set -u
P=$1 T=$2 BUILD=$3 SRC=$4 KERNEL_DEB=$5 MICROVM=$6
mount --bind "$T/empty" "$BUILD" && mount --bind "$T/empty" "$SRC" || { echo "not ok - cannot hide the trees"; exit 1; }
export PATH="$P/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME="$T/home"
export XDG_CONFIG_HOME="$T/x/config" XDG_STATE_HOME="$T/x/state" XDG_DATA_HOME="$T/x/data" XDG_CACHE_HOME="$T/x/cache"
unset VG_GUEST_AGENT
cd "$T/elsewhere/project"
r() { echo "== $*"; "$@"; echo "rc=$?"; }
r test -e "$BUILD/CMakeCache.txt"
r command -v vg
r vg --version
r vg exec --mode manual -- sh -c 'echo host-route; exit 7'
r vg exec --sandbox -- sh -c 'cat in.txt > out.txt; echo sandboxed'
r cat out.txt
r vg exec --sandbox -- cat in.txt
r vg exec --sandbox -- cat in.txt
r vg cache ls
r vg guest path
[ -n "$KERNEL_DEB" ] && export VG_GUEST_KERNEL_DEB=$KERNEL_DEB
r vg guest build
unset VG_GUEST_KERNEL_DEB
r vg guest path
r vg doctor --json
if [ -n "$MICROVM" ]; then
  r vg exec --runtime microvm --sandbox -- sh -c 'cat in.txt > vm.txt; echo in-the-guest'
  r cat vm.txt
fi
echo "== completion"; vg completion bash | grep -F "['vg cache']="; echo "rc=$?"
INNER
unshare -m --propagation private bash "$T/run.sh" "$P" "$T" "$BUILD" "$SRC" "$kernel_deb" "$MICROVM" >"$T/out" 2>&1
sed -e 's/^/# /' "$T/out" | head -80
section() { awk -v h="== $1" '$0 == h { on = 1; next } /^== / { on = 0 } on' "$T/out"; }
check "the build tree is hidden" test "$(section "test -e $BUILD/CMakeCache.txt")" = rc=1
check "vg on PATH is the moved one" grep -qx "$P/bin/vg" "$T/out"
check "vg --version names version, commit and build type" \
  grep -qE '^vg [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown), [A-Za-z]+\)$' "$T/out"
host=$(section "vg exec --mode manual -- sh -c echo host-route; exit 7")
check "host route: output and exit code pass through" test "$host" = "$(printf 'host-route\nrc=7')"
sandboxed=$(section "vg exec --sandbox -- sh -c cat in.txt > out.txt; echo sandboxed")
check "sandbox route: the command ran" test "$sandboxed" = "$(printf 'sandboxed\nrc=0')"
check "sandbox route: its write landed" test "$(section 'cat out.txt')" = "$(printf 'hello\nrc=0')"
audit="$T/x/state/vg/audit.jsonl"
check "the sandboxed runs used the namespace backend" grep -q '"backend":"namespace"' "$audit"
check "the repeated run was a cache hit (vg-full found in libexec/vg)" \
  bash -c "grep -F '\"cat in.txt\"' '$audit' | tail -n 1 | grep -q '\"cache_hit\":true'"
check "vg cache ls lists the runs" grep -q 'cat in.txt' <<<"$(section 'vg cache ls')"
check "the cache lives in the caller's XDG cache directory" test -d "$T/x/cache/vg"
check "the guest agent is found in libexec/vg (vg guest path names what is missing, not the agent)" \
  bash -c "! grep -q 'vg-guest was not found' '$T/out'"
check "vg guest build builds the guest assets from the installed vg-guest" \
  grep -qx rc=0 <<<"$(section 'vg guest build' | tail -n 1)"
check "vg guest path then names them, in the caller's data directory" \
  grep -q "^$T/x/data/vg/guest/v2-" <<<"$(awk '/^== vg guest path$/ { n++ } n == 2' "$T/out")"
check "vg doctor ran from the moved tree and finds the namespace sandbox usable" grep -q '"sandbox_ready":true' "$T/out"
check "vg completion, handed to libexec/vg/vg-full, knows the cache's subcommands" \
  grep -qx "  \['vg cache'\]='ls show rm clear stats why'" <<<"$(section completion)"
if [[ -n $MICROVM ]]; then
  check "microVM: the installed vg ran a command in the guest" \
    grep -qx in-the-guest <<<"$(section "vg exec --runtime microvm --sandbox -- sh -c cat in.txt > vm.txt; echo in-the-guest")"
  check "microVM: its write landed" test "$(section 'cat vm.txt')" = "$(printf 'hello\nrc=0')"
fi
finish
