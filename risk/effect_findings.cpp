// From effects to findings (see effects.hpp): every effect above low is a
// finding named after its kind and target class, so routing, `vg explain`
// and the audit log see effects and rules alike; what vg cannot place makes
// the command not understood.
#include <algorithm>
#include <cctype>

#include "risk/assessment.hpp"
#include "risk/effects.hpp"

namespace vg::risk {
namespace {

const char* slug(Effect e) {
  switch (e) {
    case Effect::data: return "data";
    case Effect::read: return "read";
    case Effect::write: return "write";
    case Effect::truncate: return "truncate";
    case Effect::remove: return "delete";
    case Effect::remove_in: return "delete_within";
    case Effect::mode: return "mode";
    case Effect::exec: return "exec";
    case Effect::shell:
    case Effect::escape: return "runs";
  }
  return "?";
}

const char* slug(TargetClass c) {
  switch (c) {
    case TargetClass::root: return "root";
    case TargetClass::system: return "system";
    case TargetClass::system_data: return "system_data";
    case TargetClass::kernel: return "kernel";
    case TargetClass::device_disk: return "disk";
    case TargetClass::device: return "device";
    case TargetClass::device_harmless: return "null_device";
    case TargetClass::home: return "home";
    case TargetClass::home_secret: return "home_secret";
    case TargetClass::home_startup: return "home_startup";
    case TargetClass::home_cache: return "home_cache";
    case TargetClass::home_other: return "home_subtree";
    case TargetClass::workspace: return "workspace";
    case TargetClass::workspace_all: return "whole_workspace";
    case TargetClass::outside: return "outside";
    case TargetClass::elsewhere_top: return "top_dir";
    case TargetClass::elsewhere: return "elsewhere";
    case TargetClass::temp_all: return "whole_temp";
    case TargetClass::temp: return "temp";
    case TargetClass::remote: return "remote";
    case TargetClass::unknown: return "unknown";
  }
  return "?";
}

std::string rule_id(const EffectNote& e) {
  switch (e.kind) {
    case EffectNote::Kind::path: return std::string("effect.") + slug(e.effect) + "." + slug(e.target);
    case EffectNote::Kind::system: {
      std::string s = e.subject;
      std::replace(s.begin(), s.end(), ' ', '_');
      return "effect.system." + s;
    }
    case EffectNote::Kind::network: return e.network == Network::send ? "effect.network.send" : "effect.network.fetch";
    case EffectNote::Kind::unknown: return "effect.unknown";
    case EffectNote::Kind::runs: return "effect.runs";
  }
  return "effect";
}

// Is `code` one perl substitution or transliteration (s/a/b/g, y/a/b/), as sed would run it?
bool is_substitution(std::string_view interpreter, std::string_view code) {
  if (interpreter.substr(0, 4) != "perl" || code.size() < 4) return false;
  std::size_t i = code[0] == 's' || code[0] == 'y' ? 1 : code.substr(0, 2) == "tr" ? 2 : 0;
  if (i == 0 || i >= code.size()) return false;
  char d = code[i];
  if (std::isalnum(static_cast<unsigned char>(d)) || std::isspace(static_cast<unsigned char>(d))) return false;
  std::size_t parts = 0, k = i + 1;
  for (; k < code.size() && parts < 2; ++k) {
    if (code[k] == '\\') ++k;
    else if (code[k] == d) ++parts;
  }
  if (parts < 2) return false;
  for (; k < code.size(); ++k)  // flags, and nothing that evaluates (e)
    if (!std::isalpha(static_cast<unsigned char>(code[k])) || code[k] == 'e') return false;
  return true;
}

void not_understood(Assessment& out, std::string why) {
  out.understood = false;
  if (std::find(out.reasons.begin(), out.reasons.end(), why) == out.reasons.end()) out.reasons.push_back(std::move(why));
}

}  // namespace

void score_effects(const Model& model, Assessment& out) {
  for (const auto& r : model.redirects) redirect_effects(r, out.effects);
  // Code in another language is not read (yet): it is not low.
  for (const auto& c : model.code) {
    if (c.interpreter == "awk" || c.interpreter == "gawk" || c.interpreter == "mawk" || c.interpreter == "nawk") continue;
    if (is_substitution(c.interpreter, c.text)) continue;  // perl -pi -e 's/a/b/g' is sed
    EffectNote e;
    e.kind = EffectNote::Kind::unknown;
    e.command = c.interpreter;
    e.subject = "the " + c.interpreter + " code it runs";
    e.level = config::Level::medium;
    e.span = c.span;
    out.effects.push_back(std::move(e));
  }
  bool understood_before = out.understood;
  bool uncatalogued = false, other = false;
  for (const auto& e : out.effects) {
    if (e.kind == EffectNote::Kind::unknown) {
      bool program = e.subject.rfind("the program `", 0) == 0 || e.subject.rfind("the subcommand `", 0) == 0;
      (program ? uncatalogued : other) = true;
      not_understood(out, "vg has no knowledge of " + e.subject +
                              " (not in its catalogue of programs; `vg trust add` sends your own tools to the host)");
    } else if (e.kind == EffectNote::Kind::path && e.target == TargetClass::unknown && e.level > config::Level::low) {
      other = true;
      not_understood(out, "`" + e.command + "` " + to_string(e.effect) + " `" + e.subject +
                              "`, a path only known at run time");
    }
    // Unknown is a floor on the level, not a finding: nothing is known to be
    // wrong with it (a shell function the line calls is unknown to vg too).
    if (e.level == config::Level::low || e.kind == EffectNote::Kind::unknown) continue;
    std::string matched = e.kind == EffectNote::Kind::path ? e.command + " " + e.subject : e.command;
    out.findings.push_back(Finding{rule_id(e), e.level, describe(e), matched, e.span.begin, e.span.end});
  }
  out.only_uncatalogued = understood_before && uncatalogued && !other;
}

}  // namespace vg::risk
