#include "server/iam_login_service.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/fd.h"
#include "common/log.h"
#include "sigv4/signing_key_cache.h"
#include "store/store.h"

namespace borealis::server {
namespace {

// The gateway opens one connection (a second after a reconnect); more than this is a misbehaving peer.
constexpr std::size_t kMaxConnections = 16;
constexpr std::size_t kReadChunk = 16384;

Error sys_error(const std::string& what) { return make_error(Errc::io_error, what + ": " + std::strerror(errno)); }

struct Connection {
  UniqueFd fd;
  std::string in;
  std::string out;
};

}  // namespace

struct IamLoginService::Impl {
  IamLoginServiceOptions options;
  store::Store store;
  sigv4::SigningKeyCache cache;
  UniqueFd listener;
  UniqueFd wake;  // eventfd: stop()
  std::vector<Connection> connections;
  std::atomic<bool> stopping{false};
  std::thread thread;

  Impl(IamLoginServiceOptions o, store::Store s) : options(std::move(o)), store(std::move(s)) {}

  void run();
  void accept_peers();
  // false: close the connection.
  bool serve(Connection& c);
  bool flush(Connection& c);
};

void IamLoginService::Impl::run() {
  while (!stopping.load()) {
    std::vector<pollfd> fds;
    fds.push_back({wake.get(), POLLIN, 0});
    fds.push_back({listener.get(), POLLIN, 0});
    for (const auto& c : connections)
      fds.push_back({c.fd.get(), static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      log::error("iam-login", "poll: {}", std::strerror(errno));
      return;
    }
    if (fds[0].revents) return;
    // Connections first: accepting may grow the vector the poll entries refer to.
    std::vector<bool> keep(connections.size(), true);
    for (std::size_t i = 0; i < connections.size(); ++i) {
      const short ev = fds[i + 2].revents;
      if (ev & POLLOUT) keep[i] = flush(connections[i]);
      if (keep[i] && (ev & (POLLIN | POLLHUP | POLLERR))) keep[i] = serve(connections[i]);
    }
    std::size_t i = 0;
    std::erase_if(connections, [&](const Connection&) { return !keep[i++]; });
    if (fds[1].revents & POLLIN) accept_peers();
  }
}

void IamLoginService::Impl::accept_peers() {
  for (;;) {
    UniqueFd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) return;  // EAGAIN, or a peer that left already
    ucred peer{};
    socklen_t len = sizeof peer;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) continue;
    if (std::find(options.peers.begin(), options.peers.end(), peer.uid) == options.peers.end()) {
      log::warn("iam-login", "refused a connection from uid {} (pid {}): only the gateway may ask", peer.uid, peer.pid);
      continue;
    }
    if (connections.size() >= kMaxConnections) {
      log::warn("iam-login", "refused a connection from pid {}: {} already open", peer.pid, connections.size());
      continue;
    }
    connections.push_back(Connection{std::move(fd), {}, {}});
  }
}

bool IamLoginService::Impl::serve(Connection& c) {
  char buf[kReadChunk];
  for (;;) {
    ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
    if (n > 0) {
      c.in.append(buf, static_cast<std::size_t>(n));
      if (c.in.size() > auth::kMaxIamExchangeFrame + 4 + sizeof buf) break;  // decoded below; junk is refused there
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return false;
  }
  for (;;) {
    auto d = auth::decode_iam_question(c.in);
    using S = auth::IamExchangeDecode<auth::IamLoginQuestion>::Status;
    if (d.status == S::need_more) return true;
    if (d.status == S::error) {
      log::warn("iam-login", "closing a gateway connection: {}", d.error);
      return false;
    }
    c.in.erase(0, d.consumed);
    auth::IamLoginAnswer a = check_db_login(store, options.settings, cache, d.message, std::chrono::system_clock::now());
    if (!store.idle()) log::error("iam-login", "a transaction was left open while checking an IAM login");
    if (!auth::encode_iam_answer(c.out, a)) {
      a.client_message.clear();
      a.log_reason = "answer too long";
      if (!auth::encode_iam_answer(c.out, a)) return false;
    }
    if (!flush(c)) return false;
  }
}

bool IamLoginService::Impl::flush(Connection& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  return true;
}

Result<std::unique_ptr<IamLoginService>> IamLoginService::start(IamLoginServiceOptions options) {
  sockaddr_un addr{};
  if (options.socket_path.size() >= sizeof addr.sun_path) {
    return make_error(Errc::invalid_argument, "the IAM login socket path " + options.socket_path + " is longer than " +
                                                  std::to_string(sizeof addr.sun_path - 1) + " bytes; use a shorter data dir");
  }
  auto store = store::Store::open(options.store_path);
  if (!store.ok()) return std::move(store).error();
  auto impl = std::make_unique<Impl>(std::move(options), std::move(store).value());
  const IamLoginServiceOptions& o = impl->options;

  impl->listener = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!impl->listener) return sys_error("IAM login socket");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, o.socket_path.c_str(), o.socket_path.size() + 1);
  // A socket file left by a server that died; the server lock guarantees no other server uses it.
  if (::unlink(o.socket_path.c_str()) != 0 && errno != ENOENT) return sys_error("remove " + o.socket_path);
  // The directory is 0700 and the gateway's: nobody else can reach the file between bind and chmod.
  if (::bind(impl->listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    return sys_error("bind " + o.socket_path);
  if (::chmod(o.socket_path.c_str(), 0600) != 0) return sys_error("chmod " + o.socket_path);
  if (o.chown_socket && ::chown(o.socket_path.c_str(), o.owner_uid, o.owner_gid) != 0)
    return sys_error("chown " + o.socket_path);
  if (::listen(impl->listener.get(), 16) != 0) return sys_error("listen " + o.socket_path);
  impl->wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!impl->wake) return sys_error("eventfd");
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  log::info("iam-login", "answering IAM login questions on {}", o.socket_path);
  return std::unique_ptr<IamLoginService>(new IamLoginService(std::move(impl)));
}

IamLoginService::IamLoginService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

IamLoginService::~IamLoginService() { stop(); }

void IamLoginService::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->stopping.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(impl_->wake.get(), &one, sizeof one);
  impl_->thread.join();
  impl_->connections.clear();
  ::unlink(impl_->options.socket_path.c_str());
}

}  // namespace borealis::server
