// See tls_client.h. Error messages carry OpenSSL's reasons and file names, nothing secret.
#include "bench/tls_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

namespace borealis::bench {
namespace {

bool is_ip_address(const std::string& host) {
  in_addr a4{};
  in6_addr a6{};
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

}  // namespace

Result<SslCtxPtr> make_client_context(SslMode mode, const std::string& ca_file) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return make_error(Errc::internal, "SSL_CTX_new: " + ssl_errors());
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    return make_error(Errc::internal, "cannot require TLS 1.2: " + ssl_errors());
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  if (mode == SslMode::verify_full) {
    if (SSL_CTX_load_verify_file(ctx.get(), ca_file.c_str()) != 1) {
      return make_error(Errc::invalid_argument, "cannot load CA file " + ca_file + ": " + ssl_errors());
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  return ctx;
}

Result<SslPtr> make_client_ssl(SSL_CTX* ctx, SslMode mode, const std::string& host, int fd) {
  ERR_clear_error();
  SslPtr ssl(SSL_new(ctx));
  if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) return make_error(Errc::internal, "SSL_new: " + ssl_errors());
  const bool ip = is_ip_address(host);
  if (mode == SslMode::verify_full) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (ok != 1) return make_error(Errc::invalid_argument, "cannot set the host to verify: " + ssl_errors());
  }
  // libpq (sslsni=1) sends SNI for host names, never for addresses.
  if (!ip && SSL_set_tlsext_host_name(ssl.get(), host.c_str()) != 1) {
    return make_error(Errc::invalid_argument, "cannot set SNI: " + ssl_errors());
  }
  SSL_set_connect_state(ssl.get());
  return ssl;
}

}  // namespace borealis::bench
