// login_load: a login-rate load generator for PostgreSQL-protocol servers (the borealis gateway,
// PgBouncer, PostgreSQL itself). Like `pgbench -n -S -C`, every transaction is a new connection:
// TCP connect, SSLRequest, a full TLS handshake (verify-full against a CA file, or require), the
// StartupMessage, authentication (cleartext password / IAM token, or SCRAM-SHA-256[-PLUS]), one
// `SELECT abalance FROM pgbench_accounts WHERE aid = <random>`, Terminate, close.
//
// Why it exists next to pgbench (never instead of it): libpq builds a new SSL_CTX and loads the CA
// file for every connection, and with OpenSSL 3.0 that costs the client more CPU per login than the
// gateway spends. This program builds ONE SSL_CTX per process and shares it between connections, so
// on a small machine the client is no longer the ceiling. It never resumes TLS sessions (every login
// is a full handshake, as with libpq).
//
// The password comes from PGPASSWORD only (never argv, which other users can read) and is never
// printed. Output is one `key=value` per line, for scripts.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/login_exchange.h"
#include "bench/tls_client.h"
#include "common/fd.h"
#include "common/random.h"
#include "common/result.h"
#include "common/secret.h"
#include "crypto/tls.h"
#include "pgwire/frame.h"
#include "pgwire/messages.h"

namespace borealis::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Server messages the bench expects are tiny; anything bigger is a bug or the wrong server.
constexpr std::size_t kMaxServerMessage = 1 << 20;
constexpr int kPollTimeoutMs = 50;  // how late a thread may notice the end of the run
// At the end of the run, logins in flight are finished (and not counted) rather than dropped, as
// pgbench -T does: a server must survive clients vanishing mid-login, but measuring that is not this
// program's job. Connections still busy after this long are closed.
constexpr auto kDrainTimeout = std::chrono::seconds(5);

struct Options {
  std::string host;      // TLS server name (SNI and verify-full); the address too without hostaddr
  std::string hostaddr;  // IPv4 address to connect to
  int port = 5432;
  std::string user;
  std::string dbname;
  SslMode sslmode = SslMode::verify_full;
  std::string sslrootcert;
  int clients = 4;
  int threads = 2;
  double seconds = 10;
  int scale = 1;
};

// Per-thread tallies, merged at the end.
struct Tally {
  std::uint64_t logins = 0;  // completed login + query + Terminate cycles
  std::uint64_t errors = 0;
  std::string first_error;
  std::vector<std::uint32_t> connect_us;  // socket() to the first ReadyForQuery
};

class Connection {
 public:
  enum class Phase { idle, connecting, ssl_answer, tls_handshake, protocol };
  enum class Progress { wait_read, wait_write, done, failed };

  Connection(const Options& o, SSL_CTX* ctx, const sockaddr_in& addr, const Secret& password)
      : o_(o), ctx_(ctx), addr_(addr), password_(password) {}

  int fd() const { return fd_.get(); }
  Phase phase() const { return phase_; }
  const std::string& error() const { return error_; }
  bool server_error() const { return server_error_; }
  std::optional<Clock::duration> connect_time() const { return connect_time_; }

