// TLS for the gateway's listeners: a server context from PEM files, and the data the SCRAM
// channel binding `tls-server-end-point` needs. Hides SSL_CTX behind RAII; no sockets here.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

typedef struct ssl_ctx_st SSL_CTX;  // NOLINT: OpenSSL's own forward declarations
typedef struct x509_st X509;       // NOLINT

namespace borealis::crypto {

// RFC 5929 tls-server-end-point of a certificate: its DER hashed with the digest of its signature
// algorithm (SHA-256 when that is MD5/SHA-1), as PostgreSQL and libpq compute it. Empty when the
// signature has no separate digest (Ed25519, RSA-PSS): then there is no channel binding. Clients use
// it on the peer's certificate; the server context below computes it for its own.
std::string tls_server_end_point(const X509* cert);

class TlsServerContext {
 public:
  // Loads a certificate chain and private key (PEM). TLS 1.2+ only.
  static Result<TlsServerContext> from_files(const std::string& cert_chain_pem, const std::string& key_pem);
  ~TlsServerContext();
  TlsServerContext(TlsServerContext&&) noexcept;
  TlsServerContext& operator=(TlsServerContext&&) noexcept;

  SSL_CTX* native() const noexcept;
  // RFC 5929 tls-server-end-point: hash of the DER server certificate with the certificate's
  // signature digest (SHA-256 when that is MD5/SHA-1).
  const std::string& server_end_point() const noexcept;

 private:
  TlsServerContext() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::crypto
