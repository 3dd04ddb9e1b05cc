#include "clidoc/model.hpp"

#include <CLI/CLI.hpp>

namespace vg::clidoc {

namespace {

ValueSpec hint_for(const Hints& hints, const std::string& path, const std::string& arg) {
  auto it = hints.find(path.empty() ? arg : path + " " + arg);
  return it == hints.end() ? ValueSpec{} : it->second;
}

// The value's name: the option's own type_name ("SCRIPT"), but CLI11's
// generic ones ("TEXT", "INT") say less than the option's long name.
std::string value_name_of(const CLI::Option& o) {
  std::string type = o.get_type_name();
  if (!type.empty() && type != "TEXT" && type != "INT" && type != "UINT" && type != "FLOAT" && type != "BOOLEAN" &&
      type.find(' ') == std::string::npos && type.find(':') == std::string::npos) {
    return type;
  }
  std::string name = o.get_lnames().empty() ? o.get_name() : o.get_lnames().front();
  for (auto& c : name) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

void walk(const CLI::App& app, const std::string& path, const Hints& hints, std::vector<Command>& out) {
  Command c;
  c.path = path;
  c.name = app.get_name();
  c.description = app.get_description();
  c.footer = app.get_footer();
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    if (o->get_positional()) {
      Positional p;
      p.name = o->get_name();
      p.description = o->get_description();
      p.required = o->get_required();
      p.many = o->get_items_expected_max() > 1;
      p.values = hint_for(hints, path, p.name);
      c.positionals.push_back(std::move(p));
      continue;
    }
    Option opt;
    opt.longs = o->get_lnames();
    opt.shorts = o->get_snames();
    opt.takes_value = o->get_type_size_max() > 0 && o->get_items_expected_max() > 0;
    opt.description = o->get_description();
    if (opt.takes_value) opt.value_name = value_name_of(*o);
    if (!opt.longs.empty()) opt.values = hint_for(hints, path, "--" + opt.longs.front());
    c.options.push_back(std::move(opt));
  }
  std::vector<const CLI::App*> subs;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    subs.push_back(s);
    c.subcommands.push_back(s->get_name());
  }
  out.push_back(std::move(c));
  for (const CLI::App* s : subs) walk(*s, path.empty() ? s->get_name() : path + " " + s->get_name(), hints, out);
}

}  // namespace

std::vector<Command> describe(const CLI::App& app, const Hints& hints) {
  std::vector<Command> out;
  walk(app, "", hints, out);
  return out;
}

const Option* find_option(const Command& c, const std::string& name) {
  for (const auto& o : c.options) {
    for (const auto& l : o.longs) {
      if (l == name) return &o;
    }
  }
  return nullptr;
}

}  // namespace vg::clidoc
