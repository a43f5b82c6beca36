// The gateway's TLS server context (OpenSSL 3, TLS 1.2+) and the RFC 5929 tls-server-end-point
// channel-binding data for SCRAM-SHA-256-PLUS. No sockets and no handshakes here. Error messages name
// files and OpenSSL reasons, never key bytes.
#include "crypto/tls.h"
#include "crypto/ossl.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string_view>

namespace borealis::crypto {
namespace {

template <auto Free>
using OsslDeleter = ossl::Deleter<Free>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OsslDeleter<SSL_CTX_free>>;

constexpr const char* kKeyExchangeGroups = "X25519:P-256:X448:P-521:P-384";

Error tls_error(std::string what) {
  return make_error(Errc::invalid_argument, std::move(what) + ": " + ossl::drain_errors());
}

}  // namespace

// Exactly PostgreSQL's be_tls_get_certificate_hash (and libpq's pgtls_get_peer_certificate_hash):
// the digest is the one named by the certificate's signature algorithm, with MD5 and SHA-1 upgraded
// to SHA-256 (RFC 5929 section 4.1). A signature without a separate digest (Ed25519, RSA-PSS) has no
// defined end-point hash; then the result is empty and SCRAM-SHA-256-PLUS is simply not offered,
// where PostgreSQL would offer it and then fail the exchange.
std::string tls_server_end_point(const X509* cert) {
  int digest_nid = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &digest_nid, nullptr) != 1) return {};
  const EVP_MD* md = nullptr;
  switch (digest_nid) {
    case NID_md5:
    case NID_sha1:
      md = EVP_sha256();
      break;
    default:
      md = EVP_get_digestbynid(digest_nid);
      break;
  }
  if (md == nullptr) return {};
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, hash, &len) != 1) return {};
  return std::string(reinterpret_cast<const char*>(hash), len);
}

struct TlsServerContext::Impl {
  SslCtxPtr ctx;
  std::string server_end_point;
};

Result<TlsServerContext> TlsServerContext::from_files(const std::string& cert_chain_pem,
                                                      const std::string& key_pem) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return tls_error("SSL_CTX_new");
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) return tls_error("cannot require TLS 1.2");
  // Renegotiation is a DoS lever and PostgreSQL disables it too; compression is CRIME. No session
  // tickets in TLS 1.2 (SSL_OP_NO_TICKET), as PostgreSQL's be-secure-openssl.c.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                     SSL_OP_NO_TICKET);
  // Every login is a full handshake: libpq never resumes a session (it keeps no session between
  // connections), so the two TLS 1.3 tickets OpenSSL sends by default and the server-side session
  // cache were pure cost per login: building, encrypting and writing each ticket, a locked cache
  // insert, and a flight the client must read. bench/tls_accept_bench: 352 -> 297 us of server CPU
  // per handshake, before the socket writes this also saves; through the gateway 1.23 -> 1.02 ms per
  // TLS login (docs/benchmarks.md). PostgreSQL's server turns the session cache off too.
  if (SSL_CTX_set_num_tickets(ctx.get(), 0) != 1) return tls_error("cannot turn off TLS 1.3 session tickets");
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  // Key exchange only over elliptic curves, X25519 first (what libpq's OpenSSL sends as its key share,
  // so no HelloRetryRequest). OpenSSL 3.0's default list ends in the finite-field groups up to
  // ffdhe8192, which the gateway used to accept: a client offering only that made the event loop
  // spend about 18 ms (key generation and derivation, `openssl speed ffdh8192` here) per handshake
  // instead of 0.35 ms. Every TLS 1.2+ client library supports P-256.
  if (SSL_CTX_set1_groups_list(ctx.get(), kKeyExchangeGroups) != 1) return tls_error("cannot set key exchange groups");
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_chain_pem.c_str()) != 1) {
    return tls_error("cannot load certificate chain from " + cert_chain_pem);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key_pem.c_str(), SSL_FILETYPE_PEM) != 1) {
    return tls_error("cannot load private key from " + key_pem);
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return tls_error("private key " + key_pem + " does not match certificate " + cert_chain_pem);
  }
  X509* leaf = SSL_CTX_get0_certificate(ctx.get());  // owned by ctx
  if (leaf == nullptr) return tls_error("no server certificate in " + cert_chain_pem);

  TlsServerContext out;
  out.impl_ = std::make_unique<Impl>();
  out.impl_->server_end_point = tls_server_end_point(leaf);
  out.impl_->ctx = std::move(ctx);
  ERR_clear_error();
  return out;
}

TlsServerContext::~TlsServerContext() = default;
TlsServerContext::TlsServerContext(TlsServerContext&&) noexcept = default;
TlsServerContext& TlsServerContext::operator=(TlsServerContext&&) noexcept = default;

SSL_CTX* TlsServerContext::native() const noexcept { return impl_ ? impl_->ctx.get() : nullptr; }

const std::string& TlsServerContext::server_end_point() const noexcept {
  static const std::string kNone;
  return impl_ ? impl_->server_end_point : kNone;
}

}  // namespace borealis::crypto
