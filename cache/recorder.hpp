#pragma once
// Recording a run's output while it is shown: the Recorder collects
// (stream, bytes) in arrival order; the OutputTee puts pipes on fds 1 and 2
// for the duration of a run, copies everything to the real stdout/stderr
// as it arrives and into the Recorder. Output bound for a regular file is
// held in a temporary file and appended when the run ends: the command can
// read that file (`cat f >> f`), and would otherwise read its own output
// for ever (the host's cat refuses; through an overlay it cannot tell).

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "cache/entry.hpp"

namespace vg::cache {

// Collects a run's output in order; thread-safe.
class Recorder {
 public:
  // Stop keeping bytes past `limit` (the run is then not cacheable).
  explicit Recorder(std::uint64_t limit = 256ull << 20) : m_limit(limit) {}
  // Record `n` bytes at `data` written to `stream`.
  void append(Stream stream, const char* data, std::size_t n);
  // True when more than the limit was produced.
  bool overflowed() const;
  // Build the transcript, adding large output to `blobs`.
  Transcript finish(Blobs& blobs) const;
  // The bytes of one stream, in order (tests, `vg cache show`).
  std::string stream_bytes(Stream stream) const;

 private:
  mutable std::mutex m_mutex;
  std::vector<Segment> m_segments;
  std::string m_data;
  std::uint64_t m_limit;
  bool m_overflow = false;
};

// Tees fds 1 and 2 into a Recorder while a child runs.
class OutputTee {
 public:
  explicit OutputTee(Recorder& recorder) : m_recorder(recorder) {}
  ~OutputTee();
  OutputTee(const OutputTee&) = delete;
  OutputTee& operator=(const OutputTee&) = delete;
  // Replace fds 1 and 2 with pipes (children started now inherit them).
  Result<void> start();
  // Restore fds 1 and 2 and copy what is left. A descendant that keeps a
  // pipe open longer than `grace_ms` makes `lingering()` true.
  void stop(int grace_ms = 200);
  // True when something still held the pipes after the run.
  bool lingering() const { return m_lingering; }
  // True when the caller's stdout or stderr stopped taking the output (a
  // closed pipe): the command was cut off, and the recording is incomplete.
  bool cut_short() const { return m_cut_short; }

 private:
  void pump();
  void hold_file_output();
  void release_file_output();
  Recorder& m_recorder;
  int m_held[2] = {-1, -1};    // where output for a regular file waits
  bool m_held_shared = false;  // fd 2's output waits in fd 1's (one file: `> log 2>&1`)
  int m_saved[2] = {-1, -1};   // the real stdout and stderr
  int m_read[2] = {-1, -1};    // pipe read ends
  int m_wake[2] = {-1, -1};    // tells the pump to finish
  std::thread m_thread;
  bool m_lingering = false;
  bool m_cut_short = false;
  bool m_started = false;
};

}  // namespace vg::cache
