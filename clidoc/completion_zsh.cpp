#include "clidoc/completion.hpp"
#include "clidoc/completion_tables.hpp"
#include "clidoc/shell_words.hpp"

namespace vg::clidoc {

namespace {

// One "word:description" line each, as _describe takes them.
std::string described_lines(const std::vector<Described>& list) {
  std::string out;
  for (const auto& d : list) {
    std::string desc;
    for (char c : d.description) desc += c == '\n' ? ' ' : c;
    out += (out.empty() ? "" : "\n") + d.word + ":" + desc;
  }
  return out;
}

template <class Map, class Fn>
std::string assoc(const std::string& name, const Map& map, Fn value) {
  std::string out = "typeset -gA " + name + "\n" + name + "=(\n";
  for (const auto& [key, v] : map) out += "  " + sh_quote(key) + " " + sh_quote(value(v)) + "\n";
  return out + ")\n";
}

}  // namespace

std::string zsh_completion(const std::string& program, const std::vector<Command>& commands) {
  CompletionTables t = completion_tables(program, commands);
  const std::string p = "_" + program;
  std::string s = "#compdef " + program + "\n# zsh completion for " + program + ". Generated from " + program +
                  "'s command-line definition by `" + program +
                  " completion zsh`; do not edit.\n"
                  "# Install it as _" + program + " in a directory of $fpath, or, after compinit: source <(" +
                  program + " completion zsh)\n";
  s += assoc(p + "_subs", t.subcommands, described_lines);
  s += assoc(p + "_opts", t.options, described_lines);
  s += assoc(p + "_vopts", t.value_options, [](const std::vector<std::string>& v) { return " " + join(v, " ") + " "; });
  s += assoc(p + "_optvals", t.option_values, [](const std::string& v) { return v; });
  s += assoc(p + "_pos", t.positional_values, [](const std::string& v) { return v; });
  s += assoc(p + "_many", t.many, [](int v) { return std::to_string(v); });
  std::string body = R"ZSH(
# Offer values as SPEC says (see the tables above).
@P@_values() {
  local spec=$1
  local -a described
  case $spec in
    words:*) compadd -- ${=${spec#words:}} ;;
    files) _files ;;
    commands) _command_names -e ;;
    subcommands) described=(${(f)@P@_subs[@PROGRAM@]}); _describe -t commands '@PROGRAM@ command' described ;;
    dynamic:*) compadd -- ${(f)"$(eval ${spec#dynamic:})"} ;;
  esac
}

@P@() {
  local at=@PROGRAM@ pos=0 dashdash=0 i w
  local -a posidx described names
  # Walk the words before the cursor: subcommands deepen the path, options
  # that take a value skip it, anything else is the next positional.
  for ((i = 2; i < CURRENT; i++)); do
    w=${words[i]}
    if ((!dashdash)); then
      case $w in
        --) dashdash=1; continue ;;
        -*) [[ ${@P@_vopts[$at]} == *" $w "* ]] && i=$((i + 1)); continue ;;
      esac
      names=(${${(f)@P@_subs[$at]}%%:*})
      if ((pos == 0)) && ((${names[(Ie)$w]})); then
        at="$at $w"
        continue
      fi
    fi
    posidx[pos+1]=$i
    pos=$((pos + 1))
  done
  local cur=${words[CURRENT]} prev=${words[CURRENT-1]}
  if ((!dashdash)) && [[ $prev == -* && ${@P@_vopts[$at]} == *" $prev "* ]]; then
    @P@_values "${@P@_optvals[$at $prev]}"
    return
  fi
  if ((!dashdash)) && [[ $cur == -* ]]; then
    described=(${(f)@P@_opts[$at]})
    _describe -t options 'option' described
    return
  fi
  if ((!dashdash && pos == 0)) && [[ -n ${@P@_subs[$at]} ]]; then
    described=(${(f)@P@_subs[$at]})
    _describe -t commands '@PROGRAM@ command' described
    return
  fi
  local spec=${@P@_pos[$at $pos]} many=${@P@_many[$at]}
  if ((! ${+@P@_pos[$at $pos]})) && [[ -n $many ]] && ((pos > many)); then
    spec=${@P@_pos[$at $many]}
    # The arguments of a command given to run: that command's own completion.
    if [[ $spec == commands ]]; then
      local start=${posidx[many+1]}
      shift $((start - 1)) words
      CURRENT=$((CURRENT - start + 1))
      _normal
      return
    fi
  fi
  @P@_values "$spec"
}

if [[ ${funcstack[1]} == @P@ ]]; then
  @P@ "$@"
else
  compdef @P@ @PROGRAM@
fi
)ZSH";
  for (auto at = body.find("@P@"); at != std::string::npos; at = body.find("@P@", at)) body.replace(at, 3, p);
  for (auto at = body.find("@PROGRAM@"); at != std::string::npos; at = body.find("@PROGRAM@", at)) {
    body.replace(at, 9, program);
  }
  return s + body;
}

}  // namespace vg::clidoc
