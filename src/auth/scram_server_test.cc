// ScramServer: the RFC 7677 test vector, full exchanges against a client written here from hash.h
// (right/wrong password, mock, -PLUS), PostgreSQL's channel-binding negotiation rules, malformed
// messages, and out-of-order calls.
#include "auth/scram_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "crypto/hash.h"

namespace borealis::auth {
namespace {

using Outcome = ScramServer::Step::Outcome;
using State = ScramServer::State;

const std::string kEndPoint(32, '\x5a');  // stand-in tls-server-end-point hash
constexpr char kPassword[] = "correct horse battery staple";

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::send_continue: return "send_continue";
    case Outcome::send_final: return "send_final";
    case Outcome::fail: return "fail";
    case Outcome::protocol_error: return "protocol_error";
  }
  return "?";
}

// server-first-message "r=<nonce>,s=<salt>,i=<iterations>", split without std::regex (whose libstdc++
// implementation trips -Wmaybe-uninitialized under the sanitizers).
struct ServerFirst {
  std::string nonce, salt_b64, iterations;
};

std::optional<ServerFirst> parse_server_first(const std::string& msg) {
  const auto c1 = msg.find(',');
  const auto c2 = c1 == std::string::npos ? std::string::npos : msg.find(',', c1 + 1);
  if (c2 == std::string::npos || msg.find(',', c2 + 1) != std::string::npos) return std::nullopt;
  if (msg.compare(0, 2, "r=") != 0 || msg.compare(c1 + 1, 2, "s=") != 0 || msg.compare(c2 + 1, 2, "i=") != 0) {
    return std::nullopt;
  }
  ServerFirst f{msg.substr(2, c1 - 2), msg.substr(c1 + 3, c2 - c1 - 3), msg.substr(c2 + 3)};
  if (f.nonce.empty() || f.iterations.empty() ||
      !std::all_of(f.iterations.begin(), f.iterations.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return f;
}

bool is_base64_alphabet(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  });
}

// A minimal RFC 5802 client, built only from crypto/hash.h, to drive the server.
struct ScramClient {
  std::string gs2_header = "n,,";
  std::string cbind_data;  // appended to gs2_header in c= (for p=tls-server-end-point)
  std::string user = "";
  std::string nonce = "fyko+d2lbbFgONRv9qkxdawL";
  std::string extensions_before_proof;  // e.g. ",x=1"
  std::string client_first_bare, server_first, full_nonce, salt, expected_server_final;
  int iterations = 0;

  std::string client_first() {
    client_first_bare = "n=" + user + ",r=" + nonce;
    return gs2_header + client_first_bare;
  }

  // Returns the client-final-message for `password`, given the server-first-message.
  std::string client_final(const std::string& first_from_server, const std::string& password) {
    server_first = first_from_server;
    const auto parsed = parse_server_first(server_first);
    if (!parsed) {
      ADD_FAILURE() << "bad server-first " << server_first;
      return {};
    }
    full_nonce = parsed->nonce;
    EXPECT_TRUE(full_nonce.starts_with(nonce));
    auto decoded_salt = crypto::base64_decode(parsed->salt_b64);
    EXPECT_TRUE(decoded_salt.ok());
    if (decoded_salt.ok()) salt = *decoded_salt;
    iterations = std::stoi(parsed->iterations);

    const std::string without_proof =
        "c=" + crypto::base64_encode(gs2_header + cbind_data) + ",r=" + full_nonce + extensions_before_proof;
    const std::string auth_message = client_first_bare + "," + server_first + "," + without_proof;
    const ScramClientProof keys = scram_client_proof(password, salt, iterations, auth_message);
    const auto bytes = [](const Sha256Digest& d) { return std::string(reinterpret_cast<const char*>(d.data()), d.size()); };
    expected_server_final = "v=" + crypto::base64_encode(bytes(keys.server_signature));
    return without_proof + ",p=" + crypto::base64_encode(bytes(keys.proof));
  }
};

ScramVerifier test_verifier() { return make_scram_verifier(kPassword, "0123456789abcdef", 4096); }

struct ExchangeResult {
  ScramServer::Step first, final;
  std::string expected_server_final;
};

