// The load generator's TLS client side: ONE SSL_CTX per process shared by every connection (libpq
// builds one per connection, which is what makes it CPU-bound on TLS logins), and the per-connection
// settings libpq applies: verify-full host or IP check, SNI for host names. No session is ever
// resumed. RAII for both handles; nothing here touches sockets.
#pragma once

#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "common/result.h"
#include "crypto/ossl.h"  // the crypto component's deleter and error reader, header-only

namespace borealis::bench {

enum class SslMode { disable, require, verify_full };

using SslCtxPtr = std::unique_ptr<SSL_CTX, crypto::ossl::Deleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, crypto::ossl::Deleter<SSL_free>>;

// OpenSSL's error queue as one line (drained, so it cannot be blamed on the next call).
inline std::string ssl_errors() { return crypto::ossl::drain_errors(); }

// TLS 1.2+ (libpq's default ssl_min_protocol_version), no compression or renegotiation, no session
// cache. verify_full loads `ca_file` and verifies the chain; require verifies nothing (as libpq).
Result<SslCtxPtr> make_client_context(SslMode mode, const std::string& ca_file);

// A client SSL for one connection to `host` (a name or an IP literal), in connect state.
Result<SslPtr> make_client_ssl(SSL_CTX* ctx, SslMode mode, const std::string& host, int fd);

}  // namespace borealis::bench
