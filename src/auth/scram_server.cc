// The server side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677, channel binding
// tls-server-end-point per RFC 5929), following PostgreSQL's src/backend/libpq/auth-scram.c for what
// is accepted and what is an error. One handler per state; every failing branch moves to `failed` and
// returns. log_reason never contains a proof, key, nonce-derived secret or password.
#include "auth/scram_server.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "common/random.h"
#include "crypto/hash.h"

namespace borealis::auth {
namespace {

constexpr std::string_view kMechanism = "SCRAM-SHA-256";
constexpr std::string_view kMechanismPlus = "SCRAM-SHA-256-PLUS";
constexpr std::string_view kChannelBindingType = "tls-server-end-point";
// PostgreSQL's SCRAM_RAW_NONCE_LEN: 18 random bytes, 24 base64 characters.
constexpr std::size_t kServerNonceBytes = 18;
// Hard cap on each client SCRAM message. libpq's largest is the client-final with -PLUS over a
// certificate signed with SHA-512: about 230 bytes. 1 KiB leaves room for long user names and
// extensions while keeping a hostile client from making us parse and hash megabytes.
constexpr std::size_t kMaxClientMessageBytes = 1024;

using Step = ScramServer::Step;
using Outcome = ScramServer::Step::Outcome;

// A cursor over one SCRAM message: comma-separated "x=value" attributes.
class AttributeReader {
 public:
  explicit AttributeReader(std::string_view text) : rest_(text) {}

  bool at_end() const { return rest_.empty(); }
  char peek() const { return rest_.empty() ? '\0' : rest_.front(); }
  std::size_t remaining() const { return rest_.size(); }

  // Reads "<attr>=<value>" up to the next ',' (or the end), consuming the ',' too.
  bool read(char attr, std::string_view& value) {
    if (rest_.size() < 2 || rest_[0] != attr || rest_[1] != '=') return false;
    return read_value(value);
  }
  // Reads any attribute: a letter, '=', a value (PostgreSQL's read_any_attr).
  bool read_any(char& attr, std::string_view& value) {
    if (rest_.size() < 2 || !is_alpha(rest_[0]) || rest_[1] != '=') return false;
    attr = rest_[0];
    return read_value(value);
  }
  // A bare gs2 field up to and including ','.
  bool read_until_comma(std::string_view& value) {
    const auto comma = rest_.find(',');
    if (comma == std::string_view::npos) return false;
    value = rest_.substr(0, comma);
    rest_.remove_prefix(comma + 1);
    return true;
  }
  bool trailing_comma() const { return trailing_comma_; }

 private:
  static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  bool read_value(std::string_view& value) {
    rest_.remove_prefix(2);
    const auto comma = rest_.find(',');
    value = rest_.substr(0, comma);
    trailing_comma_ = comma != std::string_view::npos;
    rest_.remove_prefix(comma == std::string_view::npos ? rest_.size() : comma + 1);
    return true;
  }
  std::string_view rest_;
  bool trailing_comma_ = false;
};

// RFC 5802 "printable": %x21-2B / %x2D-7E, i.e. visible ASCII except ','.
bool is_printable_nonce(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x21 && c <= 0x7e && c != ','; });
}

std::string_view as_view(const Sha256Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

const char* state_name(ScramServer::State s) {
  switch (s) {
    case ScramServer::State::expect_client_first: return "expect_client_first";
    case ScramServer::State::expect_client_final: return "expect_client_final";
    case ScramServer::State::succeeded: return "succeeded";
    case ScramServer::State::failed: return "failed";
  }
  return "unknown";
}

}  // namespace

struct ScramServer::Impl {
  ScramVerifier verifier;
  bool mock = false;
  std::string channel_binding_data;  // tls-server-end-point hash; empty without TLS
  State state = State::expect_client_first;
  std::string server_nonce_override;  // tests only

  bool channel_binding_in_use = false;
  std::string gs2_header;         // e.g. "n,,", "y,,", "p=tls-server-end-point,,"
  std::string client_first_bare;  // "n=...,r=..."
  std::string server_first;
  std::string full_nonce;         // client nonce + server nonce

  bool plus_offered() const { return !channel_binding_data.empty(); }

  Step protocol_error(std::string reason) {
    state = State::failed;
    Step s;
    s.outcome = Outcome::protocol_error;
    s.log_reason = std::move(reason);
    return s;
  }
  Step auth_failure(std::string reason) {
    state = State::failed;
    Step s;
    s.outcome = Outcome::fail;
    s.log_reason = std::move(reason);
    return s;
  }

  Step handle_client_first(std::string_view mechanism, std::string_view message);
  Step handle_client_final(std::string_view message);
};

