#!/usr/bin/env bash
# End-to-end tests of the result cache: every case runs the real vg binary
# in the namespace sandbox, in a throwaway workspace with its own XDG dirs.
# Usage: cache_e2e.sh /path/to/vg
# Skips (exit 77) when the sandbox cannot start here; with CI=true that is a
# failure instead.
set -u
VG=${1:?usage: cache_e2e.sh VG_BIN}
ROOT=$(mktemp -d /tmp/vg-cache-e2e-XXXXXX)
# A tool outside the workspace, in a throwaway directory the sandbox can see
# (its /tmp, /var and home are private).
TOOLS=$(mktemp -d /opt/vg-cache-e2e-tools-XXXXXX)
# mktemp makes it 0700: as root, the sandbox sees host root's files as not
# its own (idmapped system directories), so it must be world-readable.
chmod 755 "$TOOLS"
FAILS=0
PASSES=0

fail() { echo "FAIL: $CASE: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $CASE"; PASSES=$((PASSES + 1)); }

# A fresh workspace, cache and config for one case.
setup() {
  CASE=$1
  T=$ROOT/$CASE
  mkdir -p "$T/ws" "$T/xdg/cache" "$T/xdg/state" "$T/xdg/config/vg" "$T/bin"
  export XDG_CACHE_HOME=$T/xdg/cache XDG_STATE_HOME=$T/xdg/state XDG_CONFIG_HOME=$T/xdg/config
  printf 'sandbox:\n  mode: always\n' > "$T/xdg/config/vg/config.yaml"
  cd "$T/ws" || exit 1
}

# Run vg exec with stdin from /dev/null (an interactive stdin is never cached).
vgx() { "$VG" exec -- "$@" < /dev/null; }

stat_of() {  # stat_of NAME -> counter value from `vg cache stats --json`
  "$VG" cache stats --json | tr ',{}' '\n\n\n' | sed -n "s/^ *\"$1\": *\([0-9]*\)$/\1/p" | head -1
}
hits() { local h; h=$(stat_of hits); echo "${h:-0}"; }
entries() { local e; e=$(stat_of entries); echo "${e:-0}"; }

# --- can the sandbox run here at all?
setup probe
"$VG" exec -- true < /dev/null > /dev/null 2> "$T/probe.err"
rc=$?
if [ $rc -ne 0 ]; then
  echo "the namespace sandbox does not start here (exit $rc): $(cat "$T/probe.err")"
  if [ "${CI:-}" = "true" ]; then echo "FAIL: CI=true requires this suite"; exit 1; fi
  exit 77
fi

# --- a hit replays byte-identical stdout (binary included) and stderr, separately and interleaved
setup binary_output
head -c 3000 /bin/sh > blob.bin
S='cat blob.bin; printf "\000\001\377tail"; echo to-stderr >&2; printf "more"'
vgx sh -c "$S" > ../out1 2> ../err1
vgx sh -c "$S" > ../out2 2> ../err2
vgx sh -c "$S" > ../both3 2>&1
if [ "$(hits)" != 2 ]; then fail "expected 2 hits, got $(hits)"
elif ! cmp -s ../out1 ../out2; then fail "stdout differs on replay"
elif ! cmp -s ../err1 ../err2; then fail "stderr differs on replay"
elif [ "$(head -c 3000 ../out2 | cmp -s - blob.bin && echo same)" != same ]; then fail "binary output damaged"
elif ! grep -q to-stderr ../both3; then fail "interleaved replay lost stderr"
else pass; fi

# --- an edit to an input file misses; reverting it hits again
setup input_edit
echo v1 > input.txt
vgx cat input.txt > ../o1; vgx cat input.txt > ../o2
echo v2 > input.txt
vgx cat input.txt > ../o3
if [ "$(hits)" != 1 ]; then fail "expected exactly 1 hit, got $(hits)"
elif [ "$(cat ../o3)" != v2 ]; then fail "stale output after an edit: $(cat ../o3)"
else pass; fi

