#include "sandbox/environment.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <string_view>

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

// One '_'-separated part of a name marks a secret: DB_PASS, MYSQL_PWD,
// PGPASS, GITHUB_PAT, SENTRY_DSN (its URL holds a key), STRIPE_SK,
// SLACK_WEBHOOK_URL, CI_JOB_JWT, LDAP_BIND_PW, DB_CONNECTION_STRING.
bool secret_part(const std::string& part) {
  static const char* const k_parts[] = {"PASS", "PWD",     "PW",         "PGPASS",  "PAT",        "DSN",
                                        "SK",   "JWT",     "NETRC",      "WEBHOOK", "CONNECTION", "CONNSTR",
                                        "PASSPHRASE", "PASSCODE", "PASSPHRASES", "SSHPASS", "CRED", "CREDS",
                                        "TOTP", "HMAC", "OTP", "RSA", "ED25519", "ECDSA", "DSA", "PEM", "PFX", "P12",
                                        "AUTH", "OAUTH", "AUTHORIZATION", "AUTHTOKEN", "SESSION", "SESSIONID", "SID"};
  for (const char* p : k_parts) {
    if (part == p) return true;
  }
  return false;
}

// A value that is a credential whatever its name: a key-value connection
// string with a password (Server=..;Password=..), a URL query's password,
// a private key, or a token in a well-known format.
bool secret_value(const std::string& value) {
  std::string v;
  v.reserve(value.size());
  for (char c : value) v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  // password= anywhere (keyStorePassword=, -Dpassword=, ;Password=);
  // pwd= only as a parameter of its own.
  for (const char* key : {"password=", "passwd=", "passphrase=", "secret=", "token="}) {
    if (v.find(key) != std::string::npos) return true;
  }
  for (auto at = v.find("pwd="); at != std::string::npos; at = v.find("pwd=", at + 1)) {
    if (at == 0 || std::string_view(";?& ").find(v[at - 1]) != std::string_view::npos) return true;
  }
  // An HTTP credential: "Bearer …", "Authorization: …", "token …".
  for (const char* key : {"bearer ", "authorization:", "basic ", "token "}) {
    auto at = v.find(key);
    if (at != std::string::npos && value.size() - at - std::string_view(key).size() >= 16) return true;
  }
  static const char* const k_prefixes[] = {"ghp_",   "gho_",     "ghu_",     "ghs_",    "ghr_",  "github_pat_",
                                           "glpat-", "xoxa-",    "xoxb-",    "xoxp-",   "xoxr-", "xoxs-",
                                           "sk-ant-", "sk-proj-", "sk_live_", "rk_live_", "sk-",  "npm_",
                                           "SG.",    "AIza",     "ya29.",    "hf_",     "pypi-", "dop_v1_"};
  for (const char* p : k_prefixes) {
    if (value.rfind(p, 0) == 0 && value.size() >= std::string_view(p).size() + 12) return true;
  }
  // A JSON Web Token: three base64url parts, the first a JSON header.
  if (value.rfind("eyJ", 0) == 0 && std::count(value.begin(), value.end(), '.') == 2 && value.size() > 30) return true;
  if (value.rfind("AKIA", 0) == 0 && value.size() == 20) return true;
  return value.find("-----BEGIN") != std::string::npos && value.find("PRIVATE KEY") != std::string::npos;
}

}  // namespace

bool looks_secret(const std::string& name, const std::string& value) {
  std::string n = upper(name);
  static const char* const k_marks[] = {"KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE", "COOKIE"};
  for (const char* m : k_marks) {
    if (n.find(m) != std::string::npos) return true;
  }
  // git configuration passed through the environment (GIT_CONFIG_VALUE_0
  // = "Authorization: Bearer ...", GIT_CONFIG_PARAMETERS): never passed.
  if (n.rfind("GIT_CONFIG_", 0) == 0 || n == "GIT_CONFIG_PARAMETERS" || n == "GIT_ASKPASS" || n == "SSH_ASKPASS") {
    return true;
  }
  // Bundler's per-host credentials: BUNDLE_GEMS__CONTRIBSYS__COM=user:pw.
  if (n.rfind("BUNDLE_", 0) == 0 && n.find("__") != std::string::npos) return true;
  // The desktop session's description is no secret (XDG_SESSION_TYPE).
  if (n != "PWD" && n.rfind("XDG_SESSION_", 0) != 0) {
    for (std::size_t at = 0; at <= n.size();) {
      std::size_t end = n.find('_', at);
      if (end == std::string::npos) end = n.size();
      if (secret_part(n.substr(at, end - at))) return true;
      at = end + 1;
    }
  }
  return url_with_password(value) || secret_value(value);
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
