// Every kind of bad config is an Error with `file:line:column: message`;
// none crashes and none yields a half-read Config.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "config/host_entry.hpp"
#include "config/load.hpp"
#include "config/test_dir.hpp"

namespace vg::config {
namespace {

class ConfigErrors : public testing::TempDirTest {
 protected:
  // Load with `text` as the user config and return the error message.
  std::string error_for(const std::string& text) {
    write(user_file(), text);
    auto r = load(options());
    EXPECT_FALSE(r.ok()) << "expected an error for:\n" << text;
    return r.ok() ? std::string() : r.error().message;
  }
  std::string at(int line, int column) const {
    return user_file() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }
};

TEST_F(ConfigErrors, YamlSyntaxErrorNamesFileLineColumn) {
  EXPECT_EQ(error_for("sandbox:\n  mode: always\n  network: {mode: none\n"),
            at(4, 1) + "YAML syntax error: end of map flow not found");
  EXPECT_EQ(error_for("sandbox:\n  mode: a: b\n"), at(2, 10) + "YAML syntax error: illegal map value");
}

TEST_F(ConfigErrors, BadIndentationIsASyntaxError) {
  std::string e = error_for("sandbox:\n  mode: always\n bad: x\n");
  EXPECT_EQ(e.rfind(user_file() + ":3:", 0), 0u) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST_F(ConfigErrors, WrongTypeNamesTheKey) {
  EXPECT_EQ(error_for("sandbox:\n  mode: [a]\n"), at(2, 9) + "wrong type for sandbox.mode: expected a name, got a list");
  EXPECT_EQ(error_for("sandbox:\n  exclude: node_modules\n"),
            at(2, 12) + "wrong type for sandbox.exclude: expected a list, got a single value");
  EXPECT_EQ(error_for("sandbox:\n  network: restricted\n"),
            at(2, 12) + "wrong type for sandbox.network: expected a map, got a single value");
  EXPECT_EQ(error_for("sandbox:\n  enabled: sometimes\n"),
            at(2, 12) + "invalid value 'sometimes' for sandbox.enabled; expected true or false");
}

TEST_F(ConfigErrors, OutOfRangeValues) {
  EXPECT_EQ(error_for("sandbox:\n  resources:\n    cpu: 0\n"),
            at(3, 10) + "sandbox.resources.cpu: 0 is out of range; expected more than 0 and at most 4096 cores");
  EXPECT_EQ(error_for("sandbox:\n  resources:\n    cpu: -2\n"),
            at(3, 10) + "sandbox.resources.cpu: -2 is out of range; expected more than 0 and at most 4096 cores");
  EXPECT_EQ(error_for("sandbox:\n  cache_size: -5MB\n"), at(2, 15) + "sandbox.cache_size: negative size '-5MB'");
  EXPECT_EQ(error_for("sandbox:\n  cache_ttl: 3 fortnights\n"),
            at(2, 14) + "sandbox.cache_ttl: unknown duration unit 'fortnights' in '3 fortnights'; expected s, m, h, d or w");
  EXPECT_EQ(error_for("mock:\n  exit_code: 300\n"), at(2, 14) + "mock.exit_code: 300 is out of range; expected 0 to 255");
  EXPECT_EQ(error_for("sandbox:\n  resources:\n    pids: -1\n"),
            at(3, 11) + "sandbox.resources.pids: -1 is out of range; expected 0 to 4194304");
}

TEST_F(ConfigErrors, UnknownKeyGetsDidYouMean) {
  EXPECT_EQ(error_for("sandbox:\n  mdoe: auto\n"), at(2, 3) + "unknown key 'mdoe' in sandbox; did you mean 'mode'?");
  EXPECT_EQ(error_for("sandbx:\n  mode: auto\n"), at(1, 1) + "unknown key 'sandbx' at the top level; did you mean 'sandbox'?");
  EXPECT_EQ(error_for("sandbox:\n  network:\n    alowed_hosts: [a.com]\n"),
            at(3, 5) + "unknown key 'alowed_hosts' in sandbox.network; did you mean 'allowed_hosts'?");
  std::string e = error_for("sandbox:\n  zzzzzzzz: 1\n");
  EXPECT_EQ(e.rfind(at(2, 3) + "unknown key 'zzzzzzzz' in sandbox; expected one of: enabled, mode", 0), 0u) << e;
}

TEST_F(ConfigErrors, UnknownEnumValueListsTheValidOnes) {
  EXPECT_EQ(error_for("sandbox:\n  mode: sometimes\n"),
            at(2, 9) + "unknown mode 'sometimes'; expected always|auto|manual|disabled");
  EXPECT_EQ(error_for("sandbox:\n  mode: alway\n"),
            at(2, 9) + "unknown mode 'alway' (did you mean 'always'?); expected always|auto|manual|disabled");
  EXPECT_EQ(error_for("sandbox:\n  network:\n    mode: open\n"),
            at(3, 11) + "unknown network mode 'open'; expected none|restricted|full");
  EXPECT_EQ(error_for("sandbox:\n  risk_threshold:\n    low: allow\n"),
            at(3, 10) + "unknown action 'allow'; expected host|sandbox|ask|refuse");
  EXPECT_EQ(error_for("sandbox:\n  runtime: firecracker\n"),
            at(2, 12) + "unknown runtime 'firecracker'; expected namespace|microvm|mock");
}

TEST_F(ConfigErrors, NulByteIsAnError) {
  std::string e = error_for(std::string("sandbox:\n  mode: au\0to\n", 22));
  EXPECT_EQ(e.rfind(user_file() + ":2:", 0), 0u) << e;
  for (char c : e) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "control byte in: " << e;
}

TEST_F(ConfigErrors, ControlBytesInValuesAreEscapedInMessages) {
  EXPECT_EQ(error_for("sandbox:\n  mode: \"a\\e[31mb\\nc\"\n"),
            at(2, 9) + "unknown mode 'a\\x1b[31mb\\x0ac'; expected always|auto|manual|disabled");
}

TEST_F(ConfigErrors, DuplicateKey) {
  EXPECT_EQ(error_for("sandbox:\n  mode: auto\n  mode: always\n"), at(3, 3) + "duplicate key 'mode' in sandbox");
}

TEST_F(ConfigErrors, TopLevelMustBeAMap) {
  EXPECT_EQ(error_for("- a\n- b\n"), at(1, 1) + "the file must be a map of sections (sandbox:, ...), not a list");
}

TEST_F(ConfigErrors, BadVolumeEntries) {
  EXPECT_EQ(error_for("sandbox:\n  volumes:\n    - {target: /x}\n"), at(3, 7) + "an entry of sandbox.volumes needs a source path");
  EXPECT_EQ(error_for("sandbox:\n  volumes:\n    - {source: /a, target: rel}\n"),
            at(3, 7) + "sandbox.volumes: target 'rel' must be an absolute path");
  EXPECT_EQ(error_for("sandbox:\n  volumes:\n    - /a:/b:rwx\n"),
            at(3, 7) + "unknown volume mode 'rwx' in sandbox.volumes; expected ro|rw|overlay");
}

TEST_F(ConfigErrors, BadHost) {
  EXPECT_EQ(error_for("sandbox:\n  network:\n    allowed_hosts: [\"https://x.com/\"]\n"),
            at(3, 21) + "invalid host 'https://x.com/' in sandbox.network.allowed_hosts: a URL is not a host entry; "
                        "write the host alone, with :PORT if needed (example.org:443); " + k_host_entry_forms);
}

TEST_F(ConfigErrors, DeepNestingDoesNotCrash) {
  std::string deep(100000, '[');
  std::string e = error_for("sandbox:\n  exclude: " + deep + "\n");
  EXPECT_EQ(e.rfind(user_file() + ":", 0), 0u) << e.substr(0, 200);
}

TEST_F(ConfigErrors, ADirectoryIsUnreadable) {
  std::filesystem::create_directories(user_file());
  auto r = load(options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, user_file() + ": cannot read config file: it is a directory");
}

TEST_F(ConfigErrors, APipeIsUnreadable) {
  std::filesystem::create_directories(home + "/.config/vg");
  ASSERT_EQ(::mkfifo(user_file().c_str(), 0600), 0);
  auto r = load(options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, user_file() + ": cannot read config file: not a regular file");
}

TEST_F(ConfigErrors, PermissionDeniedIsAnError) {
  write(user_file(), "sandbox:\n  mode: auto\n");
  ASSERT_EQ(::chmod(user_file().c_str(), 0), 0);
  // Root reads through permission bits, so as root the load runs in a child
  // that has dropped to nobody; the test root is opened for traversal so
  // that only the file itself is closed.
  ASSERT_EQ(::chmod(root().c_str(), 0755), 0);
  std::string message;
  if (::access(user_file().c_str(), R_OK) != 0) {
    auto r = load(options());
    ASSERT_FALSE(r.ok());
    message = r.error().message;
  } else {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
      auto r = load(options());
      std::string m = r.ok() ? "loaded" : r.error().message;
      ssize_t n = ::write(fds[1], m.data(), m.size());
      ::_exit(n == static_cast<ssize_t>(m.size()) ? 0 : 4);
    }
    ::close(fds[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) message.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  EXPECT_EQ(message, user_file() + ": cannot read config file: Permission denied");
}

TEST_F(ConfigErrors, MissingFilesAndEmptyFilesAreFine) {
  EXPECT_TRUE(load(options()).ok());
  write(user_file(), "");
  EXPECT_TRUE(load(options()).ok());
  write(user_file(), "# only a comment\n");
  EXPECT_TRUE(load(options()).ok());
  write(user_file(), "sandbox:\n");
  EXPECT_TRUE(load(options()).ok());
}

TEST_F(ConfigErrors, ErrorInTheSystemFileNamesIt) {
  std::string sys = write("etc/vg/config.yaml", "sandbox:\n  cache_strategy: greedy\n");
  auto r = load(options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, sys + ":2:19: unknown cache strategy 'greedy'; expected smart|aggressive|conservative");
}

TEST_F(ConfigErrors, ErrorInARepositoryFileNamesIt) {
  std::string repo = write("work/.vg.yaml", "sandbox:\n  mode: [x]\n");
  auto r = load(options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, repo + ":2:9: wrong type for sandbox.mode: expected a name, got a list");
}

TEST_F(ConfigErrors, EnvironmentErrorsNameTheVariable) {
  auto o = options();
  o.env["VG_MODE"] = "x";
  auto r = load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "VG_MODE: unknown mode 'x'; expected always|auto|manual|disabled");
  o.env.erase("VG_MODE");
  o.env["VG_CACHE"] = "perhaps";
  r = load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "VG_CACHE: invalid value 'perhaps' for sandbox.enable_cache; expected true or false");
}

TEST_F(ConfigErrors, FlagErrorsNameTheFlag) {
  auto o = options();
  o.flags = {{"sandbox.mdoe", "auto"}};
  auto r = load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "flag sandbox.mdoe: unknown key 'mdoe' in sandbox; did you mean 'mode'?");
  o.flags = {{"sandbox.resources.memory", "lots"}};
  r = load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "flag sandbox.resources.memory: sandbox.resources.memory: invalid size 'lots'; expected e.g. 512MiB, 2GB or a "
            "number of bytes");
}

TEST_F(ConfigErrors, MissingVgConfigFileIsAnError) {
  auto o = options();
  o.env["VG_CONFIG"] = root() + "/nope.yaml";
  auto r = load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "VG_CONFIG: " + root() + "/nope.yaml: no such config file");
}

}  // namespace
}  // namespace vg::config
