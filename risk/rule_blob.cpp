// The built-in rule packs, compiled at build time (risk/tools/rulec.cpp) into
// a compact blob, so that vg never parses YAML on the hot path: yaml-cpp
// took most of the ~13 M instructions of a `vg exec -- true` before this.
//
// Layout: "VGR2", u32 rule count, then per rule: id (string: u32 length +
// bytes), level and target (u8), line and column (u32), commands (string
// list: u32 count + strings), then the rest, as one string: description,
// file, all, none, match and not-match examples, needs_any. Only what the
// index needs is read at start-up; the rest of a rule when it is used (most
// rules never are in one run). Integers are little-endian.
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
  // A string left in place, as a view into the blob.
  bool view(std::string_view& s) {
    std::uint32_t n;
    if (!u32(n) || n > m_data.size() - m_pos) return fail();
    s = m_data.substr(m_pos, n);
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
    r->fill();
    put_string(out, r->id);
    out.push_back(static_cast<char>(r->level));
    out.push_back(static_cast<char>(r->target));
    put_u32(out, static_cast<std::uint32_t>(r->line));
    put_u32(out, static_cast<std::uint32_t>(r->column));
    put_list(out, r->commands);
    std::string rest;
    put_string(rest, r->description);
    put_string(rest, r->file);
    put_list(rest, r->all);
    put_list(rest, r->none);
    put_list(rest, r->match_examples);
    put_list(rest, r->not_match_examples);
    put_list(rest, r->needs_any);
    put_string(out, rest);
  }
  return out;
}

void Rule::fill() const {
  if (unread.empty()) return;
  Reader in(unread);
  unread = {};
  bool ok = in.string(description) && in.string(file) && in.list(all) && in.list(none) && in.skip_list() &&
            in.skip_list() && in.list(needs_any);
  if (!ok) {
    compiled = true;
    broken = "damaged built-in rule blob";
  }
}

Result<void> RuleSet::load_blob(std::string_view blob, bool with_examples) {
  if (blob.substr(0, k_magic.size()) != k_magic) return make_error("built-in rules: not a rule blob (bad magic)");
  Reader in(blob.substr(k_magic.size()));
  std::uint32_t count = 0;
  if (!in.u32(count)) return make_error("built-in rules: truncated blob");
  // Sized once: growing the tables rule by rule rehashed them several times.
  if (count < blob.size()) {
    m_rules.reserve(m_rules.size() + count);
    m_ids.reserve(m_ids.size() + count);
    m_by_name[0].reserve(m_by_name[0].size() + 2 * count);
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    auto r = std::make_unique<Rule>();
    std::uint8_t level = 0, target = 0;
    std::uint32_t line = 0, column = 0;
    std::string_view rest;
    bool ok = in.string(r->id) && in.u8(level) && in.u8(target) && in.u32(line) && in.u32(column) &&
              in.list(r->commands) && in.view(rest);
    if (ok && with_examples) {
      Reader all(rest);
      ok = all.string(r->description) && all.string(r->file) && all.list(r->all) && all.list(r->none) &&
           all.list(r->match_examples) && all.list(r->not_match_examples) && all.list(r->needs_any);
    } else if (ok) {
      r->unread = rest;
    }
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
