// Byte transport over a non-blocking socket: plain, or TLS terminated by the gateway. The
// connection state machines only see read/write results; which one runs underneath is a detail.
// (GSSAPI encryption will be a third transport.)
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/result.h"

typedef struct ssl_ctx_st SSL_CTX;  // NOLINT: OpenSSL's forward declaration

namespace borealis::gateway {

enum class IoStatus { ok, would_block, closed, error };

struct IoResult {
  IoStatus status = IoStatus::ok;
  std::size_t bytes = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual IoResult read(char* buf, std::size_t len) = 0;
  virtual IoResult write(const char* buf, std::size_t len) = 0;
  // The transport blocked on the opposite direction (TLS may need to write to read, or to read to
  // write); the connection must also wait for that readiness.
  virtual bool wants_write() const { return false; }
  virtual bool wants_read() const { return false; }
  // Bytes already decrypted and buffered inside the transport (epoll cannot see them).
  virtual std::size_t buffered() const { return 0; }
  virtual bool is_tls() const { return false; }
  virtual bool is_gss_encrypted() const { return false; }
  // For TLS handshakes: ok when done, would_block while in progress.
  virtual IoResult handshake() { return {IoStatus::ok, 0}; }
  virtual std::string describe_error() const { return {}; }
};

std::unique_ptr<Transport> make_plain_transport(int fd);
// The handshake is driven by handshake() calls; `fd` stays owned by the caller.
Result<std::unique_ptr<Transport>> make_tls_server_transport(int fd, SSL_CTX* ctx);

}  // namespace borealis::gateway
