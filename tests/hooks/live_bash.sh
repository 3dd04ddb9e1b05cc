#!/usr/bin/env bash
# Live-shell test of the bash hook: a real interactive bash in tmux, typed at.
# Usage: VG_BIN=/path/to/vg live_bash.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hooks/tmux_lib.sh
source "$HERE/tmux_lib.sh"
require tmux bash
setup_dirs

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
alias vgx='mkfs.ext4 /dev/vg-test-none'
vgf() { mkfs.ext4 /dev/vg-test-none; }
vgg() { vgf; }
alias vgenv='env > $T/env-alias'
vgset() { VGSET=7; cd $T/work/fn; }
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

scenario_refused_line bash
scenario_definitions bash
scenario_ask bash

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

NESTED_ECHO='echo "hooked=${_vg_hooked-no} active=$VG_ACTIVE"'
scenario_nested bash "hooked=no active=1"

type_line "vg exec -- env > $T/env-typed"
check "a typed vg exec is not wrapped again" test "$(grep -c VG_ACTIVE "$T/env-typed")" -eq 1

scenario_ctrl_c

# Ctrl-C at the prompt, with text typed.
tm send-keys -t t -l -- "echo never-run > $T/never"
tm send-keys -t t C-c
N=$((N + 1))
wait_until "prompt after Ctrl-C at the prompt" last_ends "P$N\$"
type_line "stty -g > $T/stty3"
check "Ctrl-C at the prompt leaves stty -g unchanged" cmp -s "$T/stty1" "$T/stty3"
check "Ctrl-C at the prompt runs nothing" no_file "$T/never"

# Multi-line input: a for loop and a heredoc typed over several lines.
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

scenario_off_on
scenario_missing

finish
