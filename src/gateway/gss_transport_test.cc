// Tests for the GSSAPI-encrypted transport against a real Kerberos context: a throwaway MIT KDC
// (krb/test_kdc.h), alice's Initiator on the client end of a socketpair doing by hand what libpq's
// fe-secure-gssapi.c does (wrap, frame, unwrap), and the transport on the server end, driven through
// SocketIo where the event loop's contract matters. Covers round trips of small and 1 MiB payloads
// both ways, partial socket writes, a pipelined first packet, and every input that must close the
// connection instead of yielding plaintext.
#include "gateway/gss_transport.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "common/fd.h"
#include "gateway/socket_io.h"
#include "krb/acceptor.h"
#include "krb/credentials.h"
#include "krb/initiator.h"
#include "krb/test_kdc.h"
#include "pgwire/gssenc.h"

namespace borealis::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using krb::Acceptor;
using krb::Initiator;
using Outcome = krb::Step::Outcome;
using pgwire::GssEncDecode;
using pgwire::GssEncPhase;

constexpr std::size_t kOneMiB = 1024 * 1024;

std::string pattern(std::size_t n, std::uint32_t seed) {
  std::string s(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

std::string be32(std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  return std::string(b, 4);
}

void set_nonblocking(int fd) { ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0); }

// Blocking helpers for the client end.
void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    ASSERT_GT(n, 0) << std::strerror(errno);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool wait_for(int fd, short events, int timeout_ms = 5000) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

class GssTransportTest : public krb::testkdc::KdcSuite {
 protected:
  void SetUp() override {
    KdcSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto cred = krb::acquire_acceptor_credentials(kdc().keytab().string(), krb::testkdc::kService, rcache_path());
    ASSERT_TRUE(cred.ok()) << cred.error().message;
    server_ = std::make_shared<Acceptor>(cred.value());
    auto client = Initiator::create(kdc().alice_ccache().string(),
                                    krb::Target::hostbased(krb::testkdc::kHostbasedService));
    ASSERT_TRUE(client.ok()) << client.error().message;
    client_.emplace(std::move(client).value());
    establish();
    if (HasFatalFailure()) return;

    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    server_fd_.reset(fds[0]);
    client_fd_.reset(fds[1]);
    set_nonblocking(server_fd_.get());
  }

  void establish() {
    krb::Step from_client = client_->step("");
    for (int round = 0; round < 10 && from_client.outcome == Outcome::continue_needed; ++round) {
      krb::Step from_server = server_->step(from_client.output_token.reveal());
      if (from_server.outcome == Outcome::complete) {
        if (!from_server.output_token.empty()) {
          ASSERT_EQ(client_->step(from_server.output_token.reveal()).outcome, Outcome::complete);
        }
        return;
      }
      ASSERT_EQ(from_server.outcome, Outcome::continue_needed) << from_server.log_reason;
      from_client = client_->step(from_server.output_token.reveal());
    }
    FAIL() << "handshake did not complete: " << from_client.log_reason;
  }

  // Linux doubles it and rounds up; either way far below one 16 KiB packet, so send() stops inside
  // packets and the transport must keep the rest.
  void shrink_send_buffer() {
    const int small = 4096;
    ASSERT_EQ(setsockopt(server_fd_.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  }

  std::unique_ptr<Transport> transport(std::string already_received = "") {
    auto t = make_gss_server_transport(server_fd_.get(), server_, std::move(already_received));
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? std::move(t).value() : nullptr;
  }

  // What libpq sends: one confidential gss_wrap token, framed.
  std::string client_packet(std::string_view plaintext, bool confidential = true) {
    auto token = client_->wrap(plaintext, confidential);
    EXPECT_TRUE(token.ok()) << token.error().message;
    std::string out;
    EXPECT_TRUE(pgwire::encode_gssenc_packet(out, token.value(), GssEncPhase::data).ok());
    return out;
  }

  // All of `plaintext`, cut as libpq cuts it (max_wrap_plaintext for a 16380-byte token).
  std::string client_stream(std::string_view plaintext) {
    auto max = client_->max_wrap_plaintext(pgwire::kGssEncMaxDataToken);
    EXPECT_TRUE(max.ok());
    std::string out;
    for (std::size_t at = 0; at < plaintext.size(); at += *max) out += client_packet(plaintext.substr(at, *max));
    return out;
  }

  // Reads packets from the client end until `want` plaintext bytes arrived (blocking, with poll).
  std::string client_receive(std::size_t want) {
    std::string cipher;
    std::string plain;
    char buf[65536];
    while (plain.size() < want) {
      GssEncDecode d = pgwire::decode_gssenc_packet(cipher, GssEncPhase::data);
      if (d.status == GssEncDecode::Status::packet) {
        EXPECT_LE(d.consumed, pgwire::kGssEncMaxPacket);
        auto p = client_->unwrap(d.body, /*require_confidentiality=*/true);
        if (!p.ok()) {
          ADD_FAILURE() << p.error().message;
          return plain;
        }
        plain += *p;
        cipher.erase(0, d.consumed);
        continue;
      }
      if (d.status == GssEncDecode::Status::error) {
        ADD_FAILURE() << d.error.message;
        return plain;
      }
      if (!wait_for(client_fd_.get(), POLLIN)) {
        ADD_FAILURE() << "client timed out after " << plain.size() << " bytes";
        return plain;
      }
      const ssize_t n = ::recv(client_fd_.get(), buf, sizeof buf, 0);
      if (n <= 0) {
        ADD_FAILURE() << "client end closed after " << plain.size() << " bytes";
        return plain;
      }
      cipher.append(buf, static_cast<std::size_t>(n));
    }
    return plain;
  }

  // Reads through the transport until `want` bytes or a non-ok status.
  IoResult server_read(Transport& t, std::string& into, std::size_t want) {
    char buf[32 * 1024];
    while (into.size() < want) {
      IoResult r = t.read(buf, sizeof buf);
      if (r.status == IoStatus::ok) {
        into.append(buf, r.bytes);
        continue;
      }
      if (r.status != IoStatus::would_block) return r;
      if (t.buffered() == 0 && !wait_for(server_fd_.get(), POLLIN)) return {IoStatus::would_block, 0};
    }
    return {IoStatus::ok, into.size()};
  }

  // Reads until the transport reports something other than data or "wait"; returns that.
  IoResult read_until_verdict(Transport& t, std::string* got = nullptr) {
    char buf[4096];
    for (int i = 0; i < 1000; ++i) {
      IoResult r = t.read(buf, sizeof buf);
      if (r.status == IoStatus::ok) {
        if (got) got->append(buf, r.bytes);
        continue;
      }
      if (r.status != IoStatus::would_block) return r;
      if (!wait_for(server_fd_.get(), POLLIN, 2000)) return r;
    }
    return {IoStatus::ok, 0};
  }

  // Sends `wire` from the client (then EOF if asked); the transport must end in an error naming
  // `why` without having returned a single byte of plaintext first.
  void expect_refused(Transport& t, std::string_view wire, std::string_view why, bool then_eof = false) {
    write_all(client_fd_.get(), wire);
    if (then_eof) {
      ASSERT_EQ(shutdown(client_fd_.get(), SHUT_WR), 0);
    }
    std::string got;
    EXPECT_EQ(read_until_verdict(t, &got).status, IoStatus::error);
    EXPECT_TRUE(got.empty()) << got.size() << " bytes returned before the error";
    EXPECT_THAT(t.describe_error(), HasSubstr(std::string(why)));
  }

  std::shared_ptr<Acceptor> server_;
  std::optional<Initiator> client_;
  UniqueFd server_fd_;
  UniqueFd client_fd_;
};

TEST_F(GssTransportTest, FactoryRefusesContextThatIsNotEstablished) {
  auto cred = krb::acquire_acceptor_credentials(kdc().keytab().string(), krb::testkdc::kService,
                                                (kdc().dir() / "rcache-factory").string());
  ASSERT_TRUE(cred.ok());
  auto fresh = make_gss_server_transport(server_fd_.get(), std::make_shared<Acceptor>(cred.value()), "");
  ASSERT_FALSE(fresh.ok());
  EXPECT_THAT(fresh.error().message, HasSubstr("established"));
  EXPECT_FALSE(make_gss_server_transport(server_fd_.get(), nullptr, "").ok());
  EXPECT_FALSE(make_gss_server_transport(-1, server_, "").ok());

  auto t = transport();
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_gss_encrypted());
  EXPECT_FALSE(t->is_tls());
  EXPECT_EQ(t->buffered(), 0u);
  EXPECT_FALSE(t->wants_write());
  EXPECT_FALSE(make_plain_transport(server_fd_.get())->is_gss_encrypted());
}

TEST_F(GssTransportTest, SmallRoundTripBothDirections) {
  auto t = transport();
  ASSERT_TRUE(t);
  char buf[256];
  EXPECT_EQ(t->read(buf, sizeof buf).status, IoStatus::would_block);

  write_all(client_fd_.get(), client_packet("SELECT 1;"));
  std::string got;
  ASSERT_EQ(server_read(*t, got, 9).status, IoStatus::ok) << t->describe_error();
  EXPECT_EQ(got, "SELECT 1;");

  IoResult w = t->write("row data", 8);
  ASSERT_EQ(w.status, IoStatus::ok);
  EXPECT_EQ(w.bytes, 8u);
  EXPECT_FALSE(t->wants_write());
  EXPECT_EQ(client_receive(8), "row data");

  // On the wire the plaintext never appears.
  write_all(client_fd_.get(), client_packet("needle-in-cipher"));
  char raw[256];
  ASSERT_TRUE(wait_for(server_fd_.get(), POLLIN));
  const ssize_t n = ::recv(server_fd_.get(), raw, sizeof raw, MSG_PEEK);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(raw, static_cast<std::size_t>(n)).find("needle"), std::string::npos);
}

TEST_F(GssTransportTest, SmallReadBufferKeepsTheRestBuffered) {
  auto t = transport();
  ASSERT_TRUE(t);
  // Two statements: the order of evaluation of `a + b` is unspecified, and the sequence numbers
  // inside the tokens must follow the order on the wire.
  std::string two = client_packet("0123456789");
  two += client_packet("abcdef");
  write_all(client_fd_.get(), two);
  ASSERT_TRUE(wait_for(server_fd_.get(), POLLIN));
  char buf[4];
  IoResult r = t->read(buf, sizeof buf);
  ASSERT_EQ(r.status, IoStatus::ok) << t->describe_error();
  EXPECT_EQ(std::string(buf, r.bytes), "0123");
  // 6 decrypted bytes and (unless the second packet had not yet arrived) a whole packet wait inside;
  // epoll cannot see either.
  EXPECT_GE(t->buffered(), 6u);
  std::string rest;
  ASSERT_EQ(server_read(*t, rest, 12).status, IoStatus::ok);
  EXPECT_EQ(rest, "456789abcdef");
  EXPECT_EQ(t->buffered(), 0u);
}

TEST_F(GssTransportTest, OneMebibyteClientToServer) {
  auto t = transport();
  ASSERT_TRUE(t);
  const std::string data = pattern(kOneMiB, 1);
  const std::string wire = client_stream(data);
  std::thread writer([&] { write_all(client_fd_.get(), wire); });
  // Through SocketIo, as the session reads.
  SocketIo io;
  io.transport = std::move(t);
  std::string got;
  for (int i = 0; i < 100000 && got.size() < data.size(); ++i) {
    auto f = io.fill(kOutputHighWater);
    ASSERT_NE(f, SocketIo::Fill::error) << io.transport->describe_error();
    ASSERT_NE(f, SocketIo::Fill::closed);
    got.append(io.in.view());
    io.in.consume(io.in.size());
    if (f == SocketIo::Fill::would_block && io.transport->buffered() == 0) wait_for(server_fd_.get(), POLLIN);
  }
  writer.join();
  ASSERT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
}

TEST_F(GssTransportTest, OneMebibyteServerToClientWithPartialWrites) {
  // A small send buffer and a reader that starts late: send() stops in the middle of packets.
  shrink_send_buffer();
  auto t = transport();
  ASSERT_TRUE(t);
  SocketIo io;
  io.transport = std::move(t);
  const std::string data = pattern(kOneMiB, 2);

  // Nobody reads yet: the first send() is accepted only in part, the rest queued in SocketIo.
  SocketIo::Flush f = io.send(data);
  ASSERT_EQ(f, SocketIo::Flush::would_block);
  EXPECT_FALSE(io.out.empty());  // SocketIo keeps EPOLLOUT interest
  EXPECT_LT(io.out.size(), data.size() + 1);
  const bool mid_packet = io.transport->wants_write();

  std::string received;
  std::thread reader([&] { received = client_receive(data.size()); });
  bool saw_wants_write = mid_packet;
  for (int i = 0; i < 200000 && f != SocketIo::Flush::done; ++i) {
    if (!wait_for(server_fd_.get(), POLLOUT)) break;
    f = io.flush();
    ASSERT_NE(f, SocketIo::Flush::error) << io.transport->describe_error();
    saw_wants_write = saw_wants_write || io.transport->wants_write();
  }
  reader.join();
  EXPECT_EQ(f, SocketIo::Flush::done);
  EXPECT_TRUE(saw_wants_write) << "no send() ever stopped inside a packet";
  EXPECT_FALSE(io.transport->wants_write());
  ASSERT_EQ(received.size(), data.size());
  EXPECT_TRUE(received == data);
}

TEST_F(GssTransportTest, PartialPacketIsNotReportedAndNotEncryptedTwice) {
  shrink_send_buffer();
  auto t = transport();
  ASSERT_TRUE(t);
  const std::string data = pattern(64 * 1024, 3);
  IoResult first = t->write(data.data(), data.size());
  // Whatever was reported went out in whole packets; a packet cut short is pending.
  ASSERT_TRUE(first.status == IoStatus::ok || first.status == IoStatus::would_block);
  const std::size_t reported = first.status == IoStatus::ok ? first.bytes : 0;
  ASSERT_LT(reported, data.size());
  EXPECT_TRUE(t->wants_write());
  // Offering less than the pending packet holds is a caller bug and ends the connection.
  std::string received;
  std::thread reader([&] { received = client_receive(data.size()); });
  std::size_t done = reported;
  for (int i = 0; i < 100000 && done < data.size(); ++i) {
    wait_for(server_fd_.get(), POLLOUT);
    IoResult r = t->write(data.data() + done, data.size() - done);
    ASSERT_NE(r.status, IoStatus::error) << t->describe_error();
    if (r.status == IoStatus::ok) done += r.bytes;
  }
  reader.join();
  EXPECT_EQ(done, data.size());
  EXPECT_TRUE(received == data);  // no byte twice, none missing
}

TEST_F(GssTransportTest, ShorterRetryThanPendingPacketIsAnError) {
  shrink_send_buffer();
  auto t = transport();
  ASSERT_TRUE(t);
  const std::string data = pattern(64 * 1024, 4);
  IoResult first = t->write(data.data(), data.size());
  ASSERT_NE(first.status, IoStatus::error);
  ASSERT_TRUE(t->wants_write());
  EXPECT_EQ(t->write(data.data(), 1).status, IoStatus::error);
  EXPECT_THAT(t->describe_error(), HasSubstr("partly sent"));
}

TEST_F(GssTransportTest, PipelinedFirstPacketInAlreadyReceived) {
  const std::string first = client_packet("startup message");
  const std::string second = client_packet("and the next one");
  // The gateway read the first packet and half of the second with the last handshake token.
  const std::size_t half = second.size() / 2;
  auto t = transport(first + second.substr(0, half));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->buffered(), first.size());  // visible without any socket readiness
  char buf[256];
  IoResult r = t->read(buf, sizeof buf);
  ASSERT_EQ(r.status, IoStatus::ok) << t->describe_error();
  EXPECT_EQ(std::string(buf, r.bytes), "startup message");
  EXPECT_EQ(t->buffered(), 0u);
  EXPECT_EQ(t->read(buf, sizeof buf).status, IoStatus::would_block);
  write_all(client_fd_.get(), second.substr(half));
  std::string got;
  ASSERT_EQ(server_read(*t, got, 16).status, IoStatus::ok) << t->describe_error();
  EXPECT_EQ(got, "and the next one");
}

