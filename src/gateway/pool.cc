#include "gateway/pool.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "gateway/reactor.h"
#include "gateway/session.h"

namespace borealis::gateway {
namespace {

Result<UniqueFd> connect_unix(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return make_error(Errc::invalid_argument, "socket path too long: " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return make_error(Errc::io_error, std::string("socket: ") + std::strerror(errno));
  // Unix-domain connects complete at once or fail (EAGAIN = the instance's backlog is full).
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return make_error(Errc::unavailable, std::strerror(errno));
  }
  return fd;
}

}  // namespace

Pool::Pool(Reactor& reactor, InstanceTarget target) : reactor_(reactor), target_(std::move(target)) {}

Pool::~Pool() {
  for (auto& [ptr, owned] : backends_) {
    owned->set_owner(nullptr);
  }
}

void Pool::set_target(const InstanceTarget& target) {
  bool moved = target.socket_dir != target_.socket_dir || target.socket_port != target_.socket_port;
  target_ = target;
  if (moved) close_idle();  // idle backends point at the old instance address
  serve_waiters();
}

void Pool::acquire(Session& session, const std::string& key, const StartupParams& params) {
  if (hand_idle(session, key)) return;
  // A backend of this key is finishing its DISCARD ALL (its client just left): waiting the fraction
  // of a millisecond that takes is far cheaper than forking a new PostgreSQL backend. A client that
  // reconnects at once (pgbench -C, most pools of application threads) gets it back.
  if (resetting_count(key) > waiting_for(key)) {
    waiting_.push_back(Waiter{&session, key, params, std::chrono::steady_clock::now()});
    return;
  }
  if (backends_.size() < static_cast<std::size_t>(target_.max_backends)) {
    open_backend(&session, key, params);
    return;
  }
  // Full: make room by closing an idle backend of another key, or wait for one to come back.
  if (idle_count_ > 0) {
    for (auto& [k, list] : idle_) {
      if (!list.empty()) {
        list.front()->close("evicted to make room for another role/database");
        break;
      }
    }
    if (backends_.size() < static_cast<std::size_t>(target_.max_backends)) {
      open_backend(&session, key, params);
      return;
    }
  }
  waiting_.push_back(Waiter{&session, key, params, std::chrono::steady_clock::now()});
}

bool Pool::hand_idle(Session& session, const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end() || it->second.empty()) return false;
  Backend* b = it->second.back();  // most recently used: warm caches
  it->second.pop_back();
  --idle_count_;
  b->link(&session);
  session.on_backend_attached(*b);
  return true;
}

void Pool::open_backend(Session* session, const std::string& key, const StartupParams& params) {
  std::string path = target_.socket_dir + "/.s.PGSQL." + std::to_string(target_.socket_port);
  auto fd = connect_unix(path);
  if (!fd.ok()) {
    log::warn("pool", "instance {} unreachable at {}: {}", target_.id, path, fd.error().message);
    if (session) {
      session->on_backend_failed({"FATAL", "57P03", "the database instance is not available", "", "Try again later."});
    }
    return;
  }
  auto owned = std::make_unique<Backend>(*this, key, std::move(fd).value());
  Backend* b = owned.get();
  backends_.emplace(b, std::move(owned));
  b->set_owner(session);
  if (auto s = b->start(params); !s) {
    if (session) session->on_backend_failed({"FATAL", "57P03", "the database instance is not available", "", ""});
    b->set_owner(nullptr);
    b->close(s.error().message);
  }
}

void Pool::cancel_wait(Session& session) {
  waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(), [&](const Waiter& w) { return w.session == &session; }),
                 waiting_.end());
  for (auto& [ptr, owned] : backends_) {
    if (ptr->state() == Backend::State::starting && ptr->owner() == &session) ptr->set_owner(nullptr);
  }
}

void Pool::release(Backend& backend) {
  if (backend.reusable()) {
    ++resetting_[backend.key()];
    backend.begin_reset();
  } else {
    backend.set_owner(nullptr);
    backend.close("client left in the middle of a query or transaction");
  }
}

