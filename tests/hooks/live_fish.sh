#!/usr/bin/env bash
# Live-shell test of the fish hook: a real interactive fish in tmux, typed at.
# Usage: VG_BIN=/path/to/vg live_fish.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hooks/tmux_lib.sh
source "$HERE/tmux_lib.sh"
require tmux fish
setup_dirs

mkdir -p "$T/config/fish"
cat >"$T/config/fish/config.fish" <<EOF
set -g fish_greeting ''
set -g _t_n 0
function _t_count --on-event fish_prompt
    set -g _t_n (math \$_t_n + 1)
end
function fish_prompt
    printf 'P%s\$ ' \$_t_n
end
function fish_right_prompt; end
function fish_mode_prompt
    test "\$fish_key_bindings" = fish_vi_key_bindings; and test "\$fish_bind_mode" = default; and printf "N "
end
alias vgx 'mkfs.ext4 /dev/vg-test-none'
function vgf; mkfs.ext4 /dev/vg-test-none; end
function vgg; vgf; end
function vgset; set -g VGSET 7; cd $T/work/fn; end
abbr -a vgab mkfs.ext4 /dev/vg-test-none
abbr -a genv 'env > $T/env-abbr'
"$T/bin/vg" init fish | source
"$T/bin/vg" init fish | source
EOF

start_shell fish -i

type_line "cd $T/work; and set -gx VGT 42"
type_line "echo \"\$PWD \$VGT\" > $T/o-builtin"
check "cd and set -gx change the interactive shell" file_is "$T/o-builtin" "$T/work 42"

type_line "touch $T/ext1; and env > $T/env-wrapped"
check "an external command runs" test -f "$T/ext1"
check "an external command runs through vg exec" grep -qx VG_ACTIVE=1 "$T/env-wrapped"
check "an external command is in vg's audit log" audit_has "$T/ext1"

scenario_refused_line fish
scenario_definitions fish
scenario_ask fish

# Abbreviations: Enter expands the one at the cursor; vg plans the expansion.
type_line "genv"
check "an abbreviation of an external command runs through vg exec" grep -qx VG_ACTIVE=1 "$T/env-abbr"
refused_line_as "vgab" "mkfs.ext4 /dev/vg-test-none"
refused_line_as "true; and vgab" "true; and mkfs.ext4 /dev/vg-test-none"
check "an abbreviation of a refused command is refused" no_file "$T/mkfs-ran"

type_line "history > $T/hist-mem"
check "history holds the typed line" grep -qF "touch $T/ext1; and env > $T/env-wrapped" "$T/hist-mem"
check "history never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/hist-mem'"
check "the history file never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/data/fish/fish_history'"

type_line "command env > $T/env-command"
check "command cmd bypasses vg" bash -c "! grep -q VG_ACTIVE '$T/env-command'"

NESTED_ECHO='echo "hooked=$_vg_hooked active=$VG_ACTIVE"'
scenario_nested fish "hooked= active=1"
scenario_ctrl_c

# A block typed over several lines: Enter on an open block adds a line.
tm send-keys -t t -l -- "for i in 1 2"
tm send-keys -t t Enter
tm send-keys -t t -l -- "touch $T/loop\$i"
tm send-keys -t t Enter
type_line "end"
check "a for loop typed over lines runs" test -f "$T/loop1" -a -f "$T/loop2"

type_line "fish_vi_key_bindings"
type_line "touch $T/vi1; and env > $T/env-vi1"
tm send-keys -t t -l -- "touch $T/vi2"
tm send-keys -t t Escape
wait_until "vi normal mode" last_is "N P$N\$ touch $T/vi2"
tm send-keys -t t Enter
N=$((N + 1))
wait_until "prompt after vi normal-mode Enter" last_ends "P$N\$"
check "vi insert mode: the line runs through vg" grep -qx VG_ACTIVE=1 "$T/env-vi1"
check "vi normal mode: the line runs" test -f "$T/vi2"
tm send-keys -t t -l -- "i"
wait_until "vi insert mode" last_is "P$N\$"
type_line "fish_default_key_bindings"

scenario_off_on
scenario_missing

finish
