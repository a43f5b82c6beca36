// The loopback HTTP/1.1 server (see server.h): one epoll thread, one Connection state machine per
// socket (reading -> writing -> reading ... -> lingering -> closed), deadlines swept on each wake-up.
// Never logs request bytes; parse-error reasons are the parser's fixed texts.
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/fd.h"
#include "common/log.h"
#include "http/response_writer.h"

namespace borealis::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kComponent = "http";
// epoll ids of the two fixed descriptors; connections count up from kFirstConnectionId.
constexpr std::uint64_t kListenId = 0;
constexpr std::uint64_t kWakeId = 1;
constexpr std::uint64_t kFirstConnectionId = 2;
// One read() per readiness event: bounds how much one client can make us buffer ahead of the parser
// (the parser refuses anything over its caps) and keeps one busy client from starving the others.
constexpr std::size_t kReadChunk = 64 * 1024;
// Accepts per wake-up, so a connection flood cannot starve the connections already open.
constexpr int kAcceptBatch = 64;
constexpr int kMaxEvents = 64;
// The loop wakes at least this often to sweep deadlines.
constexpr std::chrono::milliseconds kMaxWait{1000};
// When accept() runs out of descriptors, it is retried after this (the listening socket stays
// readable, so retrying at once would spin).
constexpr std::chrono::milliseconds kAcceptPause{100};
// After an error reply we half-close and read (discarding) what the client is still sending, so our
// reply is not destroyed by a reset (RFC 9112 9.6); bounded in time and bytes.
constexpr std::chrono::milliseconds kLingerTimeout{2000};
constexpr std::size_t kLingerMaxBytes = 4 * 1024 * 1024;
// Connections refused over the cap are logged at most this often.
constexpr std::chrono::seconds kBusyLogInterval{1};
// Longest request path put in a log line.
constexpr std::size_t kMaxLoggedPath = 100;

enum class State { reading, writing, lingering, closed };

struct Connection {
  std::uint64_t id = 0;
  UniqueFd fd;
  Peer peer;
  State state = State::reading;
  std::uint32_t watched = 0;  // events registered with epoll

  std::string in;
  RequestParser parser;
  std::string out;
  std::size_t out_offset = 0;
  bool close_after_write = false;
  bool continue_sent = false;
  bool peer_eof = false;
  bool served_any = false;

  Clock::time_point since;                          // accept, or the end of the last response
  std::optional<Clock::time_point> request_started;  // first byte of the request being read
  std::optional<Clock::time_point> body_started;     // end of its headers
  Clock::time_point write_progress;  // last time a send() made progress (or the response was queued)
  Clock::time_point linger_started;
  std::size_t lingered_bytes = 0;

  explicit Connection(ParserLimits limits) : parser(limits) {}
};

Peer peer_of(const sockaddr_storage& ss) {
  Peer p;
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    p.port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    p.port = ntohs(a->sin6_port);
  }
  p.ip = text;
  return p;
}

std::string errno_text(int err) { return std::strerror(err); }

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

