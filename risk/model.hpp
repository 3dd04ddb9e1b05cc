#pragma once
// The command model: what a shell script would run, as the reader sees it.
// Every simple command with its argv after quote removal and unwrapping,
// its redirections, and its context; plus pipelines, interpreter code and
// structural facts that rules match against.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vg::risk {

// Where a simple command sits (bit flags).
enum ContextFlag : std::uint32_t {
  k_in_substitution = 1u << 0,   // inside $(...) or `...`
  k_in_process_subst = 1u << 1,  // inside <(...) or >(...)
  k_in_loop = 1u << 2,
  k_in_conditional = 1u << 3,    // if/case/&&/|| branches, test commands
  k_in_function = 1u << 4,
  k_background = 1u << 5,        // ends in &
  k_nested_script = 1u << 6,     // from sh -c, eval, heredoc, a wrapper's string
  k_remote = 1u << 7,            // ssh / docker exec / kubectl exec target
  k_unwrapped = 1u << 8,         // the inner command of a wrapper
  k_in_pipeline = 1u << 9,       // a stage of a pipeline
  k_find_exec = 1u << 10,        // run by find -exec for what it found ({} is the start path + /*)
  k_function_call = 1u << 11,    // a call of a shell function defined earlier (its body is walked)
  k_below_workspace = 1u << 12,  // after `cd DIR` into a relative DIR: `*` is DIR's content, not the project's
};

// One byte range in the original input.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// A redirection: operator as written (">", ">>", "<", "&>", ">|", "<<", "<<<")
// and its target after quote removal.
struct Redirect {
  std::string op;
  std::string target;
  bool resolved = true;
  Span span;
};

// One simple command that would run.
struct SimpleCommand {
  std::vector<std::string> argv;   // after quote removal, expansion of known values, unwrapping
  std::vector<bool> resolved;      // per argv word: its value is known before run time
  std::vector<Redirect> redirects;
  Span span;                       // the whole command in the input
  Span name_span;                  // its command word in the input
  bool top_level = true;           // false inside substitutions or nested scripts
  std::uint32_t context = 0;       // ContextFlag bits
  bool record_as_command = true;   // listed in Assessment::commands (false for unwrapped inner commands)
  std::string cwd;                 // the working directory after a literal `cd` (empty: where vg runs)
};

// Code handed to an interpreter (python -c, perl -e, heredoc to node, ...).
struct Code {
  std::string interpreter;  // basename, e.g. "python3"
  std::string text;
  Span span;
};

// A text matched by `pipeline` / `structure` rules, e.g.
// "curl -fsSL https://x | sh" or "recursive-function name=f background=1".
struct Fact {
  std::string text;
  Span span;
};

// Everything the reader found in one script.
struct Model {
  std::vector<SimpleCommand> commands;
  std::vector<Redirect> redirects;   // every redirection, for redirect rules
  std::vector<Code> code;            // interpreter code, for code rules
  std::vector<Fact> pipelines;       // stages joined by " | "
  std::vector<Fact> structures;      // structural facts
  std::vector<Fact> scripts;         // raw script texts (the input and nested ones)
  bool understood = true;
  std::vector<std::string> reasons;  // why not understood (deduplicated, in order)
  std::size_t nodes = 0;             // work done, for the bounds
};

}  // namespace vg::risk
