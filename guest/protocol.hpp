#pragma once
// The framed protocol between vg (host) and vg-guest (the agent inside the
// microVM), spoken over one virtio-serial port. A frame is a 4-byte
// little-endian payload length, a 1-byte type and the payload. Compiled into
// both the static guest agent and vg_sandbox; depends on the standard library
// only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vg::proto {

// Protocol revision; the guest announces it in its hello frame.
// 3: change_hole and unsent frames; the guest waits for the host to end the VM.
inline constexpr std::uint32_t k_version = 3;
// Largest payload accepted; a bigger length means a corrupt stream.
inline constexpr std::uint32_t k_max_payload = 1u << 20;
// Bytes of the frame header (length + type).
inline constexpr std::size_t k_header_size = 5;
// Largest data chunk senders put in one stdout/stderr/stdin/file frame.
inline constexpr std::size_t k_chunk = 64 * 1024;

// Frame types. Host -> guest: start, stdin_data, stdin_eof, resize, signal.
// Guest -> host: hello, stdout_data, stderr_data, exit, change, change_data,
// change_hole, unsent, changes_end, error, log, heartbeat (sent every second
// while the command runs, so the host can tell a hung guest from a quiet
// command).
//
// After the exit frame the guest sends the write set: per entry a change
// frame; a file's `size` bytes then follow, in order, as change_data (bytes)
// and change_hole (a run of zeros that is not sent: a hole) frames. An entry
// the guest cannot send is named in an unsent frame instead. changes_end (or
// an error) ends the stream. Writes to a virtio-serial port return once the
// data is queued, not delivered: the guest never powers off after the exit
// frame, the host ends the VM once it has read the end of the stream.
enum class Type : std::uint8_t {
  hello = 1,
  start = 2,
  stdin_data = 3,
  stdin_eof = 4,
  stdout_data = 5,
  stderr_data = 6,
  resize = 7,
  signal = 8,
  exit = 9,
  change = 10,
  change_data = 11,
  changes_end = 12,
  error = 13,
  log = 14,
  heartbeat = 15,
  // On the second port "vg.net" (restricted network), both directions: one
  // TCP connection of the guest's bridge, multiplexed by a connection id.
  net_open = 16,
  net_data = 17,
  net_close = 18,
  // The next bytes of the current file are zeros that are not sent (a hole):
  // payload is the u64 length.
  change_hole = 19,
  // An entry of the write set the guest does not send, and why (Unsent).
  unsent = 20,
};

// Return true when `t` is one of the known frame types.
bool known_type(std::uint8_t t);
// Name of `t` for messages ("stdout_data").
const char* type_name(Type t);

// One decoded frame.
struct Frame {
  Type type = Type::error;
  std::string payload;
};

// Encode a frame of `type` carrying `payload` (header + payload).
std::string encode_frame(Type type, std::string_view payload);

// Incremental frame decoder: feed bytes as they arrive, pop whole frames.
// A length above k_max_payload or an unknown type poisons the decoder: the
// stream cannot be resynchronised, the caller must drop the connection.
class Decoder {
 public:
  enum class Status { frame, need_more, corrupt };
  // Append `n` bytes from `data` to the buffer.
  void feed(const char* data, std::size_t n);
  // Pop the next frame into `out`; `corrupt` sets error().
  Status next(Frame& out);
  // Why the stream is corrupt ("" while it is not).
  const std::string& error() const { return m_error; }
  // Bytes buffered but not yet part of a whole frame (non-zero at EOF means a truncated frame).
  std::size_t pending() const { return m_buffer.size() - m_offset; }

 private:
  std::string m_buffer;
  std::size_t m_offset = 0;
  std::string m_error;
};

// Appends fields to a payload.
class Writer {
 public:
  Writer& u8(std::uint8_t v);
  Writer& u32(std::uint32_t v);
  Writer& u64(std::uint64_t v);
  Writer& i32(std::int32_t v) { return u32(static_cast<std::uint32_t>(v)); }
  Writer& str(std::string_view s);
  Writer& strs(const std::vector<std::string>& v);
  const std::string& data() const { return m_data; }

 private:
  std::string m_data;
};

