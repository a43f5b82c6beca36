// Tests for the loopback server over real sockets: round trips, keep-alive, pipelining, 100-continue,
// timeouts (slowloris), disconnects, the connection cap, error replies, partial writes and stop().
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/fd.h"

namespace borealis::http {
namespace {

using namespace std::chrono_literals;

UniqueFd connect_to(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(fd.valid());
  timeval tv{5, 0};  // no test waits longer than this for a byte
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
  return fd;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct ClientResponse {
  int status = 0;
  std::string head;
  std::string body;
  bool has(std::string_view header_line) const { return head.find(header_line) != std::string::npos; }
};

// Reads one response (Content-Length framed) from fd; `pending` keeps bytes of the next one.
std::optional<ClientResponse> read_response(int fd, std::string& pending) {
  auto fill = [&]() {
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t end;
  while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  ClientResponse r;
  r.head = pending.substr(0, end + 2);
  pending.erase(0, end + 4);
  if (r.head.size() < 12) return std::nullopt;
  r.status = std::stoi(r.head.substr(9, 3));
  std::size_t length = 0;
  std::size_t cl = r.head.find("Content-Length: ");
  if (cl != std::string::npos) length = std::stoul(r.head.substr(cl + 16));
  while (pending.size() < length) {
    if (!fill()) return std::nullopt;
  }
  r.body = pending.substr(0, length);
  pending.erase(0, length);
  return r;
}

std::optional<ClientResponse> read_response(int fd) {
  std::string pending;
  return read_response(fd, pending);
}

// A new connection, one request, its response.
std::optional<ClientResponse> round_trip(int port, std::string_view bytes) {
  UniqueFd c = connect_to(port);
  if (!send_all(c.get(), bytes)) return std::nullopt;
  return read_response(c.get());
}

// True when the server closed the connection (EOF or reset) rather than the receive timing out.
bool closed_by_server(int fd) {
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET || errno == EPIPE;
  }
}

std::string request(std::string_view method, std::string_view target, std::string_view body = "",
                    std::string_view extra = "") {
  return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
         std::string(extra) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Echoes the request: "METHOD PATH QUERY BODY" and the peer address in a header.
Response echo(const Request& req, const Peer& peer) {
  Response r;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.headers.push_back({"X-Peer", peer.ip + ":" + std::to_string(peer.port)});
  r.body = req.method + " " + req.path + " " + req.query + " " + req.body;
  return r;
}

// echo, counting its calls.
Handler counting_echo(std::atomic<int>& calls) {
  return [&calls](const Request& req, const Peer& peer) {
    ++calls;
    return echo(req, peer);
  };
}

Server started(Handler handler, ServerOptions options = {}) {
  auto s = Server::listen("127.0.0.1", 0, options);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  Server server = std::move(s).value();
  EXPECT_TRUE(server.start(std::move(handler)).ok());
  return server;
}

TEST(Server, RefusesNonLoopbackAddresses) {
  for (const char* host : {"0.0.0.0", "10.0.0.1", "192.168.1.1", "::", "fe80::1", "localhost", "", "127.0.0.1 "}) {
    auto s = Server::listen(host, 0);
    ASSERT_FALSE(s.ok()) << host;
    EXPECT_EQ(s.error().code, Errc::invalid_argument) << host;
  }
  auto bad_port = Server::listen("127.0.0.1", 70000);
  EXPECT_FALSE(bad_port.ok());
  ServerOptions tiny;
  tiny.max_buffered_input = kMaxBody;
  EXPECT_FALSE(Server::listen("127.0.0.1", 0, tiny).ok());
}

TEST(Server, ListensAnywhereInLoopbackAndPicksAPort) {
  auto s = Server::listen("127.0.0.2", 0);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_GT(s->port(), 0);
  auto v6 = Server::listen("::1", 0);
  if (v6.ok()) {
    EXPECT_GT(v6->port(), 0);
  } else {
    EXPECT_EQ(v6.error().code, Errc::io_error);  // no IPv6 on this host; the address was accepted
  }
}

TEST(Server, PortInUseIsAnIoError) {
  auto first = Server::listen("127.0.0.1", 0);
  ASSERT_TRUE(first.ok());
  auto second = Server::listen("127.0.0.1", first->port());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Errc::io_error);
  EXPECT_NE(second.error().message.find(std::to_string(first->port())), std::string::npos) << second.error().message;
}

TEST(Server, StartNeedsAHandlerAndRunsOnce) {
  auto s = Server::listen("127.0.0.1", 0);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->start(Handler{}).ok());
  EXPECT_TRUE(s->start(echo).ok());
  EXPECT_FALSE(s->start(echo).ok());
  s->stop();
  s->stop();
  EXPECT_FALSE(s->start(echo).ok());
}

TEST(Server, RoundTrip) {
  Server server = started(echo);
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("POST", "/a?b=c", "Action=X")));
  auto r = read_response(c.get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /a b=c Action=X");
  EXPECT_TRUE(r->has("\r\nX-Peer: 127.0.0.1:"));
  EXPECT_TRUE(r->has("\r\nDate: "));
  EXPECT_TRUE(r->has("\r\nContent-Length: 20\r\n"));
  EXPECT_FALSE(r->has("Connection:"));
}

TEST(Server, KeepAliveServesTwoRequestsOnOneSocket) {
  std::atomic<int> calls{0};
  std::atomic<int> last_port{0};
  Server server = started([&](const Request& req, const Peer& peer) {
    ++calls;
    if (last_port != 0) {
      EXPECT_EQ(last_port.load(), peer.port);
    }
    last_port = peer.port;
    return echo(req, peer);
  });
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("POST", "/", "one")));
  auto r1 = read_response(c.get());
  ASSERT_TRUE(send_all(c.get(), request("POST", "/", "two")));
  auto r2 = read_response(c.get());
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->body, "POST /  one");
  EXPECT_EQ(r2->body, "POST /  two");
  EXPECT_EQ(calls.load(), 2);
}

