#!/usr/bin/env bash
# Live-shell test of the zsh hook: a real interactive zsh in tmux, typed at.
# Usage: VG_BIN=/path/to/vg live_zsh.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hooks/tmux_lib.sh
source "$HERE/tmux_lib.sh"
require tmux zsh
setup_dirs

cat >"$T/home/.zshrc" <<EOF
HISTFILE=$T/hist
HISTSIZE=1000
SAVEHIST=1000
setopt INC_APPEND_HISTORY HIST_IGNORE_SPACE PROMPT_SUBST
unsetopt PROMPT_SP
_t_n=0
precmd() { (( _t_n++ )) }
preexec() { print -r -- "ran" >> $T/preexec }
PS1='P\${_t_n}$ '
PS2='> '
alias vgx='mkfs.ext4 /dev/vg-test-none'
vgf() { mkfs.ext4 /dev/vg-test-none; }
vgg() { vgf; }
alias vgenv='env > $T/env-alias'
vgset() { VGSET=7; cd $T/work/fn; }
eval "\$("$T/bin/vg" init zsh)"
eval "\$("$T/bin/vg" init zsh)"
# Another plugin wraps accept-line after vg, the way syntax highlighters do.
_t_user_widget() { print -r -- widget >> $T/widget; zle _t_prev_accept -- "\$@" }
zle -A accept-line _t_prev_accept
zle -N accept-line _t_user_widget
EOF

start_shell zsh -i

type_line "cd $T/work && export VGT=42"
type_line "echo \"\$PWD \$VGT\" > $T/o-builtin"
check "cd and export change the interactive shell" file_is "$T/o-builtin" "$T/work 42"

type_line "touch $T/ext1 && env > $T/env-wrapped"
check "an external command runs" test -f "$T/ext1"
check "an external command runs through vg exec" grep -qx VG_ACTIVE=1 "$T/env-wrapped"
check "an external command is in vg's audit log" audit_has "$T/ext1"

scenario_refused_line zsh
scenario_definitions zsh
scenario_ask zsh

type_line " touch $T/ignored-by-histignorespace"
type_line "fc -ln 1 > $T/hist-mem"
check "history holds the typed line" grep -qF "touch $T/ext1 && env > $T/env-wrapped" "$T/hist-mem"
check "history never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/hist-mem'"
check "HIST_IGNORE_SPACE still applies" bash -c "! grep -q ignored-by-histignorespace '$T/hist-mem'"
check "HISTFILE holds the typed line" grep -qF "touch $T/ext1 && env > $T/env-wrapped" "$T/hist"
check "HISTFILE never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/hist'"
check "the user's precmd and preexec still run" test -s "$T/preexec"

type_line "\\env > $T/env-bypass"
check "\\cmd bypasses vg" bash -c "! grep -q VG_ACTIVE '$T/env-bypass'"

NESTED_ECHO='echo "hooked=${_vg_hooked-no} active=$VG_ACTIVE"'
scenario_nested zsh "hooked=no active=1"
scenario_ctrl_c

# Multi-line input: a for loop and a heredoc typed over several lines.
cont_line "for i in 1 2"
cont_line "do touch $T/loop\$i"
type_line "done"
check "a for loop typed over lines runs" test -f "$T/loop1" -a -f "$T/loop2"
cont_line "cat > $T/heredoc <<'EOF'"
cont_line "hello \$HOME"
type_line "EOF"
check "a heredoc typed at the prompt works" file_is "$T/heredoc" 'hello $HOME'

check "a widget wrapping accept-line after vg still runs" test -s "$T/widget"

# vi mode: Enter in insert mode and in command mode.
type_line "bindkey -v"
type_line "touch $T/vi1 && env > $T/env-vi1"
tm send-keys -t t -l -- "touch $T/vi2"
tm send-keys -t t Escape
tm send-keys -t t Enter
N=$((N + 1))
wait_until "prompt after vi command-mode Enter" last_is "P$N\$"
check "vi insert mode: the line runs through vg" grep -qx VG_ACTIVE=1 "$T/env-vi1"
check "vi command mode: the line runs" test -f "$T/vi2"
type_line "bindkey -e"

scenario_off_on
scenario_missing

finish
