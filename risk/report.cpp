// Assessment rendering (see report.hpp).
#include "risk/report.hpp"

namespace vg::risk {

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
