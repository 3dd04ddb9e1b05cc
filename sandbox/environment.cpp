#include "sandbox/environment.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

namespace vg::sandbox {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  for (const auto& p : patterns) {
    if (fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
  }
  return false;
}

// scheme://user:password@host...
bool url_with_password(const std::string& value) {
  auto scheme = value.find("://");
  if (scheme == std::string::npos) return false;
  auto at = value.find('@', scheme + 3);
  if (at == std::string::npos) return false;
  auto slash = value.find('/', scheme + 3);
  if (slash != std::string::npos && slash < at) return false;
  auto colon = value.find(':', scheme + 3);
  return colon != std::string::npos && colon < at && colon + 1 < at;
}

}  // namespace

bool looks_secret(const std::string& name, const std::string& value) {
  std::string n = upper(name);
  static const char* const k_marks[] = {"KEY",     "SECRET",  "TOKEN", "PASSWORD", "PASSWD",
                                        "CREDENTIAL", "PRIVATE", "AUTH", "SESSION", "COOKIE"};
  for (const char* m : k_marks) {
    if (n.find(m) != std::string::npos) return true;
  }
  return url_with_password(value);
}

std::vector<std::string> sandbox_environment(const std::vector<std::string>& env, const config::EnvPolicy& policy,
                                             std::vector<std::string>* withheld) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    bool drop = matches_any(policy.drop, name) || (looks_secret(name, value) && !matches_any(policy.pass, name));
    if (drop) {
      if (withheld) withheld->push_back(name);
    } else {
      out.push_back(kv);
    }
  }
  if (withheld) std::sort(withheld->begin(), withheld->end());
  return out;
}

}  // namespace vg::sandbox
