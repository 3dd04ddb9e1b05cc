# vg shell hook for bash. Add to ~/.bashrc:   eval "$(vg init bash)"
# Every line typed at the prompt is planned by `vg hook plan` before it runs:
# builtins, functions and aliases run here; external programs go through
# `vg exec --`; a refused line does not run at all and stays in the buffer.
# Turn off: `vg off` (this shell), `vg on`; VG_OFF=1 at shell start.
# shellcheck shell=bash disable=SC2016

if [[ $- == *i* && -z ${VG_ACTIVE-} && -z ${VG_OFF-} && -z ${_vg_hooked-} ]] && ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)); then
  _vg_hooked=1
  _vg_bin=@VG_BIN@
  _vg_on_missing=@ON_MISSING@
  _vg_enabled=1
  _vg_warned=0
  _vg_typed=()
  _vg_run=()
  _vg_pre=

  # vg off / vg on switch the hook for this shell; anything else is vg.
  vg() {
    case ${1-} in
      off)
        _vg_enabled=0
        printf 'vg: hook off for this shell; "vg on" turns it back on\n' >&2
        ;;
      on)
        _vg_enabled=1
        printf 'vg: hook on\n' >&2
        ;;
      *) command "$_vg_bin" "$@" ;;
    esac
  }

  # The Enter macro's second key: accept the line, or do nothing (refused).
  _vg_accept() { bind '"\e[99992~": accept-line'; }
  _vg_hold() { bind '"\e[99992~": redraw-current-line'; }

  _vg_missing() {
    if [[ $_vg_on_missing == refuse ]]; then
      printf '\nvg: %s is missing; the line was not run (hooks.on_missing: refuse; "vg off" turns the hook off)\n' "$_vg_bin" >&2
      _vg_hold
      return
    fi
    if ((!_vg_warned)); then
      printf '\nvg: %s is missing; commands run without vg until it is back\n' "$_vg_bin" >&2
      _vg_warned=1
    fi
    _vg_accept
  }

  # What `vg hook plan` reads on stdin: the names this shell runs itself,
  # then (after a NUL) the aliases and functions the words of $1 may call,
  # followed through their values and bodies. Runs in the pipeline's subshell.
  _vg_names() {
    local -a queue more
    local -A seen=()
    local w body i=0
    compgen -A function -A builtin -A keyword
    printf '\0'
    read -rd '' -a queue <<<"${1//[^[:alnum:]_.:+@%,\/~!-]/ }"
    while ((i < ${#queue[@]} && i < 500)); do
      w=${queue[i]}
      i=$((i + 1))
      [[ -n $w && -z ${seen["$w"]-} && $w != vg && $w != _vg_* ]] || continue
      seen["$w"]=1
      if [[ -n ${BASH_ALIASES["$w"]+set} ]]; then
        body=${BASH_ALIASES["$w"]}
        printf 'alias\0%s\0%s\0' "$w" "$body"
      elif declare -F -- "$w" >/dev/null; then
        body=$(declare -f -- "$w")
        printf 'function\0%s\0%s\0' "$w" "$body"
      else
        continue
      fi
      read -rd '' -a more <<<"${body//[^[:alnum:]_.:+@%,\/~!-]/ }"
      queue+=("${more[@]}")
    done
  }

  # Bound (bind -x) to the Enter macro's first key: plan READLINE_LINE.
  _vg_check() {
    local line=$READLINE_LINE plan verdict rest count text msgs='' i answer
    if ((!_vg_enabled)) || [[ -z ${line//[[:space:]]/} ]]; then
      _vg_pre+=$line$'\n'
      _vg_accept
      return
    fi
    if [[ ! -x $_vg_bin ]]; then
      _vg_missing
      return
    fi
    _vg_warned=0
    # History expansion happens after the line is accepted: plan what runs.
    if [[ $- == *H* && ($line == *!* || $line == ^*) ]]; then
      if text=$(builtin history -p -- "$line" 2>/dev/null) && [[ $text != "$line" ]]; then
        line=$text
        READLINE_LINE=$line
        READLINE_POINT=${#line}
      fi
    fi
    # A continuation line (open quote, block or heredoc) is planned together
    # with the lines accepted before it since the last prompt.
    plan=$(_vg_names "$_vg_pre$line" | command "$_vg_bin" hook plan --shell bash --names - -- "$_vg_pre$line")
    verdict=${plan%%$'\n'*}
    rest=${plan#*$'\n'}
    count=${rest%%$'\n'*}
    [[ $rest == *$'\n'* ]] && rest=${rest#*$'\n'} || rest=
    [[ $count =~ ^[0-9]+$ ]] || count=0
    for ((i = 0; i < count; i++)); do
      msgs+=${rest%%$'\n'*}$'\n'
      [[ $rest == *$'\n'* ]] && rest=${rest#*$'\n'} || rest=
    done
    text=$rest
    rest=${_vg_pre//[!$'\n']/}
    for ((i = 0; i < ${#rest}; i++)); do
      text=${text#*$'\n'}
    done
    [[ -n $msgs ]] && printf '\n%s' "$msgs" >&2
    case $verdict in
      native)
        _vg_pre+=$line$'\n'
        _vg_accept
        ;;
      wrap | ask)
        if [[ $verdict == ask ]]; then
          printf 'vg: run it? [y/N] ' >&2
          IFS= read -r -n 1 answer </dev/tty
          printf '\n' >&2
          if [[ $answer != [yY] ]]; then
            printf 'vg: not run\n' >&2
            _vg_hold
            return
          fi
        fi
        _vg_pre+=$line$'\n'
        if [[ $text != "$line" ]]; then
          _vg_typed+=("$line")
          _vg_run+=("$text")
          READLINE_LINE=$text
          READLINE_POINT=${#text}
        fi
        _vg_accept
        ;;
      refuse) _vg_hold ;;
      *)
        printf '\nvg: hook plan failed; the line was not run ("vg off" turns the hook off)\n' >&2
        _vg_hold
        ;;
    esac
  }

  # First in PROMPT_COMMAND: history gets the typed lines, not the rewrites
  # (a command typed over several lines may have several): the entry bash
  # just added is replaced; `history -s` obeys HISTCONTROL.
  _vg_after() {
    local status=$? entry fixed i
    _vg_pre=
    if ((${#_vg_run[@]})); then
      entry=$(HISTTIMEFORMAT='' builtin history 1)
      entry=${entry#"${entry%%[![:space:]]*}"}
      entry=${entry#*[0-9][ *]}
      entry=${entry#" "}
      fixed=$entry
      for ((i = 0; i < ${#_vg_run[@]}; i++)); do
        fixed=${fixed/"${_vg_run[i]}"/"${_vg_typed[i]}"}
      done
      if [[ $fixed != "$entry" ]]; then
        builtin history -d -1
        builtin history -s -- "$fixed"
      fi
      _vg_run=()
      _vg_typed=()
    fi
    return "$status"
  }

  if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
    PROMPT_COMMAND=(_vg_after "${PROMPT_COMMAND[@]}")
  else
    # shellcheck disable=SC2178,SC2128
    PROMPT_COMMAND="_vg_after${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}"
  fi

  for _vg_map in emacs vi-insert vi-command; do
    bind -m "$_vg_map" -x '"\e[99991~": _vg_check'
    bind -m "$_vg_map" '"\e[99992~": accept-line'
    bind -m "$_vg_map" '"\C-m": "\e[99991~\e[99992~"'
    bind -m "$_vg_map" '"\C-j": "\e[99991~\e[99992~"'
  done
  unset _vg_map
fi
