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

const std::vector<std::string_view>& deterministic_tools() {
  static const std::vector<std::string_view> k_list = {
      // compilers, assemblers, linkers
      "gcc", "g++", "cc", "c++", "cpp", "clang", "clang++", "as", "ld", "ld.bfd", "ld.gold", "ld.lld", "lld",
      "rustc", "javac", "tsc", "esbuild", "swc", "babel", "cc1", "cc1plus", "collect2",
      // build tools
      "make", "gmake", "ninja", "cmake", "meson", "cargo", "go",
      // linters, formatters, type checkers
      "eslint", "prettier", "black", "ruff", "flake8", "pylint", "mypy", "pyright", "clang-format", "clang-tidy",
      "shellcheck", "gofmt", "rustfmt", "stylelint", "isort",
      // test runners
      "pytest", "py.test", "mocha", "jest", "vitest", "ava", "tap", "ctest", "node --test", "npm test",
      "yarn test", "pnpm test", "python -m pytest", "python -m unittest"};
  return k_list;
}

namespace {

bool on_list(const std::vector<std::string_view>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::vector<std::string> script_words(const std::string& text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (words.size() < 6) {
    std::size_t b = text.find_first_not_of(" \t", i);
    if (b == std::string::npos || std::string_view(";&|\n").find(text[b]) != std::string_view::npos) break;
    std::size_t e = text.find_first_of(" \t;&|\n", b);
    words.push_back(text.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    i = e;
  }
  return words;
}

bool python(std::string_view name) { return name.starts_with("python"); }

}  // namespace

std::string find_deterministic_tool(const std::vector<std::string>& argv) {
  if (argv.empty()) return {};
  std::vector<std::string> words = argv;
  if (shell(words[0]) && words.size() >= 3 && words[1] == "-c") words = script_words(words[2]);
  // env VAR=x tool ...: the tool.
  std::size_t at = 0;
  while (at < words.size() && (basename(words[at]) == "env" || words[at].find('=') != std::string::npos)) ++at;
  if (at >= words.size()) return {};
  std::string name(basename(words[at]));
  if (on_list(deterministic_tools(), name)) return name;
  auto next = [&](std::size_t from) -> std::string {
    for (std::size_t i = from; i < words.size(); ++i) {
      if (!words[i].starts_with("-")) return std::string(basename(words[i]));
    }
    return {};
  };
  if (name == "node") {
    for (std::size_t i = at + 1; i < words.size(); ++i) {
      if (words[i] == "--test") return "node --test";
    }
    std::string script = next(at + 1);
    return on_list(deterministic_tools(), script) ? script : std::string{};
  }
  if (python(name) && at + 2 < words.size() && words[at + 1] == "-m") {
    std::string mod = "python -m " + words[at + 2];
    if (on_list(deterministic_tools(), mod)) return mod;
    return on_list(deterministic_tools(), words[at + 2]) ? words[at + 2] : std::string{};
  }
  if (name == "npm" || name == "yarn" || name == "pnpm") {
    std::string sub = next(at + 1);
    if (sub == "test" || sub == "t") return name + " test";
    if (sub == "run" || sub == "run-script") {
      std::string script = next(at + 2);
      if (script == "test") return name + " test";
    }
    return {};
  }
  if (name == "npx" || name == "pnpx" || name == "bunx") {
    std::string tool = next(at + 1);
    return on_list(deterministic_tools(), tool) ? tool : std::string{};
  }
  return {};
}

std::string find_nondeterministic_executed(const std::vector<std::string>& executed) {
  for (const auto& name : executed) {
    if (is_nondeterministic(name)) return name;
  }
  return {};
}

Decision decide(const RunFacts& f, config::CacheStrategy strategy) {
  using S = config::CacheStrategy;
  bool aggressive = strategy == S::aggressive;
  if (f.signaled) return {false, "killed", {}};
  if (f.timed_out) return {false, "timed_out", {}};
  if (f.read_terminal) return {false, "terminal", {}};
  if (f.left_processes) return {false, "left_processes", {}};
  if (f.wrote_outside) return {false, "wrote_outside", {}};
  if (f.inputs_changed) return {false, "input_changed", f.changed_input};
  if (f.output_overflow) return {false, "output_too_large", {}};
  if (!f.nondeterministic.empty()) return {false, "nondeterministic", f.nondeterministic};
  if (!aggressive && (f.used_network || f.network_possible)) return {false, "network", {}};
  // A traced run is keyed on the state its inputs had before it, and its
  // replay leaves them as it did: a file it read and rewrote (.ninja_log)
  // is an input and an output like any other. Only conservative refuses.
  if (strategy == S::conservative && f.modified_inputs) return {false, "modified_input", {}};
  // A run keyed on the workspace alone would replay over edits to anything
  // outside it (a header in /usr/local/include, a tool's library).
  if (!aggressive && !f.traced) return {false, "untraced", f.untraced_reason};
  if (!aggressive && !f.entropy.empty() && f.deterministic_tool.empty()) {
    return {false, "entropy", f.entropy + " by a command that is not a known-deterministic tool"};
  }
  return {true, {}, {}};
}

std::string not_replayable_reason(const Entry& entry, config::CacheStrategy strategy) {
  if (strategy == config::CacheStrategy::aggressive) return {};
  if (entry.exit_code != 0) {
    return "it failed (exit " + std::to_string(entry.exit_code) + "): replayed only with cache_strategy aggressive";
  }
  if (entry.traced.empty()) {
    return "its trace was incomplete" + (entry.untraced.empty() ? std::string{} : " (" + entry.untraced + ")") +
           ", so it is keyed on the workspace alone: replayed only with cache_strategy aggressive";
  }
  return {};
}

bool replayable(const Entry& entry, config::CacheStrategy strategy) {
  return not_replayable_reason(entry, strategy).empty();
}

}  // namespace vg::cache
