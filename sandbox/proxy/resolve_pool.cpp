#include "sandbox/proxy/resolve_pool.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace vg::sandbox::proxy {

ResolvePool::ResolvePool(std::shared_ptr<const Resolver> resolver, int threads)
    : m_resolver(std::move(resolver)), m_wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!m_wake.valid()) throw std::system_error(errno, std::generic_category(), "eventfd");
  for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) m_threads.emplace_back([this] { work(); });
}

ResolvePool::~ResolvePool() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_cv.notify_all();
  for (auto& t : m_threads) t.join();
}

void ResolvePool::submit(std::uint64_t id, std::string host) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.emplace_back(id, std::move(host));
  }
  m_cv.notify_one();
}

std::vector<ResolvePool::Answer> ResolvePool::take() {
  std::uint64_t count = 0;
  [[maybe_unused]] auto n = ::read(m_wake.get(), &count, sizeof count);
  std::lock_guard lock(m_mutex);
  return std::exchange(m_done, {});
}

void ResolvePool::work() {
  for (;;) {
    std::pair<std::uint64_t, std::string> job;
    {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) return;
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    Answer answer{job.first, m_resolver->resolve(job.second)};
    {
      std::lock_guard lock(m_mutex);
      m_done.push_back(std::move(answer));
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake.get(), &one, sizeof one);
  }
}

}  // namespace vg::sandbox::proxy
