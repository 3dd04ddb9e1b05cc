#pragma once
// Name resolution off the event loop: a few worker threads run the Resolver
// and signal an eventfd when answers are ready, so one slow lookup never
// stalls the other connections.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/result.hpp"
#include "sandbox/proxy/fd.hpp"
#include "sandbox/proxy/resolver.hpp"

namespace vg::sandbox::proxy {

// Worker threads that resolve names for the event loop.
class ResolvePool {
 public:
  // One finished lookup.
  struct Answer {
    std::uint64_t id = 0;
    Result<std::vector<Address>> addresses = Error{};
  };

  // Start `threads` workers using `resolver`; throws std::system_error if the eventfd fails.
  ResolvePool(std::shared_ptr<const Resolver> resolver, int threads);
  ResolvePool(const ResolvePool&) = delete;
  ResolvePool& operator=(const ResolvePool&) = delete;
  // Stop the workers, waiting for lookups already running.
  ~ResolvePool();

  // Return the eventfd that becomes readable when answers are waiting.
  int wake_fd() const { return m_wake.get(); }
  // Queue a lookup of `host` for connection `id`.
  void submit(std::uint64_t id, std::string host);
  // Take every answer ready so far (and clear the eventfd).
  std::vector<Answer> take();

 private:
  void work();

  std::shared_ptr<const Resolver> m_resolver;
  UniqueFd m_wake;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<std::pair<std::uint64_t, std::string>> m_queue;
  std::vector<Answer> m_done;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace vg::sandbox::proxy
