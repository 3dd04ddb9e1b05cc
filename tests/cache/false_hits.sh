#!/usr/bin/env bash
# The false-hit suite (issue 17): each case stores a real run, changes
# something the command could see, then runs it again through the cache and
# compares its stdout, stderr, exit code and the workspace it leaves with the
# same command run with --no-cache from the same starting state. A case
# first proves that the run was stored (or, for the classes that must never
# be stored, that it was not), so a comparison that passes means something.
# Usage: false_hits.sh /path/to/vg
# Skips (exit 77) when the sandbox cannot start here; with CI=true that is a
# failure instead.
set -u
VG=${1:?usage: false_hits.sh VG_BIN}
ROOT=$(mktemp -d /tmp/vg-false-hits-XXXXXX)
# Files outside the workspace that the sandbox can see (its /tmp is private).
TOOLS=$(mktemp -d /opt/vg-false-hits-XXXXXX)
chmod 755 "$TOOLS"
FAILS=0
PASSES=0
COMPARED=0

fail() { echo "FAIL: $CASE: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $CASE"; PASSES=$((PASSES + 1)); }

# A fresh workspace, cache and config for one case; $2: cache_strategy.
setup() {
  CASE=$1
  T=$ROOT/$CASE
  mkdir -p "$T/ws" "$T/xdg/cache" "$T/xdg/state" "$T/xdg/config/vg"
  export XDG_CACHE_HOME=$T/xdg/cache XDG_STATE_HOME=$T/xdg/state XDG_CONFIG_HOME=$T/xdg/config
  printf 'sandbox:\n  mode: always\n  cache_strategy: %s\n' "${2:-smart}" > "$T/xdg/config/vg/config.yaml"
  cd "$T/ws" || exit 1
}

vgx() { "$VG" exec -- "$@" < /dev/null; }

stat_of() {  # stat_of NAME -> counter value from `vg cache stats --json`
  local v
  v=$("$VG" cache stats --json | tr ',{}' '\n\n\n' | sed -n "s/^ *\"$1\": *\([0-9]*\)$/\1/p" | head -1)
  echo "${v:-0}"
}
hits() { stat_of hits; }
entries() { stat_of entries; }

# What a run left: every path of the workspace with its kind, mode, size and
# content, and its time when it is a kept one (older than 2023: touch -d,
# cp -p, tar x); other times differ between any two real runs.
workspace_state() {
  (cd "$T/ws" && find . -mindepth 1 -printf '%y %m %s %T@ %p\n' | awk '{ if ($4 > 1672531200) $4 = "recent"; print }' | sort &&
    find . -type f -exec md5sum {} + | sort -k2)
}

# Run "$@" in the workspace as it is now through the cache, then from the
# same state (copied with times) with --no-cache; every difference is a
# false hit. Sets GOT_HIT to whether the cached run was a replay.
compare() {
  COMPARED=$((COMPARED + 1))
  rm -rf "$T/saved"
  cp -a "$T/ws" "$T/saved"
  local h0 rc
  h0=$(hits)
  (cd "$T/ws" && vgx "$@") > "$T/got.out" 2> "$T/got.err"
  rc=$?
  GOT_HIT=$([ "$(hits)" != "$h0" ] && echo yes || echo no)
  echo "$rc" > "$T/got.rc"
  workspace_state > "$T/got.files"
  rm -rf "$T/ws"
  cp -a "$T/saved" "$T/ws"
  (cd "$T/ws" && "$VG" exec --no-cache -- "$@" < /dev/null) > "$T/want.out" 2> "$T/want.err"
  echo $? > "$T/want.rc"
  workspace_state > "$T/want.files"
  cd "$T/ws" || exit 1
  local what
  for what in out rc files; do
    if ! cmp -s "$T/got.$what" "$T/want.$what"; then
      fail "false hit (replay: $GOT_HIT): $what differs from a real run: $(diff "$T/want.$what" "$T/got.$what" | head -5 | tr '\n' ' ')"
      return 1
    fi
  done
  if ! cmp -s <(grep -v '^vg: ' "$T/got.err") <(grep -v '^vg: ' "$T/want.err"); then
    fail "false hit (replay: $GOT_HIT): stderr differs from a real run"
    return 1
  fi
  return 0
}

