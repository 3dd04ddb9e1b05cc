#include "clidoc/completion.hpp"
#include "clidoc/completion_tables.hpp"
#include "clidoc/shell_words.hpp"

namespace vg::clidoc {

namespace {

std::string words_of(const std::vector<Described>& list) {
  std::vector<std::string> w;
  for (const auto& d : list) w.push_back(d.word);
  return join(w, " ");
}

// `declare -gA NAME=( [KEY]=VALUE ... )`: -g so that bash-completion's lazy
// loader, which sources this file inside a function, defines globals.
template <class Map, class Fn>
std::string assoc(const std::string& name, const Map& map, Fn value) {
  std::string out = "declare -gA " + name + "=(\n";
  for (const auto& [key, v] : map) out += "  [" + sh_quote(key) + "]=" + sh_quote(value(v)) + "\n";
  return out + ")\n";
}

}  // namespace

std::string bash_completion(const std::string& program, const std::vector<Command>& commands) {
  CompletionTables t = completion_tables(program, commands);
  const std::string p = "_" + program;
  std::string s = "# bash completion for " + program + ". Generated from " + program +
                  "'s command-line definition by `" + program +
                  " completion bash`; do not edit.\n"
                  "# Load it with: source <(" + program + " completion bash)\n";
  s += assoc(p + "_subs", t.subcommands, words_of);
  s += assoc(p + "_opts", t.options, words_of);
  s += assoc(p + "_vopts", t.value_options, [](const std::vector<std::string>& v) { return " " + join(v, " ") + " "; });
  s += assoc(p + "_optvals", t.option_values, [](const std::string& v) { return v; });
  s += assoc(p + "_pos", t.positional_values, [](const std::string& v) { return v; });
  s += assoc(p + "_many", t.many, [](int v) { return std::to_string(v); });
  std::string body = R"BASH(
# Complete CUR as SPEC says (see the tables above) into COMPREPLY.
@P@_values() {
  local spec=$1 cur=$2
  COMPREPLY=()
  case $spec in
    words:*) mapfile -t COMPREPLY < <(compgen -W "${spec#words:}" -- "$cur") ;;
    files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    commands) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
    subcommands) mapfile -t COMPREPLY < <(compgen -W "${@P@_subs[@PROGRAM@]}" -- "$cur") ;;
    dynamic:*) mapfile -t COMPREPLY < <(compgen -W "$(eval "${spec#dynamic:}")" -- "$cur") ;;
  esac
}

@P@() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local at=@PROGRAM@ pos=0 dashdash=0 i w
  local -a posidx=()
  # Walk the words before the cursor: subcommands deepen the path, options
  # that take a value skip it, anything else is the next positional.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if ((!dashdash)); then
      case $w in
        --) dashdash=1; continue ;;
        -*) [[ ${@P@_vopts[$at]-} == *" $w "* ]] && i=$((i + 1)); continue ;;
      esac
      if ((pos == 0)) && [[ " ${@P@_subs[$at]-} " == *" $w "* ]]; then
        at="$at $w"
        continue
      fi
    fi
    posidx[pos]=$i
    pos=$((pos + 1))
  done
  if ((!dashdash)) && [[ $prev == -* && ${@P@_vopts[$at]-} == *" $prev "* ]]; then
    @P@_values "${@P@_optvals["$at $prev"]-}" "$cur"
    return
  fi
  if ((!dashdash)) && [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${@P@_opts[$at]-}" -- "$cur")
    return
  fi
  if ((!dashdash && pos == 0)) && [[ -n ${@P@_subs[$at]-} ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${@P@_subs[$at]}" -- "$cur")
    return
  fi
  local spec=${@P@_pos["$at $pos"]-} many=${@P@_many[$at]-}
  if [[ -z ${@P@_pos["$at $pos"]+set} && -n $many ]] && ((pos > many)); then
    spec=${@P@_pos["$at $many"]-}
    # The arguments of a command given to run: that command's own completion.
    if [[ $spec == commands ]]; then
      if declare -F _command_offset >/dev/null; then
        _command_offset "${posidx[many]}"
        return
      fi
      spec=files
    fi
  fi
  @P@_values "$spec" "$cur"
}

complete -F @P@ @PROGRAM@
)BASH";
  for (auto at = body.find("@P@"); at != std::string::npos; at = body.find("@P@", at)) body.replace(at, 3, p);
  for (auto at = body.find("@PROGRAM@"); at != std::string::npos; at = body.find("@PROGRAM@", at)) {
    body.replace(at, 9, program);
  }
  return s + body;
}

}  // namespace vg::clidoc