TEST_F(GssTransportTest, IntegrityOnlyPacketIsRefused) {
  auto t = transport();
  ASSERT_TRUE(t);
  expect_refused(*t, client_packet("SELECT secret_column FROM t;", /*confidential=*/false), "not encrypted");
  EXPECT_THAT(t->describe_error(), Not(HasSubstr("secret_column")));
  // Final: nothing is ever read after it, not even a valid packet.
  write_all(client_fd_.get(), client_packet("later"));
  char buf[64];
  EXPECT_EQ(t->read(buf, sizeof buf).status, IoStatus::error);
  EXPECT_EQ(t->write("x", 1).status, IoStatus::error);
}

TEST_F(GssTransportTest, CorruptedPacketIsRefused) {
  auto t = transport();
  ASSERT_TRUE(t);
  std::string packet = client_packet("SELECT 1;");
  packet[packet.size() - 3] ^= 0x40;  // inside the ciphertext / checksum
  expect_refused(*t, packet, "GSSAPI unwrap failed");
}

TEST_F(GssTransportTest, OversizeAndEmptyLengthsAreRefused) {
  {
    auto t = transport();
    ASSERT_TRUE(t);
    expect_refused(*t, be32(pgwire::kGssEncMaxDataToken + 1) + "xxxx", "exceeds the 16380-byte cap");
  }
  {
    // In already_received: buffered() must make the caller read (and see the error) at once.
    auto t = transport(be32(0));
    ASSERT_TRUE(t);
    EXPECT_GT(t->buffered(), 0u);
    char buf[16];
    EXPECT_EQ(t->read(buf, sizeof buf).status, IoStatus::error);
    EXPECT_THAT(t->describe_error(), HasSubstr("empty"));
  }
}