  Progress begin(std::mt19937_64& rng) {
    reset();
    started_ = Clock::now();
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) return failed(std::string("socket: ") + std::strerror(errno));
    int one = 1;
    (void)::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as libpq
    std::uniform_int_distribution<int> aid(1, 100000 * o_.scale);
    query_ = "SELECT abalance FROM pgbench_accounts WHERE aid = " + std::to_string(aid(rng));
    if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_) != 0 && errno != EINPROGRESS) {
      return failed(std::string("connect: ") + std::strerror(errno));
    }
    phase_ = Phase::connecting;
    return Progress::wait_write;
  }

  // Moves as far as the socket allows.
  Progress advance() {
    switch (phase_) {
      case Phase::connecting: return on_connected();
      case Phase::ssl_answer: return on_ssl_answer();
      case Phase::tls_handshake: return on_handshake();
      case Phase::protocol: return on_protocol();
      case Phase::idle: break;
    }
    return failed("advance on an idle connection");
  }

  // After done or failed: libpq's PQfinish sends close_notify when inside TLS, then closes.
  void finish() {
    if (ssl_ && phase_ == Phase::protocol) (void)SSL_shutdown(ssl_.get());
    reset();
  }

 private:
  enum class Io { ok, would_block_read, would_block_write, closed, error };

  void reset() {
    ssl_.reset();
    fd_.reset();
    in_.clear();
    out_.clear();
    exchange_.reset();
    error_.clear();
    server_error_ = false;
    connect_time_.reset();
    phase_ = Phase::idle;
  }

  Progress failed(std::string why, bool server_error = false) {
    error_ = std::move(why);
    server_error_ = server_error;
    return Progress::failed;
  }

  Progress on_connected() {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return failed(std::string("connect: ") + std::strerror(err));
    if (o_.sslmode == SslMode::disable) return start_protocol(false, {});
    pgwire::encode_ssl_request(out_);
    phase_ = Phase::ssl_answer;
    return on_ssl_answer();
  }

  Progress on_ssl_answer() {
    if (Io io = flush(); io != Io::ok) return io == Io::would_block_write ? Progress::wait_write : io_failed(io);
    char answer = 0;
    ssize_t n = ::recv(fd_.get(), &answer, 1, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return Progress::wait_read;
    if (n <= 0) return failed("connection closed after the SSLRequest");
    if (answer != 'S') return failed(std::string("server refused TLS (answer '") + answer + "')");
    auto ssl = make_client_ssl(ctx_, o_.sslmode, o_.host, fd_.get());
    if (!ssl) return failed(ssl.error().message);
    ssl_ = std::move(*ssl);
    phase_ = Phase::tls_handshake;
    return on_handshake();
  }

  Progress on_handshake() {
    ERR_clear_error();
    const int rc = SSL_connect(ssl_.get());
    if (rc != 1) {
      switch (SSL_get_error(ssl_.get(), rc)) {
        case SSL_ERROR_WANT_READ: return Progress::wait_read;
        case SSL_ERROR_WANT_WRITE: return Progress::wait_write;
        default: {
          std::string why = "TLS handshake: " + ssl_errors();
          if (const long v = SSL_get_verify_result(ssl_.get()); v != X509_V_OK) {
            why += std::string(" (certificate: ") + X509_verify_cert_error_string(v) + ")";
          }
          return failed(why);
        }
      }
    }
    const X509* peer = SSL_get0_peer_certificate(ssl_.get());
    return start_protocol(true, peer ? crypto::tls_server_end_point(peer) : std::string());
  }

  Progress start_protocol(bool tls, std::string end_point) {
    exchange_.emplace(o_.user, o_.dbname, password_, tls, std::move(end_point), query_);
    exchange_->start(out_);
    phase_ = Phase::protocol;
    return on_protocol();
  }

  Progress on_protocol() {
    for (;;) {
      if (Io io = flush(); io != Io::ok) return io == Io::would_block_write ? Progress::wait_write : io_failed(io);
      if (exchange_->state() == LoginExchange::State::finished) return Progress::done;
      // Decode every whole frame already buffered before reading more.
      std::size_t used = 0;
      bool replied = false;
      for (;;) {
        const auto d = pgwire::decode_frame(std::string_view(in_).substr(used), kMaxServerMessage);
        if (d.status == pgwire::FrameDecode::Status::error) return failed("bad frame: " + d.error.message);
        if (d.status == pgwire::FrameDecode::Status::need_more) break;
        used += d.consumed;
        const auto event = exchange_->on_frame(d.frame, out_);
        if (event.kind == LoginExchange::Event::Kind::failed) return failed(event.error, event.server_error);
        if (event.kind == LoginExchange::Event::Kind::logged_in) connect_time_ = Clock::now() - started_;
        if (!out_.empty()) replied = true;
      }
      in_.erase(0, used);
      if (replied) continue;  // flush first; a reply can finish the exchange
      Io io = read_more();
      if (io == Io::ok) continue;
      if (io == Io::would_block_read) return Progress::wait_read;
      if (io == Io::would_block_write) return Progress::wait_write;
      return io_failed(io);
    }
  }

  Progress io_failed(Io io) {
    if (io == Io::closed) return failed("server closed the connection");
    return failed(io_error_.empty() ? "I/O error" : io_error_);
  }

  Io classify_ssl(int rc) {
    switch (SSL_get_error(ssl_.get(), rc)) {
      case SSL_ERROR_WANT_READ: return Io::would_block_read;
      case SSL_ERROR_WANT_WRITE: return Io::would_block_write;
      case SSL_ERROR_ZERO_RETURN: return Io::closed;
      case SSL_ERROR_SYSCALL:
        if (errno == 0) return Io::closed;
        io_error_ = std::strerror(errno);
        return Io::error;
      default:
        io_error_ = "TLS: " + ssl_errors();
        return Io::error;
    }
  }

  Io flush() {
    while (!out_.empty()) {
      std::size_t put = 0;
      if (ssl_) {
        ERR_clear_error();
        const int rc = SSL_write_ex(ssl_.get(), out_.data(), out_.size(), &put);
        if (rc != 1) return classify_ssl(rc);
      } else {
        const ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL);
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::would_block_write;
          io_error_ = std::strerror(errno);
          return Io::error;
        }
        put = static_cast<std::size_t>(n);
      }
      out_.erase(0, put);
    }
    return Io::ok;
  }

  Io read_more() {
    char buf[16384];
    std::size_t got = 0;
    if (ssl_) {
      ERR_clear_error();
      const int rc = SSL_read_ex(ssl_.get(), buf, sizeof buf, &got);
      if (rc != 1) return classify_ssl(rc);
    } else {
      const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
      if (n == 0) return Io::closed;
      if (n < 0) {
        if (errno == EINTR) return Io::ok;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::would_block_read;
        io_error_ = std::strerror(errno);
        return Io::error;
      }
      got = static_cast<std::size_t>(n);
    }
    in_.append(buf, got);
    return Io::ok;
  }

  const Options& o_;
  SSL_CTX* ctx_;
  sockaddr_in addr_;
  const Secret& password_;
  UniqueFd fd_;
  SslPtr ssl_;  // declared after fd_: freed first
  std::string in_, out_, query_;
  std::optional<LoginExchange> exchange_;
  Phase phase_ = Phase::idle;
  Clock::time_point started_;
  std::optional<Clock::duration> connect_time_;
  std::string error_, io_error_;
  bool server_error_ = false;
};

