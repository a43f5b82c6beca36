// The server side of one GSSAPI (Kerberos 5) exchange: explicit states, one handler per state, no
// I/O of its own. The gateway feeds each GSSResponse token to step() and sends what it returns.
// After completion it exposes the client principal and per-message protection for gssenc.
//
// BLOCKING: step() calls gss_accept_sec_context, which reads the keytab and writes (with file
// locking) the replay cache — run it on a worker, not on the event loop. wrap()/unwrap() are
// CPU-only and may run on the event loop. One Acceptor is used by one thread at a time (it may
// move between threads between calls).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "krb/credentials.h"
#include "krb/exchange.h"

namespace borealis::krb {

class Acceptor {
 public:
  enum class State { expect_token, succeeded, failed };

  explicit Acceptor(SharedCred credentials);
  ~Acceptor();
  Acceptor(Acceptor&&) noexcept;
  Acceptor& operator=(Acceptor&&) noexcept;

  State state() const noexcept;

  // One client token. Oversized tokens (> kMaxHandshakeTokenBytes) fail before GSS sees them. A
  // failure is final: later calls fail too. Error tokens GSS may produce on failure are not
  // returned (the client gets a FATAL instead).
  Step step(std::string_view client_token);

  // Valid only in State::succeeded.
  const std::string& client_principal() const;  // "alice@TEST.BOREALIS"
  bool confidentiality_available() const;       // GSS_C_CONF_FLAG was negotiated

  Result<std::string> wrap(std::string_view plaintext, bool confidential) const;
  Result<std::string> unwrap(std::string_view token, bool require_confidentiality = true) const;
  // Largest plaintext for one confidential wrap() whose token is at most `max_token_bytes`.
  Result<std::size_t> max_wrap_plaintext(std::size_t max_token_bytes) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::krb
