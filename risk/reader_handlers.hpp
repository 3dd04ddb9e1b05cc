#pragma once
// Internal: the handlers of Reader::run_argv, one small function per special
// program or family (wrappers, shells, interpreters, eval, find, xargs, ssh,
// container exec, ...). A handler reads one simple command and either
// finishes it (Step::done: it recorded what the command runs, if anything)
// or hands back the argv it runs (Step::unwrap, in `Call::next`), which
// run_argv then treats as a command of its own. Each is testable alone.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "risk/reader_impl.hpp"

namespace vg::risk::detail {

// One simple command as a handler sees it.
struct Call {
  std::vector<Arg>& args;             // args[0] is the command word
  std::vector<std::string> words;     // their texts
  const std::optional<Input>& input;  // its standard input, when known
  Span span;                          // the whole command in the input
  Ctx& c;
  std::string base;                   // base name of args[0]
  bool outer = true;                  // the command as written, not an unwrapped one
  std::vector<Arg> next;              // Step::unwrap: the argv it runs
  bool remote = false;                // Step::unwrap: `next` runs on another machine
};

enum class Step { done, unwrap };
using Handler = Step (*)(Reader&, Call&);

// The handler for base name `base` (wrappers, shells and interpreters by
// their class, then the special programs); nullptr for an ordinary program.
Handler handler_for(std::string_view base);

// Wrappers and programs that run an argv (handlers_wrap.cpp).
Step run_wrapper(Reader& r, Call& k);        // sudo, nice, timeout, ... (the wrapper table)
Step run_env(Reader& r, Call& k);            // env [-i] [NAME=V] [-S STRING] CMD
Step run_user_switch(Reader& r, Call& k);    // su/sg/script/flock/runuser -c SCRIPT
Step run_watch(Reader& r, Call& k);          // watch [-x] CMD
Step run_xargs(Reader& r, Call& k);          // xargs, parallel: CMD with the values they read
Step run_find(Reader& r, Call& k);           // find ... -exec CMD {} ;
Step run_ssh(Reader& r, Call& k);            // ssh HOST CMD
Step run_container_exec(Reader& r, Call& k); // docker/podman/nerdctl/kubectl/oc exec
Step run_unknown(Reader& r, Call& k);        // a program with no rules: maybe a wrapper vg does not know

// Programs that run code (handlers_code.cpp).
Step run_shell(Reader& r, Call& k);          // sh -c SCRIPT, sh FILE, sh < input
Step run_interpreter(Reader& r, Call& k);    // python -c CODE, node -e CODE, code on stdin
Step run_eval(Reader& r, Call& k);           // eval WORDS
Step run_source(Reader& r, Call& k);         // source FILE, . FILE
Step run_trap(Reader& r, Call& k);           // trap SCRIPT SIGNALS
Step run_alias(Reader& r, Call& k);          // alias NAME=SCRIPT
Step run_awk(Reader& r, Call& k);            // awk PROGRAM

// The reader's own state (handlers_state.cpp); outer commands only.
Step run_cd(Reader& r, Call& k);             // cd/pushd DIR: the working directory for later paths
Step run_set(Reader& r, Call& k);            // set -- A B: the positional parameters

}  // namespace vg::risk::detail