// One thread: its share of the connections, multiplexed with poll() (as pgbench's -j threads do).
void run_thread(const Options& o, SSL_CTX* ctx, const sockaddr_in& addr, const Secret& password, int connections,
                Clock::time_point deadline, Tally& tally) {
  std::mt19937_64 rng(random::u32());
  std::vector<std::unique_ptr<Connection>> conns;
  std::vector<Connection::Progress> waiting;
  for (int i = 0; i < connections; ++i) conns.push_back(std::make_unique<Connection>(o, ctx, addr, password));
  auto settle = [&](std::size_t i, Connection::Progress p) {
    // A finished or failed login is tallied and the next one started at once, like pgbench -C.
    while (p == Connection::Progress::done || p == Connection::Progress::failed) {
      Connection& c = *conns[i];
      const bool in_time = Clock::now() < deadline;
      if (!in_time) {
        // Draining: not counted.
      } else if (p == Connection::Progress::done) {
        ++tally.logins;
        if (auto t = c.connect_time()) {
          tally.connect_us.push_back(
              static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(*t).count()));
        }
      } else {
        ++tally.errors;
        if (tally.first_error.empty()) tally.first_error = c.error();
      }
      c.finish();
      if (!in_time) {
        p = Connection::Progress::wait_read;  // parked: idle, never polled again
        break;
      }
      p = c.begin(rng);
    }
    waiting[i] = p;
  };
  waiting.resize(conns.size());
  for (std::size_t i = 0; i < conns.size(); ++i) settle(i, conns[i]->begin(rng));

  std::vector<pollfd> fds(conns.size());
  for (;;) {
    const auto now = Clock::now();
    const bool busy = std::any_of(conns.begin(), conns.end(),
                                  [](const auto& c) { return c->phase() != Connection::Phase::idle; });
    if (now >= deadline + kDrainTimeout || (now >= deadline && !busy)) break;
    for (std::size_t i = 0; i < conns.size(); ++i) {
      fds[i].fd = conns[i]->phase() == Connection::Phase::idle ? -1 : conns[i]->fd();
      fds[i].events = waiting[i] == Connection::Progress::wait_write ? POLLOUT : POLLIN;
      fds[i].revents = 0;
    }
    const int n = ::poll(fds.data(), fds.size(), kPollTimeoutMs);
    if (n < 0 && errno != EINTR) {
      ++tally.errors;
      if (tally.first_error.empty()) tally.first_error = std::string("poll: ") + std::strerror(errno);
      return;
    }
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (fds[i].fd >= 0 && fds[i].revents != 0) settle(i, conns[i]->advance());
    }
  }
}

double percentile_ms(std::vector<std::uint32_t>& sorted_us, double p) {
  if (sorted_us.empty()) return 0;
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted_us.size() - 1) + 0.5);
  return sorted_us[std::min(rank, sorted_us.size() - 1)] / 1000.0;
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

