# vg shell hook for zsh. Add to ~/.zshrc:   eval "$(vg init zsh)"
# Every line typed at the prompt is planned by `vg hook plan` before it runs:
# builtins, functions and aliases run here; external programs go through
# `vg exec --`; a refused line does not run at all and stays in the buffer.
# Turn off: `vg off` (this shell), `vg on`; VG_OFF=1 at shell start.

if [[ -o interactive && -z ${VG_ACTIVE-} && -z ${VG_OFF-} && -z ${_vg_hooked-} ]]; then
  typeset -g _vg_hooked=1
  typeset -g _vg_bin=@VG_BIN@
  typeset -g _vg_on_missing=@ON_MISSING@
  typeset -gi _vg_enabled=1 _vg_warned=0
  typeset -ga _vg_typed _vg_run
  zmodload zsh/parameter 2>/dev/null

  # vg off / vg on switch the hook for this shell; anything else is vg.
  vg() {
    case ${1-} in
      off) _vg_enabled=0; print -ru2 -- 'vg: hook off for this shell; "vg on" turns it back on' ;;
      on) _vg_enabled=1; print -ru2 -- 'vg: hook on' ;;
      *) command "$_vg_bin" "$@" ;;
    esac
  }

  # What `vg hook plan` reads on stdin: the names this shell runs itself,
  # then (after a NUL) the aliases and functions the words of $1 may call,
  # followed through their values and bodies.
  _vg_names() {
    emulate -L zsh
    local -a queue
    local -A seen
    local w body i=1
    print -rl -- ${(k)functions} ${(k)builtins} ${(k)reswords}
    printf '\0'
    queue=(${=${1//[^[:alnum:]_.:+@%,\/~!-]/ }})
    while (( i <= $#queue && i <= 500 )); do
      w=$queue[i]
      (( i++ ))
      [[ -n $w && -z ${seen[$w]-} && $w != vg && $w != _vg_* ]] || continue
      seen[$w]=1
      if (( ${+aliases[$w]} )); then
        body=$aliases[$w]
        printf 'alias\0%s\0%s\0' $w $body
      elif (( ${+functions[$w]} )); then
        body=$functions[$w]
        printf 'function\0%s\0%s\0' $w $body
      else
        continue
      fi
      queue+=(${=${body//[^[:alnum:]_.:+@%,\/~!-]/ }})
    done
  }

  # _vg_gate WIDGET: plan BUFFER, then finish with WIDGET (the accept widget
  # that was there before vg, so other wrappers still run) or keep the buffer.
  _vg_gate() {
    emulate -L zsh
    local finish=$1 line=$BUFFER plan verdict rest count text msgs= i answer
    if (( ! _vg_enabled )) || [[ -z ${line//[[:space:]]/} ]]; then
      zle $finish
      return
    fi
    if [[ ! -x $_vg_bin ]]; then
      if [[ $_vg_on_missing == refuse ]]; then
        zle -M "vg: $_vg_bin is missing; the line was not run (hooks.on_missing: refuse; \"vg off\" turns the hook off)"
        return
      fi
      if (( ! _vg_warned )); then
        zle -I
        print -ru2 -- "vg: $_vg_bin is missing; commands run without vg until it is back"
        _vg_warned=1
      fi
      zle $finish
      return
    fi
    _vg_warned=0
    # History expansion happens after the line is accepted: plan what runs.
    if [[ -o banghist && ( $line == *\!* || $line == \^* ) ]]; then
      zle expand-history 2>/dev/null
      line=$BUFFER
    fi
    plan=$(_vg_names "$PREBUFFER$line" | command $_vg_bin hook plan --shell zsh --names - -- "$PREBUFFER$line")
    verdict=${plan%%$'\n'*}
    rest=${plan#*$'\n'}
    count=${rest%%$'\n'*}
    if [[ $rest == *$'\n'* ]]; then rest=${rest#*$'\n'}; else rest=; fi
    [[ $count == <-> ]] || count=0
    for (( i = 0; i < count; i++ )); do
      msgs+=${rest%%$'\n'*}$'\n'
      if [[ $rest == *$'\n'* ]]; then rest=${rest#*$'\n'}; else rest=; fi
    done
    text=$rest
    # A continuation line is planned with the lines accepted before it
    # (PREBUFFER); keep only this buffer's part of the rewrite.
    rest=${PREBUFFER//[^$'\n']/}
    for (( i = 0; i < $#rest; i++ )); do
      text=${text#*$'\n'}
    done
    if [[ -n $msgs ]]; then
      zle -I
      print -rnu2 -- $msgs
    fi
    case $verdict in
      (native) zle $finish ;;
      (wrap|ask)
        if [[ $verdict == ask ]]; then
          # Inside a widget, read -k gets one key through zle (a read from
          # /dev/tty would wait for Enter).
          zle -R 'vg: run it? [y/N] '
          read -k 1 answer
          zle -I
          if [[ $answer != [yY] ]]; then
            print -ru2 -- 'vg: not run'
            return
          fi
        fi
        if [[ $text != "$line" ]]; then
          _vg_typed+=("$line")
          _vg_run+=("$text")
          BUFFER=$text
          CURSOR=$#BUFFER
        fi
        zle $finish
        ;;
      (refuse) ;;
      (*)
        zle -I
        print -ru2 -- 'vg: hook plan failed; the line was not run ("vg off" turns the hook off)'
        ;;
    esac
  }

  _vg_accept-line() { _vg_gate _vg_orig_accept-line }
  _vg_accept-and-hold() { _vg_gate _vg_orig_accept-and-hold }
  _vg_accept-line-and-down-history() { _vg_gate _vg_orig_accept-line-and-down-history }
  () {
    local w
    for w in accept-line accept-and-hold accept-line-and-down-history; do
      zle -A $w _vg_orig_$w
      zle -N $w _vg_$w
    done
  }

  # History keeps the typed lines, never the rewrites (a command typed over
  # several lines may have several).
  _vg_addhistory() {
    emulate -L zsh
    (( $#_vg_run )) || return 0
    local entry=${1%$'\n'} fixed i
    fixed=$entry
    for (( i = 1; i <= $#_vg_run; i++ )); do
      fixed=${fixed/$_vg_run[i]/$_vg_typed[i]}
    done
    _vg_run=() _vg_typed=()
    [[ $fixed == "$entry" ]] && return 0
    if ! [[ -o histignorespace && $fixed == [[:space:]]* ]]; then
      print -sr -- "$fixed"
    fi
    return 1
  }
  _vg_reset() { _vg_run=() _vg_typed=() }
  precmd_functions=(_vg_reset $precmd_functions)
  zshaddhistory_functions=(_vg_addhistory $zshaddhistory_functions)
fi
