// The load generator's protocol pieces against the real ones: its SCRAM client against the gateway's
// ScramServer (plain, -PLUS, and "y" when the server offers no binding), a scripted login exchange
// fed frames split nowhere and everywhere, and its shared TLS client context against the gateway's
// TlsServerContext over a socketpair (full handshake, X25519, no session ticket, same end-point hash).
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <string>
#include <thread>

#include "auth/scram.h"
#include "auth/scram_server.h"
#include "bench/login_exchange.h"
#include "bench/scram_client.h"
#include "bench/tls_client.h"
#include "common/fd.h"
#include "crypto/ca.h"
#include "crypto/test_files.h"
#include "crypto/tls.h"
#include "pgwire/frame.h"
#include "pgwire/messages.h"

namespace borealis::bench {
namespace {

constexpr std::string_view kPassword = "correct horse";

// Runs one exchange; returns the server's outcome of the final step and leaves `client` at its end.
auth::ScramServer::Step::Outcome exchange(ScramClient& client, auth::ScramServer& server) {
  auto mechanism = client.choose_mechanism(server.mechanisms());
  EXPECT_TRUE(mechanism.ok());
  if (!mechanism) return auth::ScramServer::Step::Outcome::protocol_error;
  auto first = server.on_client_first(*mechanism, client.client_first());
  if (first.outcome != auth::ScramServer::Step::Outcome::send_continue) return first.outcome;
  auto client_final = client.on_server_first(first.message);
  EXPECT_TRUE(client_final.ok());
  if (!client_final) return auth::ScramServer::Step::Outcome::protocol_error;
  auto last = server.on_client_final(*client_final);
  if (last.outcome == auth::ScramServer::Step::Outcome::send_final) {
    EXPECT_TRUE(client.on_server_final(last.message).ok());
  }
  return last.outcome;
}

auth::ScramVerifier verifier(std::string_view password) {
  return auth::make_scram_verifier(password, "0123456789abcdef", 256);
}

TEST(ScramClient, PlainConnectionAuthenticatesBothWays) {
  ScramClient client(Secret(std::string(kPassword)), /*tls=*/false, "");
  auth::ScramServer server(verifier(kPassword), false, "");
  EXPECT_EQ(exchange(client, server), auth::ScramServer::Step::Outcome::send_final);
  EXPECT_TRUE(client.client_first().starts_with("n,,n=,r="));
  EXPECT_EQ(client.state(), ScramClient::State::succeeded);
}

TEST(ScramClient, ChoosesPlusInsideTlsAndBindsTheEndPoint) {
  const std::string end_point(32, '\x42');
  ScramClient client(Secret(std::string(kPassword)), true, end_point);
  auth::ScramServer server(verifier(kPassword), false, end_point);
  EXPECT_EQ(exchange(client, server), auth::ScramServer::Step::Outcome::send_final);
  EXPECT_TRUE(client.client_first().starts_with("p=tls-server-end-point,,"));

  // A different certificate hash (a man in the middle) fails the channel-binding check.
  ScramClient other(Secret(std::string(kPassword)), true, std::string(32, '\x43'));
  auth::ScramServer server2(verifier(kPassword), false, end_point);
  EXPECT_EQ(exchange(other, server2), auth::ScramServer::Step::Outcome::protocol_error);  // as PostgreSQL
}

TEST(ScramClient, SaysItCouldBindWhenTheServerOffersNoPlus) {
  ScramClient client(Secret(std::string(kPassword)), true, std::string(32, '\x42'));
  auth::ScramServer server(verifier(kPassword), false, "");
  EXPECT_EQ(exchange(client, server), auth::ScramServer::Step::Outcome::send_final);
  EXPECT_TRUE(client.client_first().starts_with("y,,"));
}

TEST(ScramClient, WrongPasswordFailsAtTheServer) {
  ScramClient client(Secret(std::string("wrong")), false, "");
  auth::ScramServer server(verifier(kPassword), false, "");
  EXPECT_EQ(exchange(client, server), auth::ScramServer::Step::Outcome::fail);
}

TEST(ScramClient, RefusesAServerThatDoesNotKnowTheVerifier) {
  ScramClient client(Secret(std::string(kPassword)), false, "");
  auth::ScramServer server(verifier(kPassword), false, "");
  ASSERT_TRUE(client.choose_mechanism(server.mechanisms()).ok());
  auto first = server.on_client_first("SCRAM-SHA-256", client.client_first());
  ASSERT_TRUE(client.on_server_first(first.message).ok());
  auto s = client.on_server_final("v=" + std::string(44, 'A'));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message.find(kPassword), std::string::npos);
}

TEST(ScramClient, RefusesANonceThatDoesNotExtendItsOwn) {
  ScramClient client(Secret(std::string(kPassword)), false, "");
  client.set_nonce_for_testing("clientnonce");
  ASSERT_TRUE(client.choose_mechanism({"SCRAM-SHA-256"}).ok());
  EXPECT_FALSE(client.on_server_first("r=othernonce123,s=MDEyMzQ1Njc4OWFiY2RlZg==,i=256").ok());
}

// ---- the whole exchange, scripted server side ----

std::string frame(char type, const std::string& body) {
  std::string out(1, type);
  const auto len = static_cast<std::uint32_t>(body.size() + 4);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((len >> shift) & 0xff));
  return out + body;
}

