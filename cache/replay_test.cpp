#include "cache/replay.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/recorder.hpp"
#include "cache/test_util.hpp"

namespace vg::cache {
namespace {

using testing::path_exists;
using testing::read_text;
using testing::TempDir;
using testing::write_text;

FetchBlob fetch_from(const Blobs& blobs) {
  return [&blobs](const std::string& id, std::string& out) {
    auto it = blobs.find(id);
    if (it == blobs.end()) return false;
    out = it->second;
    return true;
  };
}

FileRecord write_record(const std::string& path, const std::string& bytes, std::uint32_t mode, Blobs& blobs) {
  FileRecord r;
  r.kind = FileRecord::Kind::write;
  r.path = path;
  r.mode = mode;
  r.content = make_content(bytes, blobs);
  return r;
}

std::uint32_t mode_of(const std::string& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}

TEST(Replay, RestoresWrittenAndDeletedFilesWithMode) {
  TempDir dir;
  write_text(dir / "ws/old.txt", "to be deleted");
  write_text(dir / "ws/same.txt", "same");
  Blobs blobs;
  std::string big(3 * k_chunk_size / 2, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = char(i * 31);
  Entry e;
  FileRecord mk;
  mk.kind = FileRecord::Kind::mkdir;
  mk.path = "out";
  mk.mode = 0750;
  e.files.push_back(mk);
  e.files.push_back(write_record("out/bin.dat", big, 0755, blobs));
  e.files.push_back(write_record("deep/new/file.txt", "hello\n", 0600, blobs));
  e.files.push_back(write_record("same.txt", "same", 0644, blobs));
  FileRecord rm;
  rm.kind = FileRecord::Kind::remove;
  rm.path = "old.txt";
  e.files.push_back(rm);
  auto report = restore_files(e, dir / "ws", fetch_from(blobs));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(read_text(dir / "ws/out/bin.dat"), big);
  EXPECT_EQ(mode_of(dir / "ws/out/bin.dat"), 0755u);
  EXPECT_EQ(mode_of(dir / "ws/out"), 0750u);
  EXPECT_EQ(read_text(dir / "ws/deep/new/file.txt"), "hello\n");
  EXPECT_EQ(mode_of(dir / "ws/deep/new/file.txt"), 0600u);
  EXPECT_FALSE(path_exists(dir / "ws/old.txt"));
  EXPECT_EQ(report->unchanged, 1u) << "identical files are left alone";
  EXPECT_EQ(report->removed, 1u);
  // A second replay changes nothing.
  auto again = restore_files(e, dir / "ws", fetch_from(blobs));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->written, 0u);
}

TEST(Replay, AKeptFileTimeIsRestoredAndSurvivesTheEncoding) {
  TempDir dir;
  write_text(dir / "ws/unrelated.txt", "");
  Blobs blobs;
  Entry e;
  e.key = "k";
  FileRecord f = write_record("old-time.txt", "kept\n", 0644, blobs);
  f.mtime_ns = 1'577'836'800'123'456'789;  // touch -d, cp -p, tar x
  e.files.push_back(f);
  e.files.push_back(write_record("now.txt", "now\n", 0644, blobs));
  Entry round;
  ASSERT_TRUE(Entry::decode(e.encode(), round));
  ASSERT_EQ(round.files.size(), 2u);
  EXPECT_EQ(round.files[0].mtime_ns, f.mtime_ns);
  ASSERT_TRUE(restore_files(round, dir / "ws", fetch_from(blobs)));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "ws/old-time.txt").c_str(), &st), 0);
  EXPECT_EQ(std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, f.mtime_ns);
  ASSERT_EQ(::stat((dir / "ws/now.txt").c_str(), &st), 0);
  EXPECT_GT(st.st_mtim.tv_sec, 1'700'000'000) << "no kept time: the time of the replay";
  // The same content with another time is not "identical": the time is put back.
  timespec other[2] = {{0, UTIME_OMIT}, {1'000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir / "ws/old-time.txt").c_str(), other, 0), 0);
  auto again = restore_files(round, dir / "ws", fetch_from(blobs));
  ASSERT_TRUE(again);
  ASSERT_EQ(::stat((dir / "ws/old-time.txt").c_str(), &st), 0);
  EXPECT_EQ(std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, f.mtime_ns);
}

TEST(Replay, AnEntryWithALinkIsNotReplayedAtAll) {
  // Where a link leads depends on the tree it lands in, which only the
  // policy engine judges at a commit: nothing of such an entry is written.
  TempDir dir;
  write_text(dir / "ws/keep", "k");
  Blobs blobs;
  Entry e;
  e.files.push_back(write_record("first.txt", "written?", 0644, blobs));
  FileRecord link;
  link.kind = FileRecord::Kind::symlink;
  link.path = "s";
  link.target = ".";
  e.files.push_back(link);
  auto report = restore_files(e, dir / "ws", fetch_from(blobs));
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("link"), std::string::npos) << report.error().message;
  EXPECT_FALSE(path_exists(dir / "ws/first.txt"));
  EXPECT_FALSE(path_exists(dir / "ws/s"));
}

TEST(Replay, RefusesPathsOutsideTheWorkspace) {
  TempDir dir;
  write_text(dir / "ws/keep", "k");
  ::symlink((dir.path()).c_str(), (dir / "ws/escape").c_str());
  Blobs blobs;
  for (std::string bad : {"../outside.txt", "/etc/passwd-vg-test", "a/../../x", "escape/outside.txt"}) {
    Entry e;
    e.files.push_back(write_record(bad, "pwned", 0644, blobs));
    auto report = restore_files(e, dir / "ws", fetch_from(blobs));
    EXPECT_FALSE(report) << bad;
  }
  EXPECT_FALSE(path_exists(dir / "outside.txt"));
  EXPECT_FALSE(path_exists("/etc/passwd-vg-test"));
}

TEST(Replay, MissingChunkIsDetectedBeforeAnythingChanges) {
  Blobs blobs;
  Entry e;
  e.files.push_back(write_record("f", std::string(2 * k_chunk_size, 'q'), 0644, blobs));
  Blobs partial = blobs;
  partial.erase(partial.begin());
  EXPECT_TRUE(verify_blobs(e, fetch_from(blobs)));
  EXPECT_FALSE(verify_blobs(e, fetch_from(partial)));
  partial = blobs;
  partial.begin()->second[5] ^= 1;
  EXPECT_FALSE(verify_blobs(e, fetch_from(partial))) << "a damaged chunk does not match its id";
}

TEST(Replay, OutputKeepsInterleavingAndBinaryBytes) {
  Recorder r;
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += char(i);
  r.append(Stream::out, "one\n", 4);
  r.append(Stream::err, "two\n", 4);
  r.append(Stream::out, binary.data(), binary.size());
  r.append(Stream::out, "three\n", 6);
  Blobs blobs;
  Entry e;
  e.output = r.finish(blobs);
  ASSERT_EQ(e.output.segments.size(), 3u);
  TempDir dir;
  int both = ::open((dir / "both").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_TRUE(replay_output(e, fetch_from(blobs), both, both));
  ::close(both);
  EXPECT_EQ(read_text(dir / "both"), "one\ntwo\n" + binary + "three\n");
  int out = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT, 0644);
  int err = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_TRUE(replay_output(e, fetch_from(blobs), out, err));
  ::close(out);
  ::close(err);
  EXPECT_EQ(read_text(dir / "out"), "one\n" + binary + "three\n");
  EXPECT_EQ(read_text(dir / "err"), "two\n");
}

TEST(Recorder, TeeCopiesAndRecordsAChildsOutput) {
  TempDir dir;
  int saved_out = ::dup(1);
  int file = ::open((dir / "shown").c_str(), O_WRONLY | O_CREAT, 0644);
  ::dup2(file, 1);  // what the "terminal" shows
  Recorder r;
  {
    OutputTee tee(r);
    ASSERT_TRUE(tee.start());
    ASSERT_EQ(std::system("printf 'a\\000b'; printf 'E' >&2; printf 'c'"), 0);
    tee.stop();
    EXPECT_FALSE(tee.lingering());
  }
  ::dup2(saved_out, 1);
  ::close(saved_out);
  ::close(file);
  EXPECT_EQ(read_text(dir / "shown"), std::string("a\0bc", 4));
  EXPECT_EQ(r.stream_bytes(Stream::out), std::string("a\0bc", 4));
  EXPECT_EQ(r.stream_bytes(Stream::err), "E");
}

TEST(Recorder, OutputForAFileLandsWhenTheRunEndsSoTheRunNeverReadsItsOwnOutput) {
  TempDir dir;
  write_text(dir / "f", "hello\n");
  int saved_out = ::dup(1), saved_err = ::dup(2);
  int file = ::open((dir / "f").c_str(), O_WRONLY | O_APPEND);
  ::dup2(file, 1);  // vg exec -- sh -c 'cat f; cat f >&2' >> f 2>&1
  ::dup2(file, 2);
  Recorder r;
  {
    OutputTee tee(r);
    ASSERT_TRUE(tee.start());
    std::string cmd = "cat '" + (dir / "f") + "'; cat '" + (dir / "f") + "' >&2";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    tee.stop();
  }
  ::dup2(saved_out, 1);
  ::dup2(saved_err, 2);
  for (int fd : {saved_out, saved_err, file}) ::close(fd);
  EXPECT_EQ(read_text(dir / "f"), "hello\nhello\nhello\n") << "each cat saw the file as it was";
  EXPECT_EQ(r.stream_bytes(Stream::out), "hello\n");
  EXPECT_EQ(r.stream_bytes(Stream::err), "hello\n");
}

TEST(Recorder, LingeringDescendantIsReported) {
  Recorder r;
  OutputTee tee(r);
  ASSERT_TRUE(tee.start());
  // A background process keeps stdout open after the shell exits.
  ASSERT_EQ(std::system("(sleep 2; echo late) & exit 0"), 0);
  tee.stop(100);
  EXPECT_TRUE(tee.lingering());
}

TEST(Recorder, OverflowStopsRecording) {
  Recorder r(10);
  r.append(Stream::out, "12345", 5);
  EXPECT_FALSE(r.overflowed());
  r.append(Stream::out, "123456", 6);
  EXPECT_TRUE(r.overflowed());
}

}  // namespace
}  // namespace vg::cache