Step ScramServer::Impl::handle_client_first(std::string_view mechanism, std::string_view message) {
  // PostgreSQL's scram_init: -PLUS is valid only where it was offered.
  if (mechanism == kMechanismPlus && plus_offered()) {
    channel_binding_in_use = true;
  } else if (mechanism == kMechanism) {
    channel_binding_in_use = false;
  } else {
    return protocol_error("client selected an invalid SASL authentication mechanism");
  }
  if (message.size() > kMaxClientMessageBytes) return protocol_error("SCRAM client-first-message too long");
  if (message.find('\0') != std::string_view::npos) return protocol_error("malformed SCRAM message: NUL byte");

  AttributeReader in(message);
  // gs2-cbind-flag, with PostgreSQL's read_client_first_message rules.
  switch (in.peek()) {
    case 'n': {
      if (channel_binding_in_use) {
        return protocol_error("malformed SCRAM message: client selected SCRAM-SHA-256-PLUS without channel binding data");
      }
      std::string_view flag;
      if (!in.read_until_comma(flag) || flag != "n") return protocol_error("malformed SCRAM message: bad gs2 header");
      break;
    }
    case 'y': {
      if (channel_binding_in_use) {
        return protocol_error("malformed SCRAM message: client selected SCRAM-SHA-256-PLUS without channel binding data");
      }
      // The client supports channel binding but believes we do not: someone stripped -PLUS from our
      // mechanism list (a downgrade attack), since we offer it whenever we have end-point data.
      if (plus_offered()) return protocol_error("SCRAM channel binding negotiation error");
      std::string_view flag;
      if (!in.read_until_comma(flag) || flag != "y") return protocol_error("malformed SCRAM message: bad gs2 header");
      break;
    }
    case 'p': {
      if (!channel_binding_in_use) {
        return protocol_error("malformed SCRAM message: client selected SCRAM-SHA-256 but sent channel binding data");
      }
      std::string_view type;
      if (!in.read('p', type) || !in.trailing_comma()) return protocol_error("malformed SCRAM message: bad gs2 header");
      if (type != kChannelBindingType) return protocol_error("unsupported SCRAM channel-binding type");
      break;
    }
    default:
      return protocol_error("malformed SCRAM message: unexpected channel-binding flag");
  }
  // authzid: PostgreSQL does not support it, and the startup packet's user is what counts.
  if (in.peek() == 'a') return protocol_error("client uses authorization identity, but it is not supported");
  if (in.peek() != ',') return protocol_error("malformed SCRAM message: bad gs2 header");
  std::string_view skipped;
  (void)in.read_until_comma(skipped);
  gs2_header = std::string(message.substr(0, message.size() - in.remaining()));
  client_first_bare = std::string(message.substr(gs2_header.size()));

  if (in.peek() == 'm') return protocol_error("client requires an unsupported SCRAM extension");
  // n=<user>: ignored, like PostgreSQL (libpq sends it empty); the startup packet's user counts.
  std::string_view user;
  if (!in.read('n', user) || !in.trailing_comma()) return protocol_error("malformed SCRAM message: expected attribute n");
  std::string_view client_nonce;
  if (!in.read('r', client_nonce)) return protocol_error("malformed SCRAM message: expected attribute r");
  if (!is_printable_nonce(client_nonce)) return protocol_error("malformed SCRAM message: bad client nonce");
  // Optional extensions after the nonce are ignored, as PostgreSQL does; they must still parse.
  const bool more = in.trailing_comma();
  if (more && in.at_end()) return protocol_error("malformed SCRAM message: trailing ','");
  while (!in.at_end()) {
    char attr = 0;
    std::string_view ignored;
    if (!in.read_any(attr, ignored)) return protocol_error("malformed SCRAM message: bad attribute");
    if (in.trailing_comma() && in.at_end()) return protocol_error("malformed SCRAM message: trailing ','");
  }

  std::string server_nonce = server_nonce_override;
  if (server_nonce.empty()) {
    std::array<std::uint8_t, kServerNonceBytes> raw{};
    random::fill(raw);
    server_nonce = crypto::base64_encode({reinterpret_cast<const char*>(raw.data()), raw.size()});
  }
  full_nonce = std::string(client_nonce) + server_nonce;
  server_first = "r=" + full_nonce + ",s=" + crypto::base64_encode(verifier.salt) +
                 ",i=" + std::to_string(verifier.iterations);
  state = State::expect_client_final;
  Step s;
  s.outcome = Outcome::send_continue;
  s.message = server_first;
  return s;
}