# --- inputs are traced: an edit to a file the run never read is still a hit
setup unrelated_edit
echo v1 > input.txt; echo x > unrelated.txt
vgx cat input.txt > /dev/null
echo y > unrelated.txt; mkdir -p docs; echo new > docs/notes.md
vgx cat input.txt > ../o2
if [ "$(hits)" != 1 ]; then fail "an edit to a file the run did not read missed ($(hits) hits)"
elif [ "$(cat ../o2)" != v1 ]; then fail "wrong replay: $(cat ../o2)"
elif ! "$VG" cache why -- cat input.txt < /dev/null | grep -q 'would hit'; then fail "vg cache why does not see the traced hit"
else pass; fi

# --- a path the run looked for and did not find is an input: when it appears, the run misses
setup missing_appears
S='if [ -e local.cfg ]; then cat local.cfg; else echo default; fi'
vgx sh -c "$S" > ../o1; vgx sh -c "$S" > ../o2
echo from-local-cfg > local.cfg
"$VG" cache why -- sh -c "$S" < /dev/null > ../why.txt
vgx sh -c "$S" > ../o3
if [ "$(cat ../o2)" != default ] || [ "$(hits)" != 1 ]; then fail "the repeat did not hit ($(hits) hits): $(cat ../o2)"
elif [ "$(cat ../o3)" != from-local-cfg ]; then fail "a newly created file the run looks for was missed: $(cat ../o3)"
elif ! grep -q 'local.cfg is not as it was' ../why.txt; then fail "vg cache why: $(cat ../why.txt)"
else pass; fi

# --- a directory the run listed is an input: a new file in it misses, one elsewhere does not
setup listing
mkdir src other; touch src/a.c
vgx ls src > ../o1
touch other/b.c
vgx ls src > ../o2
touch src/new.c
vgx ls src > ../o3
if [ "$(hits)" != 1 ]; then fail "expected 1 hit, got $(hits)"
elif ! grep -q new.c ../o3; then fail "a new file in a listed directory was missed: $(cat ../o3)"
else pass; fi

# --- a link the run followed: pointing it elsewhere misses
setup link_retarget
echo one > one.txt; echo two > two.txt; ln -s one.txt current
vgx cat current > ../o1; vgx cat current > /dev/null
ln -sfn two.txt current
vgx cat current > ../o3
if [ "$(hits)" != 1 ]; then fail "expected 1 hit, got $(hits)"
elif [ "$(cat ../o3)" != two ]; then fail "a re-pointed link replayed the old target: $(cat ../o3)"
else pass; fi

# --- cache_strategy conservative stores only traced runs, and a traced run is one
setup conservative
printf 'sandbox:\n  mode: always\n  cache_strategy: conservative\n' > "$T/xdg/config/vg/config.yaml"
echo c > input.txt
vgx cat input.txt > /dev/null; vgx cat input.txt > ../o2
if [ "$(entries)" != 1 ] || [ "$(hits)" != 1 ]; then fail "conservative: $(entries) entries, $(hits) hits"
elif [ "$(stat_of uncacheable.untraced)" != "" ] && [ "$(stat_of uncacheable.untraced)" != 0 ]; then fail "counted as untraced"
elif ! "$VG" cache show "$("$VG" cache ls --json | sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' | head -1)" | grep -q 'traced: the'; then fail "vg cache show does not list the traced inputs"
else pass; fi

