// The data plane process: listeners for every endpoint in the control plane's config, client
// sessions, one backend pool per instance, the cancel-key registry, config reload, and graceful
// shutdown. Runs one event loop; catalog lookups, Kerberos acceptor steps and IAM token questions run on worker threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/fd.h"
#include "common/result.h"
#include "gateway/config.h"
#include "gateway/reactor.h"

namespace borealis::crypto {
class TlsServerContext;
}

namespace borealis::gateway {

class Catalog;
class IamClient;
class KerberosService;
class Pool;
class Session;

// An endpoint as the running gateway holds it. Sessions keep a shared_ptr, so an endpoint removed
// from the config lives until its last client leaves.
struct Endpoint {
  EndpointConfig config;
  std::shared_ptr<crypto::TlsServerContext> tls;  // null: TLS not offered
  Pool* pool = nullptr;
};

struct GatewayOptions {
  std::string config_path;
};

class Gateway {
 public:
  static Result<std::unique_ptr<Gateway>> create(GatewayOptions options);
  ~Gateway();

  // Runs until shutdown; returns the process exit code.
  int run();

  Reactor& reactor() { return *reactor_; }
  Catalog& catalog() { return *catalog_; }
  KerberosService& kerberos() { return *kerberos_; }
  IamClient& iam() { return *iam_; }
  const GatewayConfig& config() const { return config_; }

  // Cancel keys handed to clients (BackendKeyData) and their sessions.
  void register_session(Session& session);
  void session_closed(Session& session);
  void forward_cancel(std::int32_t pid, std::int32_t secret);
  std::int32_t next_cancel_pid();
  Session* find_session(std::uint64_t id);

 private:
  struct Listener;
  Gateway() = default;
  Status load_config();
  Status apply_config(GatewayConfig config);
  void on_tick();
  void on_signal(int signo);
  void accept_clients(Listener& listener);
  void begin_shutdown(bool fast);
  void finish_if_done();

  GatewayOptions options_;
  std::unique_ptr<Reactor> reactor_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<KerberosService> kerberos_;
  std::unique_ptr<IamClient> iam_;
  GatewayConfig config_;
  std::string config_text_;
  std::unordered_map<std::string, std::unique_ptr<Listener>> listeners_;  // by endpoint name
  std::unordered_map<std::string, std::unique_ptr<Pool>> pools_;          // by instance id
  std::unordered_map<std::uint64_t, std::unique_ptr<Session>> sessions_;
  std::unordered_map<std::int32_t, Session*> by_cancel_pid_;
  std::uint64_t next_session_id_ = 1;
  std::int32_t next_cancel_pid_ = 0;
  int ticks_ = 0;
  bool shutting_down_ = false;
  std::chrono::steady_clock::time_point shutdown_deadline_{};
};

}  // namespace borealis::gateway