void Pool::on_started(Backend& backend) {
  Session* s = backend.owner();
  if (s != nullptr) {
    backend.link(s);
    s->on_backend_attached(backend);
    return;
  }
  make_idle(backend);  // its client left while it started: keep it for the next one
}

void Pool::on_start_failed(Backend& backend, const pgwire::ErrorFields& error) {
  Session* s = backend.owner();
  backend.set_owner(nullptr);
  if (s != nullptr) s->on_backend_failed(error);
}

void Pool::on_reset_done(Backend& backend) {
  forget_resetting(backend.key());
  make_idle(backend);
}

std::size_t Pool::resetting_count(const std::string& key) const {
  auto it = resetting_.find(key);
  return it == resetting_.end() ? 0 : static_cast<std::size_t>(it->second);
}

std::size_t Pool::waiting_for(const std::string& key) const {
  return static_cast<std::size_t>(
      std::count_if(waiting_.begin(), waiting_.end(), [&](const Waiter& w) { return w.key == key; }));
}

void Pool::forget_resetting(const std::string& key) {
  auto it = resetting_.find(key);
  if (it != resetting_.end() && --it->second <= 0) resetting_.erase(it);
}

void Pool::make_idle(Backend& backend) {
  // A waiter for the same key takes it straight away; one for another key takes its slot.
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (it->key == backend.key()) {
      Session* s = it->session;
      waiting_.erase(it);
      backend.link(s);
      s->on_backend_attached(backend);
      return;
    }
  }
  if (!waiting_.empty() && backends_.size() >= static_cast<std::size_t>(target_.max_backends)) {
    backend.close("handing its slot to a waiting client of another role/database");
    return;
  }
  idle_[backend.key()].push_back(&backend);
  ++idle_count_;
}

void Pool::remove_idle(Backend& backend) {
  auto it = idle_.find(backend.key());
  if (it == idle_.end()) return;
  auto pos = std::find(it->second.begin(), it->second.end(), &backend);
  if (pos == it->second.end()) return;
  it->second.erase(pos);
  --idle_count_;
  if (it->second.empty()) idle_.erase(it);
}

void Pool::on_closed(Backend& backend, bool was_resetting) {
  remove_idle(backend);
  if (was_resetting) forget_resetting(backend.key());
  Session* s = backend.owner();
  backend.set_owner(nullptr);
  if (s != nullptr) s->on_backend_closed();
  auto it = backends_.find(&backend);
  if (it != backends_.end()) {
    // The backend may be on the stack (its own handler called close): destroy it after this batch.
    std::shared_ptr<Backend> doomed(std::move(it->second));
    backends_.erase(it);
    reactor_.defer([doomed] {});
  }
  serve_waiters();
}

void Pool::serve_waiters() {
  while (!waiting_.empty() && backends_.size() < static_cast<std::size_t>(target_.max_backends)) {
    Waiter w = std::move(waiting_.front());
    waiting_.pop_front();
    open_backend(w.session, w.key, w.params);
  }
}

void Pool::tick(std::chrono::steady_clock::time_point now, std::chrono::seconds idle_timeout,
                std::chrono::seconds queue_timeout) {
  if (idle_timeout.count() > 0 && idle_count_ > 0) {
    std::vector<Backend*> expired;
    for (auto& [k, list] : idle_) {
      for (Backend* b : list) {
        if (now - b->idle_since() >= idle_timeout) expired.push_back(b);
      }
    }
    for (Backend* b : expired) b->close("idle timeout");
  }
  while (!waiting_.empty() && now - waiting_.front().since >= queue_timeout) {
    Session* s = waiting_.front().session;
    waiting_.pop_front();
    s->on_backend_failed({"FATAL", "53300", "sorry, too many clients already",
                          "No backend connection became free within the queue timeout.", ""});
  }
}

void Pool::close_idle() {
  std::vector<Backend*> all;
  for (auto& [k, list] : idle_) all.insert(all.end(), list.begin(), list.end());
  for (Backend* b : all) b->close("pool closing idle backends");
}

PoolStats Pool::stats() const { return PoolStats{backends_.size(), idle_count_, waiting_.size()}; }

}  // namespace borealis::gateway
