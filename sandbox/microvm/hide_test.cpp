// Unit tests of the microVM pieces around templates and hidden paths that
// need no VM: the hidden-path walk, the QMP reply field reader, template keys.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "sandbox/microvm/files.hpp"
#include "sandbox/microvm/hide.hpp"
#include "sandbox/microvm/qmp.hpp"
#include "sandbox/microvm/template.hpp"

namespace vg::sandbox::microvm {
namespace {

class HiddenPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char t[] = "/tmp/vg-hide-XXXXXX";
    ASSERT_NE(mkdtemp(t), nullptr);
    m_ws = t;
    // The walk's index goes to vg's cache directory: a throwaway one.
    m_cache = m_ws + ".cache";
    setenv("XDG_CACHE_HOME", m_cache.c_str(), 1);
  }
  void TearDown() override {
    remove_tree(m_ws);
    remove_tree(m_cache);
    unsetenv("XDG_CACHE_HOME");
  }
  void touch(const std::string& rel) { std::ofstream(m_ws + "/" + rel) << "x"; }
  void dir(const std::string& rel) { ASSERT_EQ(mkdir((m_ws + "/" + rel).c_str(), 0755), 0); }
  HiddenPaths find(const std::vector<std::string>& exclude, const std::string& home = "/nonexistent-home") {
    auto r = find_hidden_paths(m_ws, exclude, home);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : HiddenPaths{};
  }
  static bool has(const std::vector<std::string>& v, const std::string& p) {
    return std::find(v.begin(), v.end(), p) != v.end();
  }
  std::string m_ws, m_cache;
};

TEST_F(HiddenPathsTest, EnvFilesAtAnyDepthAndExcludeMatchesAreFound) {
  touch(".env");
  dir("a");
  dir("a/b");
  touch("a/b/.env.production");
  touch("a/readme.md");
  touch("server.pem");
  dir("secrets");
  touch("secrets/token");
  auto h = find({"*.pem", "secrets"});
  EXPECT_TRUE(has(h.files, m_ws + "/.env"));
  EXPECT_TRUE(has(h.files, m_ws + "/a/b/.env.production"));
  EXPECT_TRUE(has(h.files, m_ws + "/server.pem"));
  EXPECT_TRUE(has(h.dirs, m_ws + "/secrets"));
  EXPECT_FALSE(has(h.files, m_ws + "/secrets/token"));  // its directory is covered whole
  EXPECT_FALSE(has(h.files, m_ws + "/a/readme.md"));
}

TEST_F(HiddenPathsTest, ASecretNamedLinkCoversWhatItPointsToInside) {
  dir("config");
  touch("config/prod.secrets");
  ASSERT_EQ(symlink("config/prod.secrets", (m_ws + "/.env.production").c_str()), 0);
  char t[] = "/tmp/vg-hide-out-XXXXXX";
  ASSERT_NE(mkdtemp(t), nullptr);
  std::string outside = t;
  std::ofstream(outside + "/.env") << "x";
  ASSERT_EQ(symlink(outside.c_str(), (m_ws + "/link").c_str()), 0);
  ASSERT_EQ(symlink("nowhere", (m_ws + "/.env.link").c_str()), 0);
  auto h = find({});
  EXPECT_EQ(h.files, std::vector<std::string>{m_ws + "/config/prod.secrets"});
  EXPECT_TRUE(h.dirs.empty());
  remove_tree(outside);
}

TEST_F(HiddenPathsTest, TheHomesSecretsAreCoveredWhenTheShareHoldsTheHome) {
  dir(".ssh");
  touch(".ssh/id_rsa");
  touch(".netrc");
  dir(".aws");
  touch(".bashrc");
  auto h = find({}, m_ws);
  EXPECT_TRUE(has(h.dirs, m_ws + "/.ssh"));
  EXPECT_TRUE(has(h.dirs, m_ws + "/.aws"));
  EXPECT_TRUE(has(h.files, m_ws + "/.netrc"));
  EXPECT_FALSE(has(h.files, m_ws + "/.bashrc"));
}

TEST_F(HiddenPathsTest, DigestChangesWhenASecretAppears) {
  auto before = find({}).digest();
  EXPECT_EQ(before, find({}).digest());
  touch(".env.local");
  EXPECT_NE(before, find({}).digest());
}

TEST(MicrovmQmp, StringFieldsAreReadFromReplies) {
  std::string r = R"({"return": {"status": "paused", "singlestep": false, "running": false}})";
  EXPECT_EQ(json_string_field(r, "status"), "paused");
  EXPECT_EQ(json_string_field(r, "missing"), "");
  EXPECT_EQ(json_string_field(R"({"error": {"class": "GenericError", "desc": "a \"quoted\" word"}})", "desc"),
            "a \"quoted\" word");
  EXPECT_EQ(json_string_field(R"({"desc": "unterminated)", "desc"), "");
}

TEST(MicrovmTemplate, KeyFollowsMemoryAccelAndAssets) {
  TemplateOptions o;
  o.assets.version = "v2-aaaa";
  o.assets.kernel = "/a/vmlinux";
  o.assets.initrd = "/a/initrd.cpio";
  std::string base = template_key(o);
  EXPECT_EQ(base, template_key(o));
  EXPECT_EQ(base.rfind("t1-", 0), 0u) << base;
  TemplateOptions m = o;
  m.memory_mb = 1024;
  EXPECT_NE(base, template_key(m));
  TemplateOptions a = o;
  a.assets.version = "v2-bbbb";
  EXPECT_NE(base, template_key(a));
  TemplateOptions k = o;
  k.extra_append = "vg.9p=cache=none";
  EXPECT_NE(base, template_key(k));
  TemplateOptions moved = o;
  moved.assets.kernel = "/elsewhere/vmlinux";  // paths do not matter, contents (the version) do
  EXPECT_EQ(base, template_key(moved));
}

}  // namespace
}  // namespace vg::sandbox::microvm
