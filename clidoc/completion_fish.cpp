#include "clidoc/completion.hpp"
#include "clidoc/completion_tables.hpp"
#include "clidoc/shell_words.hpp"

namespace vg::clidoc {

namespace {

// The `complete` arguments that offer the values of `v`.
std::string value_args(const ValueSpec& v) {
  switch (v.kind) {
    case Values::none: return " -x";
    case Values::words: return " -x -a " + fish_quote(join(v.words, " "));
    case Values::files: return " -r -F";
    case Values::commands: return " -x -a '(__fish_complete_command)'";
    case Values::subcommands: return " -x -a '(__@P@_subcommand_names)'";
    case Values::dynamic: return " -x -a " + fish_quote("(" + v.command + ")");
  }
  return "";
}

std::string flags_args(const Option& o) {
  std::string out;
  for (const auto& l : o.longs) out += " -l " + l;
  for (const auto& s : o.shorts) out += (s.size() == 1 ? " -s " : " -o ") + s;
  return out;
}

}  // namespace

std::string fish_completion(const std::string& program, const std::vector<Command>& commands) {
  CompletionTables t = completion_tables(program, commands);
  std::string s = "# fish completion for @PROGRAM@. Generated from @PROGRAM@'s command-line definition by\n"
                   "# `@PROGRAM@ completion fish`; do not edit. Load it with: @PROGRAM@ completion fish | source\n";
  // "path|sub" for every subcommand, and "path|FLAG" for every option that
  // takes a value: what __@P@_state needs to walk a command line.
  s += "set -g __@P@_subcommands";
  for (const auto& [path, subs] : t.subcommands) {
    for (const auto& d : subs) s += " " + fish_quote(path + "|" + d.word);
  }
  s += "\nset -g __@P@_value_options";
  for (const auto& [path, flags] : t.value_options) {
    for (const auto& f : flags) s += " " + fish_quote(path + "|" + f);
  }
  s += R"FISH(

# Print the command path, the number of positionals so far, and 1 after `--`.
function __@P@_state
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l at @PROGRAM@
    set -l pos 0
    set -l dashdash 0
    set -l skip 0
    for w in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        if test $dashdash -eq 0
            if test "$w" = --
                set dashdash 1
                continue
            end
            if string match -q -- '-*' $w
                contains -- "$at|$w" $__@P@_value_options; and set skip 1
                continue
            end
            if test $pos -eq 0; and contains -- "$at|$w" $__@P@_subcommands
                set at "$at $w"
                continue
            end
        end
        set pos (math $pos + 1)
    end
    printf '%s\n' "$at" $pos $dashdash
end

# True where a subcommand of path $argv[1] may come next.
function __@P@_at
    set -l s (__@P@_state)
    test "$s[1]" = "$argv[1]"; and test $s[2] -eq 0; and test $s[3] -eq 0
end

# True where an option of path $argv[1] may come next.
function __@P@_in
    set -l s (__@P@_state)
    test "$s[1]" = "$argv[1]"; and test $s[3] -eq 0
end

# True where positional number $argv[2] of path $argv[1] comes next.
function __@P@_pos
    set -l s (__@P@_state)
    test "$s[1]" = "$argv[1]"; and test $s[2] -eq $argv[2]
end

function __@P@_subcommand_names
    for entry in $__@P@_subcommands
        string match -q -- '@PROGRAM@|*' $entry; and string replace -- '@PROGRAM@|' '' $entry
    end
end

complete -c @PROGRAM@ -f
)FISH";
  for (const auto& c : commands) {
    std::string path = fish_quote(table_path(program, c));
    auto subs = t.subcommands.find(table_path(program, c));
    if (subs != t.subcommands.end()) {
      for (const auto& d : subs->second) {
        s += "complete -c @PROGRAM@ -n \"__@P@_at " + path + "\" -a " + fish_quote(d.word) + " -d " +
             fish_quote(d.description) + "\n";
      }
    }
    for (const auto& o : c.options) {
      s += "complete -c @PROGRAM@ -n \"__@P@_in " + path + "\"" + flags_args(o) +
           (o.takes_value ? value_args(o.values) : "") + " -d " + fish_quote(first_line(o.description)) + "\n";
    }
    for (std::size_t i = 0; i < c.positionals.size(); ++i) {
      const auto& pos = c.positionals[i];
      if (pos.values.kind == Values::none) continue;
      s += "complete -c @PROGRAM@ -n \"__@P@_pos " + path + " " + std::to_string(i) + "\"" + value_args(pos.values) +
           " -d " + fish_quote(first_line(pos.description)) + "\n";
    }
  }
  const std::string p = program;
  for (auto at = s.find("@P@"); at != std::string::npos; at = s.find("@P@", at)) s.replace(at, 3, p);
  for (auto at = s.find("@PROGRAM@"); at != std::string::npos; at = s.find("@PROGRAM@", at)) s.replace(at, 9, p);
  return s;
}

}  // namespace vg::clidoc
