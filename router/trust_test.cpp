#include "router/trust.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "router/state_test_util.hpp"

namespace vg::router {
namespace {

const std::string k_path_env = "/usr/local/bin:/usr/bin:/bin";

std::vector<std::string> words(const char* text) {
  auto w = literal_words(text);
  EXPECT_TRUE(w.ok()) << text << ": " << (w.ok() ? "" : w.error().message);
  return w.ok() ? *w : std::vector<std::string>{};
}

TEST(LiteralWords, SplitsPlainCommandsAndRemovesQuotes) {
  EXPECT_EQ(words("git  status"), (std::vector<std::string>{"git", "status"}));
  EXPECT_EQ(words("git 'sta'tus \"-s\""), (std::vector<std::string>{"git", "status", "-s"}));
  EXPECT_EQ(words("echo '$HOME; rm'"), (std::vector<std::string>{"echo", "$HOME; rm"}));
  EXPECT_EQ(words("make -C build/x '*'"), (std::vector<std::string>{"make", "-C", "build/x", "*"}));
}

TEST(LiteralWords, RefusesAnythingAShellWouldInterpret) {
  for (const char* bad : {"ls; rm x", "ls | sh", "ls && x", "cat <f", "echo >f", "echo $HOME", "echo `id`",
                          "echo \"$HOME\"", "ls *.c", "ls ~", "echo a\nrm b", "ls 'x", "(ls)", "a\\ b", "echo {a,b}",
                          "ls # c", "ls &", "make *", "", "   "}) {
    EXPECT_FALSE(literal_words(bad).ok()) << bad;
  }
}

TEST(ResolveExecutable, DotSlashIsNotThePathProgram) {
  std::string dir = test::make_temp_dir();
  std::string fake = dir + "/cat";
  test::spit(fake, "#!/bin/sh\n");
  ::chmod(fake.c_str(), 0755);
  std::string real_cat = resolve_executable("cat", k_path_env, dir);
  ASSERT_FALSE(real_cat.empty());
  EXPECT_EQ(real_cat[0], '/');
  std::string local = resolve_executable("./cat", k_path_env, dir);
  EXPECT_EQ(local, std::filesystem::canonical(dir).string() + "/cat");
  EXPECT_NE(local, real_cat);
  EXPECT_EQ(resolve_executable("/bin/cat", k_path_env, dir), resolve_executable("/usr/bin/cat", k_path_env, dir))
      << "the same file through a symlinked directory is the same program";
  EXPECT_EQ(resolve_executable("vg-no-such-program", k_path_env, dir), "");
}

TEST(TrustEntry, MatchesExactArgumentsOrAPrefix) {
  std::string cwd = test::make_temp_dir();
  auto exact = entry_from_pattern("cat notes.txt", k_path_env, cwd);
  ASSERT_TRUE(exact.ok()) << exact.error().message;
  auto prefix = entry_from_pattern("cat -n *", k_path_env, cwd);
  ASSERT_TRUE(prefix.ok());
  EXPECT_TRUE(prefix->prefix);
  std::string cat = resolve_executable("cat", k_path_env, cwd);
  std::time_t now = std::time(nullptr);
  EXPECT_TRUE(entry_matches(*exact, cat, {"cat", "notes.txt"}, now));
  EXPECT_FALSE(entry_matches(*exact, cat, {"cat", "notes.txt", "x"}, now));
  EXPECT_FALSE(entry_matches(*exact, cat, {"cat"}, now));
  EXPECT_FALSE(entry_matches(*exact, cwd + "/cat", {"./cat", "notes.txt"}, now));
  EXPECT_TRUE(entry_matches(*prefix, cat, {"cat", "-n"}, now));
  EXPECT_TRUE(entry_matches(*prefix, cat, {"cat", "-n", "a", "b"}, now));
  EXPECT_FALSE(entry_matches(*prefix, cat, {"cat", "a"}, now));
  TrustEntry expiring = *exact;
  expiring.expires = now - 1;
  EXPECT_FALSE(entry_matches(expiring, cat, {"cat", "notes.txt"}, now));
  EXPECT_FALSE(entry_from_pattern("*", k_path_env, cwd).ok());
  EXPECT_FALSE(entry_from_pattern("X=1 cat", k_path_env, cwd).ok());
  EXPECT_FALSE(entry_from_pattern("vg-no-such-program", k_path_env, cwd).ok());
  EXPECT_FALSE(entry_from_pattern("cat $(id)", k_path_env, cwd).ok());
}

TEST(TrustStore, AddMatchRemoveRoundTrip) {
  std::string dir = test::make_temp_dir();
  std::string path = dir + "/state/vg/trust.json";
  std::vector<std::string> warnings;
  auto entry = entry_from_pattern("cat notes.txt", k_path_env, dir);
  ASSERT_TRUE(entry.ok());
  entry->note = "reading notes";
  entry->expires = std::time(nullptr) + 3600;
  auto added = TrustStore::add(path, *entry, warnings);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added->id.size(), 8u);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto store = TrustStore::load(path, warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(store.entries().size(), 1u);
  EXPECT_EQ(store.entries()[0].note, "reading notes");
  EXPECT_NE(store.match({"cat", "notes.txt"}, k_path_env, dir, std::time(nullptr)), nullptr);
  EXPECT_EQ(store.match({"cat", "notes.txt"}, k_path_env, dir, std::time(nullptr) + 7200), nullptr) << "expired";
  auto removed = TrustStore::remove(path, added->id, warnings);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->size(), 1u);
  EXPECT_TRUE(TrustStore::load(path, warnings).entries().empty());
}

TEST(TrustStore, CorruptFileIsMovedAsideNeverEmptied) {
  std::string dir = test::make_temp_dir();
  std::string path = dir + "/trust.json";
  const std::string garbage = "{\"version\":1,\"entries\":[{\"id\":\"x\"";
  test::spit(path, garbage);
  ::chmod(path.c_str(), 0600);
  std::vector<std::string> warnings;
  auto store = TrustStore::load(path, warnings);
  EXPECT_TRUE(store.entries().empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("corrupt"), std::string::npos) << warnings[0];
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the corrupt file is no longer in place";
  int found = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().filename().string().rfind("trust.json.corrupt-", 0) == 0) {
      ++found;
      EXPECT_EQ(test::slurp(f.path()), garbage) << "moved aside intact";
    }
  }
  EXPECT_EQ(found, 1);
}

TEST(TrustStore, FileWritableByOthersIsIgnored) {
  std::string dir = test::make_temp_dir();
  std::string path = dir + "/trust.json";
  std::vector<std::string> warnings;
  auto entry = entry_from_pattern("cat x", k_path_env, dir);
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(TrustStore::add(path, *entry, warnings).ok());
  ::chmod(path.c_str(), 0666);
  auto store = TrustStore::load(path, warnings);
  EXPECT_TRUE(store.entries().empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("writable by others"), std::string::npos);
}

}  // namespace
}  // namespace vg::router