# --- stdin from a pipe or file is in no key, and can be read where no tracer
# sees (a copy of fd 0 passed over a socket to another process): such runs
# are never stored nor replayed
setup stdin_pipe
echo a | "$VG" exec -- cat > ../o1; echo b | "$VG" exec -- cat > ../o2
e1=$(entries)
around='python3 -c "
import socket,os,sys
a,b=socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
socket.send_fds(a,[b\"x\"],[0]); os.close(0)
_,fds,_,_=socket.recv_fds(b,1,1)
sys.stdout.write(os.read(fds[0],100).decode())"'
echo first | "$VG" exec -- sh -c "$around" > ../o3; echo second | "$VG" exec -- sh -c "$around" > ../o4
h1=$(hits)
vgx cat > ../o5                                     # /dev/null: stored (it read only EOF)
echo data | "$VG" exec -- cat > ../o6               # must not replay the /dev/null run
if [ "$(cat ../o2)" != b ]; then fail "piped stdin replayed: $(cat ../o2)"
elif [ "$e1" != 0 ]; then fail "a run reading a pipe was stored"
elif [ "$(cat ../o3)" != first ] || [ "$(cat ../o4)" != second ]; then fail "stdin passed around the tracer replayed: '$(cat ../o3)' '$(cat ../o4)'"
elif [ "$h1" != 0 ]; then fail "a run with piped stdin was replayed ($h1 hits)"
elif [ "$(cat ../o6)" != data ]; then fail "a /dev/null run was replayed for piped data: '$(cat ../o6)'"
elif [ "$(stat_of uncacheable.stdin)" -lt 4 ]; then fail "not counted as stdin: $(stat_of uncacheable.stdin)"
else pass; fi

# --- a device on stdin is data too (a loop device read twice, /dev/urandom):
# two real runs of `head -c 16 < /dev/urandom` differ, so a replay shows
setup stdin_device
"$VG" exec -- head -c 16 < /dev/urandom | od -An -tx1 > ../d1
"$VG" exec -- head -c 16 < /dev/urandom | od -An -tx1 > ../d2
if [ ! -s ../d1 ]; then fail "the run printed nothing"
elif cmp -s ../d1 ../d2; then fail "a run reading a device on stdin was replayed: $(cat ../d2)"
elif [ "$(hits)" != 0 ] || [ "$(entries)" != 0 ]; then fail "a run with a device on stdin was stored ($(entries) entries)"
else pass; fi

# --- a run that makes a link is never stored: where a link leads depends on
# the tree it lands in, which only the commit's checks judge (a replayed
# `ln -s . s` once completed a chain out of the workspace)
setup link_made
vgx sh -c 'ln -s . s' > /dev/null; rm -f s
vgx sh -c 'ln -s . s' > /dev/null
if [ "$(entries)" != 0 ] || [ "$(hits)" != 0 ]; then fail "a run that made a link was stored ($(entries) entries, $(hits) hits)"
elif [ ! -L s ]; then fail "the link did not land"
else pass; fi

# --- changing an environment variable misses; a volatile one (a terminal
# pane's id) does not, and is not passed to the command either
setup env_change
FOO=1 vgx sh -c 'echo $FOO ${TMUX_PANE:-none}' > ../o1
FOO=2 vgx sh -c 'echo $FOO ${TMUX_PANE:-none}' > ../o2
TMUX_PANE=%9 FOO=2 vgx sh -c 'echo $FOO ${TMUX_PANE:-none}' > ../o3
if [ "$(cat ../o2)" != "2 none" ]; then fail "FOO=2 replayed FOO=1's output: $(cat ../o2)"
elif [ "$(hits)" != 1 ]; then fail "expected 1 hit (TMUX_PANE is volatile), got $(hits)"
elif [ "$(cat ../o3)" != "2 none" ]; then fail "a volatile variable reached the command: $(cat ../o3)"
else pass; fi

# --- replacing the tool binary (outside the workspace) misses
setup tool_replaced
printf '#!/bin/sh\necho tool-v1\n' > "$TOOLS/mytool"; chmod +x "$TOOLS/mytool"
vgx "$TOOLS/mytool" > ../o1
vgx "$TOOLS/mytool" > ../o2
printf '#!/bin/sh\necho tool-v2\n' > "$TOOLS/mytool"
vgx "$TOOLS/mytool" > ../o3
if [ "$(cat ../o3)" != tool-v2 ]; then fail "replayed the old tool's output: $(cat ../o3)"
elif [ "$(hits)" != 1 ]; then fail "expected 1 hit, got $(hits)"
else pass; fi

# --- a run that rewrites its own input is keyed on the input before it, and
# its replay leaves the file as the run did (a rewritten .ninja_log)
setup self_edit
echo 1 > counter.txt; touch -d 2020-01-01 counter.txt   # cat fstat()s it: its time is an input
vgx sh -c 'cat counter.txt; echo 2 > counter.txt' > ../o1
vgx sh -c 'cat counter.txt; echo 2 > counter.txt' > ../o2    # reads 2: a miss
echo 1 > counter.txt; touch -d 2020-01-01 counter.txt
vgx sh -c 'cat counter.txt; echo 2 > counter.txt' > ../o3
if [ "$(hits)" != 1 ]; then fail "expected the third run to be a replay, $(hits) hits"
elif [ "$(cat ../o2)" != 2 ] || [ "$(cat ../o3)" != 1 ]; then fail "wrong output: '$(cat ../o2)' '$(cat ../o3)'"
elif [ "$(cat counter.txt)" != 2 ]; then fail "the replay did not rewrite the input: $(cat counter.txt)"
else pass; fi

# --- ninja rewrites .ninja_log: an input and an output, stored and replayed
setup ninja_log
if command -v ninja > /dev/null; then
  printf 'rule cp\n  command = cp $in $out\nbuild out: cp in\n' > build.ninja; echo v1 > in
  for _ in 1 2 3; do vgx ninja > /dev/null; done
  if [ "$(hits)" -lt 1 ]; then fail "ninja was never replayed ($(hits) hits; $("$VG" cache stats --json))"
  elif [ "$(cat out)" != v1 ]; then fail "wrong output file: $(cat out)"
  else
    echo v2 > in
    vgx ninja > /dev/null
    if [ "$(cat out)" != v2 ]; then fail "an edited input was not rebuilt: $(cat out)"; else pass; fi
  fi
else
  echo "skip: $CASE (no ninja)"
fi

# --- output redirected into the workspace is vg's own: stored and replayed there
setup output_in_workspace
echo v1 > input.txt
vgx cat input.txt > build.log; vgx cat input.txt > build.log
if [ "$(hits)" != 1 ]; then fail "expected the repeat to be a replay ($(hits) hits; $("$VG" cache stats --json))"
elif [ "$(cat build.log)" != v1 ]; then fail "the log holds '$(cat build.log)'"
else pass; fi

# --- a killed run is not stored
setup killed
"$VG" exec -- sh -c 'echo started; sleep 30; echo never' < /dev/null > ../o1 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q started ../o1 2>/dev/null && break; sleep 0.1; done
kill -TERM $pid; wait $pid; rc=$?
if [ $rc -lt 128 ]; then fail "vg exit code after SIGTERM was $rc"
elif [ "$(entries)" != 0 ]; then fail "a killed run was stored"
else pass; fi

# --- a run with a network is not stored (smart)
setup network
printf 'sandbox:\n  mode: always\n  network:\n    mode: full\n' > "$T/xdg/config/vg/config.yaml"
vgx sh -c 'echo net' > ../o1 2> ../e1
vgx sh -c 'echo net' > ../o2 2> ../e2
if [ "$(entries)" != 0 ] || [ "$(hits)" != 0 ]; then fail "a networked run was stored"
elif [ "$(stat_of uncacheable.network)" != 2 ]; then fail "not counted as network: $(cat ../e1)"
else pass; fi

# --- replay restores written and deleted files (mode kept) and the exact exit code
setup files_and_exit
printf 'sandbox:\n  mode: always\n  cache_strategy: aggressive\n' > "$T/xdg/config/vg/config.yaml"
echo old > old.txt; touch -d 2020-01-01 old.txt   # rm stats it: its time is an input
S='mkdir -p out; printf "\001bin" > out/data.bin; chmod 750 out/data.bin; rm old.txt; exit 7'
vgx sh -c "$S"; rc1=$?
rm -rf out; echo old > old.txt; touch -d 2020-01-01 old.txt   # back to the state before the run
vgx sh -c "$S"; rc2=$?
if [ $rc1 != 7 ] || [ $rc2 != 7 ]; then fail "exit codes $rc1 / $rc2, expected 7 / 7"
elif [ "$(hits)" != 1 ]; then fail "expected a hit, got $(hits)"
elif [ "$(printf '\001bin')" != "$(cat out/data.bin)" ]; then fail "written file not restored"
elif [ "$(stat -c %a out/data.bin)" != 750 ]; then fail "mode not restored: $(stat -c %a out/data.bin)"
elif [ -e old.txt ]; then fail "deleted file not deleted on replay"
else pass; fi

# --- a failed run is stored but not replayed under smart; --no-cache and --refresh
setup flags
vgx sh -c 'echo fail; exit 3' > /dev/null; vgx sh -c 'echo fail; exit 3' > /dev/null
h1=$(hits)
vgx sh -c 'echo ok' > /dev/null
"$VG" exec --no-cache -- sh -c 'echo ok' < /dev/null > /dev/null
h2=$(hits)
"$VG" exec --refresh -- sh -c 'echo ok' < /dev/null > /dev/null
vgx sh -c 'echo ok' > /dev/null
h3=$(hits)
if [ "$h1" != 0 ]; then fail "a failed run was replayed under smart"
elif [ "$h2" != 0 ]; then fail "--no-cache replayed"
elif [ "$h3" != 1 ]; then fail "--refresh then a plain run: expected 1 hit, got $h3"
else pass; fi

# --- the cache commands
setup commands
vgx sh -c 'echo listed' > /dev/null
key=$("$VG" cache ls --json | sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' | head -1)
FOO=changed "$VG" cache why -- sh -c 'echo listed' < /dev/null > ../why.txt
if [ -z "$key" ]; then fail "vg cache ls --json shows no key"
elif ! "$VG" cache show "${key:0:12}" | grep -q 'echo listed'; then fail "vg cache show"
elif ! grep -q 'env .*differs: FOO added' ../why.txt; then fail "vg cache why: $(cat ../why.txt)"
elif ! "$VG" cache rm "${key:0:12}" 2> /dev/null || [ "$(entries)" != 0 ]; then fail "vg cache rm"
elif "$VG" cache rm ffffffff 2> /dev/null; then fail "vg cache rm of an unknown key succeeded"
else pass; fi

# --- a corrupt database: reported, moved aside, rebuilt; the command still runs
setup corrupt
vgx sh -c 'echo one' > /dev/null
for f in "$XDG_CACHE_HOME"/vg/results/db/*; do case $f in *MANIFEST*|*.sst|*CURRENT) head -c 4096 /dev/zero | tr '\0' 'Z' > "$f";; esac; done
vgx sh -c 'echo one' > ../o1 2> ../e1; rc=$?
if [ $rc != 0 ] || [ "$(cat ../o1)" != one ]; then fail "the command failed with a corrupt cache (rc $rc)"
elif ! grep -q 'cache database' ../e1; then fail "the corruption was not reported: $(cat ../e1)"
elif ! ls -d "$XDG_CACHE_HOME"/vg/results/db.corrupt-* > /dev/null 2>&1; then fail "not moved aside"
else
  vgx sh -c 'echo one' > /dev/null; vgx sh -c 'echo one' > /dev/null
  if [ "$(hits)" -lt 1 ]; then fail "the rebuilt cache does not work"; else pass; fi
fi

echo "$PASSES passed, $FAILS failed"
rm -rf "$TOOLS"
if [ $FAILS -eq 0 ]; then rm -rf "$ROOT"; else echo "kept $ROOT"; fi
[ $FAILS -eq 0 ]
