#include "sandbox/environment.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vg::sandbox {
namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(SandboxEnvironment, SecretsAreWithheldAndOrdinaryVariablesPass) {
  std::vector<std::string> env = {"PATH=/usr/bin",
                                  "HOME=/home/u",
                                  "AWS_SECRET_ACCESS_KEY=x",
                                  "AWS_ACCESS_KEY_ID=x",
                                  "AWS_SESSION_TOKEN=x",
                                  "GITHUB_TOKEN=x",
                                  "GH_TOKEN=x",
                                  "OPENAI_API_KEY=x",
                                  "ANTHROPIC_API_KEY=x",
                                  "NPM_TOKEN=x",
                                  "PGPASSWORD=x",
                                  "GOOGLE_APPLICATION_CREDENTIALS=/k.json",
                                  "SSH_AUTH_SOCK=/tmp/agent",
                                  "DATABASE_URL=postgres://app:hunter2@db:5432/app",
                                  "REDIS_URL=redis://localhost:6379",
                                  "LANG=C.UTF-8",
                                  "CI=true"};
  std::vector<std::string> withheld;
  auto out = sandbox_environment(env, {}, &withheld);
  for (const char* kept : {"PATH=/usr/bin", "HOME=/home/u", "REDIS_URL=redis://localhost:6379", "LANG=C.UTF-8", "CI=true"}) {
    EXPECT_TRUE(has(out, kept)) << kept;
  }
  for (const char* name : {"AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "GH_TOKEN",
                           "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "NPM_TOKEN", "PGPASSWORD",
                           "GOOGLE_APPLICATION_CREDENTIALS", "SSH_AUTH_SOCK", "DATABASE_URL"}) {
    EXPECT_TRUE(has(withheld, name)) << name;
    for (const auto& kv : out) EXPECT_NE(kv.rfind(std::string(name) + "=", 0), 0u) << name << " passed";
  }
}

TEST(SandboxEnvironment, OtherSpellingsOfSecretsAreWithheld) {
  // Names and values an adversarial pass found passed through.
  for (const char* kv : {"MYSQL_PWD=x", "DB_PASS=x", "DB_PWD=x", "PGPASS=x", "SMTP_PASS=x", "LDAP_BIND_PW=x",
                         "PASSPHRASE=x", "GPG_PASSPHRASE=x", "JWT=x", "CI_JOB_JWT=x", "PAT=x", "GITHUB_PAT=x",
                         "SENTRY_DSN=https://abc@o1.ingest.sentry.io/1", "SLACK_WEBHOOK_URL=https://hooks.slack.com/x",
                         "STRIPE_SK=x", "NETRC=x", "DB_CONNECTION_STRING=Server=db;User Id=u;Password=S",
                         "JDBC_URL=jdbc:postgresql://h/db?user=u&password=S",
                         "DATABASE_URL=postgres://h/db?password=S", "ANYTHING=ghp_0123456789abcdefABCDEF0123456789abcd",
                         "X=-----BEGIN OPENSSH PRIVATE KEY-----\nabc", "ID=AKIAIOSFODNN7EXAMPLE",
                         // a second pass
                         "GIT_CONFIG_VALUE_0=Authorization: Bearer abc", "GIT_CONFIG_PARAMETERS='http.extraheader=x'",
                         "A=Bearer ghp_0123456789abcdef0123", "E=Authorization: token 0123456789abcdef01",
                         "G=xoxb-0123456789-abcdef", "STRIPE=sk_live_0123456789abcdef", "SENDGRID=SG.abcdefghijkl.mnop",
                         "OPENAIX=sk-proj-0123456789abcdef", "JWTX=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
                         "SSHPASS=x", "MY_CREDS=x", "CRED=x", "TOTP_SEED=x", "HMAC=x", "ID_RSA=x",
                         "BUNDLE_GEMS__CONTRIBSYS__COM=user:pw", "MAVEN_OPTS=-Dpassword=S",
                         "JAVA_TOOL_OPTIONS=-Djavax.net.ssl.keyStorePassword=S"}) {
    std::string s = kv;
    auto eq = s.find('=');
    EXPECT_TRUE(looks_secret(s.substr(0, eq), s.substr(eq + 1))) << kv;
  }
  for (const char* kv : {"PWD=/work", "OLDPWD=/", "PATH=/bin", "COMPASS_DIR=x", "BYPASS_CACHE=1", "DISK=/dev/sda",
                         "SKIP=1", "PATTERN=x", "DSNAME=x", "TASK=build", "PASSENGER=1x", "CONNECT_TIMEOUT=3",
                         "URL=https://example.com/?page=2", "NODE_OPTIONS=--max-old-space-size=4096",
                         "DISPLAY=:0", "HOSTPORT=localhost:8080", "TZ=Europe/Paris", "LANG=C.UTF-8",
                         "TERM=xterm-256color", "EDITOR=vim", "XDG_SESSION_TYPE=tty", "HISTCONTROL=ignoreboth",
                         "LS_COLORS=rs=0:di=01;34", "GIT_AUTHOR_NAME=Ann", "SHELL=/bin/bash", "COLORTERM=truecolor",
                         "MANPATH=/usr/share/man:/usr/local/share/man", "DOCKER_HOST=tcp://127.0.0.1:2375"}) {
    std::string s = kv;
    auto eq = s.find('=');
    EXPECT_FALSE(looks_secret(s.substr(0, eq), s.substr(eq + 1))) << kv;
  }
}

TEST(SandboxEnvironment, PassAndDropPatternsDecide) {
  config::EnvPolicy policy;
  policy.pass = {"NPM_TOKEN"};
  policy.drop = {"CI", "MY_*"};
  std::vector<std::string> withheld;
  auto out = sandbox_environment({"NPM_TOKEN=t", "CI=true", "MY_THING=1", "PATH=/bin"}, policy, &withheld);
  EXPECT_TRUE(has(out, "NPM_TOKEN=t"));
  EXPECT_TRUE(has(out, "PATH=/bin"));
  EXPECT_TRUE(has(withheld, "CI"));
  EXPECT_TRUE(has(withheld, "MY_THING"));
}

}  // namespace
}  // namespace vg::sandbox
