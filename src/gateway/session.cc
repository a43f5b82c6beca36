#include "gateway/session.h"

#include <algorithm>
#include <cctype>

#include "auth/scram.h"
#include "auth/kerberos_rule.h"
#include "auth/scram_server.h"
#include "common/cidr.h"
#include "common/log.h"
#include "common/random.h"
#include "crypto/tls.h"
#include "gateway/catalog.h"
#include "gateway/gateway.h"
#include "gateway/gss_transport.h"
#include "gateway/iam_client.h"
#include "gateway/kerberos.h"
#include "gateway/pool.h"
#include "krb/acceptor.h"
#include "pgwire/frame.h"
#include "pgwire/gssenc.h"
#include "pgwire/startup.h"
#include "sigv4/presigned.h"

namespace borealis::gateway {
namespace {

// Before authentication completes the gateway never buffers more than one auth message.
constexpr std::size_t kPreAuthInputLimit = pgwire::kMaxAuthMessage + 16;

bool truthy_replication(std::string_view v) {
  return v == "true" || v == "on" || v == "yes" || v == "1" || v == "database";
}

pgwire::ErrorFields fatal(std::string sqlstate, std::string message, std::string detail = {}) {
  return pgwire::ErrorFields{"FATAL", std::move(sqlstate), std::move(message), std::move(detail), ""};
}

// The backend startup parameters through which the gateway tells the session how its client logged
// in (GUCs defined by src/pgext/session_facts.c). Clients may not set anything under this prefix.
constexpr std::string_view kFactsPrefix = "borealis.";

static_assert(pgwire::kGssEncMaxHandshakeToken == krb::kMaxHandshakeTokenBytes,
              "a gssenc handshake token the codec accepts must also fit the acceptor");

bool names_reserved_setting(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(kFactsPrefix) != std::string::npos;
}

// States in which the gateway, not the client, must act next: its bytes wait in the buffer.
bool waits_for_gateway(Session::State s) {
  using S = Session::State;
  return s == S::lookup || s == S::gssenc_wait || s == S::gss_wait || s == S::iam_wait || s == S::waiting_backend;
}

// The client's IP address: `peer` is "ip:port".
std::string_view address_of(std::string_view peer) { return peer.substr(0, peer.rfind(':')); }

// Whether the endpoint's security-group ingress admits `peer` ("ip:port"); true when it has none.
bool source_allowed(const EndpointConfig& endpoint, const std::string& peer) {
  if (!endpoint.client_sources) return true;
  auto address = parse_ipv4(address_of(peer));
  if (!address) return false;
  for (const auto& cidr : endpoint.client_sources->allowed)
    if (cidr.contains(*address)) return true;
  return false;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Session::Session(Gateway& gateway, std::shared_ptr<Endpoint> endpoint, UniqueFd fd, std::uint64_t id, std::string peer)
    : gateway_(gateway),
      endpoint_(std::move(endpoint)),
      id_(id),
      peer_(std::move(peer)),
      client_scanner_("", "X", true, pgwire::kMaxRelayedMessage, 0) {
  io_.transport = make_plain_transport(fd.get());
  io_.fd = std::move(fd);
}

Session::~Session() { io_.unregister(gateway_.reactor()); }

Status Session::start() {
  auth_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(gateway_.config().auth_timeout_s);
  cancel_pid_ = gateway_.next_cancel_pid();
  cancel_secret_ = static_cast<std::int32_t>(random::u32());
  return io_.sync_interest(gateway_.reactor(), this);
}

void Session::on_io(std::uint32_t events) {
  if (state_ == State::closed) return;
  if (state_ == State::tls_handshake) {
    handle_tls_handshake();
    update_interest();
    return;
  }
  if ((events & EPOLLOUT) || io_.transport->wants_write()) {
    if (io_.flush() == SocketIo::Flush::error) return close("write to client failed");
    if (state_ == State::closing && io_.out.empty()) return close("error sent");
    if (state_ == State::linked && backend_ && !backend_->io.reading && io_.out.size() < kOutputHighWater) {
      backend_->io.reading = true;  // the client caught up: resume the backend
      relay_backend_to_client();
      if (state_ == State::closed) return;
    }
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    if (state_ == State::linked) relay_client_to_backend();
    else handle_input();
  }
  if (state_ != State::closed) update_interest();
}

void Session::update_interest() {
  if (state_ == State::closed) return;
  if (auto s = io_.sync_interest(gateway_.reactor(), this); !s) close(s.error().message);
  if (state_ == State::linked && backend_) {
    if (auto s = backend_->io.sync_interest(gateway_.reactor(), backend_); !s) backend_->close(s.error().message);
  }
}

void Session::handle_input() {
  if (state_ == State::closing) {
    // Only waiting to deliver an error; whatever the client says now does not matter.
    io_.in.clear();
    auto f = io_.fill(kReadChunk);
    io_.in.clear();
    if (f == SocketIo::Fill::closed || f == SocketIo::Fill::error) close("client left");
    return;
  }
  auto fill = io_.fill(kPreAuthInputLimit);
  if (fill == SocketIo::Fill::error) return close("read from client failed: " + io_.transport->describe_error());
  switch (state_) {
    case State::startup: handle_startup(); break;
    case State::gssenc_handshake: handle_gssenc_handshake(); break;
    case State::sasl_first:
    case State::sasl_final: handle_sasl(); break;
    case State::gss_auth: handle_gss_auth(); break;
    case State::iam_password: handle_iam_password(); break;
    default: break;  // lookup / gss waits / waiting_backend: the client must wait for us; keep its bytes
  }
  if (state_ != State::closed && fill == SocketIo::Fill::closed) close("client disconnected");
  // Nothing more to read until we act on what we have.
  if (waits_for_gateway(state_)) io_.reading = false;
}

void Session::handle_startup() {
  while (state_ == State::startup) {
    pgwire::InitialDecode d = pgwire::decode_initial(io_.in.view());
    if (d.status == pgwire::InitialDecode::Status::need_more) return;
    if (d.status == pgwire::InitialDecode::Status::error) {
      log::info("session", "session={} peer={} invalid startup packet: {}", id_, peer_, d.error.message);
      return fail(fatal(d.error.code == Errc::unsupported ? "0A000" : "08P01", d.error.message));
    }
    io_.in.consume(d.consumed);
    if (std::holds_alternative<pgwire::SslRequest>(d.packet)) {
      if (tls_ || ssl_refused_ || gss_encrypted_) return fail(fatal("08P01", "unexpected SSL request"));
      // Bytes after the SSLRequest arrived unencrypted and would be taken as if inside TLS.
      if (!io_.in.empty()) return fail(fatal("08P01", "received unencrypted data after SSL request"));
      if (!endpoint_->tls) {
        ssl_refused_ = true;
        send("N");
        continue;
      }
      send("S");
      if (state_ == State::closed) return;
      if (!io_.out.empty()) return close("could not answer the SSL request");  // must not leak into TLS
      auto t = make_tls_server_transport(io_.fd.get(), endpoint_->tls->native());
      if (!t.ok()) return close(t.error().message);
      io_.transport = std::move(t).value();
      state_ = State::tls_handshake;
      handle_tls_handshake();
      return;
    }
    if (std::holds_alternative<pgwire::GssEncRequest>(d.packet)) {
      if (tls_ || gss_refused_ || gss_encrypted_)
        return fail(fatal("08P01", "unexpected GSSAPI encryption request"));
      if (!io_.in.empty()) return fail(fatal("08P01", "received unencrypted data after GSSAPI encryption request"));
      // Decline, never error, where Kerberos is off: libpq's default gssencmode=prefer asks
      // whenever the client holds a ticket, and then goes on with SSL or plain.
      if (!endpoint_->config.kerberos) {
        gss_refused_ = true;
        send("N");
        continue;
      }
      send("G");
      state_ = State::gssenc_handshake;
      return handle_gssenc_handshake();
    }
    if (auto* cancel = std::get_if<pgwire::CancelRequest>(&d.packet)) {
      if (!source_allowed(endpoint_->config, peer_)) return close("cancel request from an address no rule admits");
      gateway_.forward_cancel(cancel->pid, cancel->secret);
      return close("cancel request handled");
    }
    return handle_startup_message(std::get<pgwire::StartupMessage>(std::move(d.packet)));
  }
}

void Session::handle_tls_handshake() {
  IoResult r = io_.transport->handshake();
  if (r.status == IoStatus::would_block) return;
  if (r.status != IoStatus::ok) {
    log::info("session", "session={} peer={} TLS handshake failed: {}", id_, peer_, io_.transport->describe_error());
    return close("TLS handshake failed");
  }
  tls_ = true;
  state_ = State::startup;
  handle_input();
}

void Session::handle_startup_message(pgwire::StartupMessage msg) {
  // The address decides before authentication, as pg_hba does, but after TLS or GSSAPI encryption
  // is set up: libpq prints an ErrorResponse that arrives there, not one sent during the SSL exchange.
  if (!source_allowed(endpoint_->config, peer_)) {
    const std::string address(address_of(peer_));
    const std::string groups = joined(endpoint_->config.client_sources->security_groups);
    log::info("auth", "endpoint={} peer={} role=\"{}\" method=none outcome=refused reason=\"no inbound rule of security groups {} admits {}\"",
              endpoint_->config.name, peer_, msg.user(), groups, address);
    return fail(fatal("28000", "connection from " + address + " refused: no inbound rule of the security groups of DB cluster \"" +
                                   endpoint_->config.cluster_id + "\" (" + groups + ") allows it on port " +
                                   std::to_string(endpoint_->config.port)));
  }
  const int minor = msg.protocol & 0xffff;
  std::vector<std::string> unrecognised;
  backend_params_.clear();
  user_ = std::string(msg.user());
  database_ = std::string(msg.database());
  backend_params_.emplace_back("user", user_);
  backend_params_.emplace_back("database", database_);
  for (auto& [name, value] : msg.params) {
    if (names_reserved_setting(name == "options" ? value : name)) {
      log::info("session", "session={} peer={} refused: startup packet sets a borealis.* parameter", id_, peer_);
      return fail(fatal("42501", "parameters under \"borealis.\" are set by the gateway and cannot be given by a client"));
    }
    if (name.rfind("_pq_.", 0) == 0) {
      unrecognised.push_back(name);
    } else if (name == "replication") {
      replication_ = truthy_replication(value);
    } else if (name != "user" && name != "database") {
      backend_params_.emplace_back(name, value);
    }
  }
  if (minor > 0 || !unrecognised.empty()) {
    std::string v;
    pgwire::encode_negotiate_protocol_version(v, 0, unrecognised);
    send(v);
  }
  state_ = State::lookup;
  io_.reading = false;
  const InstanceTarget& target = endpoint_->config.instance;
  CatalogRequest req{target.socket_dir, target.socket_port, gateway_.config().catalog_user, user_};
  Gateway* gw = &gateway_;
  std::uint64_t id = id_;
  gateway_.catalog().lookup(std::move(req), [gw, id](Result<auth::RoleFacts> facts) {
    if (Session* s = gw->find_session(id)) s->on_role_facts(std::move(facts));
  });
}

void Session::on_role_facts(Result<auth::RoleFacts> facts) {
  if (state_ != State::lookup) return;
  if (!facts.ok()) {
    log::warn("session", "session={} role lookup failed: {}", id_, facts.error().message);
    fail(fatal("57P03", "the database instance is not available"));
    update_interest();
    return;
  }
  role_ = std::move(facts).value();
  auth::ConnectionFacts conn;
  conn.tls = tls_;
  conn.gss_encrypted = gss_encrypted_;
  conn.replication = replication_;
  conn.kerberos_enabled = endpoint_->config.kerberos.has_value();
  conn.iam_enabled = endpoint_->config.iam_enabled;
  conn.now_epoch = static_cast<long long>(std::time(nullptr));
  auth::Selection sel = auth::select_method(role_, conn);
  method_ = sel.method;
  switch (sel.method) {
    case auth::Method::refuse: {
      // Refusals before any exchange still belong to the role's method (an IAM role over plain TCP is
      // an IAM login attempt), so audits filtered by method see them.
      const char* method = role_.member_of_rds_iam == role_.member_of_rds_ad ? "none"
                           : role_.member_of_rds_iam                         ? "iam"
                                                                             : "gss";
      log::info("auth", "endpoint={} peer={} role=\"{}\" method={} outcome=refused reason=\"{}\"", endpoint_->config.name,
                peer_, user_, method, sel.log_reason.empty() ? sel.client_message : sel.log_reason);
      fail(fatal(sel.sqlstate, sel.client_message));
      break;
    }
    case auth::Method::scram:
    case auth::Method::mock_scram: {
      bool mock = sel.method == auth::Method::mock_scram;
      auth::ScramVerifier verifier;
      if (!mock) {
        auto v = auth::parse_scram_verifier(*role_.rolpassword);
        if (v.ok()) verifier = std::move(v).value();
        else mock = true;
      }
      if (mock) verifier = auth::make_mock_verifier(user_, gateway_.config().mock_secret.reveal());
      if (mock) log::debug("auth", "session={} mock SCRAM exchange: {}", id_, sel.log_reason);
      scram_ = std::make_unique<auth::ScramServer>(std::move(verifier), mock,
                                                   tls_ ? endpoint_->tls->server_end_point() : std::string());
      std::string msg;
      pgwire::encode_auth_sasl(msg, scram_->mechanisms());
      send(msg);
      state_ = State::sasl_first;
      io_.reading = true;
      handle_sasl();
      break;
    }
    case auth::Method::gss:
      if (gss_encrypted_) {
        // PostgreSQL too: the gssenc handshake already proved the principal; no second exchange.
        gss_established();
        break;
      }
      {
        std::string msg;
        pgwire::encode_auth_gss(msg);
        send(msg);
      }
      state_ = State::gss_auth;
      io_.reading = true;
      handle_gss_auth();
      break;
    case auth::Method::iam_token: {
      // select_method chose this only inside TLS: the token is a bearer credential.
      std::string msg;
      pgwire::encode_auth_cleartext_password(msg);
      send(msg);
      state_ = State::iam_password;
      io_.reading = true;
      handle_iam_password();
      break;
    }
  }
  update_interest();
}

void Session::handle_sasl() {
  while (state_ == State::sasl_first || state_ == State::sasl_final) {
    pgwire::FrameDecode d = pgwire::decode_frame(io_.in.view(), pgwire::kMaxAuthMessage);
    if (d.status == pgwire::FrameDecode::Status::need_more) return;
    if (d.status == pgwire::FrameDecode::Status::error) return fail(fatal("08P01", d.error.message));
    if (d.frame.type != 'p') {
      return fail(fatal("08P01", "expected SASL response, got message type " +
                                     std::to_string(static_cast<unsigned char>(d.frame.type))));
    }
    auth::ScramServer::Step step;
    if (state_ == State::sasl_first) {
      auto init = pgwire::parse_sasl_initial_response(d.frame.body);
      if (!init.ok() || !init->data) return fail(fatal("08P01", "malformed SASL initial response"));
      step = scram_->on_client_first(init->mechanism, *init->data);
    } else {
      step = scram_->on_client_final(d.frame.body);
    }
    io_.in.consume(d.consumed);
    switch (step.outcome) {
      case auth::ScramServer::Step::Outcome::send_continue: {
        std::string msg;
        pgwire::encode_auth_sasl_continue(msg, step.message);
        send(msg);
        state_ = State::sasl_final;
        break;
      }
      case auth::ScramServer::Step::Outcome::send_final: {
        std::string msg;
        pgwire::encode_auth_sasl_final(msg, step.message);
        send(msg);
        return authenticated();
      }
      case auth::ScramServer::Step::Outcome::fail:
        log::info("auth", "endpoint={} peer={} role=\"{}\" method=scram outcome=refused reason=\"{}\"",
                  endpoint_->config.name, peer_, user_, step.log_reason);
        return fail(fatal("28P01", "password authentication failed for user \"" + user_ + "\""));
      case auth::ScramServer::Step::Outcome::protocol_error:
        return fail(fatal("08P01", "malformed SCRAM message", step.log_reason));
    }
  }
}

void Session::handle_gssenc_handshake() {
  while (state_ == State::gssenc_handshake) {
    pgwire::GssEncDecode d = pgwire::decode_gssenc_packet(io_.in.view(), pgwire::GssEncPhase::handshake);
    if (d.status == pgwire::GssEncDecode::Status::need_more) return;
    if (d.status == pgwire::GssEncDecode::Status::error) {
      // No ErrorResponse inside the gssenc negotiation: the client expects a token. Close, as
      // PostgreSQL does.
      log::info("session", "session={} peer={} invalid GSSAPI encryption handshake: {}", id_, peer_, d.error.message);
      return close("invalid gssenc handshake");
    }
    std::string token(d.body);
    io_.in.consume(d.consumed);
    state_ = State::gssenc_wait;
    return start_gss_step(std::move(token));
  }
}

void Session::handle_gss_auth() {
  while (state_ == State::gss_auth) {
    pgwire::FrameDecode d = pgwire::decode_frame(io_.in.view(), pgwire::kMaxAuthMessage);
    if (d.status == pgwire::FrameDecode::Status::need_more) return;
    if (d.status == pgwire::FrameDecode::Status::error) return fail(fatal("08P01", d.error.message));
    if (d.frame.type != 'p') {
      return fail(fatal("08P01", "expected GSS response, got message type " +
                                     std::to_string(static_cast<unsigned char>(d.frame.type))));
    }
    std::string token(d.frame.body);
    io_.in.consume(d.consumed);
    state_ = State::gss_wait;
    return start_gss_step(std::move(token));
  }
}

void Session::start_gss_step(std::string token) {
  io_.reading = false;
  Gateway* gw = &gateway_;
  std::uint64_t id = id_;
  gateway_.kerberos().step(*endpoint_->config.kerberos, std::move(gss_), std::move(token),
                           [gw, id](std::unique_ptr<krb::Acceptor> acceptor, krb::Step step) {
                             if (Session* s = gw->find_session(id)) s->on_gss_step(std::move(acceptor), std::move(step));
                           });
}

void Session::on_gss_step(std::unique_ptr<krb::Acceptor> acceptor, krb::Step step) {
  if (state_ != State::gssenc_wait && state_ != State::gss_wait) return;
  const bool encrypting = state_ == State::gssenc_wait;
  gss_ = std::move(acceptor);
  if (step.outcome == krb::Step::Outcome::failed) {
    audit_gss("refused", step.log_reason);
    if (encrypting) {
      // The negotiation has no ErrorResponse; libpq prints the text of a packet that starts with
      // 'E' instead of a length (the pre-protocol-3 error form), and with gssencmode=prefer it
      // retries without encryption either way. Without this the user would only see "server closed
      // the connection unexpectedly".
      std::string msg = "E" + (step.client_reason.empty() ? std::string("GSSAPI authentication failed") : step.client_reason);
      msg.push_back('\0');
      send_and_close(msg);
    } else {
      fail(fatal("28000", "GSSAPI authentication failed for user \"" + user_ + "\"", step.client_reason));
    }
    update_interest();
    return;
  }
  const std::string_view token = step.output_token.reveal();
  if (!token.empty()) {
    std::string msg;
    if (encrypting) {
      if (auto e = pgwire::encode_gssenc_packet(msg, token, pgwire::GssEncPhase::handshake); !e) {
        audit_gss("refused", e.error().message);
        return close("GSSAPI token too large to send");
      }
    } else {
      pgwire::encode_auth_gss_continue(msg, token);
    }
    send(msg);
    if (state_ == State::closed) return;
  }
  if (step.outcome == krb::Step::Outcome::continue_needed) {
    state_ = encrypting ? State::gssenc_handshake : State::gss_auth;
    io_.reading = true;
    handle_input();
  } else if (encrypting) {
    gssenc_established();
  } else {
    gss_established();
  }
  if (state_ != State::closed) update_interest();
}

void Session::gssenc_established() {
  if (!gss_->confidentiality_available()) {
    audit_gss("refused", "the client did not negotiate confidentiality for GSSAPI encryption");
    return close("gssenc without confidentiality");
  }
  // The final token must leave as plaintext before the transport starts wrapping.
  if (!io_.out.empty()) return close("could not send the final GSSAPI token");
  gss_principal_ = gss_->client_principal();
  // Bytes the client sent after its last token are already ciphertext: the transport unwraps them.
  std::string early(io_.in.view());
  io_.in.clear();
  auto t = make_gss_server_transport(io_.fd.get(), std::shared_ptr<krb::Acceptor>(std::move(gss_)), std::move(early));
  if (!t.ok()) return close(t.error().message);
  io_.transport = std::move(t).value();
  gss_encrypted_ = true;
  state_ = State::startup;
  io_.reading = true;
  handle_input();
}

void Session::gss_established() {
  const std::string principal = gss_encrypted_ ? gss_principal_ : gss_->client_principal();
  gss_principal_ = principal;
  gss_.reset();
  const KerberosConfig& k = *endpoint_->config.kerberos;
  auth::KerberosVerdict verdict = auth::check_kerberos_login(principal, user_, auth::KerberosPolicy{{k.realm}, k.caseins_users});
  if (!verdict.allowed) {
    audit_gss("refused", verdict.log_reason);
    return fail(fatal("28000", verdict.client_message));
  }
  audit_gss("allowed", verdict.log_reason);
  authenticated();
}

void Session::audit_gss(std::string_view outcome, std::string_view reason) {
  log::info("auth", "endpoint={} peer={} role=\"{}\" method=gss principal=\"{}\" encrypted={} outcome={} reason=\"{}\"",
            endpoint_->config.name, peer_, user_, gss_principal_, gss_encrypted_ || state_ == State::gssenc_wait,
            outcome, reason);
}

void Session::handle_iam_password() {
  if (state_ != State::iam_password) return;
  pgwire::FrameDecode d = pgwire::decode_frame(io_.in.view(), pgwire::kMaxAuthMessage);
  if (d.status == pgwire::FrameDecode::Status::need_more) return;
  if (d.status == pgwire::FrameDecode::Status::error) {
    audit_iam("refused", d.error.message);
    return fail(fatal("08P01", "invalid password packet: " + d.error.message));
  }
  if (d.frame.type != 'p') {
    audit_iam("refused", "expected a password message");
    return fail(fatal("08P01", "expected password response, got message type " +
                                   std::to_string(static_cast<unsigned char>(d.frame.type))));
  }
  auto password = pgwire::parse_password_message(d.frame.body);
  io_.in.consume(d.consumed);
  if (!password.ok()) {
    audit_iam("refused", "malformed password message");
    return fail(fatal("08P01", "malformed password message"));
  }
  Secret token(std::move(password).value());
  // What needs no key is checked here, so junk (an old password, a truncated token) never reaches the
  // control plane; the control plane checks everything again with the key.
  auto parsed = sigv4::parse_db_auth_token(token.reveal());
  if (!parsed) {
    audit_iam("refused", sigv4::to_string(parsed.error().check));
    return fail(fatal("28P01", "IAM authentication failed for user \"" + user_ + "\"",
                      "The password is not a valid IAM authentication token: " + parsed.error().message));
  }
  iam_access_key_id_ = std::string(parsed->credential.access_key_id);
  auth::IamLoginQuestion question;
  question.cluster_id = endpoint_->config.cluster_id;
  question.db_user = user_;
  question.client_address = std::string(address_of(peer_));
  question.token = std::move(token);
  state_ = State::iam_wait;
  io_.reading = false;
  Gateway* gw = &gateway_;
  std::uint64_t id = id_;
  gateway_.iam().check(gateway_.config().iam_login_socket, std::move(question), [gw, id](auth::IamLoginAnswer answer) {
    if (Session* s = gw->find_session(id)) s->on_iam_answer(std::move(answer));
  });
}

void Session::on_iam_answer(auth::IamLoginAnswer answer) {
  if (state_ != State::iam_wait) return;
  if (!answer.access_key_id.empty()) iam_access_key_id_ = answer.access_key_id;
  iam_principal_ = answer.principal;
  switch (answer.outcome) {
    case auth::IamLoginOutcome::allowed:
      audit_iam("allowed", answer.log_reason);
      authenticated();
      break;
    case auth::IamLoginOutcome::refused:
      audit_iam("refused", answer.log_reason);
      fail(fatal("28P01", "IAM authentication failed for user \"" + user_ + "\"", answer.client_message));
      break;
    case auth::IamLoginOutcome::unavailable:
      audit_iam("unavailable", answer.log_reason);
      fail(fatal("57P03", answer.client_message.empty() ? "IAM authentication is unavailable" : answer.client_message));
      break;
  }
  if (state_ != State::closed) update_interest();
}

void Session::audit_iam(std::string_view outcome, std::string_view reason) {
  log::info("auth", "endpoint={} peer={} role=\"{}\" method=iam access_key_id={} principal=\"{}\" outcome={} reason=\"{}\"",
            endpoint_->config.name, peer_, user_, iam_access_key_id_.empty() ? "-" : iam_access_key_id_, iam_principal_,
            outcome, reason);
}

std::string Session::pool_key() const {
  // A reused backend must have been started with exactly these parameters.
  std::vector<std::pair<std::string, std::string>> sorted(backend_params_.begin() + 2, backend_params_.end());
  std::sort(sorted.begin(), sorted.end());
  std::string key = user_;
  key.push_back('\0');
  key += database_;
  for (auto& [n, v] : sorted) {
    key.push_back('\0');
    key += n;
    key.push_back('=');
    key += v;
  }
  return key;
}

void Session::authenticated() {
  scram_.reset();
  std::string ok;
  pgwire::encode_auth_ok(ok);
  send(ok);
  // The client may have left while a worker was deciding: the session is closed and about to be
  // destroyed, and must not be handed to the pool.
  if (state_ == State::closed) return;
  // As PostgreSQL: rolcanlogin is checked after authentication succeeds.
  if (!role_.can_login) return fail(fatal("28000", "role \"" + user_ + "\" is not permitted to log in"));
  // How the client logged in, for SHOW borealis.* in its session (and part of the pool key).
  const char* method = method_ == auth::Method::gss ? "gss" : method_ == auth::Method::iam_token ? "iam" : "scram";
  backend_params_.emplace_back("borealis.auth_method", method);
  backend_params_.emplace_back("borealis.auth_principal", method_ == auth::Method::iam_token ? iam_principal_ : gss_principal_);
  backend_params_.emplace_back("borealis.gss_encrypted", gss_encrypted_ ? "on" : "off");
  state_ = State::waiting_backend;
  io_.reading = false;
  endpoint_->pool->acquire(*this, pool_key(), backend_params_);
}

void Session::on_backend_attached(Backend& backend) {
  if (state_ != State::waiting_backend) {
    // We are gone or failing; give it straight back.
    endpoint_->pool->release(backend);
    return;
  }
  backend_ = &backend;
  state_ = State::linked;
  std::string hello;
  for (const auto& [name, value] : backend.parameters()) pgwire::encode_parameter_status(hello, name, value);
  pgwire::encode_backend_key_data(hello, cancel_pid_, cancel_secret_);
  pgwire::encode_ready_for_query(hello, pgwire::TxStatus::idle);
  send(hello);
  if (state_ == State::closed) return;  // the client left; close() gave the backend back
  io_.reading = true;
  backend_->io.reading = true;
  if (!io_.in.empty()) relay_client_to_backend();
  update_interest();
}

void Session::on_backend_failed(const pgwire::ErrorFields& error) {
  if (state_ != State::waiting_backend) return;
  fail(error);
  update_interest();
}

void Session::on_backend_closed() {
  backend_ = nullptr;
  if (state_ != State::linked) return;
  state_ = State::closing;
  io_.reading = false;
  if (io_.out.empty()) close("instance closed the connection");
  else update_interest();
}

void Session::relay_client_to_backend() {
  do {
    auto fill = io_.fill(kOutputHighWater);
    if (fill == SocketIo::Fill::error) return close("read from client failed");
    bool terminated = false;
    auto scan = client_scanner_.scan(io_.in.view(), [&](const FrameScanner::Seen& s) {
      if (s.type == 'X') terminated = true;
      else backend_->note_client_frame(s.type);
    });
    if (!scan.ok()) {
      log::info("session", "session={} client protocol error: {}", id_, scan.error().message);
      return fail(fatal("08P01", "invalid frontend message: " + scan.error().message));
    }
    if (scan->forwardable > 0) {
      if (backend_->io.send(io_.in.view().substr(0, scan->forwardable)) == SocketIo::Flush::error) {
        io_.in.consume(scan->forwardable);
        backend_->close("write to instance failed");
        return;
      }
      io_.in.consume(scan->forwardable);
    }
    if (terminated) return close("client sent Terminate");
    if (fill == SocketIo::Fill::closed) return close("client disconnected");
    if (backend_->io.out.size() >= kOutputHighWater) io_.reading = false;  // backpressure
  } while (io_.reading && backend_ && state_ == State::linked && io_.transport->buffered() > 0);
}

void Session::relay_backend_to_client() {
  if (!backend_) return;
  auto fill = backend_->io.fill(kOutputHighWater);
  if (fill == SocketIo::Fill::error) {
    backend_->close("read from instance failed");
    return;
  }
  Backend* b = backend_;
  auto scan = b->scanner.scan(b->io.in.view(), [&](const FrameScanner::Seen& s) {
    if (s.type == 'Z') {
      if (auto st = pgwire::parse_ready_for_query(s.body); st.ok()) b->note_ready_for_query(*st);
    } else if (s.type == 'S') {
      if (auto ps = pgwire::parse_parameter_status(s.body); ps.ok()) b->set_parameter(ps->name, ps->value);
    }
  });
  if (!scan.ok()) {
    log::error("session", "session={} invalid message from instance: {}", id_, scan.error().message);
    b->close("invalid message from instance");
    return;
  }
  if (scan->forwardable > 0) {
    auto f = io_.send(b->io.in.view().substr(0, scan->forwardable));
    b->io.in.consume(scan->forwardable);
    if (f == SocketIo::Flush::error) return close("write to client failed");
  }
  if (fill == SocketIo::Fill::closed) {
    b->close("instance closed the connection");
    return;
  }
  if (io_.out.size() >= kOutputHighWater) b->io.reading = false;  // backpressure
}

void Session::on_backend_io(std::uint32_t events) {
  if (state_ != State::linked || !backend_) return;
  if (events & EPOLLOUT) {
    if (backend_->io.flush() == SocketIo::Flush::error) {
      backend_->close("write to instance failed");
      return;
    }
    if (!io_.reading && backend_->io.out.size() < kOutputHighWater) {
      io_.reading = true;
      relay_client_to_backend();
      if (state_ != State::linked) return;
    }
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) relay_backend_to_client();
  if (state_ != State::closed) update_interest();
}

void Session::tick(std::chrono::steady_clock::time_point now) {
  switch (state_) {
    case State::startup:
    case State::tls_handshake:
    case State::gssenc_handshake:
    case State::gssenc_wait:
    case State::lookup:
    case State::sasl_first:
    case State::sasl_final:
    case State::gss_auth:
    case State::gss_wait:
    case State::iam_password:
    case State::iam_wait:
      if (now >= auth_deadline_) {
        if (state_ == State::startup || state_ == State::tls_handshake || state_ == State::gssenc_handshake ||
            state_ == State::gssenc_wait)
          return close("authentication timeout");
        fail(fatal("57014", "canceling authentication due to timeout"));
        update_interest();
      }
      break;
    case State::closing:
      if (now >= auth_deadline_ + std::chrono::seconds(5)) close("client did not read its error");
      break;
    default: break;
  }
}

void Session::terminate(const pgwire::ErrorFields& error) {
  if (state_ == State::closed || state_ == State::closing) return;
  fail(error);
  if (state_ != State::closed) update_interest();
}

void Session::send(std::string_view bytes) {
  if (io_.send(bytes) == SocketIo::Flush::error) close("write to client failed");
}

void Session::fail(const pgwire::ErrorFields& error) {
  std::string msg;
  pgwire::encode_error_response(msg, error);
  send_and_close(msg);
}

void Session::send_and_close(std::string_view last_bytes) {
  if (state_ == State::closed) return;
  detach_backend();
  send(last_bytes);
  if (state_ == State::closed) return;
  state_ = State::closing;
  io_.reading = false;
  auth_deadline_ = std::chrono::steady_clock::now();
  if (io_.out.empty()) close("error sent");
}

void Session::detach_backend() {
  if (backend_ != nullptr) {
    Backend* b = backend_;
    backend_ = nullptr;
    b->io.reading = true;
    endpoint_->pool->release(*b);
  } else if (state_ == State::waiting_backend) {
    endpoint_->pool->cancel_wait(*this);
  }
}

void Session::close(std::string_view why) {
  if (state_ == State::closed) return;
  log::debug("session", "session={} closed: {}", id_, why);
  detach_backend();
  state_ = State::closed;
  io_.unregister(gateway_.reactor());
  io_.fd.reset();
  gateway_.session_closed(*this);
}

}  // namespace borealis::gateway
