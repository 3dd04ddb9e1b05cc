#include "cache/tools.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace vg::cache {
namespace {

bool executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string read_shebang(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return {};
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n < 3 || buf[0] != '#' || buf[1] != '!') return {};
  std::string line(buf + 2, std::size_t(n - 2));
  auto nl = line.find('\n');
  if (nl == std::string::npos) return {};
  return line.substr(0, nl);
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\r') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string resolve_program(const std::string& name, const std::string& path_var, const std::string& cwd) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) {
    std::string p = name.front() == '/' ? name : cwd + "/" + name;
    return executable_file(p) ? p : std::string{};
  }
  std::size_t start = 0;
  while (start <= path_var.size()) {
    std::size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(start, end - start);
    if (dir.empty()) dir = cwd;  // an empty PATH element means the current directory
    else if (dir.front() != '/') dir = cwd + "/" + dir;
    std::string p = dir + "/" + name;
    if (executable_file(p)) return p;
    start = end + 1;
  }
  return {};
}

std::vector<std::string> program_chain(const std::string& path, const std::string& path_var,
                                       const std::string& cwd) {
  std::vector<std::string> chain{path};
  std::string current = path;
  for (int depth = 0; depth < 4; ++depth) {  // the kernel allows a few levels of interpreters
    auto w = words(read_shebang(current));
    if (w.empty()) break;
    std::string interp = w[0];
    if (!executable_file(interp)) break;
    chain.push_back(interp);
    auto slash = interp.rfind('/');
    if (interp.substr(slash + 1) == "env") {
      // `#!/usr/bin/env [-S] [-i] [NAME=V...] prog`: the program is the first plain word.
      for (std::size_t i = 1; i < w.size(); ++i) {
        if (w[i].front() == '-' || w[i].find('=') != std::string::npos) continue;
        std::string prog = resolve_program(w[i], path_var, cwd);
        if (!prog.empty()) chain.push_back(prog);
        break;
      }
      break;
    }
    current = interp;
  }
  return chain;
}

Result<std::vector<std::pair<std::string, std::string>>> digest_programs(const std::vector<std::string>& names,
                                                                 const std::string& path_var,
                                                                 const std::string& cwd, StatCache& stats) {
  std::set<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) continue;
    std::string resolved = resolve_program(name, path_var, cwd);
    if (resolved.empty()) {
      out.emplace("?" + name, "missing");
      continue;
    }
    for (const auto& p : program_chain(resolved, path_var, cwd)) {
      auto d = stats.digest(p);
      if (!d) return d.error();
      out.emplace(p, *d);
    }
  }
  return std::vector<std::pair<std::string, std::string>>(out.begin(), out.end());
}

}  // namespace vg::cache