TEST_F(GssTransportTest, EofInsideAPacketIsAnErrorNotData) {
  auto t = transport();
  ASSERT_TRUE(t);
  const std::string packet = client_packet("truncated");
  expect_refused(*t, packet.substr(0, packet.size() - 5), "middle of a GSSAPI-encrypted packet", /*then_eof=*/true);
}

TEST_F(GssTransportTest, EofInsideTheLengthWordIsAnError) {
  auto t = transport();
  ASSERT_TRUE(t);
  write_all(client_fd_.get(), client_packet("whole") + std::string("\0\0", 2));
  ASSERT_EQ(shutdown(client_fd_.get(), SHUT_WR), 0);
  std::string got;
  EXPECT_EQ(read_until_verdict(*t, &got).status, IoStatus::error);
  EXPECT_EQ(got, "whole");
}

TEST_F(GssTransportTest, EofBetweenPacketsIsAClose) {
  auto t = transport();
  ASSERT_TRUE(t);
  write_all(client_fd_.get(), client_packet("bye"));
  ASSERT_EQ(shutdown(client_fd_.get(), SHUT_WR), 0);
  std::string got;
  EXPECT_EQ(read_until_verdict(*t, &got).status, IoStatus::closed);
  EXPECT_EQ(got, "bye");
}

}  // namespace
}  // namespace borealis::gateway
