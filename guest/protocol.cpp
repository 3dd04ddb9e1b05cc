#include "guest/protocol.hpp"

#include <cstring>

namespace vg::proto {

namespace {
// Limits on decoded collections, far above real use, so a hostile count
// cannot make the reader allocate without bound.
constexpr std::uint32_t k_max_strings = 1u << 16;

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_le(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
}  // namespace

bool known_type(std::uint8_t t) { return t >= 1 && t <= 20; }

const char* type_name(Type t) {
  switch (t) {
    case Type::hello: return "hello";
    case Type::start: return "start";
    case Type::stdin_data: return "stdin_data";
    case Type::stdin_eof: return "stdin_eof";
    case Type::stdout_data: return "stdout_data";
    case Type::stderr_data: return "stderr_data";
    case Type::resize: return "resize";
    case Type::signal: return "signal";
    case Type::exit: return "exit";
    case Type::change: return "change";
    case Type::change_data: return "change_data";
    case Type::changes_end: return "changes_end";
    case Type::error: return "error";
    case Type::log: return "log";
    case Type::heartbeat: return "heartbeat";
    case Type::net_open: return "net_open";
    case Type::net_data: return "net_data";
    case Type::net_close: return "net_close";
    case Type::change_hole: return "change_hole";
    case Type::unsent: return "unsent";
  }
  return "unknown";
}

std::string encode_frame(Type type, std::string_view payload) {
  std::string out;
  out.reserve(k_header_size + payload.size());
  put_le(out, payload.size(), 4);
  out.push_back(static_cast<char>(type));
  out.append(payload);
  return out;
}

void Decoder::feed(const char* data, std::size_t n) {
  if (!m_error.empty() || n == 0) return;
  // Compact once the consumed prefix dominates, so the buffer stays bounded.
  if (m_offset > 0 && m_offset * 2 >= m_buffer.size()) {
    m_buffer.erase(0, m_offset);
    m_offset = 0;
  }
  m_buffer.append(data, n);
}

Decoder::Status Decoder::next(Frame& out) {
  if (!m_error.empty()) return Status::corrupt;
  std::size_t avail = m_buffer.size() - m_offset;
  if (avail < k_header_size) return Status::need_more;
  const char* p = m_buffer.data() + m_offset;
  std::uint64_t len = get_le(p, 4);
  auto type = static_cast<std::uint8_t>(p[4]);
  if (len > k_max_payload) {
    m_error = "frame of " + std::to_string(len) + " bytes exceeds the limit of " + std::to_string(k_max_payload);
    return Status::corrupt;
  }
  if (!known_type(type)) {
    m_error = "unknown frame type " + std::to_string(type);
    return Status::corrupt;
  }
  if (avail < k_header_size + len) return Status::need_more;
  out.type = static_cast<Type>(type);
  out.payload.assign(p + k_header_size, len);
  m_offset += k_header_size + len;
  if (m_offset == m_buffer.size()) {
    m_buffer.clear();
    m_offset = 0;
  }
  return Status::frame;
}

Writer& Writer::u8(std::uint8_t v) {
  m_data.push_back(static_cast<char>(v));
  return *this;
}
Writer& Writer::u32(std::uint32_t v) {
  put_le(m_data, v, 4);
  return *this;
}
Writer& Writer::u64(std::uint64_t v) {
  put_le(m_data, v, 8);
  return *this;
}
Writer& Writer::str(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  m_data.append(s);
  return *this;
}
Writer& Writer::strs(const std::vector<std::string>& v) {
  u32(static_cast<std::uint32_t>(v.size()));
  for (const auto& s : v) str(s);
  return *this;
}

bool Reader::take(std::size_t n, const char*& p) {
  if (!m_ok || m_data.size() - m_pos < n) {
    m_ok = false;
    return false;
  }
  p = m_data.data() + m_pos;
  m_pos += n;
  return true;
}
bool Reader::u8(std::uint8_t& v) {
  const char* p = nullptr;
  if (!take(1, p)) return false;
  v = static_cast<std::uint8_t>(*p);
  return true;
}
bool Reader::u32(std::uint32_t& v) {
  const char* p = nullptr;
  if (!take(4, p)) return false;
  v = static_cast<std::uint32_t>(get_le(p, 4));
  return true;
}
bool Reader::u64(std::uint64_t& v) {
  const char* p = nullptr;
  if (!take(8, p)) return false;
  v = get_le(p, 8);
  return true;
}
bool Reader::i32(std::int32_t& v) {
  std::uint32_t u = 0;
  if (!u32(u)) return false;
  v = static_cast<std::int32_t>(u);
  return true;
}
bool Reader::str(std::string& s) {
  std::uint32_t n = 0;
  const char* p = nullptr;
  if (!u32(n) || !take(n, p)) return false;
  s.assign(p, n);
  return true;
}
bool Reader::strs(std::vector<std::string>& v) {
  std::uint32_t n = 0;
  if (!u32(n)) return false;
  // Each string needs at least its 4-byte length: reject counts the payload cannot hold.
  if (n > k_max_strings || n > (m_data.size() - m_pos) / 4) {
    m_ok = false;
    return false;
  }
  v.clear();
  v.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string s;
    if (!str(s)) return false;
    v.push_back(std::move(s));
  }
  return true;
}

std::string encode(const Hello& m) { return Writer().u32(m.version).u64(m.boot_ms).data(); }
bool decode(std::string_view payload, Hello& m) {
  Reader r(payload);
  return r.u32(m.version) && r.u64(m.boot_ms) && r.done();
}

std::string encode(const Start& m) {
  return Writer()
      .strs(m.argv)
      .strs(m.env)
      .str(m.cwd)
      .str(m.workspace)
      .u32(m.rows)
      .u32(m.cols)
      .u8(m.tty)
      .u8(m.share)
      .u64(m.max_write_bytes)
      .u64(m.host_time_ns)
      .str(m.seed)
      .u32(m.net_port)
      .data();
}
bool decode(std::string_view payload, Start& m) {
  Reader r(payload);
  bool ok = r.strs(m.argv) && r.strs(m.env) && r.str(m.cwd) && r.str(m.workspace) && r.u32(m.rows) &&
            r.u32(m.cols) && r.u8(m.tty) && r.u8(m.share) && r.u64(m.max_write_bytes) && r.u64(m.host_time_ns) && r.str(m.seed) && r.u32(m.net_port) && r.done();
  if (!ok || m.argv.empty() || m.tty > 1 || m.share > 1 || m.net_port > 0xffff) return false;
  for (const auto& a : m.argv) {
    if (a.find('\0') != std::string::npos) return false;
  }
  return true;
}

std::string encode(const NetFrame& m) { return Writer().u32(m.id).data() + m.data; }
bool decode(std::string_view payload, NetFrame& m) {
  if (payload.size() < 4) return false;
  Reader r(payload.substr(0, 4));
  if (!r.u32(m.id) || !r.done()) return false;
  m.data.assign(payload.substr(4));
  return true;
}

std::string encode(const ExitStatus& m) { return Writer().i32(m.code).u8(m.signaled).data(); }
bool decode(std::string_view payload, ExitStatus& m) {
  Reader r(payload);
  return r.i32(m.code) && r.u8(m.signaled) && r.done() && m.code >= 0 && m.code <= 255 && m.signaled <= 1;
}

std::string encode(const Change& m) {
  return Writer().u8(static_cast<std::uint8_t>(m.kind)).str(m.path).u32(m.mode).u64(m.size).str(m.target).data();
}
bool decode(std::string_view payload, Change& m) {
  Reader r(payload);
  std::uint8_t kind = 0;
  if (!(r.u8(kind) && r.str(m.path) && r.u32(m.mode) && r.u64(m.size) && r.str(m.target) && r.done())) return false;
  if (kind < 1 || kind > 5) return false;
  m.kind = static_cast<Change::Kind>(kind);
  if (m.kind != Change::Kind::file && m.size != 0) return false;
  return safe_relative_path(m.path);
}

std::string encode(const Unsent& m) { return Writer().str(m.path).str(m.reason).data(); }
bool decode(std::string_view payload, Unsent& m) {
  Reader r(payload);
  return r.str(m.path) && r.str(m.reason) && r.done() && safe_relative_path(m.path);
}

std::string encode_hole(std::uint64_t length) { return Writer().u64(length).data(); }
bool decode_hole(std::string_view payload, std::uint64_t& length) {
  Reader r(payload);
  return r.u64(length) && r.done() && length > 0;
}

std::string encode(const Resize& m) { return Writer().u32(m.rows).u32(m.cols).data(); }
bool decode(std::string_view payload, Resize& m) {
  Reader r(payload);
  return r.u32(m.rows) && r.u32(m.cols) && r.done() && m.rows <= 0xffff && m.cols <= 0xffff;
}

std::string encode_signal(int sig) { return Writer().u32(static_cast<std::uint32_t>(sig)).data(); }
bool decode_signal(std::string_view payload, int& sig) {
  Reader r(payload);
  std::uint32_t v = 0;
  if (!r.u32(v) || !r.done() || v < 1 || v > 64) return false;
  sig = static_cast<int>(v);
  return true;
}

bool safe_relative_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace vg::proto