// The bind address for a numeric host, refused unless it is loopback (127.0.0.0/8 or ::1): the API
// carries credentials in clear HTTP, so it must not be reachable from another machine.
Result<SocketAddress> loopback_address(const std::string& host, int port) {
  SocketAddress out;
  auto net_port = htons(static_cast<std::uint16_t>(port));
  bool loopback = false;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = net_port;
    out.length = sizeof(sockaddr_in);
    loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = net_port;
    out.length = sizeof(sockaddr_in6);
    loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
  } else {
    return make_error(Errc::invalid_argument,
                      "listen address '" + host + "' is not a numeric IPv4/IPv6 address (use 127.0.0.1 or ::1)");
  }
  if (!loopback) {
    return make_error(Errc::invalid_argument,
                      "refusing to listen on " + host + ": the API listens on loopback only (127.0.0.0/8 or ::1)");
  }
  return out;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  UniqueFd listen_fd;
  UniqueFd wake_fd;
  UniqueFd epoll_fd;
  int port = 0;
  Handler handler;
  std::thread thread;
  bool started = false;
  bool stopped = false;

  // Owned by the server thread while it runs.
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::uint64_t next_id = kFirstConnectionId;
  Clock::time_point last_refusal_log;
  std::size_t refused_unlogged = 0;
  bool accept_paused = false;
  Clock::time_point accept_resume_at;

  void run();
  void accept_all(Clock::time_point now);
  void on_event(Connection& c, std::uint32_t events, Clock::time_point now);
  void on_readable(Connection& c, Clock::time_point now);
  std::size_t buffered_input() const;
  void reply_and_close(Connection& c, int status, std::string_view reason, Clock::time_point now);
  void process(Connection& c, Clock::time_point now);
  Response call_handler(const Request& request, const Peer& peer);
  void queue(Connection& c, std::string bytes, Clock::time_point now);
  void flush(Connection& c, Clock::time_point now);
  void begin_linger(Connection& c, Clock::time_point now);
  void linger_read(Connection& c);
  void watch(Connection& c, std::uint32_t events);
  void close(Connection& c);
  Clock::time_point deadline(const Connection& c) const;
  void set_listen_watched(bool on);
};

