#include "cache/key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "cache/test_util.hpp"
#include "cache/tools.hpp"
#include "cache/why.hpp"

namespace vg::cache {
namespace {

using testing::TempDir;
using testing::write_text;

struct KeyFixture {
  TempDir dir;
  KeyInputs inputs;
  KeyFixture() {
    write_text(dir / "ws/src/a.c", "int main(){}\n");
    write_text(dir / "ws/README", "readme\n");
    write_text(dir / "bin/tool", "#!/bin/sh\necho one\n", 0755);
    inputs.argv = {"tool", "--flag"};
    inputs.cwd = dir / "ws";
    inputs.workspace = dir / "ws";
    inputs.env = {"PATH=" + (dir / "bin") + ":/usr/bin:/bin", "HOME=/home/u", "PWD=/x", "SHLVL=2", "SSH_TTY=/dev/pts/1"};
  }
  std::string key() {
    StatCache stats;
    auto k = compute_key(inputs, stats);
    EXPECT_TRUE(k) << (k ? "" : k.error().message);
    return k ? k->hex : "";
  }
};

TEST(Key, SameInputsSameKey) {
  KeyFixture f;
  EXPECT_EQ(f.key(), f.key());
  EXPECT_EQ(f.key().size(), 64u);
}

TEST(Key, EnvironmentChangeMisses) {
  KeyFixture f;
  std::string base = f.key();
  f.inputs.env.push_back("API_URL=https://staging");
  EXPECT_NE(f.key(), base) << "an undeclared variable must not give a false hit";
}

TEST(Key, VolatileVariablesAreIgnoredAndNotPassed) {
  KeyFixture f;
  std::string base = f.key();
  f.inputs.env = {"PATH=" + (f.dir / "bin") + ":/usr/bin:/bin", "HOME=/home/u", "PWD=/x", "SHLVL=2",
                  "SSH_TTY=/dev/pts/9", "TMUX_PANE=%3"};
  EXPECT_EQ(f.key(), base);
  EXPECT_TRUE(volatile_variable("SSH_CONNECTION"));
  EXPECT_FALSE(volatile_variable("PATH"));
  EXPECT_FALSE(volatile_variable("LANG"));
  EXPECT_EQ(without_volatile({"A=1", "SSH_TTY=/dev/pts/1", "TMUX_PANE=%1", "SHLVL=3", "OLDPWD=/x"}),
            (std::vector<std::string>{"A=1", "SHLVL=3"}))
      << "what is not keyed is not passed";
}

TEST(Key, WhatIsPassedIsKeyed) {
  KeyFixture f;
  std::string base = f.key();
  for (const char* kv : {"SHLVL=7", "PWD=/elsewhere", "_=/usr/bin/vg"}) {
    KeyInputs saved = f.inputs;
    std::string name = std::string(kv).substr(0, std::string(kv).find('='));
    std::erase_if(f.inputs.env, [&](const std::string& e) { return e.starts_with(name + "="); });
    f.inputs.env.push_back(kv);
    EXPECT_NE(f.key(), base) << kv << " is passed to the command, so it is keyed";
    f.inputs = saved;
  }
}

TEST(Key, TheUmaskIsKeyed) {
  KeyFixture f;
  std::string base = f.key();
  f.inputs.umask = 077;
  EXPECT_NE(f.key(), base) << "a file the run makes gets another mode";
}

TEST(Key, CommandCwdSaltTerminalAndProfileEachMatter) {
  KeyFixture f;
  std::string base = f.key();
  auto changed = [&](auto mutate) {
    KeyInputs saved = f.inputs;
    mutate(f.inputs);
    std::string k = f.key();
    f.inputs = saved;
    return k != base;
  };
  EXPECT_TRUE(changed([](KeyInputs& i) { i.argv.back() = "--other"; }));
  EXPECT_TRUE(changed([](KeyInputs& i) { i.argv = {"tool", "--fl", "ag"}; }));
  EXPECT_TRUE(changed([&](KeyInputs& i) { i.cwd = f.dir / "ws/src"; }));
  EXPECT_TRUE(changed([](KeyInputs& i) { i.salt = "poisoned-2024"; }));
  EXPECT_TRUE(changed([](KeyInputs& i) { i.stdout_tty = true; }));
  EXPECT_TRUE(changed([](KeyInputs& i) { i.stdin_tty = true; }));
  EXPECT_TRUE(changed([](KeyInputs& i) { i.profile = "network.mode=full\n"; }));
}

TEST(Key, InputEditMissesAndRevertHits) {
  KeyFixture f;
  std::string base = f.key();
  write_text(f.dir / "ws/src/a.c", "int main(){return 1;}\n");
  std::string edited = f.key();
  EXPECT_NE(edited, base);
  write_text(f.dir / "ws/src/a.c", "int main(){}\n");
  EXPECT_EQ(f.key(), base);
  ::chmod((f.dir / "ws/src/a.c").c_str(), 0755);
  EXPECT_NE(f.key(), base) << "the mode is an input";
}

TEST(Key, ReplacedToolMisses) {
  KeyFixture f;
  std::string base = f.key();
  write_text(f.dir / "bin/tool", "#!/bin/sh\necho two\n", 0755);
  EXPECT_NE(f.key(), base);
}

TEST(Key, ScriptInterpreterIsAnInput) {
  TempDir dir;
  write_text(dir / "bin/interp", "#!/bin/sh\nexec /bin/sh \"$@\"\n", 0755);
  write_text(dir / "bin/script", "#!" + (dir / "bin/interp") + "\necho\n", 0755);
  write_text(dir / "bin/envscript", "#!/usr/bin/env interp\necho\n", 0755);
  std::string path = dir / "bin";
  auto chain = program_chain(dir / "bin/script", path, "/");
  ASSERT_EQ(chain.size(), 3u);  // script, interp, and interp's own /bin/sh
  EXPECT_EQ(chain[1], dir / "bin/interp");
  auto env_chain = program_chain(dir / "bin/envscript", path, "/");
  ASSERT_GE(env_chain.size(), 3u);
  EXPECT_EQ(env_chain[2], dir / "bin/interp");
}

TEST(Key, MissingProgramIsRecordedSoCreatingItMisses) {
  KeyFixture f;
  f.inputs.programs = {"not-there-yet"};
  std::string base = f.key();
  write_text(f.dir / "bin/not-there-yet", "#!/bin/sh\n", 0755);
  EXPECT_NE(f.key(), base);
}

TEST(Key, ExcludedPathsAreNotInputs) {
  KeyFixture f;
  f.inputs.excludes = {"*.log", "build/", "secrets/**"};
  std::string base = f.key();
  write_text(f.dir / "ws/run.log", "noise");
  write_text(f.dir / "ws/build/out.o", "obj");
  EXPECT_EQ(f.key(), base);
  write_text(f.dir / "ws/src/new.c", "x");
  EXPECT_NE(f.key(), base);
}

TEST(Tree, ExcludeMatching) {
  std::vector<std::string> ex = {"*.log", "node_modules", "dist/", "config/secret.yaml", "/top-only"};
  EXPECT_TRUE(excluded("a.log", ex));
  EXPECT_TRUE(excluded("deep/x/a.log", ex));
  EXPECT_TRUE(excluded("node_modules/x/y.js", ex));
  EXPECT_TRUE(excluded("pkg/node_modules", ex));
  EXPECT_TRUE(excluded("dist/bundle.js", ex));
  EXPECT_TRUE(excluded("config/secret.yaml", ex));
  EXPECT_TRUE(excluded("top-only/f", ex));
  EXPECT_FALSE(excluded("a.logger", ex));
  EXPECT_FALSE(excluded("src/config/secret.yaml", ex));
  EXPECT_FALSE(excluded("src/main.c", ex));
}

TEST(Tree, GitObjectsAreKeyedByName) {
  TempDir dir;
  write_text(dir / "ws/.git/objects/ab/cdef", "compressed object");
  write_text(dir / "ws/.git/HEAD", "ref: refs/heads/main\n");
  StatCache stats;
  auto tree = walk_tree({dir / "ws", {}, 1000}, stats);
  ASSERT_TRUE(tree);
  const TreeEntry* obj = tree->find(".git/objects/ab/cdef");
  ASSERT_NE(obj, nullptr);
  EXPECT_EQ(obj->kind, TreeEntry::Kind::addressed);
  EXPECT_EQ(stats.hashed(), 1u) << "only .git/HEAD is read";
  ASSERT_NE(tree->find(".git/HEAD"), nullptr);
}

TEST(Tree, TooManyEntriesIsAnError) {
  TempDir dir;
  for (int i = 0; i < 5; ++i) write_text(dir / ("ws/f" + std::to_string(i)), "x");
  StatCache stats;
  auto tree = walk_tree({dir / "ws", {}, 3}, stats);
  ASSERT_FALSE(tree);
  EXPECT_NE(tree.error().message.find("more than 3"), std::string::npos);
}

TEST(Tree, EncodeDecodeAndDescribe) {
  Tree a;
  a.entries = {{"a", TreeEntry::Kind::file, 0644, "d1"}, {"b", TreeEntry::Kind::file, 0644, "d2"}};
  Tree b;
  ASSERT_TRUE(Tree::decode(a.encode(), b));
  EXPECT_EQ(a.digest(), b.digest());
  b.entries[1].digest = "d3";
  b.entries.push_back({"c", TreeEntry::Kind::file, 0644, "d4"});
  EXPECT_EQ(describe_difference(a, b), "b changed, c added");
  EXPECT_FALSE(Tree::decode("junk", b));
}

TEST(Why, NamesTheIngredientThatDiffers) {
  KeyFixture f;
  StatCache s1;
  auto k1 = compute_key(f.inputs, s1);
  ASSERT_TRUE(k1);
  f.inputs.env.push_back("NODE_ENV=production");
  write_text(f.dir / "ws/src/a.c", "changed\n");
  StatCache s2;
  auto k2 = compute_key(f.inputs, s2);
  ASSERT_TRUE(k2);
  auto diffs = compare(k1->ingredients, k2->ingredients, &k1->tree, k2->tree);
  std::map<std::string, IngredientDiff> by_name;
  for (auto& d : diffs) by_name[d.name] = d;
  EXPECT_TRUE(by_name["command"].same);
  EXPECT_FALSE(by_name["env"].same);
  EXPECT_EQ(by_name["env"].detail, "NODE_ENV added");
  EXPECT_FALSE(by_name["inputs"].same);
  EXPECT_EQ(by_name["inputs"].detail, "src/a.c changed");
  std::vector<Entry> entries(2);
  entries[0].ingredients = k2->ingredients;
  entries[0].ingredients.argv = {"other"};
  entries[1].ingredients = k1->ingredients;
  EXPECT_EQ(nearest(entries, k2->ingredients), 1) << "the same command wins";
}

}  // namespace
}  // namespace vg::cache
