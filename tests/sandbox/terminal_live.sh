#!/usr/bin/env bash
# Live-terminal test of the namespace sandbox: a real interactive bash in
# tmux runs `vg exec --sandbox` with job control and full-screen programs.
# The sandbox is a process group of its own that vg lends the terminal to:
# Ctrl-Z must stop the job and `fg` resume it, Ctrl-C reach the command,
# and less, vi and top draw and read keys as on the host.
# Usage: VG_BIN=/path/to/vg terminal_live.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hooks/tmux_lib.sh
source "$HERE/../hooks/tmux_lib.sh"
require tmux bash less vi top
setup_dirs
mkdir -p "$T/work/proj"
seq -f 'line-%g' 1 200 >"$T/work/proj/lines.txt"

cat >"$T/home/.bashrc" <<EOF
_t_n=0
PROMPT_COMMAND='_t_n=\$((_t_n + 1))'
PS1='P\${_t_n}$ '
EOF

start_shell bash -i
type_line "cd $T/work/proj"
VG="vg exec --sandbox --no-cache --"

# start_line TEXT: type TEXT and Enter, for a program that keeps the
# terminal (its prompt comes later).
start_line() {
  tm send-keys -t t -l -- "$1"
  tm send-keys -t t Enter
  N=$((N + 1))
}

# Ctrl-Z stops the job, `fg` resumes it with the terminal, Ctrl-C ends it.
start_line "$VG cat"
tm send-keys -t t -l -- "first-input"
tm send-keys -t t Enter
wait_until "cat echoes what was typed" count_at_least "first-input" 2
ok "a sandboxed cat reads the terminal"
tm send-keys -t t C-z
wait_until "the shell reports the job stopped" screen_has "Stopped"
wait_until "prompt P$N after Ctrl-Z" last_is "P$N\$"
ok "Ctrl-Z stops the sandboxed job and gives the shell back"
type_line "jobs"
check "jobs lists the stopped job" screen_has "Stopped                 vg exec"
start_line "fg"
tm send-keys -t t -l -- "after-fg"
tm send-keys -t t Enter
wait_until "cat echoes input after fg" count_at_least "after-fg" 2
ok "fg resumes the job with the terminal"
tm send-keys -t t C-c
wait_until "prompt P$N after Ctrl-C" last_ends "P$N\$"
type_line 'echo "rc=$?"'
check "Ctrl-C ends the command with 130" screen_has "rc=130"

# less: draws, pages to the end on G, quits on q.
start_line "$VG less lines.txt"
wait_until "less shows the first lines" screen_has "line-1"
tm send-keys -t t G
wait_until "less pages to the end on G" screen_has "line-200"
tm send-keys -t t q
wait_until "prompt P$N after less" last_is "P$N\$"
ok "less draws, takes keys and quits"

# vi: edit a file in the workspace; the write is committed.
start_line "$VG vi -u NONE -N note.txt"
wait_until "vi draws its screen" screen_has '"note.txt" [New]' 
tm send-keys -t t -l -- "iwritten-in-vi"
tm send-keys -t t Escape
tm send-keys -t t -l -- ":wq"
tm send-keys -t t Enter
wait_until "prompt P$N after vi" last_is "P$N\$"
check "vi's write reached the workspace" grep -qx "written-in-vi" "$T/work/proj/note.txt"

# top: a full-screen redraw loop, quit with q.
start_line "$VG top -d 0.5"
wait_until "top draws its header" screen_has "Tasks:"
tm send-keys -t t q
wait_until "prompt P$N after top" last_is "P$N\$"
ok "top draws and quits on q"

# The terminal comes back as it was lent: a command that turned echo off
# (or any other mode) does not leave the user's shell without it.
type_line "$VG stty -echo -icanon"
start_line "cat"
tm send-keys -t t -l -- "typed-after-stty"
tm send-keys -t t Enter
wait_until "a host cat's output" count_at_least "typed-after-stty" 1
tm send-keys -t t C-d
wait_until "prompt P$N after cat" last_is "P$N\$"
check "the terminal echoes again after the sandboxed stty -echo" count_at_least "typed-after-stty" 2

# Nor with its foreground handed to a group the command made, its file
# status flags changed (O_NONBLOCK is shared with the caller) or its size
# changed.
cat >"$T/steal.py" <<'PY'
import os, fcntl
fcntl.fcntl(0, fcntl.F_SETFL, fcntl.fcntl(0, fcntl.F_GETFL) | os.O_NONBLOCK)
if os.fork() == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpgrp())
    os._exit(0)
os.wait()
PY
type_line "sh -c '$VG python3 $T/steal.py; stty sane && echo fg-back'"
check "the shell's terminal is in the foreground again after a command took it" screen_has "fg-back"
type_line "python3 -c 'import os,fcntl; print(\"nonblock\" if fcntl.fcntl(0,fcntl.F_GETFL)&os.O_NONBLOCK else \"still-blocking\")'"
check "the terminal's O_NONBLOCK is undone" screen_has "still-blocking"
type_line "stty size > $T/size-before; $VG stty rows 11 cols 22; stty size > $T/size-after"
check "the terminal's size is put back" cmp -s "$T/size-before" "$T/size-after"

echo "# $PASS passed, $FAIL failed"
((FAIL == 0))