// Reads fields from a payload; every read is bounds-checked and fails
// (returns false, and keeps failing) instead of reading past the end.
class Reader {
 public:
  explicit Reader(std::string_view data) : m_data(data) {}
  bool u8(std::uint8_t& v);
  bool u32(std::uint32_t& v);
  bool u64(std::uint64_t& v);
  bool i32(std::int32_t& v);
  bool str(std::string& s);
  bool strs(std::vector<std::string>& v);
  // True when every byte was consumed and no read failed.
  bool done() const { return m_ok && m_pos == m_data.size(); }

 private:
  bool take(std::size_t n, const char*& p);
  std::string_view m_data;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

// The guest's greeting, sent once the agent is ready for a start frame.
struct Hello {
  std::uint32_t version = k_version;
  std::uint64_t boot_ms = 0;  // guest uptime when ready
};

// What the host asks the guest to run.
struct Start {
  std::vector<std::string> argv;
  std::vector<std::string> env;     // "K=V"
  std::string cwd;                  // working directory (a host path)
  std::string workspace;            // host path of the workspace, mounted at the same path
  std::uint32_t rows = 0;           // terminal size when `tty`
  std::uint32_t cols = 0;
  std::uint8_t tty = 0;             // 1: run the command on a pty
  std::uint8_t share = 0;           // 1: a 9p share tagged "ws" holds the workspace
  std::uint64_t max_write_bytes = 0;  // bytes of file data (holes excluded) the guest sends at most; files past it are unsent (0 = no limit)
  std::uint64_t host_time_ns = 0;   // host wall clock (a restored clone resets its clock)
  std::string seed;                 // fresh entropy mixed into the guest's pool (clones re-seed)
  std::uint32_t net_port = 0;       // restricted network: bridge 127.0.0.1:net_port over "vg.net" (0 = no network)
};

// A net_open / net_data / net_close payload: the connection id, then data.
struct NetFrame {
  std::uint32_t id = 0;
  std::string data;  // net_data only
};

// How the command ended.
struct ExitStatus {
  std::int32_t code = 0;     // exit code, or 128+N for signal N
  std::uint8_t signaled = 0;
};

// One entry of the write set (the overlay's upper layer), workspace-relative.
struct Change {
  enum class Kind : std::uint8_t { directory = 1, file = 2, symlink = 3, whiteout = 4, opaque = 5 };
  Kind kind = Kind::file;
  std::string path;      // relative, '/'-separated, no "." or ".." components
  std::uint32_t mode = 0;
  std::uint64_t size = 0;  // file: its apparent size, covered by the change_data and change_hole frames that follow
  std::string target;    // symlink target
};

// An entry the guest leaves out of the write set (unreadable, a special
// file, past the data limit), so the host can name it as refused.
struct Unsent {
  std::string path;    // workspace-relative, as in Change
  std::string reason;  // why ("cannot read: Input/output error")
};

// Terminal size.
struct Resize {
  std::uint32_t rows = 0;
  std::uint32_t cols = 0;
};

// Encode / decode the typed payloads; decode returns false on any malformed
// payload (short, trailing bytes, bad enum value).
std::string encode(const Hello& m);
std::string encode(const Start& m);
std::string encode(const ExitStatus& m);
std::string encode(const Change& m);
std::string encode(const Resize& m);
bool decode(std::string_view payload, Hello& m);
bool decode(std::string_view payload, Start& m);
std::string encode(const NetFrame& m);
bool decode(std::string_view payload, NetFrame& m);
bool decode(std::string_view payload, ExitStatus& m);
bool decode(std::string_view payload, Change& m);
bool decode(std::string_view payload, Resize& m);
std::string encode(const Unsent& m);
bool decode(std::string_view payload, Unsent& m);

// Encode / decode a change_hole payload: the hole's length (> 0).
std::string encode_hole(std::uint64_t length);
bool decode_hole(std::string_view payload, std::uint64_t& length);

// Encode / decode a signal number frame payload (1..64).
std::string encode_signal(int sig);
bool decode_signal(std::string_view payload, int& sig);

// Return true when `path` is a safe relative path: non-empty, not absolute,
// no empty, "." or ".." component, no NUL byte.
bool safe_relative_path(std::string_view path);

}  // namespace vg::proto
