#!/usr/bin/env bash
# Live-shell test of the fish hook: a real interactive fish in tmux, typed at.
# Usage: VG_BIN=/path/to/vg live_fish.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/hooks/tmux_lib.sh
source "$HERE/tmux_lib.sh"
require tmux fish
setup_dirs

REFUSED_LINE="touch $T/r1; mkfs.ext4 /dev/vg-test-none; touch $T/r2"
"$T/bin/vg" hook plan --shell fish -- "$REFUSED_LINE" </dev/null | head -n 1 | grep -qx refuse ||
  die "vg does not refuse '$REFUSED_LINE' by classification; not typing it"

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

refused_line "$REFUSED_LINE"
check "refused line: first part did not run" no_file "$T/r1"
check "refused line: refused part did not run" no_file "$T/mkfs-ran"
check "refused line: last part did not run" no_file "$T/r2"

type_line "history > $T/hist-mem"
check "history holds the typed line" grep -qF "touch $T/ext1; and env > $T/env-wrapped" "$T/hist-mem"
check "history never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/hist-mem'"
check "the history file never holds the rewrite" bash -c "! grep -q 'vg exec' '$T/data/fish/fish_history'"

type_line "command env > $T/env-command"
check "command cmd bypasses vg" bash -c "! grep -q VG_ACTIVE '$T/env-command'"

tm send-keys -t t -l -- "fish"
tm send-keys -t t Enter
wait_until "nested fish prompt" last_is "P1\$"
tm send-keys -t t -l -- "echo \"hooked=\$_vg_hooked active=\$VG_ACTIVE\" > $T/nested; exit"
tm send-keys -t t Enter
N=$((N + 1))
wait_until "outer prompt after nested fish" last_is "P$N\$"
check "a nested shell does not hook again" file_is "$T/nested" "hooked= active=1"

type_line "stty -g > $T/stty1"
tm send-keys -t t -l -- "sleep 30"
tm send-keys -t t Enter
wait_until "sleep running" pgrep -f "^sleep 30$" >/dev/null
tm send-keys -t t C-c
N=$((N + 1))
wait_until "prompt after Ctrl-C" last_ends "P$N\$"
type_line "stty -g > $T/stty2"
check "Ctrl-C in a wrapped command leaves stty -g unchanged" cmp -s "$T/stty1" "$T/stty2"

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

type_line "vg off"
type_line "env > $T/env-off"
type_line "vg on"
type_line "env > $T/env-on"
check "vg off: commands run natively" bash -c "! grep -q VG_ACTIVE '$T/env-off'"
check "vg on: commands go through vg again" grep -qx VG_ACTIVE=1 "$T/env-on"

type_line "mv $T/bin/vg $T/bin/vg.away"
type_line "touch $T/miss1"
check "missing vg: the line still runs" test -f "$T/miss1"
check "missing vg: a one-line warning" screen_has "is missing; commands run without vg"
type_line "mv $T/bin/vg.away $T/bin/vg"
type_line "env > $T/env-back"
check "vg back: commands go through vg again" grep -qx VG_ACTIVE=1 "$T/env-back"

finish
