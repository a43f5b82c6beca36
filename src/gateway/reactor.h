// The gateway's event loop: epoll (level-triggered) over non-blocking sockets, a periodic tick for
// coarse timeouts, signals through a signalfd, and a thread-safe post() through which worker
// threads (catalog lookups, later GSSAPI) hand results back. Everything registered with a reactor
// runs on its one thread; nothing here blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/fd.h"
#include "common/result.h"

namespace borealis::gateway {

class Reactor {
 public:
  class Handler {
   public:
    virtual void on_io(std::uint32_t epoll_events) = 0;

   protected:
    ~Handler() = default;
  };

  static Result<std::unique_ptr<Reactor>> create(int tick_ms);
  ~Reactor();

  Status add(int fd, std::uint32_t events, Handler* handler);
  Status modify(int fd, std::uint32_t events, Handler* handler);
  void remove(int fd) noexcept;

  // Thread-safe: runs `fn` on the loop thread soon.
  void post(std::function<void()> fn);
  // Loop thread only: runs `fn` after the current batch of events (used to destroy objects whose
  // handler is on the stack).
  void defer(std::function<void()> fn);
  void set_tick(std::function<void()> fn) { on_tick_ = std::move(fn); }
  // Blocks these signals in the calling thread (call before starting other threads) and delivers
  // them to `fn` on the loop.
  Status watch_signals(const std::vector<int>& signals, std::function<void(int)> fn);

  void run();
  void stop() noexcept { running_ = false; }

 private:
  Reactor() = default;
  struct Internal;
  void drain_posted();
  void run_deferred();

  UniqueFd epoll_;
  UniqueFd wake_;    // eventfd for post()
  UniqueFd timer_;   // timerfd for the tick
  UniqueFd signal_;  // signalfd
  std::unique_ptr<Internal> internal_;
  std::function<void()> on_tick_;
  std::function<void(int)> on_signal_;
  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;
  std::vector<std::function<void()>> deferred_;
  bool running_ = false;
};

}  // namespace borealis::gateway
