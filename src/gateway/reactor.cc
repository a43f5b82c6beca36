#include "gateway/reactor.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/log.h"

namespace borealis::gateway {
namespace {
constexpr int kMaxEventsPerWait = 256;

// Internal handlers for the reactor's own fds are told apart by these tags.
struct Tag final : Reactor::Handler {
  void on_io(std::uint32_t) override {}
};
}  // namespace

struct Reactor::Internal {
  Tag wake_tag, timer_tag, signal_tag;
};

Result<std::unique_ptr<Reactor>> Reactor::create(int tick_ms) {
  std::unique_ptr<Reactor> r(new Reactor());
  r->internal_ = std::make_unique<Internal>();
  r->epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!r->epoll_) return make_error(Errc::io_error, std::string("epoll_create1: ") + std::strerror(errno));
  r->wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!r->wake_) return make_error(Errc::io_error, std::string("eventfd: ") + std::strerror(errno));
  r->timer_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!r->timer_) return make_error(Errc::io_error, std::string("timerfd: ") + std::strerror(errno));
  itimerspec spec{};
  spec.it_interval.tv_sec = tick_ms / 1000;
  spec.it_interval.tv_nsec = static_cast<long>(tick_ms % 1000) * 1000000L;
  spec.it_value = spec.it_interval;
  if (::timerfd_settime(r->timer_.get(), 0, &spec, nullptr) != 0)
    return make_error(Errc::io_error, std::string("timerfd_settime: ") + std::strerror(errno));
  if (auto s = r->add(r->wake_.get(), EPOLLIN, &r->internal_->wake_tag); !s) return std::move(s).error();
  if (auto s = r->add(r->timer_.get(), EPOLLIN, &r->internal_->timer_tag); !s) return std::move(s).error();
  return r;
}

Reactor::~Reactor() = default;

Status Reactor::add(int fd, std::uint32_t events, Handler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
    return make_error(Errc::io_error, std::string("epoll_ctl add: ") + std::strerror(errno));
  return ok_status();
}

Status Reactor::modify(int fd, std::uint32_t events, Handler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) != 0)
    return make_error(Errc::io_error, std::string("epoll_ctl mod: ") + std::strerror(errno));
  return ok_status();
}

void Reactor::remove(int fd) noexcept { ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

void Reactor::post(std::function<void()> fn) {
  {
    std::lock_guard lock(posted_mu_);
    posted_.push_back(std::move(fn));
  }
  std::uint64_t one = 1;
  ssize_t n = ::write(wake_.get(), &one, sizeof one);
  (void)n;  // EAGAIN means the counter is already non-zero: the loop will wake anyway
}

void Reactor::defer(std::function<void()> fn) { deferred_.push_back(std::move(fn)); }

Status Reactor::watch_signals(const std::vector<int>& signals, std::function<void(int)> fn) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return make_error(Errc::internal, "pthread_sigmask failed");
  signal_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signal_) return make_error(Errc::io_error, std::string("signalfd: ") + std::strerror(errno));
  on_signal_ = std::move(fn);
  return add(signal_.get(), EPOLLIN, &internal_->signal_tag);
}

void Reactor::drain_posted() {
  std::uint64_t count = 0;
  ssize_t n = ::read(wake_.get(), &count, sizeof count);
  (void)n;
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(posted_mu_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void Reactor::run_deferred() {
  while (!deferred_.empty()) {
    std::vector<std::function<void()>> batch;
    batch.swap(deferred_);
    for (auto& fn : batch) fn();
  }
}

void Reactor::run() {
  running_ = true;
  epoll_event events[kMaxEventsPerWait];
  while (running_) {
    int n = ::epoll_wait(epoll_.get(), events, kMaxEventsPerWait, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      log::error("reactor", "epoll_wait failed: {}", std::strerror(errno));
      break;
    }
    for (int i = 0; i < n; ++i) {
      auto* h = static_cast<Handler*>(events[i].data.ptr);
      if (h == &internal_->wake_tag) {
        drain_posted();
      } else if (h == &internal_->timer_tag) {
        std::uint64_t expirations = 0;
        ssize_t r = ::read(timer_.get(), &expirations, sizeof expirations);
        (void)r;
        if (on_tick_) on_tick_();
      } else if (h == &internal_->signal_tag) {
        signalfd_siginfo info{};
        while (::read(signal_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
          if (on_signal_) on_signal_(static_cast<int>(info.ssi_signo));
        }
      } else {
        h->on_io(events[i].events);
      }
    }
    run_deferred();
  }
  run_deferred();
}

}  // namespace borealis::gateway