std::string auth_request(pgwire::AuthCode code) {
  std::string body(4, '\0');
  body[3] = static_cast<char>(static_cast<int>(code));
  return frame('R', body);
}

// Feeds `bytes` to the exchange `chunk` bytes at a time, the way a socket might deliver them.
std::vector<LoginExchange::Event> feed(LoginExchange& ex, const std::string& bytes, std::size_t chunk,
                                       std::string& out) {
  std::vector<LoginExchange::Event> events;
  std::string buf;
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    buf += bytes.substr(i, chunk);
    for (;;) {
      auto d = pgwire::decode_frame(buf, 1 << 20);
      if (d.status != pgwire::FrameDecode::Status::ready) break;
      auto e = ex.on_frame(d.frame, out);
      if (e.kind != LoginExchange::Event::Kind::none) events.push_back(e);
      buf.erase(0, d.consumed);
    }
  }
  return events;
}

TEST(LoginExchange, CleartextLoginQueryAndTerminateAtEverySplit) {
  const std::string server = auth_request(pgwire::AuthCode::cleartext_password) +
                             auth_request(pgwire::AuthCode::ok) + frame('S', std::string("a\0b\0", 4)) +
                             frame('K', std::string(8, '\1')) + frame('Z', "I") + frame('T', std::string(6, '\0')) +
                             frame('D', std::string(2, '\0')) + frame('C', std::string("SELECT 1\0", 9)) +
                             frame('Z', "I");
  for (std::size_t chunk : {server.size(), std::size_t{1}, std::size_t{7}}) {
    LoginExchange ex("iam_user", "postgres", Secret(std::string("token-bytes")), true, "", "SELECT 1");
    std::string out;
    ex.start(out);
    EXPECT_NE(out.find(std::string("user\0iam_user\0", 14)), std::string::npos);
    out.clear();
    auto events = feed(ex, server, chunk, out);
    ASSERT_EQ(events.size(), 2u) << chunk;
    EXPECT_EQ(events[0].kind, LoginExchange::Event::Kind::logged_in);
    EXPECT_EQ(events[1].kind, LoginExchange::Event::Kind::finished);
    std::string expected;
    pgwire::encode_password_message(expected, "token-bytes");
    pgwire::encode_query(expected, "SELECT 1");
    pgwire::encode_terminate(expected);
    EXPECT_EQ(out, expected);
    EXPECT_EQ(ex.state(), LoginExchange::State::finished);
  }
}

