// Symlink resolution against an in-memory tree: the walk's logic without a
// file system. The merged view over real directories is tested in
// policy_test.cpp, where the links are committed and the kernel follows them.
#include "sandbox/policy/resolve.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace policy = vg::sandbox::policy;
using Kind = policy::Node::Kind;
using Verdict = policy::Resolution::Verdict;

namespace {

// A tree given as a map from relative path to what it is; every other path is absent.
class FakeTree : public policy::TreeView {
 public:
  FakeTree& dir(const std::string& p) { return put(p, {Kind::directory, ""}); }
  FakeTree& file(const std::string& p) { return put(p, {Kind::other, ""}); }
  FakeTree& link(const std::string& p, const std::string& target) { return put(p, {Kind::symlink, target}); }
  policy::Node lookup(const std::string& rel) override {
    looked_up.push_back(rel);
    // Every parent of `rel` must be a directory: the walk never asks
    // through a symlink, a missing name, ".", ".." or an empty component.
    for (std::size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
      auto parent = m_nodes.find(rel.substr(0, slash));
      if (parent == m_nodes.end() || parent->second.kind != Kind::directory) bad.push_back(rel);
    }
    for (const std::string& c : {std::string(""), std::string("."), std::string("..")}) {
      bool has = rel == c || rel.starts_with(c + "/") || rel.ends_with("/" + c);
      if (has || rel.find("/" + c + "/") != std::string::npos) bad.push_back(rel);
    }
    auto it = m_nodes.find(rel);
    return it == m_nodes.end() ? policy::Node{} : it->second;
  }
  std::vector<std::string> looked_up;
  std::vector<std::string> bad;

