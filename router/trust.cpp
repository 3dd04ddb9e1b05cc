#include "router/trust.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

#include "config/json.hpp"
#include "config/load.hpp"
#include "router/clock.hpp"
#include "router/files.hpp"
#include "router/json_read.hpp"

namespace vg::router {
namespace {

constexpr int k_version = 1;

bool plain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == '/' || c == ':' || c == '=' || c == '@' || c == '%' || c == '+' || c == ',';
}

std::string new_id() {
  unsigned char bytes[4] = {0, 0, 0, 0};
  if (getrandom(bytes, sizeof bytes, 0) != sizeof bytes) {
    auto t = static_cast<unsigned>(std::time(nullptr)) ^ static_cast<unsigned>(getpid());
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(t >> (8 * i));
  }
  char buf[9];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
  return buf;
}

std::string canonical_dir(const std::string& dir) {
  char buf[PATH_MAX];
  if (::realpath(dir.c_str(), buf) == nullptr) return "";
  return buf;
}

bool is_executable_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Absolute `candidate` with a canonical directory and its own file name.
std::string canonical(const std::string& candidate) {
  auto slash = candidate.rfind('/');
  std::string dir = slash == 0 ? "/" : candidate.substr(0, slash);
  std::string name = candidate.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") return "";
  std::string real = canonical_dir(dir);
  if (real.empty()) return "";
  return (real == "/" ? "" : real) + "/" + name;
}

Result<TrustEntry> entry_from_json(const Json& j) {
  if (!j.is_object()) return make_error("an entry is not an object");
  TrustEntry e;
  const Json* id = j.get("id");
  const Json* pattern = j.get("pattern");
  const Json* executable = j.get("executable");
  const Json* args = j.get("args");
  const Json* prefix = j.get("prefix");
  const Json* created = j.get("created");
  const Json* expires = j.get("expires");
  if (!id || !id->is_string() || id->string.empty()) return make_error("an entry has no \"id\"");
  e.id = id->string;
  if (!pattern || !pattern->is_string()) return make_error("entry " + e.id + " has no \"pattern\"");
  if (!executable || !executable->is_string() || executable->string.empty() || executable->string[0] != '/') {
    return make_error("entry " + e.id + " has no absolute \"executable\"");
  }
  if (!args || !args->is_array()) return make_error("entry " + e.id + " has no \"args\" array");
  if (!prefix || !prefix->is_bool()) return make_error("entry " + e.id + " has no \"prefix\" boolean");
  e.pattern = pattern->string;
  e.executable = executable->string;
  e.prefix = prefix->boolean;
  for (const auto& a : args->items) {
    if (!a.is_string()) return make_error("entry " + e.id + " has a non-string argument");
    e.args.push_back(a.string);
  }
  auto created_at = created && created->is_string() ? parse_rfc3339(created->string) : std::nullopt;
  if (!created_at) return make_error("entry " + e.id + " has no valid \"created\" time");
  e.created = *created_at;
  if (expires && expires->is_string()) {
    auto at = parse_rfc3339(expires->string);
    if (!at) return make_error("entry " + e.id + " has an invalid \"expires\" time");
    e.expires = *at;
  } else if (expires && expires->type != Json::Type::null) {
    return make_error("entry " + e.id + " has an invalid \"expires\" time");
  }
  e.note = j.get_string("note");
  return e;
}

std::string entry_to_json(const TrustEntry& e) {
  JsonWriter w;
  w.begin_object();
  w.key("id").value(e.id);
  w.key("pattern").value(e.pattern);
  w.key("executable").value(e.executable);
  w.key("args").begin_array();
  for (const auto& a : e.args) w.value(a);
  w.end_array();
  w.key("prefix").value(e.prefix);
  w.key("created").value(rfc3339(static_cast<std::time_t>(e.created)));
  w.key("expires");
  if (e.expires == 0) {
    w.null();
  } else {
    w.value(rfc3339(static_cast<std::time_t>(e.expires)));
  }
  w.key("note").value(e.note);
  w.end_object();
  return w.str();
}

// Read the store for a modification. A corrupt file is moved aside first, so
// the rewrite never destroys the only copy.
Result<TrustStore> load_for_update(const std::string& path, std::vector<std::string>& warnings) {
  bool missing = false;
  auto text = read_file(path, missing);
  if (!text) return text.error();
  if (missing) return TrustStore{};
  auto store = TrustStore::from_json(*text);
  if (store) return store;
  auto aside = move_aside(path);
  if (!aside) return make_error("trust file " + path + " is corrupt (" + store.error().message + ") and could not be moved aside: " + aside.error().message);
  warnings.push_back("trust file " + path + " is corrupt (" + store.error().message + "); moved aside to " + *aside);
  return TrustStore{};
}

}  // namespace

