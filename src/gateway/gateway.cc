#include "gateway/gateway.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fs.h"
#include "common/log.h"
#include "common/random.h"
#include "crypto/hash.h"
#include "crypto/tls.h"
#include "gateway/catalog.h"
#include "gateway/iam_client.h"
#include "gateway/kerberos.h"
#include "gateway/pool.h"
#include "gateway/session.h"
#include "pgwire/messages.h"

namespace borealis::gateway {
namespace {

constexpr int kTickMs = 250;
constexpr int kKerberosWorkers = 2;
constexpr int kConfigCheckTicks = 4;  // look at the config file once a second
constexpr int kListenBacklog = 1024;

Result<UniqueFd> listen_tcp(const std::string& address, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1)
    return make_error(Errc::invalid_argument, "not an IPv4 address: " + address);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return make_error(Errc::io_error, std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    return make_error(Errc::io_error, "bind " + address + ":" + std::to_string(port) + ": " + std::strerror(errno));
  if (::listen(fd.get(), kListenBacklog) != 0)
    return make_error(Errc::io_error, std::string("listen: ") + std::strerror(errno));
  return fd;
}

void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::string peer_name(const sockaddr_in& a) {
  char buf[INET_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(a.sin_port));
}

}  // namespace

struct Gateway::Listener final : Reactor::Handler {
  Gateway* gateway = nullptr;
  std::shared_ptr<Endpoint> endpoint;
  UniqueFd fd;
  bool paused = false;  // out of file descriptors: stop accepting for a tick
  void on_io(std::uint32_t) override { gateway->accept_clients(*this); }
};

Result<std::unique_ptr<Gateway>> Gateway::create(GatewayOptions options) {
  std::unique_ptr<Gateway> gw(new Gateway());
  gw->options_ = std::move(options);
  ::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  auto reactor = Reactor::create(kTickMs);
  if (!reactor.ok()) return std::move(reactor).error();
  gw->reactor_ = std::move(reactor).value();
  // Signals are blocked before the catalog's worker thread starts, so only the loop sees them.
  Gateway* self = gw.get();
  if (auto s = gw->reactor_->watch_signals({SIGTERM, SIGINT, SIGHUP}, [self](int sig) { self->on_signal(sig); }); !s)
    return std::move(s).error();
  gw->catalog_ = std::make_unique<Catalog>(*gw->reactor_);
  // Two workers: a slow keytab read or replay-cache lock wait on one does not stall every login.
  gw->kerberos_ = std::make_unique<KerberosService>(*gw->reactor_, kKerberosWorkers);
  gw->iam_ = std::make_unique<IamClient>(*gw->reactor_);
  gw->next_cancel_pid_ = static_cast<std::int32_t>(random::u32() % (1u << 30)) + 1;
  if (auto s = gw->load_config(); !s) return std::move(s).error();
  gw->reactor_->set_tick([self] { self->on_tick(); });
  return gw;
}

Gateway::~Gateway() {
  sessions_.clear();
  listeners_.clear();
  pools_.clear();
  iam_.reset();
  kerberos_.reset();
  catalog_.reset();
}

Status Gateway::load_config() {
  auto text = fs::read_file(options_.config_path);
  if (!text.ok()) return std::move(text).error();
  if (*text == config_text_) return ok_status();
  auto parsed = parse_gateway_config(*text);
  if (!parsed.ok()) return std::move(parsed).error();
  if (auto s = apply_config(std::move(parsed).value()); !s) return s;
  config_text_ = std::move(text).value();
  // A rewritten config may name a new keytab or principal for an endpoint (moved to another directory).
  kerberos_->forget_credentials();
  return ok_status();
}

Status Gateway::apply_config(GatewayConfig config) {
  std::unordered_map<std::string, std::unique_ptr<Listener>> next;
  for (const EndpointConfig& ec : config.endpoints) {
    auto& pool = pools_[ec.instance.id];
    if (!pool) pool = std::make_unique<Pool>(*reactor_, ec.instance);
    else pool->set_target(ec.instance);

    auto ep = std::make_shared<Endpoint>();
    ep->config = ec;
    ep->pool = pool.get();
    if (!ec.tls_cert.empty()) {
      auto tls = crypto::TlsServerContext::from_files(ec.tls_cert, ec.tls_key);
      if (!tls.ok()) {
        // Fail closed: an endpoint that should offer TLS but cannot is not served at all.
        log::error("gateway", "endpoint {}: TLS material unusable, endpoint not served: {}", ec.name, tls.error().message);
        continue;
      }
      ep->tls = std::make_shared<crypto::TlsServerContext>(std::move(tls).value());
    }
    auto old = listeners_.find(ec.name);
    if (old != listeners_.end() && old->second->endpoint->config.address == ec.address &&
        old->second->endpoint->config.port == ec.port) {
      old->second->endpoint = ep;  // same socket, new settings for new clients
      next[ec.name] = std::move(old->second);
      listeners_.erase(old);
      continue;
    }
    if (old != listeners_.end()) {  // address moved: release the old socket before binding
      reactor_->remove(old->second->fd.get());
      listeners_.erase(old);
    }
    auto fd = listen_tcp(ec.address, ec.port);
    if (!fd.ok()) {
      log::error("gateway", "endpoint {}: {}", ec.name, fd.error().message);
      continue;
    }
    auto l = std::make_unique<Listener>();
    l->gateway = this;
    l->endpoint = ep;
    l->fd = std::move(fd).value();
    if (auto s = reactor_->add(l->fd.get(), EPOLLIN, l.get()); !s) return s;
    log::info("gateway", "endpoint {} listening on {}:{} host={} tls={}", ec.name, ec.address, ec.port, ec.host,
              ep->tls ? "on" : "off");
    next[ec.name] = std::move(l);
  }
  for (auto& [name, l] : listeners_) {
    reactor_->remove(l->fd.get());
    log::info("gateway", "endpoint {} removed", name);
  }
  listeners_ = std::move(next);
  config_ = std::move(config);
  log::info("gateway", "config version {} applied: {} endpoint(s)", config_.version, listeners_.size());
  return ok_status();
}

void Gateway::accept_clients(Listener& l) {
  if (shutting_down_) return;
  for (;;) {
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept4(l.fd.get(), reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EMFILE || errno == ENFILE) {
        log::warn("gateway", "out of file descriptors; pausing accepts on {}", l.endpoint->config.name);
        reactor_->remove(l.fd.get());
        l.paused = true;
        return;
      }
      log::warn("gateway", "accept failed: {}", std::strerror(errno));
      return;
    }
    UniqueFd client(fd);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (sessions_.size() >= static_cast<std::size_t>(config_.max_clients)) {
      std::string msg;
      pgwire::encode_error_response(msg, {"FATAL", "53300", "sorry, too many clients already", "", ""});
      ssize_t n = ::send(fd, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)n;
      continue;
    }
    std::uint64_t id = next_session_id_++;
    auto session = std::make_unique<Session>(*this, l.endpoint, std::move(client), id, peer_name(peer));
    Session* s = session.get();
    sessions_.emplace(id, std::move(session));
    if (auto st = s->start(); !st) {
      log::warn("gateway", "could not start session: {}", st.error().message);
      session_closed(*s);
      continue;
    }
    register_session(*s);  // after start(): that is where its cancel key is drawn
  }
}