Result<sockaddr_in> resolve(const Options& o) {
  const std::string& name = o.hostaddr.empty() ? o.host : o.hostaddr;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res); rc != 0) {
    return make_error(Errc::invalid_argument, "cannot resolve " + name + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(res, &freeaddrinfo);
  sockaddr_in addr{};
  std::memcpy(&addr, res->ai_addr, sizeof addr);
  addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
  return addr;
}

int run(const Options& o) {
  const char* env_password = std::getenv("PGPASSWORD");
  if (env_password == nullptr) {
    std::fprintf(stderr, "login_load: set PGPASSWORD (the password or IAM token is never taken from argv)\n");
    return 2;
  }
  const Secret password{std::string(env_password)};
  auto addr = resolve(o);
  if (!addr) {
    std::fprintf(stderr, "login_load: %s\n", addr.error().message.c_str());
    return 2;
  }
  SslCtxPtr ctx;
  if (o.sslmode != SslMode::disable) {
    auto made = make_client_context(o.sslmode, o.sslrootcert);
    if (!made) {
      std::fprintf(stderr, "login_load: %s\n", made.error().message.c_str());
      return 2;
    }
    ctx = std::move(*made);
  }

  const int threads = std::clamp(o.threads, 1, o.clients);
  std::vector<Tally> tallies(static_cast<std::size_t>(threads));
  const double cpu_before = cpu_seconds();
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      const int share = o.clients / threads + (t < o.clients % threads ? 1 : 0);
      workers.emplace_back(run_thread, std::cref(o), ctx.get(), std::cref(*addr), std::cref(password), share,
                           deadline, std::ref(tallies[static_cast<std::size_t>(t)]));
    }
  }
  // The rate is over the measured window; logins finished while draining are not counted.
  const double elapsed = std::chrono::duration<double>(deadline - start).count();
  const double cpu = cpu_seconds() - cpu_before;

  Tally all;
  for (auto& t : tallies) {
    all.logins += t.logins;
    all.errors += t.errors;
    if (all.first_error.empty()) all.first_error = t.first_error;
    all.connect_us.insert(all.connect_us.end(), t.connect_us.begin(), t.connect_us.end());
  }
  std::sort(all.connect_us.begin(), all.connect_us.end());
  const char* mode = o.sslmode == SslMode::disable ? "disable" : o.sslmode == SslMode::require ? "require" : "verify-full";
  std::printf("login_load: clients=%d threads=%d seconds=%.1f sslmode=%s user=%s dbname=%s\n", o.clients, threads,
              elapsed, mode, o.user.c_str(), o.dbname.c_str());
  std::printf("logins=%llu\n", static_cast<unsigned long long>(all.logins));
  std::printf("logins_per_second=%.1f\n", elapsed > 0 ? static_cast<double>(all.logins) / elapsed : 0.0);
  std::printf("errors=%llu\n", static_cast<unsigned long long>(all.errors));
  if (!all.first_error.empty()) std::printf("first_error=%s\n", all.first_error.c_str());
  std::printf("connect_ms_p50=%.3f connect_ms_p90=%.3f connect_ms_p99=%.3f\n", percentile_ms(all.connect_us, 50),
              percentile_ms(all.connect_us, 90), percentile_ms(all.connect_us, 99));
  std::printf("client_cpu_ms_per_login=%.3f\n", all.logins ? cpu * 1000.0 / static_cast<double>(all.logins) : 0.0);
  return all.logins > 0 ? 0 : 1;
}

}  // namespace
}  // namespace borealis::bench

int main(int argc, char** argv) {
  using borealis::bench::Options;
  using borealis::bench::SslMode;
  Options o;
  bool no_tls = false;
  CLI::App app{"login_load: new connection + login + one SELECT per transaction (password from PGPASSWORD)"};
  app.add_option("--host", o.host, "server name: TLS SNI and verify-full host check; the address too without --hostaddr")
      ->required();
  app.add_option("--hostaddr", o.hostaddr, "IPv4 address to connect to");
  app.add_option("--port", o.port);
  app.add_option("--user", o.user)->required();
  app.add_option("--dbname", o.dbname, "default: the user name");
  app.add_option("--sslmode", o.sslmode, "disable | require | verify-full (default)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, SslMode>{{"disable", SslMode::disable}, {"require", SslMode::require},
                                         {"verify-full", SslMode::verify_full}}));
  app.add_flag("--no-tls", no_tls, "same as --sslmode disable");
  app.add_option("--sslrootcert", o.sslrootcert, "CA file (PEM) for verify-full");
  app.add_option("--clients", o.clients)->check(CLI::Range(1, 10000));
  app.add_option("--threads", o.threads)->check(CLI::Range(1, 256));
  app.add_option("--seconds", o.seconds)->check(CLI::Range(0.1, 86400.0));
  app.add_option("--scale", o.scale, "pgbench scale: aid is drawn from 1..100000*scale")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);
  if (no_tls) o.sslmode = SslMode::disable;
  if (o.dbname.empty()) o.dbname = o.user;
  if (o.sslmode == SslMode::verify_full && o.sslrootcert.empty()) {
    std::fprintf(stderr, "login_load: verify-full needs --sslrootcert (or --sslmode require / --no-tls)\n");
    return 2;
  }
  return borealis::bench::run(o);
}
