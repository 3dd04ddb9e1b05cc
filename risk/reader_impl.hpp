#pragma once
// Internal: the Reader class shared by reader_walk.cpp (statements),
// reader_words.cpp (word evaluation) and reader_argv.cpp (unwrapping and
// code carried by arguments). Not part of vg_risk's interface.

#include <tree_sitter/api.h>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "risk/reader.hpp"

extern "C" const TSLanguage* tree_sitter_bash();

namespace vg::risk::detail {

// Where the walk is.
struct Ctx {
  std::string_view src;          // text the current tree was parsed from
  std::uint32_t flags = 0;       // ContextFlag bits
  std::size_t depth = 0;
  std::size_t nesting = 0;       // nested scripts
  bool has_outer = false;        // spans of a nested script map to `outer`
  Span outer;
  bool record = true;            // list commands in Assessment::commands
};

// The value of one word after quote removal and expansion of known values.
struct Value {
  std::string text;
  bool resolved = true;
  bool splittable = false;       // an unquoted expansion: subject to field splitting
  bool brace = false;            // an unquoted literal that may hold {a,b}
  std::optional<std::vector<std::string>> fields;  // "$@" and friends
  std::string origin;            // text of the commands whose output this is ($(..), <(..))
};

// Data fed to a command's standard input (pipe, heredoc, here-string).
struct Input {
  std::string text;
  bool resolved = false;
  std::string origin;            // the producing command(s), for facts and reasons
};

// One word of an argv with what the analysis needs about it.
struct Arg {
  std::string text;
  bool resolved = true;
  Span span;
  std::string origin;
};

// A shell function seen so far.
struct Function {
  TSNode body;
  std::string_view src;
};

class Reader {
 public:
  Reader(const Limits& limits, const KnownCommand& known, Model& model);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Parse and walk `text` (top level when ctx.nesting == 0).
  void read(std::string_view text, Ctx ctx);
  // Analyse an argv that runs directly.
  // Returns the index in Model::commands of the innermost (unwrapped) command.
  std::optional<std::size_t> run_argv(std::vector<Arg> args, std::optional<Input> input,
                                      std::vector<Redirect> redirects, Span span, Ctx ctx);

 private:
  // One round of run_argv (reader_run.cpp).
  void resolve_against_cwd(std::vector<Arg>& args) const;
  std::size_t record(const std::vector<Arg>& args, const std::vector<Redirect>& redirects, bool outer, Span span,
                     const Ctx& c);
  void call_function(const Function& f, const std::string& name, const std::vector<Arg>& args, Span span,
                     const Ctx& c);

 private:
  // Walk (reader_walk.cpp).
  bool enter(const Ctx& c);
  void statement(TSNode n, Ctx c);
  void statements_of(TSNode n, Ctx c);
  void scan(TSNode n, Ctx c);
  void pipeline(TSNode n, Ctx c);
  std::optional<std::size_t> command(TSNode n, Ctx c, const std::vector<TSNode>& extra_redirects);
  void assignment(TSNode n, Ctx c);
  void for_loop(TSNode n, Ctx c);
  void function_definition(TSNode n, Ctx c);
  void report_parse_error(TSNode root, const Ctx& c);
  Span span_of(TSNode n, const Ctx& c) const;
  std::string_view text_of(TSNode n, const Ctx& c) const;
  Redirect redirect(TSNode n, Ctx c, std::optional<Input>& input);

  // Words (reader_words.cpp).
  Value eval(TSNode n, Ctx c);
  Value lookup(std::string_view name, TSNode n, const Ctx& c);
  Value substitution(TSNode n, Ctx c, std::uint32_t flag);
  void append_fields(const Value& v, Span span, std::vector<Arg>& out);

  // Unwrapping and code (reader_argv.cpp); public for the handlers (reader_handlers.hpp).
 public:
  void nested_script(const std::string& text, bool resolved, const std::string& origin, const std::string& runner,
                     Span span, Ctx c);
  void interpreter_code(const std::string& interp, const std::string& code, Span span, Ctx c);
  void stdin_code(const std::string& runner, bool shell, const std::optional<Input>& input, Span span, Ctx c);
  std::optional<Input> output_of(const SimpleCommand& cmd, const std::optional<Input>& input) const;

 public:
  void reason(std::string why);
  std::string m_last_pipe_text;  // text of the stage feeding the next one

  const Limits& m_limits;
  const KnownCommand& m_known;
  Model& m_model;
  TSParser* m_parser = nullptr;
  std::vector<TSTree*> m_trees;
  std::deque<std::string> m_texts;  // nested script texts the trees point into
  std::chrono::steady_clock::time_point m_deadline;
  bool m_exhausted = false;
  std::map<std::string, std::optional<std::string>, std::less<>> m_vars;  // nullopt: only known at run time
  std::optional<std::vector<std::string>> m_positional;
  std::map<std::string, Function, std::less<>> m_functions;
  std::set<std::string, std::less<>> m_calling;  // functions being expanded (no recursion)
  std::optional<Input> m_pipe_input;   // output of the previous pipeline stage
  std::optional<std::string> m_arg0;   // $0 of a `sh -c SCRIPT NAME` script
  std::string m_ifs = " \t\n";         // field separators after a literal IFS=...
  std::optional<std::string> m_cwd;    // working directory after a literal `cd` (nullopt: unknown)
  bool m_below_workspace = false;      // a literal `cd` into a relative directory (no `..`) from the start
  std::size_t m_checks = 0;
};

// How an interpreter is called: inline code (-c/-e/-r ...), a file, or its input.
struct InterpreterCallInfo {
  bool has_code = false;
  std::size_t code_index = 0;
  std::string inline_code;   // when attached to the option (-e'code')
  bool runs_file = false;
};
InterpreterCallInfo interpreter_info(std::string_view base, const std::vector<std::string>& words);

// Join argv words with spaces, quoting words that hold blanks.
std::string join_argv(const std::vector<std::string>& argv);

}  // namespace vg::risk::detail
