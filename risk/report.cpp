// Assessment rendering (see report.hpp).
#include "risk/report.hpp"

namespace vg::risk {
namespace {

// One word for an effect, for machines ("delete", not "deletes").
const char* effect_name(Effect e) {
  switch (e) {
    case Effect::data: return "data";
    case Effect::read: return "read";
    case Effect::write: return "write";
    case Effect::truncate: return "truncate";
    case Effect::remove: return "delete";
    case Effect::remove_in: return "delete-within";
    case Effect::mode: return "mode";
    case Effect::exec: return "exec";
    case Effect::shell:
    case Effect::escape: return "runs";
  }
  return "?";
}

}  // namespace

void write_json_members(JsonWriter& w, const Assessment& a, bool full) {
  w.key("level").value(config::to_string(a.level));
  w.key("understood").value(a.understood);
  w.key("findings").begin_array();
  for (const auto& f : a.findings) {
    w.begin_object().key("rule").value(f.rule).key("level").value(config::to_string(f.level));
    if (full) {
      w.key("description").value(f.description).key("command").value(f.command);
      w.key("begin").value(static_cast<std::uint64_t>(f.begin)).key("end").value(static_cast<std::uint64_t>(f.end));
    }
    w.end_object();
  }
  w.end_array();
  if (!full) return;
  w.key("reasons").begin_array();
  for (const auto& r : a.reasons) w.value(r);
  w.end_array();
  w.key("executables").begin_array();
  for (const auto& e : a.executables) w.value(e);
  w.end_array();
  w.key("effects").begin_array();
  for (const auto& e : a.effects) {
    w.begin_object().key("command").value(e.command).key("level").value(config::to_string(e.level));
    switch (e.kind) {
      case EffectNote::Kind::path:
        w.key("effect").value(effect_name(e.effect)).key("target").value(e.subject);
        w.key("class").value(to_string(e.target));
        break;
      case EffectNote::Kind::system: w.key("effect").value("changes the system").key("what").value(e.subject); break;
      case EffectNote::Kind::network: w.key("effect").value(e.subject).key("what").value("network"); break;
      case EffectNote::Kind::unknown: w.key("effect").value("unknown").key("what").value(e.subject); break;
      case EffectNote::Kind::runs: w.key("effect").value("runs").key("what").value(e.subject); break;
    }
    w.end_object();
  }
  w.end_array();
  w.key("commands").begin_array();
  for (const auto& c : a.commands) {
    w.begin_object().key("name").value(c.name);
    w.key("begin").value(static_cast<std::uint64_t>(c.begin)).key("end").value(static_cast<std::uint64_t>(c.end));
    w.key("command_begin").value(static_cast<std::uint64_t>(c.command_begin));
    w.key("command_end").value(static_cast<std::uint64_t>(c.command_end));
    w.key("top_level").value(c.top_level).end_object();
  }
  w.end_array();
}

std::string render_text(const Assessment& a, std::string_view input) {
  std::string out;
  out += "level:      " + std::string(config::to_string(a.level)) + "\n";
  out += std::string("understood: ") + (a.understood ? "yes" : "no") + "\n";
  for (const auto& r : a.reasons) out += "  why not:  " + r + "\n";
  // What the commands would do: every effect above low, or all of them when none is.
  bool any_raised = false;
  for (const auto& e : a.effects) any_raised = any_raised || e.level > config::Level::low;
  for (const auto& e : a.effects) {
    if (any_raised && e.level == config::Level::low) continue;
    out += "effect:     " + std::string(config::to_string(e.level)) + " " + describe(e) + "\n";
  }
  if (a.findings.empty()) out += "findings:   none\n";
  for (const auto& f : a.findings) {
    out += "finding:    " + std::string(config::to_string(f.level)) + " " + f.rule + ": " + f.description + "\n";
    out += "  matched:  " + f.command + "\n";
    if (f.end <= input.size() && f.begin < f.end)
      out += "  at bytes " + std::to_string(f.begin) + "-" + std::to_string(f.end) + ": " +
             std::string(input.substr(f.begin, f.end - f.begin)) + "\n";
  }
  return out;
}

}  // namespace vg::risk
