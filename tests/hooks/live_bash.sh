#!/usr/bin/env bash
# Live-shell test of the bash hook: a real interactive bash in tmux, typed at.
# Usage: VG_BIN=/path/to/vg live_bash.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hooks/tmux_lib.sh
source "$HERE/tmux_lib.sh"
require tmux bash
setup_dirs

REFUSED_LINE="touch $T/r1; mkfs.ext4 /dev/vg-test-none; touch $T/r2"
# Safety first: the refusal test types this line only if vg refuses it.
"$T/bin/vg" hook plan --shell bash -- "$REFUSED_LINE" </dev/null | head -n 1 | grep -qx refuse ||
  die "vg does not refuse '$REFUSED_LINE' by classification; not typing it"

cat >"$T/home/.bashrc" <<EOF
HISTFILE=$T/hist
HISTSIZE=1000
HISTFILESIZE=1000
HISTCONTROL=ignorespace
_t_n=0
_t_dbg=0
trap '_t_dbg=\$((_t_dbg + 1))' DEBUG
PROMPT_COMMAND='history -a; _t_n=\$((_t_n + 1))'
PS1='P\${_t_n}$ '
eval "\$("$T/bin/vg" init bash)"
eval "\$("$T/bin/vg" init bash)"
EOF

start_shell bash -i

type_line "cd $T/work && export VGT=42"
type_line "echo \"\$PWD \$VGT\" > $T/o-builtin"
check "cd and export change the interactive shell" file_is "$T/o-builtin" "$T/work 42"

type_line "touch $T/ext1 && env > $T/env-wrapped"
check "an external command runs" test -f "$T/ext1"
check "an external command runs through vg exec" grep -qx VG_ACTIVE=1 "$T/env-wrapped"
check "an external command is in vg's audit log" audit_has "$T/ext1"

refused_line "$REFUSED_LINE"
check "refused line: first part did not run" no_file "$T/r1"
check "refused line: refused part did not run" no_file "$T/mkfs-ran"
check "refused line: last part did not run" no_file "$T/r2"
check "the refusal is in the audit log" audit_has "mkfs.ext4 /dev/vg-test-none"

type_line " touch $T/ignored-by-histcontrol"
type_line "history > $T/hist-mem"
check "history holds the typed line" grep -qF "touch $T/ext1 && env > $T/env-wrapped" "$T/hist-mem"
check "history never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/hist-mem'"
check "HISTCONTROL=ignorespace still applies" bash -c "! grep -q ignored-by-histcontrol '$T/hist-mem'"
check "HISTFILE holds the typed line" grep -qF "touch $T/ext1 && env > $T/env-wrapped" "$T/hist"
check "HISTFILE never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/hist'"

type_line "\\env > $T/env-bypass"
check "\\cmd bypasses vg" bash -c "! grep -q VG_ACTIVE '$T/env-bypass'"
type_line "command env > $T/env-command"
check "command cmd bypasses vg" bash -c "! grep -q VG_ACTIVE '$T/env-command'"

type_line "trap -p DEBUG > $T/trap; echo \"\$_t_dbg\" > $T/dbg; declare -p PROMPT_COMMAND > $T/pc"
check "the user's DEBUG trap is still installed" grep -q "_t_dbg" "$T/trap"
check "the user's DEBUG trap still runs" test "$(cat "$T/dbg")" -gt 0
check "PROMPT_COMMAND keeps the user's part" grep -q "history -a" "$T/pc"
check "sourcing twice installs the hook once" test "$(grep -o _vg_after "$T/pc" | wc -l)" -eq 1

# Nested shell: bash typed at the prompt runs through vg exec and does not hook again.
tm send-keys -t t -l -- "bash"
tm send-keys -t t Enter
wait_until "nested bash prompt" last_is "P1\$"
tm send-keys -t t -l -- "echo \"hooked=\${_vg_hooked-no} active=\$VG_ACTIVE\" > $T/nested; exit"
tm send-keys -t t Enter
N=$((N + 1))
wait_until "outer prompt after nested bash" last_is "P$N\$"
check "a nested shell does not hook again" file_is "$T/nested" "hooked=no active=1"

