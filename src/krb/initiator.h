// The client side of one GSSAPI (Kerberos 5) exchange, for tests and the benchmark client: what
// libpq does with gss_init_sec_context, using an explicit credential cache.
//
// BLOCKING: the first step() may ask the KDC for a service ticket (network, krb5.conf timeouts)
// and writes it to the ccache — never call it on an event loop.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "krb/credentials.h"
#include "krb/exchange.h"

namespace borealis::krb {

struct Target {
  enum class Kind { hostbased_service, principal } kind = Kind::hostbased_service;
  std::string name;

  // "postgres@db.example.com" (GSS_C_NT_HOSTBASED_SERVICE; what libpq builds from krbsrvname+host).
  static Target hostbased(std::string service_at_host) { return {Kind::hostbased_service, std::move(service_at_host)}; }
  // "postgres/db.example.com@REALM" (GSS_KRB5_NT_PRINCIPAL_NAME).
  static Target principal(std::string name) { return {Kind::principal, std::move(name)}; }
};

class Initiator {
 public:
  enum class State { start, expect_token, succeeded, failed };

  // Flags as libpq requests for gssenc: mutual, replay, sequence, confidentiality, integrity.
  static Result<Initiator> create(std::string_view ccache_path, const Target& target);
  ~Initiator();
  Initiator(Initiator&&) noexcept;
  Initiator& operator=(Initiator&&) noexcept;

  State state() const noexcept;

  // First call with an empty token; then each token from the server until complete/failed.
  Step step(std::string_view server_token);

  Result<std::string> wrap(std::string_view plaintext, bool confidential) const;
  Result<std::string> unwrap(std::string_view token, bool require_confidentiality = true) const;
  // Largest plaintext for one confidential wrap() whose token is at most `max_token_bytes`.
  Result<std::size_t> max_wrap_plaintext(std::size_t max_token_bytes) const;

 private:
  struct Impl;
  explicit Initiator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::krb