TEST(Server, ConnectionCloseAndHttp10) {
  Server server = started(echo);
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("GET", "/", "", "Connection: close\r\n")));
  auto r = read_response(c.get());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->has("\r\nConnection: close\r\n"));
  EXPECT_TRUE(closed_by_server(c.get()));

  UniqueFd old = connect_to(server.port());
  ASSERT_TRUE(send_all(old.get(), "GET /old HTTP/1.0\r\n\r\n"));
  r = read_response(old.get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /old  ");
  EXPECT_TRUE(closed_by_server(old.get()));

  UniqueFd kept = connect_to(server.port());
  ASSERT_TRUE(send_all(kept.get(), "GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  r = read_response(kept.get());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->has("\r\nConnection: keep-alive\r\n"));
  ASSERT_TRUE(send_all(kept.get(), "GET /2 HTTP/1.0\r\n\r\n"));
  r = read_response(kept.get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /2  ");
}

TEST(Server, PipelinedRequestsAnsweredInOrder) {
  Server server = started(echo);
  UniqueFd c = connect_to(server.port());
  std::string three = request("POST", "/1", "a") + request("POST", "/2", "b") + request("POST", "/3", "c");
  ASSERT_TRUE(send_all(c.get(), three));
  std::string pending;
  for (const char* want : {"POST /1  a", "POST /2  b", "POST /3  c"}) {
    auto r = read_response(c.get(), pending);
    ASSERT_TRUE(r) << want;
    EXPECT_EQ(r->body, want);
  }
}

TEST(Server, HalfClosedClientStillGetsItsResponses) {
  Server server = started(echo);
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("POST", "/1", "a") + request("POST", "/2", "b")));
  ::shutdown(c.get(), SHUT_WR);
  std::string pending;
  auto r1 = read_response(c.get(), pending);
  auto r2 = read_response(c.get(), pending);
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r2->body, "POST /2  b");
  EXPECT_TRUE(closed_by_server(c.get()));
}

TEST(Server, ExpectContinue) {
  Server server = started(echo);
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(),
                       "PUT /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  std::string pending;
  auto interim = read_response(c.get(), pending);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  EXPECT_EQ(interim->head, "HTTP/1.1 100 Continue\r\n");
  ASSERT_TRUE(send_all(c.get(), "hello"));
  auto r = read_response(c.get(), pending);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "PUT /up  hello");
}