type_line "vg exec -- env > $T/env-typed"
check "a typed vg exec is not wrapped again" test "$(grep -c VG_ACTIVE "$T/env-typed")" -eq 1

# Ctrl-C inside a wrapped command leaves the terminal as it was.
type_line "stty -g > $T/stty1"
tm send-keys -t t -l -- "sleep 30"
tm send-keys -t t Enter
wait_until "sleep running" pgrep -f "^sleep 30$" >/dev/null
tm send-keys -t t C-c
N=$((N + 1))
wait_until "prompt after Ctrl-C" last_ends "P$N\$"
type_line "stty -g > $T/stty2"
check "Ctrl-C in a wrapped command leaves stty -g unchanged" cmp -s "$T/stty1" "$T/stty2"

# Ctrl-C at the prompt, with text typed.
tm send-keys -t t -l -- "echo never-run > $T/never"
tm send-keys -t t C-c
N=$((N + 1))
wait_until "prompt after Ctrl-C at the prompt" last_ends "P$N\$"
type_line "stty -g > $T/stty3"
check "Ctrl-C at the prompt leaves stty -g unchanged" cmp -s "$T/stty1" "$T/stty3"
check "Ctrl-C at the prompt runs nothing" no_file "$T/never"

# Multi-line input: a for loop and a heredoc typed over several lines.
cont_line() {
  tm send-keys -t t -l -- "$1"
  tm send-keys -t t Enter
  wait_until "continuation prompt after: $1" last_is ">"
}
cont_line "for i in 1 2"
cont_line "do touch $T/loop\$i"
type_line "done"
check "a for loop typed over lines runs" test -f "$T/loop1" -a -f "$T/loop2"
cont_line "cat > $T/heredoc <<'EOF'"
cont_line "hello \$HOME"
type_line "EOF"
check "a heredoc typed at the prompt works" file_is "$T/heredoc" 'hello $HOME'
type_line "history > $T/hist-mem2"
check "multi-line history never holds the rewrite" bash -c "! grep -qE 'vg exec -- (touch|cat)' '$T/hist-mem2'"
check "multi-line history holds the typed loop" grep -qF "touch $T/loop" "$T/hist-mem2"

# vi mode: Enter in insert mode and in command mode.
type_line "set -o vi"
type_line "touch $T/vi1 && env > $T/env-vi1"
tm send-keys -t t -l -- "touch $T/vi2"
tm send-keys -t t Escape
tm send-keys -t t Enter
N=$((N + 1))
wait_until "prompt after vi command-mode Enter" last_is "P$N\$"
check "vi insert mode: the line runs through vg" grep -qx VG_ACTIVE=1 "$T/env-vi1"
check "vi command mode: the line runs" test -f "$T/vi2"
type_line "set -o emacs"

# vg off / vg on for this shell.
type_line "vg off"
type_line "env > $T/env-off"
type_line "vg on"
type_line "env > $T/env-on"
check "vg off: commands run natively" bash -c "! grep -q VG_ACTIVE '$T/env-off'"
check "vg on: commands go through vg again" grep -qx VG_ACTIVE=1 "$T/env-on"

# The binary disappears: one warning, the shell keeps working.
type_line "mv $T/bin/vg $T/bin/vg.away"
type_line "touch $T/miss1"
check "missing vg: the line still runs" test -f "$T/miss1"
check "missing vg: a one-line warning" screen_has "is missing; commands run without vg"
type_line "mv $T/bin/vg.away $T/bin/vg"
type_line "env > $T/env-back"
check "vg back: commands go through vg again" grep -qx VG_ACTIVE=1 "$T/env-back"

finish