Result<Server> Server::listen(std::string host, int port, ServerOptions options) {
  if (port < 0 || port > 65535) {
    return make_error(Errc::invalid_argument, "port must be 0..65535, got " + std::to_string(port));
  }
  const ParserLimits& l = options.limits;
  if (options.max_buffered_input < l.max_request_line + l.max_header_block + l.max_body) {
    return make_error(Errc::invalid_argument, "max_buffered_input must hold one whole request");
  }
  auto address = loopback_address(host, port);
  if (!address) return std::move(address).error();
  const sockaddr_storage& ss = address->storage;

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->listen_fd.reset(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!impl->listen_fd) return make_error(Errc::io_error, "socket: " + errno_text(errno));
  int one = 1;
  ::setsockopt(impl->listen_fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ss.ss_family == AF_INET6) ::setsockopt(impl->listen_fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(impl->listen_fd.get(), reinterpret_cast<const sockaddr*>(&ss), address->length) != 0) {
    return make_error(Errc::io_error, "bind " + host + ":" + std::to_string(port) + ": " + errno_text(errno));
  }
  if (::listen(impl->listen_fd.get(), SOMAXCONN) != 0) {
    return make_error(Errc::io_error, "listen: " + errno_text(errno));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  if (::getsockname(impl->listen_fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0) {
    return make_error(Errc::io_error, "getsockname: " + errno_text(errno));
  }
  impl->port = peer_of(bound).port;

  impl->wake_fd.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!impl->wake_fd) return make_error(Errc::io_error, "eventfd: " + errno_text(errno));
  impl->epoll_fd.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!impl->epoll_fd) return make_error(Errc::io_error, "epoll_create1: " + errno_text(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenId;
  if (::epoll_ctl(impl->epoll_fd.get(), EPOLL_CTL_ADD, impl->listen_fd.get(), &ev) != 0) {
    return make_error(Errc::io_error, "epoll_ctl: " + errno_text(errno));
  }
  ev.data.u64 = kWakeId;
  if (::epoll_ctl(impl->epoll_fd.get(), EPOLL_CTL_ADD, impl->wake_fd.get(), &ev) != 0) {
    return make_error(Errc::io_error, "epoll_ctl: " + errno_text(errno));
  }
  return Server(std::move(impl));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&& other) noexcept {
  if (this != &other) {
    stop();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
Server::~Server() { stop(); }

int Server::port() const { return impl_ ? impl_->port : 0; }

Status Server::start(Handler handler) {
  if (!impl_) return make_error(Errc::invalid_argument, "start on a moved-from http::Server");
  if (impl_->started || impl_->stopped) return make_error(Errc::invalid_argument, "http::Server already started");
  if (!handler) return make_error(Errc::invalid_argument, "http::Server needs a handler");
  impl_->handler = std::move(handler);
  impl_->started = true;
  Impl* impl = impl_.get();
  impl_->thread = std::thread([impl] { impl->run(); });
  return ok_status();
}

void Server::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->thread.joinable()) {
    std::uint64_t one = 1;
    // The eventfd counter cannot overflow from one write; a failure here would mean a closed fd.
    [[maybe_unused]] ssize_t n = ::write(impl_->wake_fd.get(), &one, sizeof one);
    impl_->thread.join();
  }
  impl_->connections.clear();
  impl_->listen_fd.reset();
  impl_->epoll_fd.reset();
  impl_->wake_fd.reset();
}

void Server::Impl::run() {
  std::array<epoll_event, kMaxEvents> events{};
  while (true) {
    Clock::time_point now = Clock::now();
    Clock::time_point wake_at = now + kMaxWait;
    for (const auto& [id, c] : connections) wake_at = std::min(wake_at, deadline(*c));
    if (accept_paused) wake_at = std::min(wake_at, accept_resume_at);
    // Rounded up, so a deadline a fraction of a millisecond away does not spin with timeout 0.
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake_at - now).count();
    int timeout = wait <= 0 ? 0 : static_cast<int>(wait);

    int n = ::epoll_wait(epoll_fd.get(), events.data(), kMaxEvents, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      log::error(kComponent, "epoll_wait failed: {}; the API server stops", errno_text(errno));
      return;
    }
    now = Clock::now();
    for (int i = 0; i < n; ++i) {
      std::uint64_t id = events[static_cast<std::size_t>(i)].data.u64;
      if (id == kWakeId) return;
      if (id == kListenId) {
        accept_all(now);
        continue;
      }
      auto it = connections.find(id);
      if (it == connections.end()) continue;  // closed earlier in this batch
      on_event(*it->second, events[static_cast<std::size_t>(i)].events, now);
    }

    // Deadlines are judged at the time epoll_wait returned, not after the handlers ran: a client whose
    // bytes arrived while a slow handler held the thread is not at fault, and its readiness comes in
    // the next batch.
    if (accept_paused && now >= accept_resume_at) set_listen_watched(true);
    for (auto it = connections.begin(); it != connections.end();) {
      Connection& c = *it->second;
      if (c.state != State::closed && now >= deadline(c)) {
        log::debug(kComponent, "peer={}:{} timed out in state {}", c.peer.ip, c.peer.port, static_cast<int>(c.state));
        close(c);
      }
      if (c.state == State::closed) {
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void Server::Impl::set_listen_watched(bool on) {
  epoll_event ev{};
  ev.events = on ? static_cast<std::uint32_t>(EPOLLIN) : 0u;
  ev.data.u64 = kListenId;
  ::epoll_ctl(epoll_fd.get(), EPOLL_CTL_MOD, listen_fd.get(), &ev);
  accept_paused = !on;
}

void Server::Impl::accept_all(Clock::time_point now) {
  for (int i = 0; i < kAcceptBatch; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    UniqueFd fd(::accept4(listen_fd.get(), reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      if (err == EINTR || err == ECONNABORTED || err == EPROTO) continue;
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        log::warn(kComponent, "accept: {}; pausing accepts for {} ms", errno_text(err), kAcceptPause.count());
        set_listen_watched(false);
        accept_resume_at = now + kAcceptPause;
        return;
      }
      log::error(kComponent, "accept: {}", errno_text(err));
      return;
    }
    Peer peer = peer_of(ss);
    std::size_t open = 0;
    for (const auto& [id, c] : connections) open += c->state != State::closed ? 1 : 0;
    if (open >= options.max_connections) {
      // Best effort: one non-blocking send of a short 503, then close.
      std::string busy = write_response(text_response(503, "too many connections"), WriteOptions{.close = true});
      [[maybe_unused]] ssize_t n = ::send(fd.get(), busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      // A flood must not become a flood of log lines: one line per kBusyLogInterval.
      ++refused_unlogged;
      if (now - last_refusal_log >= kBusyLogInterval) {
        log::warn(kComponent, "refused {} connection(s) with 503 (latest peer={}:{}): {} connections open",
                  refused_unlogged, peer.ip, peer.port, open);
        refused_unlogged = 0;
        last_refusal_log = now;
      }
      continue;
    }
    auto c = std::make_unique<Connection>(options.limits);
    c->id = next_id++;
    c->fd = std::move(fd);
    c->peer = std::move(peer);
    c->since = now;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    if (::epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, c->fd.get(), &ev) != 0) {
      log::error(kComponent, "epoll_ctl add: {}", errno_text(errno));
      continue;
    }
    c->watched = EPOLLIN;
    connections.emplace(c->id, std::move(c));
  }
}

void Server::Impl::on_event(Connection& c, std::uint32_t events, Clock::time_point now) {
  if (events & EPOLLERR) {
    close(c);
    return;
  }
  switch (c.state) {
    case State::reading:
      if (events & (EPOLLIN | EPOLLHUP)) on_readable(c, now);
      break;
    case State::writing:
      flush(c, now);
      break;
    case State::lingering:
      linger_read(c);
      break;
    case State::closed:
      break;
  }
}

std::size_t Server::Impl::buffered_input() const {
  std::size_t total = 0;
  for (const auto& [id, c] : connections) total += c->in.size();
  return total;
}

void Server::Impl::reply_and_close(Connection& c, int status, std::string_view reason, Clock::time_point now) {
  log::info(kComponent, "peer={}:{} refused: {} {}", c.peer.ip, c.peer.port, status, reason);
  c.close_after_write = true;
  queue(c, write_response(text_response(status, reason), WriteOptions{.close = true}), now);
}

void Server::Impl::on_readable(Connection& c, Clock::time_point now) {
  // Only a connection already holding a large partial request pays for the sum.
  if (c.in.size() >= kReadChunk && buffered_input() + kReadChunk > options.max_buffered_input) {
    reply_and_close(c, 503, "server busy: too much request data buffered", now);
    return;
  }
  std::size_t old_size = c.in.size();
  c.in.resize(old_size + kReadChunk);
  ssize_t n;
  do {
    n = ::recv(c.fd.get(), c.in.data() + old_size, kReadChunk, 0);
  } while (n < 0 && errno == EINTR);
  c.in.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    close(c);
    return;
  }
  if (n == 0) c.peer_eof = true;
  if (!c.request_started && !c.in.empty()) c.request_started = now;
  process(c, now);
  // A client that went away mid-request gets nothing; one that half-closed after whole requests gets
  // its responses first (flush closes once they are written).
  if (c.state == State::reading && c.peer_eof) close(c);
}

void Server::Impl::process(Connection& c, Clock::time_point now) {
  while (c.state == State::reading) {
    ParseResult r = c.parser.parse(c.in);
    if (r.status == ParseStatus::need_more) {
      if (r.headers_complete && !c.body_started) c.body_started = now;
      if (r.awaiting_continue && !c.continue_sent && !c.peer_eof) {
        c.continue_sent = true;
        Response interim;
        interim.status = 100;
        queue(c, write_response(interim, WriteOptions{}), now);
      }
      return;
    }
    if (r.status == ParseStatus::error) {
      reply_and_close(c, r.error.status, r.error.reason, now);
      return;
    }

    ParsedRequest& p = r.parsed;
    c.in.erase(0, r.consumed);
    c.request_started.reset();
    c.body_started.reset();
    c.continue_sent = false;
    c.served_any = true;
    if (!c.in.empty()) c.request_started = now;

    Response response = call_handler(p.request, c.peer);
    bool keep = p.keep_alive;
    c.close_after_write = !keep;
    WriteOptions wo;
    wo.close = !keep;
    wo.keep_alive_header = keep && p.minor_version == 0;
    wo.head = p.request.method == "HEAD";
    queue(c, write_response(response, wo), now);
    // queue() flushed what it could; a response still pending (or a close) leaves the loop, and flush
    // comes back here once the socket drains.
  }
}

Response Server::Impl::call_handler(const Request& request, const Peer& peer) {
  std::string_view path = std::string_view(request.path).substr(0, kMaxLoggedPath);
  Clock::time_point began = Clock::now();
  Response response;
  try {
    response = handler(request, peer);
  } catch (...) {
    // The exception's text is not logged: it may quote request bytes.
    log::error(kComponent, "handler threw on {} {}; answered 500", request.method, path);
    return text_response(500, "internal error");
  }
  if (response.status < 200 || response.status > 599) {
    // 1xx would leave the client waiting for a final response; anything else is unparsable.
    log::error(kComponent, "handler returned status {} for {} {}; answered 500", response.status, request.method, path);
    return text_response(500, "internal error");
  }
  log::debug(kComponent, "peer={}:{} {} {} -> {} in {} us", peer.ip, peer.port, request.method, path, response.status,
             std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - began).count());
  return response;
}

void Server::Impl::queue(Connection& c, std::string bytes, Clock::time_point now) {
  if (c.out_offset == c.out.size()) {
    c.out = std::move(bytes);
    c.out_offset = 0;
    c.write_progress = now;
  } else {
    c.out += bytes;
  }
  flush(c, now);
}

void Server::Impl::flush(Connection& c, Clock::time_point now) {
  while (c.out_offset < c.out.size()) {
    ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_offset, c.out.size() - c.out_offset, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_offset += static_cast<std::size_t>(n);
      c.write_progress = now;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      c.state = State::writing;
      watch(c, EPOLLOUT);
      return;
    }
    close(c);  // EPIPE, ECONNRESET: the client is gone
    return;
  }
  c.out.clear();
  c.out_offset = 0;
  if (c.close_after_write) {
    begin_linger(c, now);
    return;
  }
  if (c.peer_eof && c.in.empty()) {
    close(c);
    return;
  }
  bool was_writing = c.state == State::writing;
  c.state = State::reading;
  watch(c, EPOLLIN);
  if (!c.request_started) c.since = now;
  // Pipelined requests already buffered while we were blocked on the write. (When process() called
  // us, its own loop goes on to them.)
  if (was_writing) {
    process(c, now);
    if (c.state == State::reading && c.peer_eof) close(c);
  }
}

void Server::Impl::begin_linger(Connection& c, Clock::time_point now) {
  if (c.peer_eof) {
    close(c);
    return;
  }
  ::shutdown(c.fd.get(), SHUT_WR);
  c.state = State::lingering;
  c.linger_started = now;
  c.in.clear();
  c.in.shrink_to_fit();
  watch(c, EPOLLIN);
}

void Server::Impl::linger_read(Connection& c) {
  char sink[16 * 1024];
  ssize_t n = ::recv(c.fd.get(), sink, sizeof sink, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    close(c);
    return;
  }
  c.lingered_bytes += static_cast<std::size_t>(n);
  if (c.lingered_bytes > kLingerMaxBytes) close(c);
}

void Server::Impl::watch(Connection& c, std::uint32_t events) {
  if (c.watched == events || c.state == State::closed) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = c.id;
  if (::epoll_ctl(epoll_fd.get(), EPOLL_CTL_MOD, c.fd.get(), &ev) != 0) {
    log::error(kComponent, "epoll_ctl mod: {}", errno_text(errno));
    close(c);
    return;
  }
  c.watched = events;
}

void Server::Impl::close(Connection& c) {
  if (c.state == State::closed) return;
  c.state = State::closed;
  // Closing the descriptor removes it from the epoll set; the run loop erases the Connection.
  c.fd.reset();
}

Clock::time_point Server::Impl::deadline(const Connection& c) const {
  switch (c.state) {
    case State::writing:
      return c.write_progress + options.write_timeout;
    case State::lingering:
      return c.linger_started + kLingerTimeout;
    case State::closed:
      return Clock::time_point::min();
    case State::reading:
      break;
  }
  if (c.body_started) return *c.body_started + options.body_timeout;
  if (c.request_started) return *c.request_started + options.header_timeout;
  // A new connection must send its first request within the header timeout; a kept-alive one may idle.
  return c.since + (c.served_any ? options.idle_timeout : options.header_timeout);
}

}  // namespace borealis::http
