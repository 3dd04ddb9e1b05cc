#!/usr/bin/env bash
# The Debian package: packaging/build-deb.sh builds it (cpack, Built-Using,
# lintian with no errors); its contents and control fields are as they
# should be; then, in a clean Debian root made by debootstrap (kept in the
# build tree for the next run) and entered by pivot_root in a private mount
# namespace, `apt-get install ./vg_*.deb` installs it, `vg doctor` and a
# sandboxed command run there, and `apt-get purge` removes every file.
#   deb.sh SOURCE_DIR BUILD_DIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/install/lib.sh
source "$HERE/lib.sh"
SRC=$1
BUILD=$(cd "$2" && pwd)
require dpkg-deb lintian unshare pivot_root

bash "$SRC/packaging/build-deb.sh" "$BUILD" "$T/pkg" >"$T/build-deb.log" 2>&1
rc=$?
sed -e 's/^/# /' "$T/build-deb.log" | grep -v 'root privileges'
check "packaging/build-deb.sh builds the package, and lintian finds no error" test "$rc" = 0
deb=$(ls "$T"/pkg/vg_*_amd64.deb 2>/dev/null | head -n 1)
[[ -n $deb ]] || { bad "no package was built"; finish; exit 1; }
check "the debug information is in a vg-dbgsym package" bash -c "ls '$T'/pkg/vg-dbgsym_*.ddeb >/dev/null"
echo "# $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"

dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/bin/vg /usr/libexec/vg/vg-full /usr/libexec/vg/vg-guest /usr/share/man/man1/vg.1.gz \
  /usr/share/man/man1/vg-exec.1.gz /usr/share/man/man5/vg.5.gz /usr/share/bash-completion/completions/vg \
  /usr/share/zsh/vendor-completions/_vg /usr/share/fish/vendor_completions.d/vg.fish /usr/share/doc/vg/copyright \
  /usr/share/doc/vg/changelog.gz /usr/share/vg/defaults.yaml; do
  check "the package holds $f" grep -qxF "$f" "$T/contents"
done
check "nothing outside /usr" bash -c "! grep -v '^/usr' '$T/contents' | grep -v '^/$'"
control=$(dpkg-deb -f "$deb")
check "no Depends: the binaries are static" bash -c "! grep -q '^Depends:' <<<\"\$1\"" _ "$control"
check "Built-Using names the statically linked glibc and libseccomp" \
  bash -c "grep '^Built-Using:' <<<\"\$1\" | grep -q 'glibc (= ' && grep '^Built-Using:' <<<\"\$1\" | grep -q 'libseccomp (= '" _ "$control"

# --- a clean root -----------------------------------------------------------
roots="$BUILD/test-roots"
tarball="$roots/bookworm-minbase.tar"
if [[ ! -f $tarball ]]; then
  require debootstrap
  # The mirror apt already uses on this machine.
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
  [[ -n $mirror ]] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
  [[ -n $mirror ]] || skip "no Debian mirror configured for debootstrap"
  mkdir -p "$roots"
  if ! debootstrap --variant=minbase bookworm "$T/root" "$mirror" >"$T/debootstrap.log" 2>&1; then
    tail -n 20 "$T/debootstrap.log" | sed -e 's/^/# /'
    skip "debootstrap from $mirror failed"
  fi
  tar -C "$T/root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
else
  mkdir -p "$T/root"
  tar -C "$T/root" -xf "$tarball"
fi
check "a clean Debian root without vg" test ! -e "$T/root/usr/bin/vg" -a -x "$T/root/usr/bin/apt-get"
cp "$deb" "$T/root/tmp/"
cat >"$T/root/tmp/inside.sh" <<'EOF'
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive
r() { echo "== $*"; "$@"; echo "rc=$?"; }
cd /tmp && r apt-get install -y -q ./vg_*.deb
r vg --version
r command -v vg
mkdir -p /project && cd /project && echo hello >in.txt
r vg doctor
r vg exec --sandbox -- sh -c 'cat in.txt > out.txt; echo sandboxed'
r cat out.txt
r apt-get purge -y -q vg
r dpkg -s vg
r ls /usr/bin/vg /usr/libexec/vg /usr/share/doc/vg /usr/share/man/man1/vg.1.gz
EOF
cat >"$T/enter.sh" <<'EOF'
set -eu
R=$1
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
mount --rbind /sys "$R/sys"
cd "$R"
mkdir -p .old
# pivot_root, not chroot: a chrooted process may not make user namespaces.
pivot_root . .old
exec /bin/bash -c 'umount -l /.old && rmdir /.old && exec /bin/bash /tmp/inside.sh'
EOF
unshare -m --propagation private bash "$T/enter.sh" "$T/root" >"$T/inside.out" 2>&1
sed -e 's/^/# /' "$T/inside.out" | grep -v '^# \(Selecting\|Preparing\|Unpacking\|Setting up\|Reading\|(Reading\)' | head -60
# section PREFIX: what the command whose "== ..." line starts with PREFIX printed.
section() { awk -v h="== $1" 'index($0, h) == 1 { on = 1; next } /^== / { on = 0 } on' "$T/inside.out"; }
check "apt-get install ./vg_*.deb succeeds in the clean root" grep -qx rc=0 <<<"$(section 'apt-get install -y -q ./vg_' | tail -n 1)"
check "vg is on PATH there" grep -qx /usr/bin/vg <<<"$(section 'command -v vg')"
check "vg doctor says the namespace sandbox can run there" \
  grep -q 'vg doctor: the namespace sandbox can run here' <<<"$(section 'vg doctor')"
check "a sandboxed command ran there" test "$(section "vg exec --sandbox -- sh -c cat in.txt > out.txt; echo sandboxed")" = "$(printf 'sandboxed\nrc=0')"
check "its write landed" test "$(section 'cat out.txt')" = "$(printf 'hello\nrc=0')"
check "apt-get purge removes it" grep -qx rc=0 <<<"$(section 'apt-get purge -y -q vg' | tail -n 1)"
check "dpkg no longer knows vg" grep -qx rc=1 <<<"$(section 'dpkg -s vg' | tail -n 1)"
check "no file of vg is left" test "$(section 'ls /usr/bin/vg /usr/libexec/vg /usr/share/doc/vg /usr/share/man/man1/vg.1.gz' | grep -c 'No such file')" = 4
finish