void Gateway::register_session(Session& s) { by_cancel_pid_[s.cancel_pid()] = &s; }

Session* Gateway::find_session(std::uint64_t id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() || it->second->state() == Session::State::closed ? nullptr : it->second.get();
}

void Gateway::session_closed(Session& s) {
  by_cancel_pid_.erase(s.cancel_pid());
  auto it = sessions_.find(s.id());
  if (it == sessions_.end()) return;
  std::shared_ptr<Session> doomed(std::move(it->second));
  sessions_.erase(it);
  reactor_->defer([doomed] {});  // it may be on the stack right now
  if (shutting_down_) finish_if_done();
}

std::int32_t Gateway::next_cancel_pid() {
  // Positive, unique among live sessions; wraps long before int32 overflow.
  for (;;) {
    std::int32_t pid = next_cancel_pid_;
    next_cancel_pid_ = next_cancel_pid_ >= (1 << 30) ? 1 : next_cancel_pid_ + 1;
    if (!by_cancel_pid_.count(pid)) return pid;
  }
}

void Gateway::forward_cancel(std::int32_t pid, std::int32_t secret) {
  auto it = by_cancel_pid_.find(pid);
  if (it == by_cancel_pid_.end()) return;
  Session* s = it->second;
  std::int32_t expected = s->cancel_secret();
  if (!crypto::constant_time_equal({reinterpret_cast<const char*>(&expected), sizeof expected},
                                   {reinterpret_cast<const char*>(&secret), sizeof secret})) {
    log::info("gateway", "cancel request with a wrong key for session pid {}", pid);
    return;
  }
  Backend* b = s->backend();
  if (b == nullptr) return;
  const InstanceTarget& t = s->endpoint().config.instance;
  std::string path = t.socket_dir + "/.s.PGSQL." + std::to_string(t.socket_port);
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // A unix-socket connect and a 16-byte write complete at once; the instance does the rest.
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd || ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    log::warn("gateway", "could not forward cancel request: {}", std::strerror(errno));
    return;
  }
  std::string msg;
  pgwire::encode_cancel_request(msg, b->pid(), b->secret());
  ssize_t n = ::send(fd.get(), msg.data(), msg.size(), MSG_NOSIGNAL);
  (void)n;
  log::info("gateway", "forwarded cancel request for session {}", s->id());
}

