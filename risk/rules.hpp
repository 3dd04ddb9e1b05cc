#pragma once
// Rule packs: YAML files of RE2 rules (config/rules/*.yaml and the user's
// `rules.paths`), indexed by what they match and compiled lazily, so a
// command only pays for the rules of the command names it contains.

#include <re2/re2.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"

namespace vg::risk {

// What a rule's patterns are matched against.
enum class Target {
  command,    // a simple command's normalized argv, "rm -rf /" (selected by `commands`)
  redirect,   // a redirection, "> /etc/passwd"
  pipeline,   // a pipeline's stages joined by " | "
  code,       // interpreter code (selected by `commands`: python*, perl, ...)
  structure,  // structural facts of the reader ("recursive-function name=f background=1 pipe=1")
  script,     // the raw text of the script and of every nested script
};

// One rule, as loaded. A built-in rule read without its examples leaves the
// fields marked "rest" unread in the blob until something needs them (the
// patterns, the description of a finding, where() in a message): `fill()`.
struct Rule {
  std::string id;
  config::Level level = config::Level::low;
  mutable std::string description;  // rest
  Target target = Target::command;
  std::vector<std::string> commands;     // command / interpreter names; "name*" is a prefix
  mutable std::vector<std::string> all;   // rest: every pattern must match
  mutable std::vector<std::string> none;  // rest: no pattern may match
  mutable std::vector<std::string> match_examples;      // rest
  mutable std::vector<std::string> not_match_examples;  // rest
  mutable std::string file;  // rest: where it was defined
  int line = 0;
  int column = 0;
  // Rest. Built-in rules: lowercase literals, one of which the text
  // (lowercased) holds whenever the rule can match it, from RE2's prefilter
  // of an `all` pattern at build time (risk/tools/rulec.cpp). Empty: no such
  // shortcut.
  mutable std::vector<std::string> needs_any;
  // The unread rest in the built-in blob (static data); empty once read.
  mutable std::string_view unread;

  // Compiled on first use; `broken` holds the error of an invalid pattern.
  mutable bool compiled = false;
  mutable std::string broken;
  mutable std::vector<std::unique_ptr<RE2>> all_re;
  mutable std::vector<std::unique_ptr<RE2>> none_re;

  // Read the rest of a built-in rule from the blob, once (rule_blob.cpp); a
  // damaged rest leaves the rule broken.
  void fill() const;
  // "file:line:column: rule ID"
  std::string where() const;
  // Compile the patterns (once); false with `broken` set when one is invalid.
  bool compile() const;
  // Does `text` satisfy every `all` pattern and no `none` pattern?
  bool matches(std::string_view text) const;
  // False only when `needs_any` proves that the rule cannot match `text`
  // (then its patterns need not even be compiled).
  bool may_match(std::string_view text) const;
};

// Every loaded rule, indexed.
class RuleSet {
 public:
  // Parse one YAML rule file; `name` is used in messages. Patterns are not compiled here.
  Result<void> load(const std::string& name, std::string_view text);
  // Add the rules of a blob written by `to_blob` (risk/rule_blob.cpp). With
  // `with_examples` (verification) every field is read now; without, each
  // rule's rest is read at its first use and `blob` must outlive the rules
  // (the built-in blob is static).
  Result<void> load_blob(std::string_view blob, bool with_examples);
  // Serialize every rule, in load order, into a compact blob (no YAML at run time).
  std::string to_blob() const;
  // Switch off rules by id (critical rules cannot be switched off); unknown ids are returned.
  std::vector<std::string> disable(const std::vector<std::string>& ids);
  // Rules of `target` that apply to command/interpreter `base` (for command and code targets).
  std::vector<const Rule*> for_name(Target target, std::string_view base) const;
  // Rules of a target that is not selected by name.
  const std::vector<const Rule*>& for_target(Target target) const;
  // Does any command rule name `base`?
  bool knows(std::string_view base) const;
  // Every rule, in load order.
  const std::vector<std::unique_ptr<Rule>>& rules() const { return m_rules; }

 private:
  // Take ownership of `r`, refusing a duplicate id, and index it.
  Result<void> add(std::unique_ptr<Rule> r);
  void index(const Rule* r);
  std::vector<std::unique_ptr<Rule>> m_rules;
  // Keys are views of the rules' own strings (a Rule never moves: it is
  // owned through unique_ptr and not edited once added), so indexing copies
  // no text; this is on the start-up path of every `vg exec`.
  std::unordered_map<std::string_view, std::vector<const Rule*>> m_by_name[2];  // [command, code]
  std::vector<std::pair<std::string, const Rule*>> m_prefix[2];
  std::vector<const Rule*> m_any_name[2];
  std::vector<const Rule*> m_by_target[6];
  std::unordered_map<std::string_view, const Rule*> m_ids;
};

}  // namespace vg::risk
