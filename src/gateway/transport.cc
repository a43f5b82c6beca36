#include "gateway/transport.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace borealis::gateway {
namespace {

class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(int fd) : fd_(fd) {}
  IoResult read(char* buf, std::size_t len) override {
    for (;;) {
      ssize_t n = ::recv(fd_, buf, len, 0);
      if (n > 0) return {IoStatus::ok, static_cast<std::size_t>(n)};
      if (n == 0) return {IoStatus::closed, 0};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::would_block, 0};
      errno_ = errno;
      return {IoStatus::error, 0};
    }
  }
  IoResult write(const char* buf, std::size_t len) override {
    for (;;) {
      ssize_t n = ::send(fd_, buf, len, MSG_NOSIGNAL);
      if (n >= 0) return {IoStatus::ok, static_cast<std::size_t>(n)};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::would_block, 0};
      errno_ = errno;
      return {IoStatus::error, 0};
    }
  }
  std::string describe_error() const override { return errno_ ? std::strerror(errno_) : ""; }

 private:
  int fd_;
  int errno_ = 0;
};

struct SslFree {
  void operator()(SSL* s) const noexcept { SSL_free(s); }
};

class TlsTransport final : public Transport {
 public:
  explicit TlsTransport(SSL* ssl) : ssl_(ssl) {}

  IoResult handshake() override {
    ERR_clear_error();
    int rc = SSL_accept(ssl_.get());
    if (rc == 1) {
      want_read_ = want_write_ = false;
      return {IoStatus::ok, 0};
    }
    return classify(rc);
  }
  IoResult read(char* buf, std::size_t len) override {
    ERR_clear_error();
    std::size_t got = 0;
    int rc = SSL_read_ex(ssl_.get(), buf, len, &got);
    if (rc == 1) {
      want_read_ = want_write_ = false;
      return {IoStatus::ok, got};
    }
    return classify(rc);
  }
  IoResult write(const char* buf, std::size_t len) override {
    ERR_clear_error();
    std::size_t put = 0;
    int rc = SSL_write_ex(ssl_.get(), buf, len, &put);
    if (rc == 1) {
      want_read_ = want_write_ = false;
      return {IoStatus::ok, put};
    }
    return classify(rc);
  }
  bool wants_write() const override { return want_write_; }
  bool wants_read() const override { return want_read_; }
  std::size_t buffered() const override { return static_cast<std::size_t>(SSL_pending(ssl_.get())); }
  bool is_tls() const override { return true; }
  std::string describe_error() const override { return error_; }

 private:
  IoResult classify(int rc) {
    int err = SSL_get_error(ssl_.get(), rc);
    switch (err) {
      case SSL_ERROR_WANT_READ:
        want_read_ = true;
        want_write_ = false;
        return {IoStatus::would_block, 0};
      case SSL_ERROR_WANT_WRITE:
        want_write_ = true;
        want_read_ = false;
        return {IoStatus::would_block, 0};
      case SSL_ERROR_ZERO_RETURN:
        return {IoStatus::closed, 0};
      case SSL_ERROR_SYSCALL:
        if (errno == 0) return {IoStatus::closed, 0};  // EOF without close_notify
        error_ = std::strerror(errno);
        return {IoStatus::error, 0};
      default: {
        unsigned long e = ERR_get_error();
        char text[256];
        ERR_error_string_n(e, text, sizeof text);
        error_ = text;
        return {IoStatus::error, 0};
      }
    }
  }

  std::unique_ptr<SSL, SslFree> ssl_;
  bool want_read_ = false;
  bool want_write_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<Transport> make_plain_transport(int fd) { return std::make_unique<PlainTransport>(fd); }

Result<std::unique_ptr<Transport>> make_tls_server_transport(int fd, SSL_CTX* ctx) {
  SSL* ssl = SSL_new(ctx);
  if (!ssl) return make_error(Errc::internal, "SSL_new failed");
  std::unique_ptr<Transport> t = std::make_unique<TlsTransport>(ssl);
  if (SSL_set_fd(ssl, fd) != 1) return make_error(Errc::internal, "SSL_set_fd failed");
  SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_accept_state(ssl);
  return t;
}

}  // namespace borealis::gateway