TEST(Server, ParseErrorGetsItsStatusThenClose) {
  Server server = started(echo);
  struct Case {
    std::string bytes;
    int status;
  };
  for (const Case& k : std::vector<Case>{
           {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
           {"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\nx", 400},
           {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501},
           {"GET /" + std::string(kMaxRequestLine, 'a') + " HTTP/1.1\r\n\r\n", 414},
           {"GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(kMaxHeaderBlock, 'a') + "\r\n\r\n", 431},
       }) {
    UniqueFd c = connect_to(server.port());
    ASSERT_TRUE(send_all(c.get(), k.bytes));
    auto r = read_response(c.get());
    ASSERT_TRUE(r) << k.status;
    EXPECT_EQ(r->status, k.status);
    EXPECT_TRUE(r->has("\r\nConnection: close\r\n"));
    EXPECT_FALSE(r->body.empty());
    EXPECT_TRUE(closed_by_server(c.get()));
  }
}

TEST(Server, OversizedBodyIsRefusedBeforeItIsRead) {
  std::atomic<int> calls{0};
  Server server = started(counting_echo(calls));
  UniqueFd c = connect_to(server.port());
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(kMaxBody + 1) + "\r\n\r\n";
  ASSERT_TRUE(send_all(c.get(), head));
  // The client keeps sending (it did not ask for 100-continue); the 413 must still reach it.
  std::thread sender([fd = c.get()] { send_all(fd, std::string(256 * 1024, 'x')); });
  auto r = read_response(c.get());
  sender.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(calls.load(), 0);
}

TEST(Server, LargeResponseSurvivesPartialWrites) {
  const std::string big(8 * 1024 * 1024, 'z');
  Server server = started([&](const Request&, const Peer&) {
    Response r;
    r.body = big;
    return r;
  });
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("GET", "/") + request("GET", "/")));
  std::this_thread::sleep_for(100ms);  // let the server fill the socket buffer and wait on EPOLLOUT
  std::string pending;
  for (int i = 0; i < 2; ++i) {
    auto r = read_response(c.get(), pending);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body.size(), big.size());
    EXPECT_EQ(r->body, big);
  }
}

TEST(Server, LargestBodyIsDelivered) {
  Server server = started([](const Request& req, const Peer&) {
    Response r;
    r.body = std::to_string(req.body.size());
    return r;
  });
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("POST", "/", std::string(kMaxBody, 'b'))));
  auto r = read_response(c.get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, std::to_string(kMaxBody));
}

TEST(Server, TimeoutsCloseStalledConnections) {
  struct Case {
    const char* what;
    std::chrono::milliseconds ServerOptions::*timeout;
    std::string bytes;  // sent before the client stalls
    bool served_first;  // a whole request among them: read its response first
  };
  const std::vector<Case> cases = {
      {"slowloris: half a header", &ServerOptions::header_timeout,
       "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Da", false},
      {"silent after connecting", &ServerOptions::header_timeout, "", false},
      {"slow body", &ServerOptions::body_timeout, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc",
       false},
      {"idle keep-alive", &ServerOptions::idle_timeout, request("GET", "/"), true},
      {"half a second request", &ServerOptions::header_timeout, request("GET", "/") + "GET / HT", true},
  };
  for (const Case& k : cases) {
    ServerOptions options;
    options.*k.timeout = 200ms;
    Server server = started(echo, options);
    UniqueFd c = connect_to(server.port());
    ASSERT_TRUE(send_all(c.get(), k.bytes)) << k.what;
    if (k.served_first) {
      ASSERT_TRUE(read_response(c.get())) << k.what;
    }
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(closed_by_server(c.get())) << k.what;
    auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(waited, 150ms) << k.what;
    EXPECT_LT(waited, 3s) << k.what;
    // The server still serves others.
    auto r = round_trip(server.port(), request("GET", "/"));
    ASSERT_TRUE(r) << k.what;
    EXPECT_EQ(r->status, 200);
  }
}

TEST(Server, ClientThatStopsReadingLosesItsConnection) {
  ServerOptions options;
  options.write_timeout = 200ms;
  // Far more than the loopback socket buffers hold, so the server's send stalls.
  const std::string huge(64 * 1024 * 1024, 'h');
  Server server = started([&](const Request&, const Peer&) {
    Response r;
    r.body = huge;
    return r;
  }, options);
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("GET", "/")));
  std::this_thread::sleep_for(1s);  // not reading: the server gives up after write_timeout
  std::size_t received = 0;
  char buf[65536];
  while (true) {
    ssize_t n = ::recv(c.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    received += static_cast<std::size_t>(n);
  }
  EXPECT_GT(received, 0u);
  EXPECT_LT(received, huge.size());
}