# Run "$@" twice from the same state and require the second to be a replay:
# the case then tests a stored entry, not an uncached run.
prime() {
  rm -rf "$T/primed"
  cp -a "$T/ws" "$T/primed"
  vgx "$@" > /dev/null 2>&1
  rm -rf "$T/ws"
  cp -a "$T/primed" "$T/ws"
  cd "$T/ws" || exit 1
  local h0
  h0=$(hits)
  vgx "$@" > /dev/null 2>&1
  rm -rf "$T/ws"
  cp -a "$T/primed" "$T/ws"
  cd "$T/ws" || exit 1
  if [ "$(hits)" = "$h0" ]; then
    fail "the unchanged repeat was not replayed, so this case tests nothing ($(stat_of uncacheable.untraced) untraced, $(entries) entries)"
    return 1
  fi
  return 0
}

# Require that "$@" is never stored (two runs, no entry, no hit) and name
# the counter `vg cache stats` must show.
never_stored() {
  local reason=$1
  shift
  vgx "$@" > "$T/first.out" 2>&1
  vgx "$@" > "$T/second.out" 2>&1
  if [ "$(entries)" != 0 ] || [ "$(hits)" != 0 ]; then
    fail "stored ($(entries) entries, $(hits) hits)"
    return 1
  fi
  if [ "$(stat_of "uncacheable.$reason")" = 0 ]; then
    fail "not counted as $reason: $("$VG" cache stats --json)"
    return 1
  fi
  return 0
}

# --- can the sandbox run here at all?
setup probe
"$VG" exec -- true < /dev/null > /dev/null 2> "$T/probe.err"
rc=$?
if [ $rc -ne 0 ]; then
  echo "the namespace sandbox does not start here (exit $rc): $(cat "$T/probe.err")"
  if [ "${CI:-}" = "true" ]; then echo "FAIL: CI=true requires this suite"; exit 1; fi
  exit 77
fi

# ===== class 2: what stat shows, the umask, an output's mode

setup chmod_ls
echo data > f; chmod 644 f
prime ls -l f && { chmod 600 f; compare ls -l f; } && pass

setup chmod_stat
echo data > f; chmod 644 f
prime stat -c '%A %s' f && { chmod 640 f; compare stat -c '%A %s' f; } && pass

setup chmod_unreadable
echo secret > f; chmod 644 f
prime cat f && { chmod 000 f; compare cat f; } && pass

setup chmod_test_x
echo 'echo hi' > f; chmod 644 f
S='if test -x f; then echo executable; else echo plain; fi'
prime sh -c "$S" && { chmod 755 f; compare sh -c "$S"; } && pass

setup make_touch
printf 'out: in\n\tcp in out\n' > Makefile; echo v1 > in; touch -d '2020-01-01 00:00' in
vgx make > /dev/null 2>&1   # builds out
prime make && {
  touch in   # newer than out: make must rebuild, the content is the same
  compare make
} && pass

setup find_newer
echo a > a; echo r > ref; touch -d '2020-01-01 00:00' a; touch -d '2021-01-01 00:00' ref
prime find . -newer ref -name a && { touch a; compare find . -newer ref -name a; } && pass

setup ls_t
echo a > a; echo b > b; touch -d '2020-01-01 00:00' a; touch -d '2021-01-01 00:00' b
prime ls -t a b && { touch -d '2022-01-01 00:00' a; compare ls -t a b; } && pass

setup tar_mtime   # tar opens the file and fstat()s it: the time goes into the archive
echo data > a; touch -d '2020-01-01 00:00' a
S='tar cf - a | od -An -c | head -20'
prime sh -c "$S" && { touch -d '2021-06-01 00:00' a; compare sh -c "$S"; } && pass

setup kept_time   # the run gives its output an old time: the replay must too
S='mkdir -p o && echo x > o/f && touch -d "2020-01-01 00:00" o/f'
prime sh -c "$S" && { rm -rf o; compare sh -c "$S"; } && pass

setup umask
S='mkdir -p o && touch o/new && stat -c %a o/new'
umask 022
prime sh -c "$S" && { umask 077; compare sh -c "$S"; } && pass
umask 022

