// Session pooling for one PostgreSQL instance: backends are keyed by (role, database, startup
// parameters), so a reused backend is indistinguishable from a fresh one after DISCARD ALL (RESET
// returns every setting to its startup-packet value). A client whose key has an idle backend gets it
// at once; otherwise one is opened, up to max_backends; beyond that the client waits in a queue and
// an idle backend of another key may be closed to make room.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/backend.h"
#include "gateway/config.h"

namespace borealis::gateway {

class Reactor;
class Session;

struct PoolStats {
  std::size_t backends = 0;
  std::size_t idle = 0;
  std::size_t waiting = 0;
};

class Pool {
 public:
  Pool(Reactor& reactor, InstanceTarget target);
  ~Pool();

  void set_target(const InstanceTarget& target);
  const InstanceTarget& target() const { return target_; }
  Reactor& reactor() { return reactor_; }

  // Gets a backend for `session`; the answer arrives as Session::on_backend_attached or
  // Session::on_backend_failed (possibly before this returns).
  void acquire(Session& session, const std::string& key, const StartupParams& params);
  void cancel_wait(Session& session);
  // The linked session is done with `backend`.
  void release(Backend& backend);

  // Called by backends.
  void on_started(Backend& backend);
  void on_start_failed(Backend& backend, const pgwire::ErrorFields& error);
  void on_reset_done(Backend& backend);
  // `was_resetting`: it died during its DISCARD ALL (the pool counts those per key).
  void on_closed(Backend& backend, bool was_resetting);

  // Idle timeouts and queue timeouts; `idle_timeout` 0 disables.
  void tick(std::chrono::steady_clock::time_point now, std::chrono::seconds idle_timeout,
            std::chrono::seconds queue_timeout);
  // Closes every idle backend (shutdown, or the instance went away).
  void close_idle();
  PoolStats stats() const;

 private:
  struct Waiter {
    Session* session;
    std::string key;
    StartupParams params;
    std::chrono::steady_clock::time_point since;
  };
  void open_backend(Session* session, const std::string& key, const StartupParams& params);
  bool hand_idle(Session& session, const std::string& key);
  void serve_waiters();
  void make_idle(Backend& backend);
  void remove_idle(Backend& backend);
  std::size_t resetting_count(const std::string& key) const;
  std::size_t waiting_for(const std::string& key) const;
  void forget_resetting(const std::string& key);

  Reactor& reactor_;
  InstanceTarget target_;
  std::unordered_map<Backend*, std::unique_ptr<Backend>> backends_;
  std::unordered_map<std::string, std::vector<Backend*>> idle_;  // most recently used last
  std::size_t idle_count_ = 0;
  std::unordered_map<std::string, int> resetting_;  // backends running DISCARD ALL, per key
  std::deque<Waiter> waiting_;
};

}  // namespace borealis::gateway