TEST(Server, InterimOrInvalidStatusFromHandlerBecomes500) {
  Server server = started([](const Request& req, const Peer&) {
    Response r;
    r.status = std::stoi(req.path.substr(1));
    return r;
  });
  for (const char* path : {"/100", "/101", "/0", "/1000"}) {
    auto r = round_trip(server.port(), request("GET", path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 500) << path;
  }
  auto r = round_trip(server.port(), request("GET", "/204"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
}

TEST(Server, BufferedInputAcrossConnectionsIsCapped) {
  ServerOptions options;
  options.max_buffered_input = 1536 * 1024;  // one whole request fits, two large ones do not
  Server server = started(echo, options);
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(kMaxBody) + "\r\n\r\n";
  UniqueFd first = connect_to(server.port());
  ASSERT_TRUE(send_all(first.get(), head + std::string(700 * 1024, 'a')));
  std::this_thread::sleep_for(200ms);  // the server buffers all of it
  UniqueFd second = connect_to(server.port());
  std::thread sender([fd = second.get(), &head] { send_all(fd, head + std::string(900 * 1024, 'b')); });
  auto r = read_response(second.get());
  sender.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  // The first connection is untouched: finishing its body gets it served.
  ASSERT_TRUE(send_all(first.get(), std::string(kMaxBody - 700 * 1024, 'a')));
  auto done = read_response(first.get());
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->body.size(), std::string("POST /  ").size() + kMaxBody);
}

TEST(Server, SlowHandlerDoesNotTimeOutOtherClientsWaitingBehindIt) {
  ServerOptions options;
  options.header_timeout = 200ms;
  Server server = started([](const Request& req, const Peer& peer) {
    if (req.path == "/slow") std::this_thread::sleep_for(500ms);
    return echo(req, peer);
  }, options);
  UniqueFd waiting = connect_to(server.port());
  std::this_thread::sleep_for(50ms);  // accepted, its header timer running
  UniqueFd slow = connect_to(server.port());
  ASSERT_TRUE(send_all(slow.get(), request("GET", "/slow")));
  std::this_thread::sleep_for(100ms);  // the handler is busy now
  ASSERT_TRUE(send_all(waiting.get(), request("GET", "/waiting")));
  auto r = read_response(waiting.get());
  ASSERT_TRUE(r) << "the server timed out a client whose request arrived while it was busy";
  EXPECT_EQ(r->body, "GET /waiting  ");
  ASSERT_TRUE(read_response(slow.get()));
}

TEST(Server, ClientDisconnectingMidBodyIsForgotten) {
  std::atomic<int> calls{0};
  Server server = started(counting_echo(calls));
  {
    UniqueFd c = connect_to(server.port());
    ASSERT_TRUE(send_all(c.get(), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly-ten.."));
  }
  {
    UniqueFd c = connect_to(server.port());
    ASSERT_TRUE(send_all(c.get(), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly-ten.."));
    ::shutdown(c.get(), SHUT_WR);
    EXPECT_TRUE(closed_by_server(c.get()));
  }
  auto r = round_trip(server.port(), request("POST", "/", "x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /  x");
  EXPECT_EQ(calls.load(), 1);
}

TEST(Server, ThrowingHandlerGets500AndTheConnectionLives) {
  Server server = started([](const Request& req, const Peer& peer) -> Response {
    if (req.path == "/throw") throw std::runtime_error("boom with SECRET");
    return echo(req, peer);
  });
  UniqueFd c = connect_to(server.port());
  ASSERT_TRUE(send_all(c.get(), request("GET", "/throw")));
  auto r = read_response(c.get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("SECRET"), std::string::npos);
  ASSERT_TRUE(send_all(c.get(), request("GET", "/fine")));
  r = read_response(c.get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, ThreeHundredConcurrentConnectionsBeyondTheCapGet503) {
  constexpr int kClients = 300;
  Server server = started(echo);  // default cap: kMaxConnections (256)
  std::vector<UniqueFd> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(connect_to(server.port()));
  // Those over the cap were answered 503 on accept, before sending anything. Wait for all of them.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  std::vector<pollfd> fds;
  int readable = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    fds.clear();
    for (auto& c : clients) fds.push_back(pollfd{c.get(), POLLIN, 0});
    ::poll(fds.data(), fds.size(), 50);
    readable = 0;
    for (auto& p : fds) readable += (p.revents & POLLIN) ? 1 : 0;
    if (readable >= kClients - static_cast<int>(kMaxConnections)) break;
  }
  ASSERT_EQ(readable, kClients - static_cast<int>(kMaxConnections));
  int ok = 0, busy = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (fds[i].revents & POLLIN) {
      auto r = read_response(clients[i].get());
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 503);
      busy += r->status == 503;
      continue;
    }
    ASSERT_TRUE(send_all(clients[i].get(), request("POST", "/", std::to_string(i))));
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (fds[i].revents & POLLIN) continue;
    auto r = read_response(clients[i].get());
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "POST /  " + std::to_string(i));
    ok += r->status == 200;
  }
  EXPECT_EQ(ok, static_cast<int>(kMaxConnections));
  EXPECT_EQ(busy, kClients - static_cast<int>(kMaxConnections));
  // Closing some frees their slots for new clients.
  clients.resize(10);
  std::this_thread::sleep_for(100ms);
  auto r = round_trip(server.port(), request("GET", "/late"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, MutatedRequestsNeverStopTheServer) {
  Server server = started(echo);
  const std::string base = request("POST", "/?Action=X", "Action=DescribeDBClusters&Version=2014-10-31",
                                   "Expect: 100-continue\r\nConnection: keep-alive\r\n") +
                           request("GET", "/next");
  std::mt19937 rng(20261128);  // fixed: a failure reproduces
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  for (int round = 0; round < 200; ++round) {
    std::string bytes = base;
    for (std::size_t m = pick(6); m > 0 && !bytes.empty(); --m) {
      switch (pick(4)) {
        case 0: bytes[pick(bytes.size())] = static_cast<char>(pick(256)); break;
        case 1: bytes.insert(pick(bytes.size()), 1, "\r\n:, \t0"[pick(7)]); break;
        case 2: bytes.erase(pick(bytes.size()), 1 + pick(8)); break;
        default: bytes.resize(pick(bytes.size() + 1)); break;
      }
    }
    UniqueFd c = connect_to(server.port());
    for (std::size_t at = 0; at < bytes.size();) {
      std::size_t n = std::min(bytes.size() - at, 1 + pick(64));
      if (!send_all(c.get(), std::string_view(bytes).substr(at, n))) break;
      at += n;
    }
    ::shutdown(c.get(), SHUT_WR);
    std::string reply;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(c.get(), buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<std::size_t>(n));
    EXPECT_TRUE(n == 0 || errno == ECONNRESET) << "round " << round << ": the server must close, not stall";
    if (!reply.empty()) {
      EXPECT_EQ(reply.rfind("HTTP/1.1 ", 0), 0u) << "round " << round;
    }
  }
  auto r = round_trip(server.port(), request("GET", "/still-up"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, StopClosesOpenConnections) {
  auto s = Server::listen("127.0.0.1", 0);
  ASSERT_TRUE(s.ok());
  Server server = std::move(s).value();
  ASSERT_TRUE(server.start(echo).ok());
  UniqueFd idle = connect_to(server.port());
  UniqueFd partial = connect_to(server.port());
  ASSERT_TRUE(send_all(partial.get(), "POST / HTTP/1.1\r\nHost: h\r\nContent-Len"));
  UniqueFd served = connect_to(server.port());
  ASSERT_TRUE(send_all(served.get(), request("GET", "/")));
  ASSERT_TRUE(read_response(served.get()));
  std::this_thread::sleep_for(50ms);  // let the server accept all three
  auto t0 = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_TRUE(closed_by_server(idle.get()));
  EXPECT_TRUE(closed_by_server(partial.get()));
  EXPECT_TRUE(closed_by_server(served.get()));
  // Nothing listens any more.
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_NE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
}

TEST(Server, MovedServerKeepsServing) {
  Server first = started(echo);
  int port = first.port();
  Server second = std::move(first);
  EXPECT_EQ(second.port(), port);
  auto r = round_trip(port, request("GET", "/moved"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /moved  ");
}

}  // namespace
}  // namespace borealis::http