setup output_mode aggressive   # rewriting an existing file is stored only under aggressive
echo old > out; chmod 644 out
prime sh -c 'echo new > out' && { chmod 600 out; compare sh -c 'echo new > out'; } && pass

# ===== class 3: stdin that is a file or a pipe: in no key, so never stored

setup stdin_file
echo 1234 > in1; echo 123456789 > in2
"$VG" exec -- wc -c < in1 > /dev/null; "$VG" exec -- wc -c < in1 > /dev/null
"$VG" exec -- wc -c < in2 > "$T/got.out"; "$VG" exec --no-cache -- wc -c < in2 > "$T/want.out"
COMPARED=$((COMPARED + 1))
if [ "$(entries)" != 0 ] || [ "$(hits)" != 0 ]; then fail "a run with a file on stdin was stored ($(entries)) or replayed ($(hits))"
elif ! cmp -s "$T/got.out" "$T/want.out"; then fail "false hit: $(cat "$T/got.out") for $(cat "$T/want.out")"
elif [ "$(stat_of uncacheable.stdin)" -lt 3 ]; then fail "not counted as stdin"
else pass; fi

setup stdin_pipe_seek   # fstat and lseek on a pipe, no read
printf 'abc' | "$VG" exec -- sh -c 'stat -L -c %s /dev/stdin' > /dev/null
printf 'abcdef' | "$VG" exec -- sh -c 'stat -L -c %s /dev/stdin' > "$T/got.out"
printf 'abcdef' | "$VG" exec --no-cache -- sh -c 'stat -L -c %s /dev/stdin' > "$T/want.out"
COMPARED=$((COMPARED + 1))
if [ "$(hits)" != 0 ] || [ "$(entries)" != 0 ]; then fail "stored or replayed with a pipe on stdin"
elif ! cmp -s "$T/got.out" "$T/want.out"; then fail "false hit: $(cat "$T/got.out") for $(cat "$T/want.out")"
else pass; fi

# ===== class 6: the run reads the file its output is appended to

setup append_self
head -c 300000 /dev/zero | tr '\0' a > f
cp f ../f.orig
# A file-size limit bounds the damage should the run not end (it grew to
# gigabytes in seconds).
(ulimit -f 20000; timeout 60 "$VG" exec -- cat f >> f < /dev/null)
rc=$?
if [ $rc != 0 ]; then fail "cat f >> f did not end well (exit $rc, $(stat -c %s f) bytes)"
elif [ "$(stat -c %s f)" != $((2 * $(stat -c %s ../f.orig))) ]; then fail "f is $(stat -c %s f) bytes, not twice the original"
elif [ "$(entries)" != 0 ]; then fail "a run that read its own output file was stored"
else pass; fi

setup replay_into_input
echo hello > f
prime cat f && {
  h0=$(hits)
  cp f ../f.orig
  (ulimit -f 20000; timeout 60 "$VG" exec -- cat f >> f < /dev/null)
  COMPARED=$((COMPARED + 1))
  if [ "$(hits)" != "$h0" ]; then fail "the entry of 'cat f' was replayed into f, which the run reads"
  elif ! cmp -s f <(cat ../f.orig ../f.orig); then fail "f is not the original twice: $(head -c 100 f)"
  else pass; fi
}

# ===== class 1: traced runs outside the workspace; an incomplete trace is never replayed

setup gcc_header
mkdir -p "$TOOLS/include"
echo '#define VALUE 1' > "$TOOLS/include/value.h"
printf '#include <value.h>\nint value = VALUE;\n' > a.c
prime gcc -I"$TOOLS/include" -E -P a.c && {
  echo '#define VALUE 2' > "$TOOLS/include/value.h"
  compare gcc -I"$TOOLS/include" -E -P a.c
} && pass

setup gcc_object
printf '#include <value.h>\nint value = VALUE;\n' > a.c
echo '#define VALUE 3' > "$TOOLS/include/value.h"
prime gcc -I"$TOOLS/include" -c a.c -o a.o && {
  echo '#define VALUE 4' > "$TOOLS/include/value.h"
  compare gcc -I"$TOOLS/include" -c a.c -o a.o
} && pass