Step ScramServer::Impl::handle_client_final(std::string_view message) {
  if (message.size() > kMaxClientMessageBytes) return protocol_error("SCRAM client-final-message too long");
  if (message.find('\0') != std::string_view::npos) return protocol_error("malformed SCRAM message: NUL byte");

  AttributeReader in(message);
  std::string_view channel_binding;
  if (!in.read('c', channel_binding) || !in.trailing_comma()) {
    return protocol_error("malformed SCRAM message: expected attribute c");
  }
  auto cbind_input = crypto::base64_decode(channel_binding);
  if (!cbind_input) return protocol_error("malformed SCRAM message: c is not base64");
  // c= must repeat our gs2 header exactly, plus the end-point hash when -PLUS is in use. For -PLUS a
  // mismatch means the client saw a different certificate (a man in the middle); PostgreSQL reports
  // that as a protocol violation, and so do we.
  std::string expected = gs2_header;
  if (channel_binding_in_use) {
    expected += channel_binding_data;
    if (!crypto::constant_time_equal(*cbind_input, expected)) return protocol_error("SCRAM channel binding check failed");
  } else if (*cbind_input != expected) {
    return protocol_error("unexpected SCRAM channel-binding attribute in client-final-message");
  }

  std::string_view nonce;
  if (!in.read('r', nonce) || !in.trailing_comma()) return protocol_error("malformed SCRAM message: expected attribute r");
  // Skip optional extensions up to p=, remembering where ",p=" starts: the AuthMessage ends there.
  std::size_t proof_start = 0;
  std::string_view proof_b64;
  while (true) {
    if (in.at_end()) return protocol_error("malformed SCRAM message: missing proof");
    proof_start = message.size() - in.remaining() - 1;  // the ',' before this attribute
    char attr = 0;
    if (!in.read_any(attr, proof_b64)) return protocol_error("malformed SCRAM message: bad attribute");
    if (attr == 'p') break;
    if (!in.trailing_comma()) return protocol_error("malformed SCRAM message: missing proof");
  }
  if (in.trailing_comma() || !in.at_end()) {
    return protocol_error("malformed SCRAM message: garbage at the end of client-final-message");
  }
  auto proof = crypto::base64_decode(proof_b64);
  if (!proof || proof->size() != std::tuple_size_v<Sha256Digest>) {
    return protocol_error("malformed SCRAM message: malformed proof in client-final-message");
  }
  // PostgreSQL's verify_final_nonce: a wrong nonce is an authentication failure, not a protocol error.
  if (!crypto::constant_time_equal(nonce, full_nonce)) return auth_failure("SCRAM nonce mismatch");

  const std::string auth_message =
      client_first_bare + "," + server_first + "," + std::string(message.substr(0, proof_start));
  const crypto::Digest32 client_signature = crypto::hmac_sha256(as_view(verifier.stored_key), auth_message);
  crypto::Digest32 client_key{};
  for (std::size_t i = 0; i < client_key.size(); ++i) {
    client_key[i] = static_cast<std::uint8_t>(static_cast<std::uint8_t>((*proof)[i]) ^ client_signature[i]);
  }
  // Computed for mock exchanges too, so both paths do the same work before failing.
  const bool proof_ok =
      crypto::constant_time_equal(crypto::as_view(crypto::sha256(crypto::as_view(client_key))), as_view(verifier.stored_key));
  if (mock) return auth_failure("mock SCRAM exchange (no usable verifier for this role)");
  if (!proof_ok) return auth_failure("SCRAM proof does not match (wrong password)");

  const crypto::Digest32 server_signature = crypto::hmac_sha256(as_view(verifier.server_key), auth_message);
  state = State::succeeded;
  Step s;
  s.outcome = Outcome::send_final;
  s.message = "v=" + crypto::base64_encode(crypto::as_view(server_signature));
  return s;
}

ScramServer::ScramServer(ScramVerifier verifier, bool mock, std::string tls_server_end_point)
    : impl_(std::make_unique<Impl>()) {
  impl_->verifier = std::move(verifier);
  impl_->mock = mock;
  impl_->channel_binding_data = std::move(tls_server_end_point);
}

ScramServer::~ScramServer() = default;
ScramServer::ScramServer(ScramServer&&) noexcept = default;
ScramServer& ScramServer::operator=(ScramServer&&) noexcept = default;

void ScramServer::set_server_nonce_for_testing(std::string nonce) { impl_->server_nonce_override = std::move(nonce); }

std::vector<std::string> ScramServer::mechanisms() const {
  // PostgreSQL lists -PLUS first when it can do channel binding, and only then.
  if (impl_->plus_offered()) return {std::string(kMechanismPlus), std::string(kMechanism)};
  return {std::string(kMechanism)};
}

ScramServer::State ScramServer::state() const { return impl_->state; }

Step ScramServer::on_client_first(std::string_view mechanism, std::string_view client_first) {
  if (impl_->state != State::expect_client_first) {
    return impl_->protocol_error(std::string("unexpected SCRAM client-first-message in state ") +
                                 state_name(impl_->state));
  }
  return impl_->handle_client_first(mechanism, client_first);
}

Step ScramServer::on_client_final(std::string_view client_final) {
  if (impl_->state != State::expect_client_final) {
    return impl_->protocol_error(std::string("unexpected SCRAM client-final-message in state ") +
                                 state_name(impl_->state));
  }
  return impl_->handle_client_final(client_final);
}

}  // namespace borealis::auth