TEST(LoginExchange, ErrorResponseEndsTheExchangeWithItsMessage) {
  LoginExchange ex("u", "d", Secret(std::string("pw")), false, "", "SELECT 1");
  std::string out, err;
  pgwire::encode_error_response(err, {"FATAL", "28P01", "password authentication failed for user \"u\"", "", ""});
  auto events = feed(ex, auth_request(pgwire::AuthCode::cleartext_password) + err, 1, out);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, LoginExchange::Event::Kind::failed);
  EXPECT_TRUE(events[0].server_error);
  EXPECT_EQ(events[0].error, "FATAL 28P01 password authentication failed for user \"u\"");
}

TEST(LoginExchange, AuthenticationOkBeforeScramCompletesIsRefused) {
  LoginExchange ex("u", "d", Secret(std::string("pw")), false, "", "SELECT 1");
  std::string out, sasl;
  pgwire::encode_auth_sasl(sasl, {"SCRAM-SHA-256"});
  auto events = feed(ex, sasl + auth_request(pgwire::AuthCode::ok), 64, out);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, LoginExchange::Event::Kind::failed);
}

// ---- TLS: the shared client context against the gateway's server context ----

TEST(TlsClient, FullHandshakeWithoutTicketsAndMatchingEndPoint) {
  crypto::testing::ScratchDir dir;
  auto ca = crypto::make_self_signed_ca("bench test CA", 2);
  ASSERT_TRUE(ca.ok());
  auto leaf = crypto::issue_server_certificate(*ca, {"db.bench.test"}, {"127.0.0.1"}, 2);
  ASSERT_TRUE(leaf.ok());
  auto server_ctx = crypto::TlsServerContext::from_files(dir.write("s.crt", leaf->cert_pem + ca->cert_pem),
                                                         dir.write("s.key", leaf->key_pem.reveal()));
  ASSERT_TRUE(server_ctx.ok()) << server_ctx.error().message;
  auto client_ctx = make_client_context(SslMode::verify_full, dir.write("ca.pem", ca->cert_pem));
  ASSERT_TRUE(client_ctx.ok()) << client_ctx.error().message;

  for (const std::string host : {"db.bench.test", "127.0.0.1"}) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    UniqueFd client_fd(sv[0]), server_fd(sv[1]);
    SslPtr server(SSL_new(server_ctx->native()));
    ASSERT_TRUE(server);
    SSL_set_fd(server.get(), server_fd.get());
    std::thread accept([&] {
      if (SSL_accept(server.get()) == 1) {
        char byte = 0;
        if (SSL_read(server.get(), &byte, 1) == 1) (void)SSL_write(server.get(), &byte, 1);
      }
    });
    auto client = make_client_ssl(client_ctx->get(), SslMode::verify_full, host, client_fd.get());
    ASSERT_TRUE(client.ok());
    ASSERT_EQ(SSL_connect(client->get()), 1) << host << ": " << ssl_errors();
    char byte = 'x';
    ASSERT_EQ(SSL_write(client->get(), &byte, 1), 1);
    ASSERT_EQ(SSL_read(client->get(), &byte, 1), 1);  // anything the server sent first is processed now
    accept.join();
    EXPECT_EQ(SSL_session_reused(client->get()), 0);
    EXPECT_EQ(SSL_SESSION_has_ticket(SSL_get0_session(client->get())), 0) << "the gateway sent a session ticket";
    EXPECT_EQ(SSL_get_negotiated_group(client->get()), NID_X25519);
    EXPECT_EQ(crypto::tls_server_end_point(SSL_get0_peer_certificate(client->get())),
              server_ctx->server_end_point());
  }

  // verify-full refuses a name the certificate does not carry.
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  UniqueFd client_fd(sv[0]), server_fd(sv[1]);
  SslPtr server(SSL_new(server_ctx->native()));
  SSL_set_fd(server.get(), server_fd.get());
  std::thread accept([&] { (void)SSL_accept(server.get()); });
  auto client = make_client_ssl(client_ctx->get(), SslMode::verify_full, "other.bench.test", client_fd.get());
  ASSERT_TRUE(client.ok());
  EXPECT_NE(SSL_connect(client->get()), 1);
  client_fd.reset();
  accept.join();
}

}  // namespace
}  // namespace borealis::bench