Result<std::vector<std::string>> literal_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    if (c == '\'') {
      auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos) return make_error("unterminated ' quote");
      std::string_view inner = text.substr(i + 1, end - i - 1);
      if (inner.find('\n') != std::string_view::npos) return make_error("a newline inside quotes");
      word.append(inner);
      in_word = true;
      i = end;
      continue;
    }
    if (c == '"') {
      auto end = text.find('"', i + 1);
      if (end == std::string_view::npos) return make_error("unterminated \" quote");
      std::string_view inner = text.substr(i + 1, end - i - 1);
      for (char q : inner) {
        if (q == '$' || q == '`' || q == '\\' || q == '\n') {
          return make_error(std::string("'") + q + "' inside double quotes");
        }
      }
      word.append(inner);
      in_word = true;
      i = end;
      continue;
    }
    if (!plain_char(c)) {
      if (c == '\n') return make_error("more than one line");
      return make_error(std::string("the character '") + c + "' (only plain words and quotes are allowed)");
    }
    word += c;
    in_word = true;
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return make_error("no command");
  return words;
}

std::string resolve_executable(const std::string& word, const std::string& path_env, const std::string& cwd) {
  if (word.empty()) return "";
  if (word.find('/') != std::string::npos) {
    std::string candidate = word[0] == '/' ? word : cwd + "/" + word;
    return is_executable_file(candidate) ? canonical(candidate) : "";
  }
  std::size_t start = 0;
  while (start <= path_env.size()) {
    std::size_t colon = path_env.find(':', start);
    std::string dir = path_env.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    start = colon == std::string::npos ? path_env.size() + 1 : colon + 1;
    // An empty or relative PATH entry means the working directory, as in sh.
    if (dir.empty()) dir = cwd;
    else if (dir[0] != '/') dir = cwd + "/" + dir;
    std::string candidate = dir + "/" + word;
    if (is_executable_file(candidate)) return canonical(candidate);
  }
  return "";
}

Result<TrustEntry> entry_from_pattern(std::string_view pattern, const std::string& path_env, const std::string& cwd) {
  TrustEntry e;
  e.pattern = std::string(pattern);
  // A last unquoted word `*` means "any further arguments"; it is taken off
  // before the words are read, which refuse globs everywhere else.
  std::string_view body = pattern;
  while (!body.empty() && (body.back() == ' ' || body.back() == '\t')) body.remove_suffix(1);
  if (body == "*") return make_error("pattern '*' names no command (it would trust everything)");
  if (body.size() >= 2 && body.back() == '*' && (body[body.size() - 2] == ' ' || body[body.size() - 2] == '\t')) {
    e.prefix = true;
    body.remove_suffix(1);
  }
  auto words = literal_words(body);
  if (!words) return make_error("pattern '" + e.pattern + "' is not a plain command: " + words.error().message);
  std::vector<std::string>& w = *words;
  if (w[0].find('=') != std::string::npos) {
    return make_error("pattern '" + e.pattern + "' starts with an assignment; name the command first");
  }
  e.executable = resolve_executable(w[0], path_env, cwd);
  if (e.executable.empty()) {
    return make_error("'" + w[0] + "' was not found" +
                      (w[0].find('/') == std::string::npos ? " in PATH" : "") + " as an executable file");
  }
  e.args.assign(w.begin() + 1, w.end());
  return e;
}

bool entry_matches(const TrustEntry& entry, const std::string& executable, const std::vector<std::string>& words,
                   std::time_t now) {
  if (entry.expired(now) || words.empty() || executable != entry.executable) return false;
  std::size_t given = words.size() - 1;
  if (given < entry.args.size() || (!entry.prefix && given != entry.args.size())) return false;
  for (std::size_t i = 0; i < entry.args.size(); ++i) {
    if (words[i + 1] != entry.args[i]) return false;
  }
  return true;
}

