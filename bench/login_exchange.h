// One login as pgbench -C does it, after the transport is set up: StartupMessage, authentication
// (cleartext password — an IAM token — or SCRAM-SHA-256[-PLUS]), ReadyForQuery, one simple Query,
// Terminate. Pure protocol, no I/O: the caller feeds whole frames and writes out what it is given.
// Never puts the password into an error.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "bench/scram_client.h"
#include "common/secret.h"
#include "pgwire/frame.h"

namespace borealis::bench {

class LoginExchange {
 public:
  enum class State { authenticating, awaiting_ready, querying, finished, failed };

  struct Event {
    enum class Kind {
      none,       // keep reading (anything appended to `out` must be sent first)
      logged_in,  // first ReadyForQuery: the login is complete and the query is in `out`
      finished,   // the query's ReadyForQuery arrived; Terminate is in `out`
      failed,     // see `error`; close the connection
    } kind = Kind::none;
    std::string error;          // for failed: the server's ErrorResponse message or what broke
    bool server_error = false;  // the error came in an ErrorResponse
  };

  // `tls_end_point`: the server certificate's tls-server-end-point hash when `tls`.
  LoginExchange(std::string user, std::string database, Secret password, bool tls, std::string tls_end_point,
                std::string query);

  // Appends the StartupMessage.
  void start(std::string& out);
  // One frame from the server; replies are appended to `out`.
  Event on_frame(const pgwire::Frame& frame, std::string& out);
  State state() const { return state_; }

 private:
  Event on_authentication(std::string_view body, std::string& out);
  Event fail(std::string error, bool server_error = false);

  std::string user_;
  std::string database_;
  Secret password_;
  bool tls_;
  std::string tls_end_point_;
  std::string query_;
  std::unique_ptr<ScramClient> scram_;
  State state_ = State::authenticating;
};

}  // namespace borealis::bench
