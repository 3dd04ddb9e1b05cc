// The boundary suite, what crosses the other way: traps for the host that a
// command writes (refused and kept aside, and the host's own git afterwards
// runs nothing of them), directories that are no project, and secrets in
// files that must read empty. Each test makes the attempt in a real run.
// Part of sandbox_boundary_test (boundary_test.cpp has the rest).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/sandbox/suite.hpp"

namespace vg::test {
namespace {

class Protected : public SandboxTest {};

TEST_F(Protected, TrapsForTheHostAreRefusedKeptAndExplained) {
  // Each would run on the host later: git's fsmonitor on the next `git
  // status`, a hook on the next commit, direnv's .envrc, an editor task, an
  // agent's settings, a shell rc file.
  ASSERT_EQ(run({"/bin/sh", "-c", "cd " + ws + " && git init -q ."}).exit_code, 0);
  std::string marker = outside + "/ran";
  Ran r = sandbox({"/bin/sh", "-c",
                   "git config core.fsmonitor 'touch " + marker + " #' && "
                   "printf '#!/bin/sh\\ntouch " + marker + "\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit && "
                   "echo 'touch " + marker + "' > .envrc && mkdir -p .vscode .claude && echo '{}' > .vscode/tasks.json && "
                   "echo '{}' > .claude/settings.json && echo 'touch " + marker + "' > .bashrc && echo fine > notes.txt"},
                  {}, {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"});
  EXPECT_EQ(r.exit_code, 73) << "refusals kept aside exit 73 (k_kept_aside): " << r.err;
  EXPECT_NE(r.err.find("core.fsmonitor would run"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("git would run this hook"), std::string::npos) << r.err;
  for (const char* path : {".envrc", ".vscode/tasks.json", ".claude/settings.json", ".bashrc", ".git/hooks/pre-commit"}) {
    EXPECT_FALSE(exists(ws + "/" + path)) << path << " landed";
  }
  EXPECT_TRUE(exists(ws + "/notes.txt")) << "an ordinary file must still land";
  // The proof: git on the host runs nothing of it.
  run({"/bin/sh", "-c", "cd " + ws + " && git status >/dev/null 2>&1; git commit -q --allow-empty -m x >/dev/null 2>&1"},
      {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t",
       "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t"});
  EXPECT_FALSE(exists(marker)) << "a planted command ran on the host";
  // Kept in the quarantine, named there.
  EXPECT_NE(outcome().find("change refused modified .git/config"), std::string::npos) << outcome();
}

TEST_F(Protected, GitsOtherWaysToRunACommandAreRefusedAndRunNothing) {
  // From an adversarial pass: an ext:: remote, an ssh signing-key command,
  // a submodule update command, a commondir that moves git's config, a
  // hook reached through core.hooksPath and one through a link, an editor
  // folder reached through a link.
  std::vector<std::string> git_env = {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t",
                                      "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t"};
  std::string marker = outside + "/ran";
  ASSERT_EQ(run({"/bin/sh", "-c",
                 "cd " + ws + " && git init -q . && git commit -q --allow-empty -m one && mkdir -p .husky tools/vscode "
                 "scripts && git config core.hooksPath .husky && printf '#!/bin/sh\nexit 0\n' > scripts/pre-commit.sh && "
                 "chmod +x scripts/pre-commit.sh && ln -s tools/vscode .vscode && "
                 "ln -s ../../scripts/pre-commit.sh .git/hooks/post-commit && touch -d '1 hour ago' scripts/pre-commit.sh"},
                git_env)
                .exit_code,
            0);
  Ran r = sandbox({"/bin/sh", "-c",
                   "git remote add origin 'ext::sh -c touch% " + marker + "'; git config protocol.ext.allow always; "
                   "git config gpg.ssh.defaultKeyCommand 'touch " + marker + "'; "
                   "mkdir -p lib/evil; printf '[core]\n\tfsmonitor = touch " + marker + "\n' > lib/evil/config; "
                   "echo ../lib/evil > .git/commondir; "
                   "printf '#!/bin/sh\ntouch " + marker + "\n' > .husky/pre-commit; chmod +x .husky/pre-commit; "
                   "printf '#!/bin/sh\ntouch " + marker + "\n' > scripts/pre-commit.sh; "
                   "echo '{}' > tools/vscode/tasks.json; echo fine > notes.txt"},
                  {}, git_env);
  EXPECT_EQ(r.exit_code, 73) << r.err;
  for (const char* said : {"would run a command when git reaches the remote", "not one vg knows to be inert",
                           "commondir", "core.hooksPath", "leads here"}) {
    EXPECT_NE(r.err.find(said), std::string::npos) << said << "\n" << r.err;
  }
  EXPECT_FALSE(exists(ws + "/.git/commondir"));
  EXPECT_FALSE(exists(ws + "/.husky/pre-commit"));
  EXPECT_FALSE(exists(ws + "/tools/vscode/tasks.json"));
  EXPECT_TRUE(exists(ws + "/notes.txt"));
  // The proof: the host's git runs nothing of it.
  run({"/bin/sh", "-c", "cd " + ws + " && git status >/dev/null 2>&1; git fetch origin >/dev/null 2>&1; "
                        "git commit -q --allow-empty -m two >/dev/null 2>&1"},
      git_env);
  EXPECT_FALSE(exists(marker)) << "a planted command ran on the host";
}

TEST_F(Protected, GitDirectoriesFoundByContentAndTheHostsIncludesAreGuarded) {
  // From a second adversarial pass: a bare repository made in a subfolder
  // (its config and hooks are git's as much as .git's are), a toolchain
  // file cargo obeys, a hooks directory that is a link, and a file the
  // host's git config includes.
  std::vector<std::string> git_env = {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t",
                                      "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t"};
  std::string marker = outside + "/ran";
  ASSERT_EQ(run({"/bin/sh", "-c",
                 "cd " + ws + " && git init -q . && mkdir -p scripts/hooks tools && rm -rf .git/hooks && "
                 "ln -s ../scripts/hooks .git/hooks && echo '[user]' > tools/git.cfg && "
                 "git config include.path ../tools/git.cfg && touch -d '1 hour ago' tools/git.cfg"},
                git_env)
                .exit_code,
            0);
  Ran r = sandbox({"/bin/sh", "-c",
                   "git init -q --bare sub && git -C sub config core.fsmonitor 'touch " + marker + "'; "
                   "printf '#!/bin/sh\ntouch " + marker + "\n' > sub/hooks/pre-receive; chmod +x sub/hooks/pre-receive; "
                   "printf '[toolchain]\\npath = \"/tmp\"\\n' > rust-toolchain.toml; "
                   "printf '#!/bin/sh\ntouch " + marker + "\n' > scripts/hooks/post-commit; chmod +x scripts/hooks/post-commit; "
                   "printf '[core]\n\tfsmonitor = touch " + marker + "\n' >> tools/git.cfg; echo fine > notes.txt"},
                  {}, git_env);
  EXPECT_EQ(r.exit_code, 73) << r.err;
  EXPECT_TRUE(exists(ws + "/notes.txt")) << r.err;
  EXPECT_FALSE(exists(ws + "/sub/hooks/pre-receive")) << r.err;
  EXPECT_FALSE(exists(ws + "/rust-toolchain.toml")) << r.err;
  EXPECT_FALSE(exists(ws + "/scripts/hooks/post-commit")) << r.err;
  EXPECT_EQ(read_file(ws + "/tools/git.cfg"), "[user]\n") << r.err;
  std::string sub_config = exists(ws + "/sub/config") ? read_file(ws + "/sub/config") : "";
  EXPECT_EQ(sub_config.find("fsmonitor"), std::string::npos) << sub_config;
  run({"/bin/sh", "-c", "cd " + ws + " && git status >/dev/null 2>&1; git commit -q --allow-empty -m x >/dev/null 2>&1; "
                        "cd sub 2>/dev/null && git status >/dev/null 2>&1"},
      git_env);
  EXPECT_FALSE(exists(marker)) << "a planted command ran on the host";
}

TEST_F(Protected, AllowProtectedLetsANamedPathThrough) {
  Ran r = sandbox({"/bin/sh", "-c", "mkdir -p .vscode && echo '{}' > .vscode/settings.json"},
                  {"--allow-protected", ".vscode"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(exists(ws + "/.vscode/settings.json")) << r.err;
}

}  // namespace
}  // namespace vg::test

namespace vg::test {
namespace {

class HomeSecrets : public SandboxTest {};

TEST_F(HomeSecrets, FromTheHomeDirectoryItsSecretsReadEmptyAndNothingIsWritten) {
  for (const char* f : {".git-credentials", ".bash_history", ".npmrc", ".netrc"}) write_file(home + "/" + f, "SECRET\n");
  std::filesystem::create_directories(home + "/.aws");
  write_file(home + "/.aws/credentials", "SECRET\n");
  std::vector<std::string> argv = {driver_path(), "--workspace", home, "--cwd", home, "--outcome", m_outcome, "--",
                                   "/bin/sh", "-c",
                                   "cat .git-credentials .bash_history .npmrc .netrc .aws/credentials 2>&1; "
                                   "echo 'alias ls=evil' >> .bashrc; echo done"};
  Ran r = run(argv, base_env());
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << "a secret was readable: " << r.out;
  EXPECT_FALSE(exists(home + "/.bashrc")) << "the home's rc file was written";
  EXPECT_NE(r.err.find("not a project"), std::string::npos) << "vg should say what it did instead: " << r.err;
}

TEST_F(HomeSecrets, TheHomesConfigurationIsNoWorkspaceAndLinkedSecretsReadEmpty) {
  // ~/.config/git as the working directory: its files configure every git.
  std::filesystem::create_directories(home + "/.config/git");
  write_file(home + "/.config/git/config", "[user]\n");
  std::vector<std::string> argv = {driver_path(), "--workspace", home + "/.config/git", "--cwd", home + "/.config/git",
                                   "--outcome", m_outcome, "--", "/bin/sh", "-c",
                                   "printf '[core]\\n\\tfsmonitor = evil\\n' >> config; echo done"};
  Ran r = run(argv, base_env());
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(read_file(home + "/.config/git/config"), "[user]\n") << r.err;
  EXPECT_NE(r.err.find("not a project"), std::string::npos) << r.err;
  // A dotfiles project: ~/.ssh and ~/.netrc are links into it.
  std::string dots = m_root / "dotfiles";
  std::filesystem::create_directories(dots + "/ssh");
  write_file(dots + "/ssh/id_rsa", "SECRET-KEY\n");
  write_file(dots + "/netrc", "SECRET-NETRC\n");
  std::filesystem::create_directory_symlink(dots + "/ssh", home + "/.ssh");
  std::filesystem::create_symlink(dots + "/netrc", home + "/.netrc");
  std::vector<std::string> in_dots = {driver_path(), "--workspace", dots, "--cwd", dots, "--outcome", m_outcome,
                                      "--", "/bin/sh", "-c", "cat ssh/id_rsa netrc 2>&1; echo done"};
  Ran d = run(in_dots, base_env());
  EXPECT_NE(d.out.find("done"), std::string::npos) << d.out << d.err;
  EXPECT_EQ(d.out.find("SECRET"), std::string::npos) << "a linked home secret was readable: " << d.out;
  // ~/.bashrc kept in the dotfiles project is the home's rc file there.
  write_file(dots + "/bashrc", "# mine\n");
  std::filesystem::create_symlink(dots + "/bashrc", home + "/.bashrc");
  std::vector<std::string> rc = {driver_path(), "--workspace", dots, "--cwd", dots, "--outcome", m_outcome,
                                 "--", "/bin/sh", "-c", "echo 'alias ls=evil' >> bashrc; echo done"};
  Ran w = run(rc, base_env());
  EXPECT_EQ(w.exit_code, 73) << w.err;
  EXPECT_EQ(read_file(dots + "/bashrc"), "# mine\n") << w.err;
}

TEST_F(HomeSecrets, FromTheRootNothingOfTheHomeOrTheHostIsReadOrWritten) {
  write_file(home + "/.netrc", "SECRET\n");
  write_file(ws + "/.env", "SECRET\n");
  std::vector<std::string> argv = {driver_path(), "--workspace", "/", "--cwd", "/", "--outcome", m_outcome, "--",
                                   "/bin/sh", "-c",
                                   "cat '" + home + "/.netrc' '" + ws + "/.env' 2>&1; echo 'alias ls=evil' >> '" +
                                       home + "/.bashrc'; echo x > '" + outside + "/passwd'; echo done"};
  Ran r = run(argv, base_env());
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << "a secret was readable: " << r.out;
  EXPECT_FALSE(exists(home + "/.bashrc"));
  EXPECT_EQ(read_file(outside + "/passwd"), "original\n");
  EXPECT_NE(r.err.find("not a project"), std::string::npos) << r.err;
}

TEST_F(HomeSecrets, FromEtcNothingIsWritten) {
  std::string marker = "/etc/vg-boundary-test-" + std::to_string(getpid());
  std::vector<std::string> argv = {driver_path(), "--workspace", "/etc", "--cwd", "/etc", "--outcome", m_outcome,
                                   "--", "/bin/sh", "-c",
                                   "echo x > '" + marker + "'; cat '" + home + "/.netrc' 2>&1; echo done"};
  write_file(home + "/.netrc", "SECRET\n");
  Ran r = run(argv, base_env());
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << r.out;
  EXPECT_FALSE(exists(marker)) << "the sandbox wrote into the host's /etc";
  if (exists(marker)) std::filesystem::remove(marker);
  EXPECT_NE(r.err.find("not a project"), std::string::npos) << r.err;
}

TEST_F(HomeSecrets, FromADirectoryHoldingVgsConfigItIsNeitherReadNorWritten) {
  std::string holder = m_root / "holder";
  std::filesystem::create_directories(holder + "/.config/vg");
  write_file(holder + "/.config/vg/config.yaml", "mode: always # SECRET-CONFIG\n");
  std::vector<std::string> argv = {driver_path(), "--workspace", holder, "--cwd", holder, "--outcome", m_outcome,
                                   "--", "/bin/sh", "-c",
                                   "cat .config/vg/config.yaml 2>&1; echo 'mode: disabled' > .config/vg/config.yaml; "
                                   "echo hi > .bashrc; echo done"};
  auto env = base_env();
  env.push_back("XDG_CONFIG_HOME=" + holder + "/.config");
  Ran r = run(argv, env);
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET-CONFIG"), std::string::npos) << "vg's config was readable: " << r.out;
  EXPECT_EQ(read_file(holder + "/.config/vg/config.yaml"), "mode: always # SECRET-CONFIG\n");
  EXPECT_FALSE(exists(holder + "/.bashrc"));
  EXPECT_NE(r.err.find("not a project"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace vg::test

namespace vg::test {
namespace {

class EnvFiles : public SandboxTest {};

TEST_F(EnvFiles, WithExcludeGlobsEnvFilesAndExcludedFilesAreHiddenAtEveryDepth) {
  // With `exclude` globs the workspace is walked, and `.env*` files are
  // hidden at every depth too (without, app/api/.env is refused at commit
  // but readable: the walk's cost is not paid on every start).
  std::filesystem::create_directories(ws + "/app/api/deep/er");
  write_file(ws + "/app/api/.env", "TOKEN=SECRET-1\n");
  write_file(ws + "/app/api/deep/er/.env.local", "TOKEN=SECRET-2\n");
  write_file(ws + "/app/api/deep/key.pem", "SECRET-3\n");
  write_file(ws + "/app/api/deep/plain.txt", "visible\n");
  Ran r = sandbox({"/bin/sh", "-c", "cat app/api/.env app/api/deep/er/.env.local app/api/deep/key.pem "
                                    "app/api/deep/plain.txt; echo done"},
                  {"--exclude", "*.pem"});
  EXPECT_NE(r.out.find("visible"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << "a secret was readable: " << r.out;
}

TEST_F(EnvFiles, WithoutExcludeEnvFilesAtEveryDepthReadEmpty) {
  std::filesystem::create_directories(ws + "/app/api/v1");
  write_file(ws + "/app/api/v1/.env", "TOKEN=SECRET-1\n");
  write_file(ws + "/app/.env.production.local", "TOKEN=SECRET-2\n");
  write_file(ws + "/app/api/v1/main.txt", "visible\n");
  std::filesystem::create_directories(ws + "/conf");
  write_file(ws + "/conf/prod.secrets", "TOKEN=SECRET-3\n");
  std::filesystem::create_symlink("../../conf/prod.secrets", ws + "/app/api/.env.staging");
  Ran r = sandbox({"/bin/sh", "-c", "cat app/api/v1/.env app/.env.production.local app/api/.env.staging "
                                    "conf/prod.secrets app/api/v1/main.txt; echo done"});
  EXPECT_NE(r.out.find("visible"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << "a secret was readable: " << r.out;
}

TEST_F(EnvFiles, ASecretsOtherNamesAndSecretsInsideGitReadEmpty) {
  // A hard link made before the run is the same file under a name no
  // pattern matches; `.git` is walked like the rest.
  write_file(ws + "/.env.local", "TOKEN=SECRET-1\n");
  std::filesystem::create_hard_link(ws + "/.env.local", ws + "/notes.txt");
  std::filesystem::create_directories(ws + "/.git/sub");
  write_file(ws + "/.git/sub/.env", "TOKEN=SECRET-2\n");
  write_file(ws + "/readme", "visible\n");
  Ran r = sandbox({"/bin/sh", "-c", "cat notes.txt .git/sub/.env readme; echo done"});
  EXPECT_NE(r.out.find("visible"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << "a secret was readable: " << r.out;
}

TEST_F(EnvFiles, AnEnvFileAddedBetweenTwoRunsIsHiddenInTheSecond) {
  // The walk is remembered between runs; the second must not trust it for
  // a directory that changed since.
  std::filesystem::create_directories(ws + "/svc/a/b");
  write_file(ws + "/svc/a/b/code.txt", "visible\n");
  Ran first = sandbox({"/bin/sh", "-c", "cat svc/a/b/code.txt"});
  EXPECT_NE(first.out.find("visible"), std::string::npos) << first.out << first.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the index trusts every listing now
  Ran again = sandbox({"/bin/sh", "-c", "cat svc/a/b/code.txt"});
  EXPECT_NE(again.out.find("visible"), std::string::npos) << again.out << again.err;
  write_file(ws + "/svc/a/b/.env", "TOKEN=SECRET\n");
  Ran r = sandbox({"/bin/sh", "-c", "cat svc/a/b/.env svc/a/b/code.txt; echo done"});
  EXPECT_NE(r.out.find("visible"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << "the new secret was readable: " << r.out;
}

TEST_F(EnvFiles, WhenHidingCannotBeCompleteTheSandboxDoesNotStart) {
  for (int i = 0; i < 60; ++i) write_file(ws + "/f" + std::to_string(i), "x\n");
  Ran r = sandbox({"/bin/sh", "-c", "touch ran"}, {}, {"VG_TEST_SECRET_WALK_LIMIT=50"});
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("does not start"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(ws + "/ran")) << "the command ran";
}

TEST_F(EnvFiles, AnEnvFileThatIsALinkHidesWhatItPointsTo) {
  // `.env.production -> config/prod.secrets`: hiding the link's own name
  // hid nothing; the file it names is the secret.
  std::filesystem::create_directories(ws + "/config");
  write_file(ws + "/config/prod.secrets", "API_KEY=SECRET\n");
  std::filesystem::create_symlink("config/prod.secrets", ws + "/.env.production");
  Ran r = sandbox({"/bin/sh", "-c", "cat .env.production config/prod.secrets; echo done"});
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("SECRET"), std::string::npos) << "the secret was readable: " << r.out;
}

}  // namespace
}  // namespace vg::test