 private:
  FakeTree& put(const std::string& p, policy::Node n) {
    m_nodes[p] = std::move(n);
    return *this;
  }
  std::map<std::string, policy::Node> m_nodes;
};

const std::string k_root = "/work/ws";

policy::Resolution resolve(FakeTree& t, const std::string& link) {
  policy::Node n = t.lookup(link);
  EXPECT_EQ(n.kind, Kind::symlink) << link;
  return policy::resolve_symlink(t, link, n.target, k_root);
}

TEST(PolicyResolve, HarmlessRelativeLinksStayInside) {
  FakeTree t;
  t.dir("lib").file("lib/lib.so.1").link("lib/lib.so", "lib.so.1");
  t.dir("releases").dir("releases/3").link("current", "releases/3");
  t.dir("bin").link("bin/tool", "../libexec/tool");  // dangling, but inside
  t.link("here", ".");
  t.link("to_root_from_sub_dir", "lib/..");
  for (const char* l : {"lib/lib.so", "current", "bin/tool", "here", "to_root_from_sub_dir"}) {
    auto r = resolve(t, l);
    EXPECT_EQ(r.verdict, Verdict::inside) << l << ": " << policy::describe(r, "");
    EXPECT_EQ(policy::describe(r, "x"), "") << l;
  }
}

TEST(PolicyResolve, DotDotIsTakenAfterTheLinkBeforeItIsResolved) {
  // Lexically a/b/c/up/../outside/file is a/b/c/outside/file; the kernel
  // takes ".." from what `up` resolved to: the root, whose parent is outside.
  FakeTree t;
  t.dir("a").dir("a/b").dir("a/b/c").link("a/b/c/up", "../../..");
  t.link("notes.txt", "a/b/c/up/../outside/file");
  EXPECT_EQ(resolve(t, "a/b/c/up").verdict, Verdict::inside);
  auto r = resolve(t, "notes.txt");
  EXPECT_EQ(r.verdict, Verdict::climbs_out);
  EXPECT_EQ(r.via, "a/b/c/up");
  EXPECT_NE(policy::describe(r, "a/b/c/up/../outside/file").find("through another symlink"), std::string::npos);
}

TEST(PolicyResolve, LinkThroughALinkThroughALink) {
  FakeTree t;
  t.dir("d").dir("d/e").link("l1", "l2").link("l2", "d/l3").link("d/l3", "e/l4").link("d/e/l4", "../../../x");
  auto r = resolve(t, "l1");
  EXPECT_EQ(r.verdict, Verdict::climbs_out);
  EXPECT_EQ(r.via, "d/e/l4");
  // The same chain ending one level lower stays inside.
  t.link("d/e/l4", "../../x");
  EXPECT_EQ(resolve(t, "l1").verdict, Verdict::inside);
}

TEST(PolicyResolve, AbsoluteTargetsMapThroughTheSandboxRoot) {
  FakeTree t;
  t.dir("lib").file("lib/a.txt").link("out", "../outside");
  t.link("ok", "/work/ws/lib/a.txt").link("root", "/work/ws").link("dots", "/work/./ws//lib/a.txt");
  t.link("via_out", "/work/ws/out/file");
  t.link("sibling", "/work/wsx/a").link("etc", "/etc/passwd");
  // Judged after the prefix: the volume root's parent is outside, whatever follows.
  t.link("up_and_back", "/work/ws/../ws/lib/a.txt");
  for (const char* l : {"ok", "root", "dots"}) {
    auto r = resolve(t, l);
    EXPECT_EQ(r.verdict, Verdict::inside) << l;
    EXPECT_TRUE(r.absolute) << l;
  }
  auto r = resolve(t, "via_out");
  EXPECT_EQ(r.verdict, Verdict::climbs_out);
  EXPECT_EQ(r.via, "out");
  for (const char* l : {"sibling", "etc"}) {
    EXPECT_EQ(resolve(t, l).verdict, Verdict::absolute_outside) << l;
  }
  EXPECT_EQ(resolve(t, "up_and_back").verdict, Verdict::climbs_out);
}

TEST(PolicyResolve, AnAbsoluteHostLinkOnTheWayIsJudgedToo) {
  FakeTree t;
  t.link("door", "/etc").link("via", "door/passwd");
  t.dir("sub").link("sub/rel_door", "../../outside").link("via_rel", "sub/rel_door/file");
  auto r = resolve(t, "via");
  EXPECT_EQ(r.verdict, Verdict::absolute_outside);
  EXPECT_EQ(r.via, "door");
  EXPECT_EQ(resolve(t, "via_rel").verdict, Verdict::climbs_out);
}

TEST(PolicyResolve, DirectoryReplacedByALinkIsFollowed) {
  // a/b/c was a directory; the run made it a link to the root.
  FakeTree t;
  t.dir("a").dir("a/b").link("a/b/c", "../..");
  t.link("notes", "a/b/c/../outside/file");
  EXPECT_EQ(resolve(t, "a/b/c").verdict, Verdict::inside);
  EXPECT_EQ(resolve(t, "notes").verdict, Verdict::climbs_out);
}

TEST(PolicyResolve, LoopsAndLongChainsAreRefusedAtTheKernelsLimit) {
  FakeTree t;
  t.link("a", "b").link("b", "a").link("self", "self").link("spin", "./spin/x");
  for (const char* l : {"a", "self", "spin"}) {
    auto r = resolve(t, l);
    EXPECT_EQ(r.verdict, Verdict::too_many_links) << l;
    EXPECT_NE(policy::describe(r, "").find("loop"), std::string::npos);
  }
  // 40 links in all (the first included) resolve; 41 do not, as in the kernel.
  t.file("end");
  for (int i = 0; i < 41; ++i) t.link("c" + std::to_string(i), i == 40 ? "end" : "c" + std::to_string(i + 1));
  EXPECT_EQ(resolve(t, "c1").verdict, Verdict::inside);
  EXPECT_EQ(resolve(t, "c0").verdict, Verdict::too_many_links);
}

TEST(PolicyResolve, ADanglingRemainderMustNotBeAbleToClimbOut) {
  FakeTree t;
  t.file("file.txt").dir("d");
  t.link("inside", "missing/../y").link("out", "missing/../../y").link("deep", "d/missing/x/../../../y");
  t.link("through_file", "file.txt/../../y").link("d/out", "missing/../../../y");
  EXPECT_EQ(resolve(t, "inside").verdict, Verdict::inside);
  EXPECT_EQ(resolve(t, "deep").verdict, Verdict::inside);
  for (const char* l : {"out", "through_file", "d/out"}) {
    auto r = resolve(t, l);
    EXPECT_EQ(r.verdict, Verdict::dangling_climbs_out) << l;
    EXPECT_NE(policy::describe(r, "").find("climbs out"), std::string::npos);
  }
}

TEST(PolicyResolve, EachLookupIsOfARealDirectoryPath) {
  // The view is asked only for paths whose parents are directories, never
  // for a path through a symlink or with "." or "..".
  FakeTree t;
  t.dir("a").dir("a/b").dir("a/b/c").link("a/l", "b").link("x", "./a//l/./../b/c/");
  t.looked_up.clear();
  EXPECT_EQ(resolve(t, "x").verdict, Verdict::inside);
  EXPECT_EQ(t.looked_up, (std::vector<std::string>{"x", "a", "a/l", "a/b", "a/b", "a/b/c"}));
  EXPECT_TRUE(t.bad.empty()) << t.bad.front();
}

}  // namespace