std::string TrustStore::default_path() { return config::dirs().state + "/trust.json"; }

TrustStore TrustStore::load(const std::string& path, std::vector<std::string>& warnings) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) warnings.push_back("cannot read trust file " + path + "; no trust entries apply");
    return {};
  }
  struct stat st{};
  bool safe = ::fstat(fd, &st) == 0 && st.st_uid == ::geteuid() && (st.st_mode & 022) == 0;
  ::close(fd);
  if (!safe) {
    warnings.push_back("trust file " + path + " is not owned by you or is writable by others; ignoring it");
    return {};
  }
  bool missing = false;
  auto text = read_file(path, missing);
  if (!text || missing) return {};
  auto store = from_json(*text);
  if (store) return std::move(store).value();
  auto aside = move_aside(path);
  warnings.push_back("trust file " + path + " is corrupt (" + store.error().message + "); " +
                     (aside ? "moved aside to " + *aside : "could not move it aside: " + aside.error().message) +
                     "; no trust entries apply");
  return {};
}

const TrustEntry* TrustStore::match(const std::vector<std::string>& words, const std::string& path_env,
                                    const std::string& cwd, std::time_t now) const {
  if (m_entries.empty() || words.empty() || words[0].find('=') != std::string::npos) return nullptr;
  std::string executable = resolve_executable(words[0], path_env, cwd);
  if (executable.empty()) return nullptr;
  for (const auto& e : m_entries) {
    if (entry_matches(e, executable, words, now)) return &e;
  }
  return nullptr;
}

Result<TrustEntry> TrustStore::add(const std::string& path, TrustEntry entry, std::vector<std::string>& warnings) {
  auto lock = FileLock::acquire(path + ".lock");
  if (!lock) return lock.error();
  auto store = load_for_update(path, warnings);
  if (!store) return store.error();
  std::time_t now = std::time(nullptr);
  std::vector<TrustEntry> kept;
  for (auto& e : store->m_entries) {
    if (!e.expired(now)) kept.push_back(std::move(e));
  }
  bool unique = false;
  while (!unique) {
    entry.id = new_id();
    unique = true;
    for (const auto& e : kept) unique = unique && e.id != entry.id;
  }
  if (entry.created == 0) entry.created = now;
  kept.push_back(entry);
  store->m_entries = std::move(kept);
  if (auto r = write_file_atomic(path, store->to_json()); !r) return r.error();
  return entry;
}

Result<std::vector<TrustEntry>> TrustStore::remove(const std::string& path, const std::string& what,
                                                   std::vector<std::string>& warnings) {
  auto lock = FileLock::acquire(path + ".lock");
  if (!lock) return lock.error();
  auto store = load_for_update(path, warnings);
  if (!store) return store.error();
  std::vector<TrustEntry> kept, removed;
  for (auto& e : store->m_entries) {
    (e.id == what || e.pattern == what ? removed : kept).push_back(std::move(e));
  }
  if (removed.empty()) return removed;
  store->m_entries = std::move(kept);
  if (auto r = write_file_atomic(path, store->to_json()); !r) return r.error();
  return removed;
}

std::string TrustStore::to_json() const {
  std::string out = "{\"version\":" + std::to_string(k_version) + ",\"entries\":[";
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    out += i == 0 ? "\n  " : ",\n  ";
    out += entry_to_json(m_entries[i]);
  }
  out += m_entries.empty() ? "]}\n" : "\n]}\n";
  return out;
}

Result<TrustStore> TrustStore::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed) return parsed.error();
  const Json& j = *parsed;
  if (!j.is_object()) return make_error("the top level is not an object");
  const Json* version = j.get("version");
  if (!version || !version->is_number() || version->number != k_version) {
    return make_error("unknown \"version\" (expected " + std::to_string(k_version) + ")");
  }
  const Json* entries = j.get("entries");
  if (!entries || !entries->is_array()) return make_error("no \"entries\" array");
  TrustStore store;
  for (const auto& item : entries->items) {
    auto e = entry_from_json(item);
    if (!e) return e.error();
    store.m_entries.push_back(std::move(e).value());
  }
  return store;
}

}  // namespace vg::router