void Gateway::on_tick() {
  auto now = std::chrono::steady_clock::now();
  std::vector<Session*> all;
  all.reserve(sessions_.size());
  for (auto& [id, s] : sessions_) all.push_back(s.get());
  for (Session* s : all) {
    if (s->state() != Session::State::closed) s->tick(now);
  }
  for (auto& [id, pool] : pools_) {
    pool->tick(now, std::chrono::seconds(config_.pool_idle_timeout_s), std::chrono::seconds(config_.queue_timeout_s));
  }
  for (auto& [name, l] : listeners_) {
    if (l->paused && !shutting_down_) {
      l->paused = false;
      if (reactor_->add(l->fd.get(), EPOLLIN, l.get())) accept_clients(*l);
    }
  }
  if (shutting_down_) {
    if (now >= shutdown_deadline_) {
      log::info("gateway", "shutdown timeout: terminating {} session(s)", sessions_.size());
      begin_shutdown(true);
    }
    finish_if_done();
    return;
  }
  if (++ticks_ % kConfigCheckTicks == 0) {
    if (auto s = load_config(); !s) log::error("gateway", "config not applied: {}", s.error().message);
  }
}

void Gateway::on_signal(int signo) {
  switch (signo) {
    case SIGHUP:
      if (shutting_down_) break;  // a reload would re-open listeners that nobody accepts on any more
      if (auto s = load_config(); !s) log::error("gateway", "config not applied: {}", s.error().message);
      break;
    case SIGTERM:
      log::info("gateway", "SIGTERM: graceful shutdown, waiting up to {}s for {} client(s)", config_.shutdown_timeout_s,
                sessions_.size());
      begin_shutdown(false);
      break;
    case SIGINT:
      log::info("gateway", "SIGINT: fast shutdown");
      begin_shutdown(true);
      break;
    default: break;
  }
}

void Gateway::begin_shutdown(bool fast) {
  if (!shutting_down_) {
    shutting_down_ = true;
    shutdown_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(config_.shutdown_timeout_s);
    for (auto& [name, l] : listeners_) reactor_->remove(l->fd.get());
    listeners_.clear();  // new clients are refused by the kernel from now on
  }
  if (fast) {
    std::vector<Session*> all;
    for (auto& [id, s] : sessions_) all.push_back(s.get());
    for (Session* s : all) s->terminate({"FATAL", "57P01", "terminating connection due to administrator command", "", ""});
    // Clients that do not read their error get a few ticks, then the loop ends regardless.
    shutdown_deadline_ = std::min(shutdown_deadline_, std::chrono::steady_clock::now() + std::chrono::seconds(2));
  }
  finish_if_done();
}

void Gateway::finish_if_done() {
  if (sessions_.empty() || std::chrono::steady_clock::now() >= shutdown_deadline_ + std::chrono::seconds(2)) {
    for (auto& [id, pool] : pools_) pool->close_idle();
    reactor_->stop();
  }
}

int Gateway::run() {
  reactor_->run();
  log::info("gateway", "stopped");
  return 0;
}

}  // namespace borealis::gateway
