# vg shell hook for fish. Add to ~/.config/fish/config.fish:   vg init fish | source
# Every line typed at the prompt is planned by `vg hook plan` before it runs:
# builtins and functions run here; external programs go through
# `vg exec --`; a refused line does not run at all and stays in the buffer.
# Turn off: `vg off` (this shell), `vg on`; VG_OFF=1 at shell start.

if status is-interactive; and not set -q VG_ACTIVE; and not set -q VG_OFF; and not set -q _vg_hooked
    set -g _vg_hooked 1
    set -g _vg_bin @VG_BIN@
    set -g _vg_on_missing @ON_MISSING@
    set -g _vg_enabled 1
    set -g _vg_warned 0
    set -g _vg_typed
    set -g _vg_run

    # vg off / vg on switch the hook for this shell; anything else is vg.
    function vg --description 'vg; "vg off" / "vg on" switch the shell hook'
        switch "$argv[1]"
            case off
                set -g _vg_enabled 0
                echo 'vg: hook off for this shell; "vg on" turns it back on' >&2
            case on
                set -g _vg_enabled 1
                echo 'vg: hook on' >&2
            case '*'
                command $_vg_bin $argv
        end
    end

    # Collects one `abbr --show` line (see _vg_expand_abbr).
    function _vg_abbr_entry
        argparse -i a/add 'p/position=' 'r/regex=' 'f/function=' 'set-cursor=?' g U -- $argv
        or return
        set -q _flag_set_cursor; and return
        set -a _vg_abbrs (string join \x1e -- "$_flag_position" "$_flag_regex" "$_flag_function" $argv | string collect)
    end

    # Expand the abbreviation that Enter would expand (the token at the
    # cursor) before planning, so the plan sees what fish will run. fish 3.6
    # cannot run expand-abbr before a shell function in one binding.
    function _vg_expand_abbr
        set -l token (commandline -t)
        test -n "$token"; or return
        set -l words (commandline -p -o)
        # `and`, `or`, `not` and `time` leave the next word in command position.
        while set -q words[2]; and contains -- $words[1] and or not time
            set -e words[1]
        end
        set -l first $words[1]
        # Parsing every abbreviation costs milliseconds: only when the token
        # is an abbreviation's name, or some abbreviation is a --regex one
        # (known per set of names).
        set -l names (abbr --list)
        if test "$names" != "$_vg_abbr_names"
            set -g _vg_abbr_names $names
            set -g _vg_abbr_regex 0
            abbr --show | string match -q -- '* --regex *'; and set -g _vg_abbr_regex 1
        end
        if not contains -- $token $names; and test "$_vg_abbr_regex" = 0
            return
        end
        set -g _vg_abbrs
        abbr --show | string replace -r '^abbr ' '_vg_abbr_entry ' | source
        for entry in $_vg_abbrs
            set -l f (string split \x1e -- $entry)
            # f: position, regex, function, name, expansion words
            if test "$f[1]" != anywhere; and test "$token" != "$first"
                continue
            end
            if test -n "$f[2]"
                string match -qr -- "^(?:$f[2])\$" "$token"; or continue
            else if test "$token" != "$f[4]"
                continue
            end
            set -l expansion
            if test -n "$f[3]"
                set expansion (eval (string escape -- $f[3] $token) | string collect)
                or continue
            else
                set expansion (string join ' ' -- $f[5..-1])
            end
            commandline -t -r -- "$expansion"
            break
        end
        set -e _vg_abbrs
    end

    # What `vg hook plan` reads on stdin: the names fish runs itself, then
    # (after a NUL) the functions the words of $argv[1] may call, followed
    # through their bodies.
    # Only the words in command position of a body are followed, and
    # functions shipped with fish ($__fish_data_dir) are not (they are
    # fish's own, like its builtins).
    function _vg_names
        functions -a -n
        builtin -n
        printf '\0'
        set -l queue (string replace -ra -- '[^[:alnum:]_.:+@%,/~!-]' ' ' $argv[1] | string split -n ' ')
        set -l seen
        while set -q queue[1]; and not set -q seen[32]
            set -l w $queue[1]
            set -e queue[1]
            contains -- $w $seen; and continue
            functions -q -- $w; or continue
            set -a seen $w
            if test "$w" = vg; or string match -q -- '_vg_*' $w
                continue
            end
            set -l file (functions --details -- $w)
            if set -q __fish_data_dir[1]; and string match -q -- "$__fish_data_dir/*" $file
                continue
            end
            set -l body (functions -- $w | string collect)
            printf 'function\0%s\0%s\0' $w "$body"
            set -a queue (string replace -ra -- '[|;&()]' \n $body | string split -n \n | string trim |
                string replace -r -- '^(?:(?:and|or|not|command|builtin|exec|time)\s+)*(\S+).*$' '$1')
        end
    end

    # Bound to Enter: plan the command line, then execute, rewrite or hold it.
    function _vg_execute
        if test "$_vg_enabled" != 0
            _vg_expand_abbr
        end
        set -l line (commandline | string collect)
        set -g _vg_typed
        set -g _vg_run
        if test "$_vg_enabled" = 0; or not string length -q -- (string trim -- "$line")
            commandline -f execute
            return
        end
        if not test -x "$_vg_bin"
            if test "$_vg_on_missing" = refuse
                printf '\nvg: %s is missing; the line was not run (hooks.on_missing: refuse; "vg off" turns the hook off)\n' $_vg_bin >&2
                commandline -f repaint
                return
            end
            if test "$_vg_warned" = 0
                printf '\nvg: %s is missing; commands run without vg until it is back\n' $_vg_bin >&2
                set -g _vg_warned 1
            end
            commandline -f execute
            return
        end
        set -g _vg_warned 0
        # An incomplete line (an open block or quote) gets its newline from
        # execute; a line with a syntax error gets fish's message. Neither runs.
        if not commandline --is-valid
            commandline -f execute
            return
        end
        set -l plan (_vg_names "$line" | command $_vg_bin hook plan --shell fish --names - -- "$line")
        set -l verdict $plan[1]
        set -l count 0
        string match -qr '^[0-9]+$' -- "$plan[2]"; and set count $plan[2]
        set -l first_text (math 3 + $count)
        if test $count -gt 0
            printf '\n' >&2
            printf '%s\n' $plan[3..(math 2 + $count)] >&2
        end
        set -l text
        if test (count $plan) -ge $first_text
            set text (string join \n -- $plan[$first_text..-1] | string collect)
        end
        switch "$verdict"
            case native
                commandline -f execute
            case wrap ask
                if test "$verdict" = ask
                    # One key, read by head: the terminal is in fish's
                    # non-canonical mode here (read -P would repaint over it).
                    printf 'vg: run it? [y/N] ' >&2
                    set -l answer (command head -c 1 </dev/tty)
                    printf '%s\n' "$answer" >&2
                    if not string match -qi y -- "$answer"
                        echo 'vg: not run' >&2
                        commandline -f repaint
                        return
                    end
                end
                set -g _vg_typed $line
                set -g _vg_run $text
                # A leading space keeps the rewrite out of history; the typed
                # line goes in instead (_vg_remember).
                commandline -r -- " $text"
                commandline -f execute
            case refuse
                commandline -f repaint
            case '*'
                echo 'vg: hook plan failed; the line was not run ("vg off" turns the hook off)' >&2
                commandline -f repaint
        end
    end

    # History keeps the typed line, never the rewrite: append it to the
    # history file the way fish writes it, then merge it into this session.
    function _vg_remember --on-event fish_postexec
        test -n "$_vg_run"; or return
        set -l typed $_vg_typed
        set -g _vg_run
        set -g _vg_typed
        set -q fish_history; or set -l fish_history fish
        test -n "$fish_history"; or return
        string match -qr '^\s' -- "$typed"; and return
        set -l dir (set -q XDG_DATA_HOME; and echo $XDG_DATA_HOME; or echo ~/.local/share)/fish
        set -l escaped (string replace -a '\\' '\\\\' -- "$typed" | string join '\n')
        mkdir -p $dir
        printf '- cmd: %s\n  when: %s\n' "$escaped" (date +%s) >>$dir/$fish_history"_history"
        history merge
    end

    # Key bindings are (re)loaded after config.fish and by fish_vi_key_bindings:
    # put Enter back on the gate before each prompt.
    function _vg_bind --on-event fish_prompt
        for mode in default insert
            bind -M $mode \r _vg_execute 2>/dev/null
            bind -M $mode \n _vg_execute 2>/dev/null
        end
    end
    _vg_bind
end
