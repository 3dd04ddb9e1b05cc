#include "clidoc/completion_tables.hpp"

#include "clidoc/shell_words.hpp"

namespace vg::clidoc {

std::string table_path(const std::string& program, const Command& c) {
  return c.path.empty() ? program : program + " " + c.path;
}

CompletionTables completion_tables(const std::string& program, const std::vector<Command>& commands) {
  CompletionTables t;
  std::map<std::string, std::string> descriptions;  // path -> description
  for (const auto& c : commands) descriptions[c.path] = first_line(c.description);
  for (const auto& c : commands) {
    const std::string path = table_path(program, c);
    for (const auto& s : c.subcommands) {
      std::string sub = c.path.empty() ? s : c.path + " " + s;
      t.subcommands[path].push_back({s, descriptions[sub]});
    }
    for (const auto& o : c.options) {
      for (const auto& flag : flag_spellings(o)) {
        t.options[path].push_back({flag, first_line(o.description)});
        if (!o.takes_value) continue;
        t.value_options[path].push_back(flag);
        t.option_values[path + " " + flag] = encode_spec(o.values);
      }
    }
    for (std::size_t i = 0; i < c.positionals.size(); ++i) {
      const auto& p = c.positionals[i];
      t.positional_values[path + " " + std::to_string(i)] = encode_spec(p.values);
      if (p.many) t.many[path] = static_cast<int>(i);
    }
  }
  return t;
}

}  // namespace vg::clidoc
