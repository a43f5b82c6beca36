// A few threads for the blocking calls the event loop must not make (libpq catalog lookups, GSSAPI
// acceptor steps that read keytabs and lock replay caches). Tasks run in submission order per
// thread; results go back to the loop through Reactor::post, which the task itself does.
//
// Destruction stops the threads after their current task; queued tasks are dropped unrun, so a
// task must not assume it runs (the gateway only destroys its pools on exit).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace borealis::gateway {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace borealis::gateway
