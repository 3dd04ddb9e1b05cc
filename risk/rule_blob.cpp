// The built-in rule packs, compiled at build time (risk/tools/rulec.cpp) into
// a compact blob, so that vg never parses YAML on the hot path: yaml-cpp
// took most of the ~13 M instructions of a `vg exec -- true` before this.
//
// Layout: "VGR2", u32 rule count, then per rule: id, description, file
// (strings: u32 length + bytes), level and target (u8), line and column
// (u32), then commands, all, none, match and not-match examples and
// needs_any (string lists: u32 count + strings). Integers are little-endian.
#include <cstdint>
#include <cstring>

#include "risk/rules.hpp"

namespace vg::risk {
namespace {

constexpr std::string_view k_magic = "VGR2";

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_string(std::string& out, const std::string& s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}
void put_list(std::string& out, const std::vector<std::string>& v) {
  put_u32(out, static_cast<std::uint32_t>(v.size()));
  for (const auto& s : v) put_string(out, s);
}

// Reads a blob; every read is bounds-checked, so a damaged blob is an error.
class Reader {
 public:
  explicit Reader(std::string_view data) : m_data(data) {}
  bool u8(std::uint8_t& v) {
    if (m_pos + 1 > m_data.size()) return fail();
    v = static_cast<std::uint8_t>(m_data[m_pos++]);
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (m_pos + 4 > m_data.size()) return fail();
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(m_data[m_pos + i])) << (8 * i);
    m_pos += 4;
    return true;
  }
  bool string(std::string& s) {
    std::uint32_t n;
    if (!u32(n) || n > m_data.size() - m_pos) return fail();
    s.assign(m_data.substr(m_pos, n));
    m_pos += n;
    return true;
  }
  bool list(std::vector<std::string>& v) {
    std::uint32_t n;
    if (!u32(n) || n > m_data.size() - m_pos) return fail();
    v.resize(n);
    for (auto& s : v)
      if (!string(s)) return false;
    return true;
  }
  // Step over a string list without materializing it.
  bool skip_list() {
    std::uint32_t n, len;
    if (!u32(n) || n > m_data.size() - m_pos) return fail();
    for (std::uint32_t i = 0; i < n; ++i) {
      if (!u32(len) || len > m_data.size() - m_pos) return fail();
      m_pos += len;
    }
    return true;
  }
  bool ok() const { return m_ok; }

 private:
  bool fail() { return m_ok = false; }
  std::string_view m_data;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

}  // namespace

std::string RuleSet::to_blob() const {
  std::string out(k_magic);
  put_u32(out, static_cast<std::uint32_t>(m_rules.size()));
  for (const auto& r : m_rules) {
    put_string(out, r->id);
    put_string(out, r->description);
    put_string(out, r->file);
    out.push_back(static_cast<char>(r->level));
    out.push_back(static_cast<char>(r->target));
    put_u32(out, static_cast<std::uint32_t>(r->line));
    put_u32(out, static_cast<std::uint32_t>(r->column));
    put_list(out, r->commands);
    put_list(out, r->all);
    put_list(out, r->none);
    put_list(out, r->match_examples);
    put_list(out, r->not_match_examples);
    put_list(out, r->needs_any);
  }
  return out;
}

Result<void> RuleSet::load_blob(std::string_view blob, bool with_examples) {
  if (blob.substr(0, k_magic.size()) != k_magic) return make_error("built-in rules: not a rule blob (bad magic)");
  Reader in(blob.substr(k_magic.size()));
  std::uint32_t count = 0;
  if (!in.u32(count)) return make_error("built-in rules: truncated blob");
  for (std::uint32_t i = 0; i < count; ++i) {
    auto r = std::make_unique<Rule>();
    std::uint8_t level = 0, target = 0;
    std::uint32_t line = 0, column = 0;
    bool ok = in.string(r->id) && in.string(r->description) && in.string(r->file) && in.u8(level) && in.u8(target) &&
              in.u32(line) && in.u32(column) && in.list(r->commands) && in.list(r->all) && in.list(r->none) &&
              (with_examples ? in.list(r->match_examples) && in.list(r->not_match_examples)
                             : in.skip_list() && in.skip_list()) &&
              in.list(r->needs_any);
    if (!ok || level > static_cast<int>(config::Level::critical) || target > static_cast<int>(Target::script))
      return make_error("built-in rules: damaged blob at rule " + std::to_string(i));
    r->level = static_cast<config::Level>(level);
    r->target = static_cast<Target>(target);
    r->line = static_cast<int>(line);
    r->column = static_cast<int>(column);
    if (auto added = add(std::move(r)); !added) return added;
  }
  return {};
}

}  // namespace vg::risk
