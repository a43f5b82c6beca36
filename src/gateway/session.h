// One client connection to the gateway, from its first byte to its last: the startup negotiation
// (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage), authentication (the method the
// selector picks), getting a pooled backend, and relaying in both directions. One enum of states
// and one handler per state; every failure ends in a FATAL ErrorResponse or a silent close.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "auth/iam_exchange.h"
#include "auth/method.h"
#include "gateway/backend.h"
#include "gateway/frame_scanner.h"
#include "gateway/reactor.h"
#include "gateway/socket_io.h"
#include "pgwire/messages.h"

namespace borealis::auth {
class ScramServer;
}
namespace borealis::krb {
class Acceptor;
struct Step;
}

namespace borealis::gateway {

class Gateway;
struct Endpoint;

class Session final : public Reactor::Handler {
 public:
  enum class State {
    startup,
    tls_handshake,
    gssenc_handshake,  // after answering 'G': length-prefixed GSSAPI tokens, then encryption
    gssenc_wait,       // an acceptor step of the gssenc handshake runs on a Kerberos worker
    lookup,
    sasl_first,
    sasl_final,
    gss_auth,          // after AuthenticationGSS: waiting for the client's GSSResponse
    gss_wait,          // an acceptor step of the GSS login runs on a Kerberos worker
    iam_password,      // after AuthenticationCleartextPassword: waiting for the IAM token
    iam_wait,          // the control plane is checking the token
    waiting_backend,
    linked,
    closing,
    closed
  };

  Session(Gateway& gateway, std::shared_ptr<Endpoint> endpoint, UniqueFd fd, std::uint64_t id, std::string peer);
  ~Session();

  Status start();
  void on_io(std::uint32_t events) override;

  // From the pool.
  void on_backend_attached(Backend& backend);
  void on_backend_failed(const pgwire::ErrorFields& error);
  void on_backend_closed();
  void on_backend_io(std::uint32_t events);

  // From the gateway.
  void tick(std::chrono::steady_clock::time_point now);
  void terminate(const pgwire::ErrorFields& error);

  std::uint64_t id() const { return id_; }
  State state() const { return state_; }
  std::int32_t cancel_pid() const { return cancel_pid_; }
  std::int32_t cancel_secret() const { return cancel_secret_; }
  Backend* backend() const { return backend_; }
  const Endpoint& endpoint() const { return *endpoint_; }

 private:
  void handle_input();
  void handle_startup();
  void handle_tls_handshake();
  void handle_startup_message(pgwire::StartupMessage msg);
  void on_role_facts(Result<auth::RoleFacts> facts);
  void handle_sasl();
  void handle_gssenc_handshake();
  void handle_gss_auth();
  void start_gss_step(std::string token);
  void on_gss_step(std::unique_ptr<krb::Acceptor> acceptor, krb::Step step);
  void gssenc_established();
  void gss_established();
  void audit_gss(std::string_view outcome, std::string_view reason);
  void handle_iam_password();
  void on_iam_answer(auth::IamLoginAnswer answer);
  void audit_iam(std::string_view outcome, std::string_view reason);
  void authenticated();
  std::string pool_key() const;
  void relay_client_to_backend();
  void relay_backend_to_client();
  void update_interest();

  void send(std::string_view bytes);
  // Sends a FATAL ErrorResponse, then closes once it is written.
  void fail(const pgwire::ErrorFields& error);
  // Sends `last_bytes` (an ErrorResponse, or the gssenc negotiation's 'E' text), then closes once
  // they are written.
  void send_and_close(std::string_view last_bytes);
  void close(std::string_view why);
  void detach_backend();

  Gateway& gateway_;
  std::shared_ptr<Endpoint> endpoint_;
  SocketIo io_;
  std::uint64_t id_;
  std::string peer_;
  State state_ = State::startup;
  std::chrono::steady_clock::time_point auth_deadline_;
  bool tls_ = false;
  bool ssl_refused_ = false;  // we answered 'N' to an SSLRequest (only a StartupMessage may follow)
  bool gss_refused_ = false;
  bool gss_encrypted_ = false;  // the transport is GSSAPI encryption
  std::unique_ptr<krb::Acceptor> gss_;  // the exchange in progress (null while a worker holds it)
  std::string gss_principal_;           // the client principal GSSAPI established
  std::string iam_access_key_id_;       // the key an IAM token named (audit only)
  std::string iam_principal_;           // the IAM principal the control plane verified

  std::string user_;
  std::string database_;
  StartupParams backend_params_;
  bool replication_ = false;
  auth::RoleFacts role_;
  std::unique_ptr<auth::ScramServer> scram_;
  auth::Method method_ = auth::Method::refuse;

  std::int32_t cancel_pid_ = 0;
  std::int32_t cancel_secret_ = 0;
  Backend* backend_ = nullptr;
  FrameScanner client_scanner_;
  bool client_reading_paused_ = false;
};

}  // namespace borealis::gateway
