#pragma once
// Lazy rule packs. Parsing every YAML file on each start costs milliseconds
// that vg would pay before every command, so the built-in packs are only
// pre-scanned (a line scan for `commands:` and `target:`) and a file is
// parsed when a command actually needs it.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/result.hpp"
#include "risk/model.hpp"
#include "risk/rules.hpp"

namespace vg::risk {

class Packs {
 public:
  // Add a pack to be parsed on demand (`text` must outlive this object).
  void add_lazy(std::string name, std::string_view text);
  // Does any pack (loaded or not) name `base` in a rule's `commands`?
  bool knows(std::string_view base) const;
  // Parse the packs `model` needs into `rules`; errors are returned (fail closed).
  Result<void> ensure(const Model& model, RuleSet& rules);
  // Parse every pack into `rules`.
  Result<void> ensure_all(RuleSet& rules);

 private:
  struct Pack {
    std::string name;
    std::string_view text;
    bool loaded = false;
    bool always = false;                 // a rule the scan cannot place (no command names)
    bool targets[6] = {};                // non-command targets present
    std::set<std::string, std::less<>> names;
    std::vector<std::string> prefixes;
    bool matches(std::string_view base) const;
  };
  Result<void> load(Pack& p, RuleSet& rules);
  std::vector<Pack> m_packs;
};

}  // namespace vg::risk
