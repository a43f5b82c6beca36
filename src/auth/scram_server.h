// The server side of one SCRAM-SHA-256[-PLUS] exchange: explicit states, one handler per message.
// It never sees the password, only the verifier. A mock exchange (unknown role) behaves identically
// on the wire and always fails at the final proof, with the same error as a wrong password.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/scram.h"
#include "common/result.h"

namespace borealis::auth {

class ScramServer {
 public:
  enum class State { expect_client_first, expect_client_final, succeeded, failed };

  struct Step {
    enum class Outcome {
      send_continue,  // send AuthenticationSASLContinue(message), wait for the next client message
      send_final,     // send AuthenticationSASLFinal(message); the proof verified
      fail,           // authentication failed: send the client FATAL 28P01 (same text for every reason)
      protocol_error  // malformed client message: FATAL 08P01 with `log_reason` as message
    } outcome = Outcome::fail;
    std::string message;     // server-first or server-final message
    std::string log_reason;  // why, for the server log only (never shown to the client on `fail`)
  };

  // `tls_server_end_point`: the tls-server-end-point channel binding data (hash of the server
  // certificate) when the connection is TLS, empty otherwise (then -PLUS is not offered).
  ScramServer(ScramVerifier verifier, bool mock, std::string tls_server_end_point);
  ~ScramServer();
  ScramServer(ScramServer&&) noexcept;
  ScramServer& operator=(ScramServer&&) noexcept;

  // FOR TESTS ONLY (RFC 7677 test vector): replaces the 18 random bytes' base64 that the server
  // appends to the client nonce. Call before on_client_first; `nonce` must be printable SCRAM
  // characters without ','. Production code never calls this: a predictable nonce enables replay.
  void set_server_nonce_for_testing(std::string nonce);

  // Mechanisms to offer in AuthenticationSASL, preferred first.
  std::vector<std::string> mechanisms() const;
  State state() const;

  // SASLInitialResponse: mechanism name and client-first-message.
  Step on_client_first(std::string_view mechanism, std::string_view client_first);
  // SASLResponse: client-final-message.
  Step on_client_final(std::string_view client_final);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::auth