ExchangeResult exchange(ScramServer& server, ScramClient& client, const std::string& mechanism,
                        const std::string& password) {
  ExchangeResult r;
  r.first = server.on_client_first(mechanism, client.client_first());
  if (r.first.outcome != Outcome::send_continue) return r;
  r.final = server.on_client_final(client.client_final(r.first.message, password));
  r.expected_server_final = client.expected_server_final;
  return r;
}

TEST(ScramServer, Rfc7677TestVector) {
  ScramServer server(make_scram_verifier("pencil", *crypto::base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096), false, "");
  server.set_server_nonce_for_testing("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
  auto first = server.on_client_first("SCRAM-SHA-256", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  ASSERT_EQ(first.outcome, Outcome::send_continue) << first.log_reason;
  EXPECT_EQ(first.message, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  EXPECT_EQ(server.state(), State::expect_client_final);
  auto final = server.on_client_final(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  ASSERT_EQ(final.outcome, Outcome::send_final) << final.log_reason;
  EXPECT_EQ(final.message, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  EXPECT_EQ(server.state(), State::succeeded);
}

TEST(ScramServer, ServerNonceIs18RandomBytes) {
  ScramServer a(test_verifier(), false, ""), b(test_verifier(), false, "");
  auto fa = a.on_client_first("SCRAM-SHA-256", "n,,n=,r=abc");
  auto fb = b.on_client_first("SCRAM-SHA-256", "n,,n=,r=abc");
  const auto parsed = parse_server_first(fa.message);
  ASSERT_TRUE(parsed) << fa.message;
  ASSERT_TRUE(parsed->nonce.starts_with("abc"));
  const std::string server_nonce = parsed->nonce.substr(3);
  EXPECT_EQ(server_nonce.size(), 24u);  // base64 of 18 bytes, no padding
  EXPECT_TRUE(is_base64_alphabet(server_nonce)) << server_nonce;
  EXPECT_EQ(parsed->iterations, "4096");
  EXPECT_NE(fa.message, fb.message);
}

TEST(ScramServer, RightPasswordSucceeds) {
  ScramServer server(test_verifier(), false, "");
  ScramClient client;
  auto r = exchange(server, client, "SCRAM-SHA-256", kPassword);
  ASSERT_EQ(r.final.outcome, Outcome::send_final) << r.final.log_reason;
  EXPECT_EQ(r.final.message, r.expected_server_final);
  EXPECT_EQ(server.state(), State::succeeded);
}

TEST(ScramServer, NamedUserAndExtensionsAreAccepted) {
  ScramServer server(test_verifier(), false, "");
  ScramClient client;
  client.user = "someone=2Celse";  // ignored by the server, like PostgreSQL
  client.extensions_before_proof = ",x=future-extension";
  auto r = exchange(server, client, "SCRAM-SHA-256", kPassword);
  ASSERT_EQ(r.final.outcome, Outcome::send_final) << r.final.log_reason;
  EXPECT_EQ(r.final.message, r.expected_server_final);
}

TEST(ScramServer, WrongPasswordFailsWithoutLeaking) {
  ScramServer server(test_verifier(), false, "");
  ScramClient client;
  auto r = exchange(server, client, "SCRAM-SHA-256", "hunter2-not-it");
  EXPECT_EQ(r.final.outcome, Outcome::fail);
  EXPECT_TRUE(r.final.message.empty());
  EXPECT_EQ(server.state(), State::failed);
  EXPECT_FALSE(r.final.log_reason.empty());
  EXPECT_EQ(r.final.log_reason.find("hunter2"), std::string::npos);
  EXPECT_EQ(r.final.log_reason.find("p="), std::string::npos);
}

TEST(ScramServer, MockLooksTheSameAndAlwaysFails) {
  // A real role with a default verifier (16-byte salt, 4096) and a mock one for the same user.
  ScramServer real(make_scram_verifier(kPassword, "0123456789abcdef", 4096), false, kEndPoint);
  ScramServer mock(make_mock_verifier("alice", "secret"), true, kEndPoint);
  EXPECT_EQ(real.mechanisms(), mock.mechanisms());
  ScramClient c1, c2;
  auto r1 = exchange(real, c1, "SCRAM-SHA-256", "wrong password");
  auto r2 = exchange(mock, c2, "SCRAM-SHA-256", "wrong password");
  ASSERT_EQ(r1.first.outcome, Outcome::send_continue);
  ASSERT_EQ(r2.first.outcome, Outcome::send_continue);
  EXPECT_EQ(r1.first.message.size(), r2.first.message.size());
  for (const auto* msg : {&r1.first.message, &r2.first.message}) {
    const auto parsed = parse_server_first(*msg);
    ASSERT_TRUE(parsed) << *msg;
    EXPECT_EQ(parsed->nonce.size(), c1.nonce.size() + 24) << *msg;
    EXPECT_EQ(parsed->salt_b64.size(), 24u) << *msg;  // 16-byte salt
    EXPECT_TRUE(parsed->salt_b64.ends_with("==")) << *msg;
    EXPECT_EQ(parsed->iterations, "4096") << *msg;
  }
  EXPECT_EQ(r1.final.outcome, Outcome::fail);
  EXPECT_EQ(r2.final.outcome, Outcome::fail);
  EXPECT_EQ(r1.final.message, r2.final.message);

  // The same user gets the same salt on every attempt, like a real role.
  ScramServer mock_again(make_mock_verifier("alice", "secret"), true, kEndPoint);
  ScramClient c3;
  auto r3 = exchange(mock_again, c3, "SCRAM-SHA-256", "x");
  EXPECT_EQ(c3.salt, c2.salt);
}

TEST(ScramServer, MockFailsEvenWithTheMockKeysPassword) {
  // Even a client that somehow produced the right proof for the mock keys must fail: build the mock
  // verifier from a known password and mark the exchange as mock.
  ScramServer server(test_verifier(), true, "");
  ScramClient client;
  auto r = exchange(server, client, "SCRAM-SHA-256", kPassword);
  EXPECT_EQ(r.final.outcome, Outcome::fail);
  EXPECT_EQ(server.state(), State::failed);
}

TEST(ScramServer, MechanismsDependOnTls) {
  EXPECT_EQ(ScramServer(test_verifier(), false, "").mechanisms(), std::vector<std::string>{"SCRAM-SHA-256"});
  EXPECT_EQ(ScramServer(test_verifier(), false, kEndPoint).mechanisms(),
            (std::vector<std::string>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}));
}

TEST(ScramServer, PlusWithCorrectChannelBindingSucceeds) {
  ScramServer server(test_verifier(), false, kEndPoint);
  ScramClient client;
  client.gs2_header = "p=tls-server-end-point,,";
  client.cbind_data = kEndPoint;
  auto r = exchange(server, client, "SCRAM-SHA-256-PLUS", kPassword);
  ASSERT_EQ(r.final.outcome, Outcome::send_final) << r.final.log_reason;
  EXPECT_EQ(r.final.message, r.expected_server_final);
}

TEST(ScramServer, PlusWithWrongChannelBindingFails) {
  // The client saw a different certificate (man in the middle): PostgreSQL reports a protocol
  // violation "SCRAM channel binding check failed" even when the password is right.
  for (const std::string& wrong : {std::string(32, '\x5b'), std::string(), kEndPoint + "x"}) {
    ScramServer server(test_verifier(), false, kEndPoint);
    ScramClient client;
    client.gs2_header = "p=tls-server-end-point,,";
    client.cbind_data = wrong;
    auto r = exchange(server, client, "SCRAM-SHA-256-PLUS", kPassword);
    EXPECT_EQ(r.final.outcome, Outcome::protocol_error) << outcome_name(r.final.outcome);
    EXPECT_NE(r.final.log_reason.find("channel binding check failed"), std::string::npos) << r.final.log_reason;
    EXPECT_EQ(server.state(), State::failed);
  }
}

TEST(ScramServer, ChannelBindingNegotiationLikePostgres) {
  struct Case {
    const char* name;
    bool tls;
    const char* mechanism;
    const char* gs2;
    Outcome expected;
    const char* reason;  // substring of log_reason for errors
  };
  const Case cases[] = {
      {"plus without tls", false, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,", Outcome::protocol_error,
       "invalid SASL authentication mechanism"},
      {"unknown mechanism", true, "SCRAM-SHA-1", "n,,", Outcome::protocol_error, "invalid SASL"},
      {"plain mechanism with p", true, "SCRAM-SHA-256", "p=tls-server-end-point,,", Outcome::protocol_error,
       "channel binding data"},
      {"plus with n", true, "SCRAM-SHA-256-PLUS", "n,,", Outcome::protocol_error, "without channel binding"},
      {"plus with y", true, "SCRAM-SHA-256-PLUS", "y,,", Outcome::protocol_error, "without channel binding"},
      {"y when plus offered (downgrade)", true, "SCRAM-SHA-256", "y,,", Outcome::protocol_error,
       "SCRAM channel binding negotiation error"},
      {"plus with other cbind type", true, "SCRAM-SHA-256-PLUS", "p=tls-unique,,", Outcome::protocol_error,
       "unsupported SCRAM channel-binding type"},
      {"y without tls", false, "SCRAM-SHA-256", "y,,", Outcome::send_final, ""},
      {"n with tls", true, "SCRAM-SHA-256", "n,,", Outcome::send_final, ""},
      {"n without tls", false, "SCRAM-SHA-256", "n,,", Outcome::send_final, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScramServer server(test_verifier(), false, c.tls ? kEndPoint : "");
    ScramClient client;
    client.gs2_header = c.gs2;
    if (std::string(c.gs2).starts_with("p=")) client.cbind_data = kEndPoint;
    auto r = exchange(server, client, c.mechanism, kPassword);
    const Outcome got = r.first.outcome == Outcome::send_continue ? r.final.outcome : r.first.outcome;
    EXPECT_STREQ(outcome_name(got), outcome_name(c.expected));
    const std::string& reason = r.first.outcome == Outcome::send_continue ? r.final.log_reason : r.first.log_reason;
    EXPECT_NE(reason.find(c.reason), std::string::npos) << reason;
  }
}

TEST(ScramServer, MalformedClientFirstIsProtocolError) {
  const std::string bad[] = {
      "",
      "n",
      "n,",
      "x,,n=,r=abc",
      "nn,,n=,r=abc",
      "n,a=admin,n=,r=abc",
      "n,x,n=,r=abc",
      "n,,m=ext,n=,r=abc",
      "n,,r=abc",
      "n,,n=",
      "n,,n=,",
      "n,,n=user",
      "n,,n=,r=",
      "n,,n=,r=abc,",
      "n,,n=,r=ab,c",
      "n,,n=,r=ab,1=x",
      "n,,n=,r=a\x01" "b",
      "n,,n=,r=a b",
      std::string("n,,n=,r=ab\0c", 12),
      "n,,n=,r=" + std::string(2000, 'a'),
      "n,,N=,r=abc",
  };
  for (const auto& msg : bad) {
    ScramServer server(test_verifier(), false, "");
    auto step = server.on_client_first("SCRAM-SHA-256", msg);
    EXPECT_EQ(step.outcome, Outcome::protocol_error) << "\"" << msg << "\" -> " << outcome_name(step.outcome);
    EXPECT_FALSE(step.log_reason.empty());
    EXPECT_TRUE(step.message.empty());
    EXPECT_EQ(server.state(), State::failed);
  }
}

TEST(ScramServer, MalformedClientFinalIsProtocolError) {
  ScramClient reference;
  ScramServer probe(test_verifier(), false, "");
  probe.set_server_nonce_for_testing("SERVERNONCE");
  auto first = probe.on_client_first("SCRAM-SHA-256", reference.client_first());
  ASSERT_EQ(first.outcome, Outcome::send_continue);
  const std::string good = reference.client_final(first.message, kPassword);
  const std::string nonce = reference.full_nonce;
  const std::string proof = good.substr(good.find(",p=") + 3);

  const std::string bad[] = {
      "",
      "c=biws",
      "c=biws,",
      "c=biws,r=" + nonce,
      "c=biws,r=" + nonce + ",",
      "c=biws,r=" + nonce + ",p=",
      "c=biws,r=" + nonce + ",p=c2hvcnQ=",
      "c=biws,r=" + nonce + ",p=" + proof + ",x=1",
      "c=biws,r=" + nonce + ",p=" + proof + ",",
      "c=biws,r=" + nonce + ",p=!!" + proof,
      "c=biws,p=" + proof,
      "r=" + nonce + ",c=biws,p=" + proof,
      "c=eSws,r=" + nonce + ",p=" + proof,                 // y,, but we got n,,
      "c=" + crypto::base64_encode("n,,extra") + ",r=" + nonce + ",p=" + proof,
      "c=biw,r=" + nonce + ",p=" + proof,
      "c=biws,r=" + nonce + ",1=x,p=" + proof,
      std::string("c=biws,r=") + nonce + std::string(",p=\0", 4) + proof,
      "c=biws,r=" + nonce + ",x=" + std::string(2000, 'a') + ",p=" + proof,
  };
  for (const auto& msg : bad) {
    ScramServer server(test_verifier(), false, "");
    server.set_server_nonce_for_testing("SERVERNONCE");
    ScramClient client;
    ASSERT_EQ(server.on_client_first("SCRAM-SHA-256", client.client_first()).outcome, Outcome::send_continue);
    auto step = server.on_client_final(msg);
    EXPECT_EQ(step.outcome, Outcome::protocol_error) << "\"" << msg << "\" -> " << outcome_name(step.outcome);
    EXPECT_FALSE(step.log_reason.empty());
    EXPECT_EQ(step.log_reason.find(proof), std::string::npos);
    EXPECT_EQ(server.state(), State::failed);
  }

  // Sanity: the unmodified message does succeed.
  ScramServer server(test_verifier(), false, "");
  server.set_server_nonce_for_testing("SERVERNONCE");
  ScramClient client;
  ASSERT_EQ(server.on_client_first("SCRAM-SHA-256", client.client_first()).outcome, Outcome::send_continue);
  EXPECT_EQ(server.on_client_final(good).outcome, Outcome::send_final);
}

TEST(ScramServer, WrongNonceIsAnAuthFailureLikePostgres) {
  ScramServer server(test_verifier(), false, "");
  ScramClient client;
  auto first = server.on_client_first("SCRAM-SHA-256", client.client_first());
  std::string final = client.client_final(first.message, kPassword);
  final.replace(final.find(client.full_nonce), client.full_nonce.size(), client.nonce + "OTHERSERVERNONCE");
  auto step = server.on_client_final(final);
  EXPECT_EQ(step.outcome, Outcome::fail);
  EXPECT_EQ(server.state(), State::failed);
}

TEST(ScramServer, RefusesOutOfOrderCalls) {
  {
    ScramServer server(test_verifier(), false, "");
    auto step = server.on_client_final("c=biws,r=abc,p=AAAA");
    EXPECT_EQ(step.outcome, Outcome::protocol_error);
    EXPECT_EQ(server.state(), State::failed);
    // And once failed, nothing revives it.
    EXPECT_EQ(server.on_client_first("SCRAM-SHA-256", "n,,n=,r=abc").outcome, Outcome::protocol_error);
  }
  {
    ScramServer server(test_verifier(), false, "");
    ASSERT_EQ(server.on_client_first("SCRAM-SHA-256", "n,,n=,r=abc").outcome, Outcome::send_continue);
    EXPECT_EQ(server.on_client_first("SCRAM-SHA-256", "n,,n=,r=abc").outcome, Outcome::protocol_error);
    EXPECT_EQ(server.state(), State::failed);
  }
  {
    ScramServer server(test_verifier(), false, "");
    ScramClient client;
    auto r = exchange(server, client, "SCRAM-SHA-256", kPassword);
    ASSERT_EQ(r.final.outcome, Outcome::send_final);
    EXPECT_EQ(server.on_client_final("c=biws,r=abc,p=AAAA").outcome, Outcome::protocol_error);
  }
  {
    // A wrong password cannot be retried on the same exchange.
    ScramServer server(test_verifier(), false, "");
    ScramClient client;
    auto first = server.on_client_first("SCRAM-SHA-256", client.client_first());
    ASSERT_EQ(server.on_client_final(client.client_final(first.message, "nope")).outcome, Outcome::fail);
    EXPECT_EQ(server.on_client_final(client.client_final(first.message, kPassword)).outcome, Outcome::protocol_error);
  }
}

TEST(ScramServer, IsMovable) {
  ScramServer a(test_verifier(), false, "");
  ScramServer b = std::move(a);
  ScramClient client;
  auto r = exchange(b, client, "SCRAM-SHA-256", kPassword);
  EXPECT_EQ(r.final.outcome, Outcome::send_final);
}

}  // namespace
}  // namespace borealis::auth
