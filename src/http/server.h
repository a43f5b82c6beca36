// A small HTTP/1.1 server for the control-plane API: loopback only, one thread, non-blocking sockets
// on epoll, Content-Length bodies, keep-alive and pipelining, hard caps and timeouts on everything a
// client controls. The handler runs synchronously on the server thread, one request at a time.
// It must never listen outside 127.0.0.0/8 or ::1, never let a handler's exception escape, and never
// log request bytes (they carry signatures and session tokens).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "http/message.h"
#include "http/request_parser.h"

namespace borealis::http {

// Open connections beyond this are accepted and answered 503 at once, so one client cannot exhaust
// the process's descriptors; the API's callers (the aws CLI, the console) open a few each.
inline constexpr std::size_t kMaxConnections = 256;
// From a connection's first byte (or its accept) to the end of the request headers: a slowloris
// client that trickles headers loses its connection after this.
inline constexpr std::chrono::milliseconds kHeaderTimeout{10'000};
// From the end of the headers to the end of the body (at most kMaxBody): generous for loopback.
inline constexpr std::chrono::milliseconds kBodyTimeout{30'000};
// An idle keep-alive connection between requests (botocore reuses its pool for about that long).
inline constexpr std::chrono::milliseconds kIdleTimeout{60'000};
// A client that stops reading its response loses the connection after this.
inline constexpr std::chrono::milliseconds kWriteTimeout{30'000};

// Request bytes buffered across all connections (each may hold a whole 1 MiB body): without it, 256
// clients each mid-way through a large body would hold a quarter GiB. The connection that would
// pass it is answered 503 and closed. Must exceed one whole request (max_body plus the head caps).
inline constexpr std::size_t kMaxBufferedInput = 64 * 1024 * 1024;

struct ServerOptions {
  std::size_t max_connections = kMaxConnections;
  std::size_t max_buffered_input = kMaxBufferedInput;
  std::chrono::milliseconds header_timeout = kHeaderTimeout;
  std::chrono::milliseconds body_timeout = kBodyTimeout;
  std::chrono::milliseconds idle_timeout = kIdleTimeout;
  std::chrono::milliseconds write_timeout = kWriteTimeout;
  ParserLimits limits;
};

// The client's address: "127.0.0.1" or "::1", and its port.
struct Peer {
  std::string ip;
  int port = 0;
};

// Must not throw (if it does, the client gets a 500 and the server logs it). Runs on the server thread.
using Handler = std::function<Response(const Request&, const Peer&)>;

class Server {
 public:
  // Binds and listens (not yet accepting). host is a numeric loopback address: 127.x.y.z or ::1;
  // anything else is refused with invalid_argument. Port 0 picks an ephemeral port (see port()).
  static Result<Server> listen(std::string host, int port, ServerOptions options = {});

  Server(Server&&) noexcept;
  Server& operator=(Server&&) noexcept;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // stop()

  // Starts the server thread. Fails if already started or stopped, or if the handler is empty.
  Status start(Handler handler);
  // Wakes the thread, closes the listening socket and every connection, joins. Idempotent. Never
  // from inside the handler (it runs on the thread being joined).
  void stop();
  // The bound port (the real one when listen() was given 0).
  int port() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::http
