// The client side of one SCRAM-SHA-256[-PLUS] exchange (RFC 5802, RFC 7677, RFC 5929
// tls-server-end-point), the way libpq does it, for the login load generator and its tests. Pure: no
// I/O. It derives the keys with the salt and iteration count the server sends, as libpq does, so a
// role with a 256-iteration verifier costs the client 256 PBKDF2 rounds. No message it produces or
// error it returns contains the password.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/secret.h"

namespace borealis::bench {

class ScramClient {
 public:
  enum class State { choose_mechanism, expect_server_first, expect_server_final, succeeded, failed };

  // `tls`: the connection is inside TLS. `tls_end_point`: the server certificate's
  // tls-server-end-point hash (empty when it has none); with it, -PLUS is chosen when offered, like
  // libpq's default channel_binding=prefer.
  ScramClient(Secret password, bool tls, std::string tls_end_point);

  // FOR TESTS ONLY: replaces the 18 random bytes' base64 of the client nonce. Call before
  // choose_mechanism.
  void set_nonce_for_testing(std::string nonce);

  // From AuthenticationSASL's list: returns the mechanism to name in SASLInitialResponse.
  Result<std::string> choose_mechanism(const std::vector<std::string>& offered);
  // client-first-message (gs2 header + client-first-message-bare), after choose_mechanism.
  std::string client_first() const;
  // AuthenticationSASLContinue data -> client-final-message with the proof.
  Result<std::string> on_server_first(std::string_view server_first);
  // AuthenticationSASLFinal data: the server's signature must match (mutual authentication).
  Status on_server_final(std::string_view server_final);

  State state() const { return state_; }

 private:
  Error fail(std::string why);

  Secret password_;
  bool tls_;
  std::string tls_end_point_;
  std::string nonce_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string expected_server_signature_;  // raw bytes, set by on_server_first
  State state_ = State::choose_mechanism;
};

}  // namespace borealis::bench