setup untraced
echo v1 > f
S='cat /proc/1/cwd/nothing 2> /dev/null; cat f'
if never_stored untraced sh -c "$S"; then
  if ! "$VG" cache why -- sh -c "$S" < /dev/null | grep -q 'trace is complete'; then fail "vg cache why does not state the rule"
  elif ! "$VG" log --json -n 1 | grep -q '"cache_not_stored": *"untraced: a path through another process'; then
    fail "the audit record does not say why the run was not stored: $("$VG" log --json -n 1)"
  else echo v2 > f; compare sh -c "$S" && pass; fi
fi

# ===== class 5: tracing holes, and what is passed is keyed

setup proc_self_cwd
echo v1 > f
prime cat /proc/self/cwd/f && { echo v2 > f; compare cat /proc/self/cwd/f; } && pass

setup dev_fd_dir
echo v1 > "$TOOLS/dev_fd_f"
S="exec 3< '$TOOLS'; cat /dev/fd/3/dev_fd_f"
prime sh -c "$S" && { echo v2 > "$TOOLS/dev_fd_f"; compare sh -c "$S"; } && pass

setup at_empty_path aggressive   # python draws randomness: stored only under aggressive
rm -f "$TOOLS/probe"
S="import ctypes; libc = ctypes.CDLL(None); buf = ctypes.create_string_buffer(512)
print(libc.syscall(262, -100, b'$TOOLS/probe', buf, 0x1000))"   # newfstatat(AT_FDCWD, path, AT_EMPTY_PATH)
prime python3 -c "$S" && {
  touch "$TOOLS/probe"
  compare python3 -c "$S"
} && pass

# OLDPWD is the caller's last cd: neither keyed nor passed to a run that may
# be stored, so no replay can show another one; compared with a real run
# through the same route (--refresh), not --no-cache, which passes it.
setup oldpwd
OLDPWD=/one vgx sh -c 'echo "[$OLDPWD]"' > "$T/o1"
OLDPWD=/two vgx sh -c 'echo "[$OLDPWD]"' > "$T/got.out"
OLDPWD=/two "$VG" exec --refresh -- sh -c 'echo "[$OLDPWD]"' < /dev/null > "$T/want.out"
COMPARED=$((COMPARED + 1))
if [ "$(hits)" != 1 ]; then fail "expected the second run to be a replay, $(hits) hits"
elif ! cmp -s "$T/got.out" "$T/want.out"; then fail "false hit: $(cat "$T/got.out") for $(cat "$T/want.out")"
elif grep -q one "$T/got.out"; then fail "OLDPWD reached the command: $(cat "$T/got.out")"
else pass; fi

setup shlvl
SHLVL=3 prime sh -c 'echo $SHLVL' && { SHLVL=7 compare sh -c 'echo $SHLVL'; } && pass

# ===== class 4: chance and time below the command line: never stored under smart

setup date_in_script
echo 'date +%s%N' > stamp.sh
never_stored nondeterministic sh stamp.sh && {
  if cmp -s "$T/first.out" "$T/second.out"; then fail "two runs printed the same time"; else pass; fi
}

setup make_recipe_date
printf 'all:\n\t@date +%%s%%N\n' > Makefile
never_stored nondeterministic make && pass

setup urandom
echo 'od -An -N8 -tx8 /dev/u''random' > r.sh
never_stored nondeterministic sh r.sh && pass

setup uptime
echo 'cat /proc/up''time' > u.sh
never_stored nondeterministic sh u.sh && pass

setup python_random
never_stored entropy python3 -c 'import random; print(random.random())' && {
  if "$VG" cache why -- python3 -c 'import random; print(random.random())' < /dev/null | grep -q 'not a known-deterministic tool'; then pass
  else fail "vg cache why does not name the rule"; fi
}

if command -v node > /dev/null; then
  setup node_random
  never_stored entropy node -e 'console.log(Math.random())' && pass
fi

echo "$PASSES passed, $FAILS failed ($COMPARED runs compared with --no-cache)"
rm -rf "$TOOLS"
if [ $FAILS -eq 0 ]; then rm -rf "$ROOT"; else echo "kept $ROOT"; fi
[ $FAILS -eq 0 ]
