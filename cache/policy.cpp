#include "cache/policy.hpp"

#include <algorithm>

namespace vg::cache {
namespace {

std::string_view basename(std::string_view s) {
  auto slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

bool is_nondeterministic(std::string_view word) {
  const auto& list = nondeterministic_commands();
  return std::find(list.begin(), list.end(), basename(word)) != list.end();
}

bool shell(std::string_view prog) {
  auto b = basename(prog);
  return b == "sh" || b == "bash" || b == "dash" || b == "zsh" || b == "ksh" || b == "fish";
}

}  // namespace

const std::vector<std::string_view>& nondeterministic_commands() {
  static const std::vector<std::string_view> k_list = {
      "date", "uuidgen", "mktemp", "tempfile", "shuf", "random", "openssl", "gpg", "ssh-keygen",
      "uptime", "ps", "top", "htop", "who", "w", "last", "free", "vmstat", "iostat", "df", "hostid",
      "time", "watch", "curl", "wget", "ping", "nc", "ncat", "dig", "nslookup", "host", "ssh", "scp",
      "rsync"};
  return k_list;
}

std::string find_nondeterministic(const std::vector<std::string>& argv, const std::vector<std::string>& programs) {
  for (const auto& p : programs) {
    if (is_nondeterministic(p)) return std::string(basename(p));
  }
  if (argv.empty()) return {};
  if (is_nondeterministic(argv[0])) return std::string(basename(argv[0]));
  // `sh -c TEXT`: any word of the text, split on shell punctuation. Cheap and
  // over-eager (`echo date` counts), which only costs a cache miss.
  if (shell(argv[0])) {
    for (std::size_t i = 1; i + 1 < argv.size(); ++i) {
      if (argv[i] != "-c" && !(argv[i].size() > 1 && argv[i][0] == '-' && argv[i].find('c') != std::string::npos)) {
        continue;
      }
      const std::string& text = argv[i + 1];
      std::string word;
      auto flush = [&]() -> std::string {
        std::string found = is_nondeterministic(word) ? std::string(basename(word)) : std::string{};
        word.clear();
        return found;
      };
      for (char c : text) {
        if (std::string_view(" \t\n;&|()<>`$\"'{}=").find(c) != std::string_view::npos) {
          if (auto f = flush(); !f.empty()) return f;
        } else {
          word.push_back(c);
        }
      }
      if (auto f = flush(); !f.empty()) return f;
    }
  }
  // /dev/urandom, $RANDOM and the like in arguments.
  for (const auto& a : argv) {
    if (a.find("/dev/urandom") != std::string::npos || a.find("/dev/random") != std::string::npos ||
        a.find("RANDOM") != std::string::npos || a.find("SRANDOM") != std::string::npos) {
      return "random source";
    }
  }
  return {};
}

Decision decide(const RunFacts& f, config::CacheStrategy strategy) {
  using S = config::CacheStrategy;
  bool aggressive = strategy == S::aggressive;
  if (f.signaled) return {false, "killed"};
  if (f.timed_out) return {false, "timed_out"};
  if (f.read_terminal) return {false, "terminal"};
  if (f.left_processes) return {false, "left_processes"};
  if (f.wrote_outside) return {false, "wrote_outside"};
  if (f.inputs_changed) return {false, "input_changed"};
  if (f.output_overflow) return {false, "output_too_large"};
  if (!f.nondeterministic.empty()) return {false, "nondeterministic"};
  if (!aggressive && (f.used_network || f.network_possible)) return {false, "network"};
  if (!aggressive && f.modified_inputs) return {false, "modified_input"};
  if (strategy == S::conservative && !f.traced) return {false, "untraced"};
  return {true, {}};
}

bool replayable(const Entry& entry, config::CacheStrategy strategy) {
  return entry.exit_code == 0 || strategy == config::CacheStrategy::aggressive;
}

}  // namespace vg::cache
