#include "gateway/iam_client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "common/fd.h"
#include "common/log.h"
#include "gateway/reactor.h"
#include "gateway/worker_pool.h"

namespace borealis::gateway {
namespace {

// An answer takes well under a millisecond; a control plane that takes seconds is as good as gone,
// and the client's own authentication timeout is running.
constexpr std::chrono::seconds kAnswerTimeout{5};

constexpr char kUnavailable[] = "IAM authentication is unavailable: the borealis control plane cannot be reached";

auth::IamLoginAnswer unavailable(std::uint64_t id, std::string why) {
  auth::IamLoginAnswer a;
  a.id = id;
  a.outcome = auth::IamLoginOutcome::unavailable;
  a.client_message = kUnavailable;
  a.log_reason = std::move(why);
  return a;
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

struct IamClient::Impl {
  explicit Impl(Reactor& r) : reactor(r) {}

  // Worker thread only: one question, one answer; on a broken connection, one retry on a new one
  // (the control plane may have restarted since the last login).
  auth::IamLoginAnswer ask(const std::string& path, const auth::IamLoginQuestion& q,
                           std::chrono::steady_clock::time_point deadline) {
    // Time spent queued behind a control plane that hangs counts: a burst of logins then fails
    // together after one timeout instead of one timeout after another.
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return unavailable(q.id, "no answer from the control plane within 5 s (queued)");
    std::string frame;
    if (!auth::encode_iam_question(frame, q)) {
      auth::IamLoginAnswer a;
      a.id = q.id;
      a.client_message = "the password is too long to be an IAM authentication token";
      a.log_reason = "token over the exchange's field limit";
      return a;
    }
    std::string why;
    // A kept connection may have been closed by a control plane that restarted since the last login:
    // then, and only then, one more try on a fresh one. A control plane that does not answer in time
    // is not asked twice; the client's connect timeout is running.
    const bool reused = conn && path == conn_path;
    for (int attempt = 0; attempt < (reused ? 2 : 1); ++attempt) {
      if (!conn || path != conn_path) {
        auto c = connect_to(path, why);
        if (!c) return unavailable(q.id, why);
        conn = std::move(*c);
        conn_path = path;
      }
      set_timeout(remaining);
      bool timed_out = false;
      if (auto a = exchange(frame, q.id, why, timed_out)) return std::move(*a);
      conn.reset();
      if (timed_out) break;
    }
    return unavailable(q.id, why);
  }

  std::optional<UniqueFd> connect_to(const std::string& path, std::string& why) {
    sockaddr_un addr{};
    if (path.empty() || path.size() >= sizeof addr.sun_path) {
      why = path.empty() ? "no IAM login socket configured" : "IAM login socket path too long";
      return std::nullopt;
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
      why = errno_text("socket");
      return std::nullopt;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      why = errno_text(("connect " + path).c_str());
      return std::nullopt;
    }
    return fd;
  }

  void set_timeout(std::chrono::milliseconds t) {
    timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
    ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  // The answer, or nullopt (with `why`) when the connection failed.
  std::optional<auth::IamLoginAnswer> exchange(const std::string& frame, std::uint64_t id, std::string& why,
                                               bool& timed_out) {
    std::string_view out = frame;
    while (!out.empty()) {
      ssize_t n = ::send(conn.get(), out.data(), out.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        why = errno_text("send to the control plane");
        return std::nullopt;
      }
      out.remove_prefix(static_cast<std::size_t>(n));
    }
    std::string in;
    char buf[4096];
    for (;;) {
      auto d = auth::decode_iam_answer(in);
      using S = auth::IamExchangeDecode<auth::IamLoginAnswer>::Status;
      if (d.status == S::ok) {
        if (d.message.id != id || d.consumed != in.size()) {
          why = "the control plane answered out of turn";
          return std::nullopt;
        }
        return std::move(d.message);
      }
      if (d.status == S::error) {
        why = "bad answer from the control plane: " + d.error;
        return std::nullopt;
      }
      ssize_t n = ::recv(conn.get(), buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        why = n == 0 ? "the control plane closed the connection"
                     : (errno == EAGAIN || errno == EWOULDBLOCK) ? "no answer from the control plane within 5 s"
                                                                 : errno_text("recv from the control plane");
        return std::nullopt;
      }
      in.append(buf, static_cast<std::size_t>(n));
    }
  }

  Reactor& reactor;
  std::uint64_t next_id = 1;  // reactor thread only
  // Worker thread only.
  UniqueFd conn;
  std::string conn_path;
  // One thread: one question at a time is plenty (each takes well under a millisecond), and `conn`
  // needs no lock. Declared last, so it stops first.
  WorkerPool worker{1};
};

IamClient::IamClient(Reactor& reactor) : impl_(std::make_unique<Impl>(reactor)) {}
IamClient::~IamClient() = default;

void IamClient::check(std::string socket_path, auth::IamLoginQuestion question, Done done) {
  Impl* impl = impl_.get();
  question.id = impl->next_id++;
  auto q = std::make_shared<auth::IamLoginQuestion>(std::move(question));
  const auto deadline = std::chrono::steady_clock::now() + kAnswerTimeout;
  impl->worker.submit([impl, path = std::move(socket_path), q, deadline, done = std::move(done)]() mutable {
    auto answer = std::make_shared<auth::IamLoginAnswer>(impl->ask(path, *q, deadline));
    q.reset();  // the token: wiped as soon as it has been asked about
    impl->reactor.post([done = std::move(done), answer]() mutable { done(std::move(*answer)); });
  });
}

}  // namespace borealis::gateway
