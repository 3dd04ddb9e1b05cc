#pragma once
// The environment a sandboxed command gets: the caller's, less its secrets.
// A variable is a secret when its name says so (it contains KEY, SECRET,
// TOKEN, PASSWORD, PASSWD, CREDENTIAL, PRIVATE or COOKIE, as in
// AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, GOOGLE_APPLICATION_CREDENTIALS, or
// has a part such as AUTH, SESSION, PASS, PWD, PW, PAT, JWT, DSN, SK,
// WEBHOOK, CRED: SSH_AUTH_SOCK, DB_PASS, MYSQL_PWD, GITHUB_PAT, SENTRY_DSN;
// git configuration variables too) or its value does (a URL or connection
// string with a password, password= anywhere, a Bearer or Authorization
// credential, a private key, a token in a known format or a JWT).
// `sandbox.env.pass` lets names through, `sandbox.env.drop` withholds more.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace vg::sandbox {

// True when `name` = `value` is a secret by the rules above.
bool looks_secret(const std::string& name, const std::string& value);

// `env` ("K=V") without what `policy` withholds; the names withheld go to
// `withheld` (sorted) when given.
std::vector<std::string> sandbox_environment(const std::vector<std::string>& env, const config::EnvPolicy& policy,
                                             std::vector<std::string>* withheld = nullptr);

}  // namespace vg::sandbox
