// Tests for the message encoders and body parsers: exact bytes against the PostgreSQL "Message
// Formats" documentation, encode -> frame -> parse round trips, every malformed body we can think
// of, and a deterministic random-bytes sweep (the fuzzer's little brother, run on every build).
#include "pgwire/messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "pgwire/frame.h"
#include "pgwire/test_bytes.h"

namespace borealis::pgwire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test_bytes::be32;
using test_bytes::bytes;
using test_bytes::lit;

// Splits the single message in `wire`, checks its type and that nothing else was written.
std::string_view body_of(const std::string& wire, char type) {
  FrameDecode d = decode_frame(wire, kMaxRelayedMessage);
  EXPECT_EQ(d.status, FrameDecode::Status::ready);
  EXPECT_EQ(d.frame.type, type);
  EXPECT_EQ(d.consumed, wire.size());
  return d.frame.body;
}

template <class T>
void expect_malformed(const Result<T>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::protocol_violation);
}

// ---- exact bytes ----

TEST(Encode, AuthenticationOk) {
  std::string out;
  encode_auth_ok(out);
  EXPECT_EQ(out, bytes({'R', 0, 0, 0, 8, 0, 0, 0, 0}));
}

TEST(Encode, AuthenticationCleartextPasswordAndGss) {
  std::string out;
  encode_auth_cleartext_password(out);
  encode_auth_gss(out);
  EXPECT_EQ(out, bytes({'R', 0, 0, 0, 8, 0, 0, 0, 3, 'R', 0, 0, 0, 8, 0, 0, 0, 7}));
}

TEST(Encode, AuthenticationGssContinue) {
  std::string out;
  encode_auth_gss_continue(out, lit("\x60\x00\x01"));
  EXPECT_EQ(out, bytes({'R', 0, 0, 0, 11, 0, 0, 0, 8, 0x60, 0x00, 0x01}));
}

TEST(Encode, AuthenticationSasl) {
  std::string out;
  encode_auth_sasl(out, {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});
  std::string body = be32(10) + lit("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0");
  EXPECT_EQ(out, std::string(1, 'R') + be32(static_cast<std::uint32_t>(4 + body.size())) + body);
}

TEST(Encode, AuthenticationSaslContinueAndFinal) {
  std::string out;
  encode_auth_sasl_continue(out, "r=abc");
  EXPECT_EQ(out, bytes({'R', 0, 0, 0, 13, 0, 0, 0, 11, 'r', '=', 'a', 'b', 'c'}));
  out.clear();
  encode_auth_sasl_final(out, "v=x");
  EXPECT_EQ(out, bytes({'R', 0, 0, 0, 11, 0, 0, 0, 12, 'v', '=', 'x'}));
}

TEST(Encode, ReadyForQuery) {
  std::string out;
  encode_ready_for_query(out, TxStatus::idle);
  encode_ready_for_query(out, TxStatus::in_transaction);
  encode_ready_for_query(out, TxStatus::failed);
  EXPECT_EQ(out, bytes({'Z', 0, 0, 0, 5, 'I', 'Z', 0, 0, 0, 5, 'T', 'Z', 0, 0, 0, 5, 'E'}));
}

TEST(Encode, ParameterStatus) {
  std::string out;
  encode_parameter_status(out, "TimeZone", "UTC");
  EXPECT_EQ(out, bytes({'S', 0, 0, 0, 17}) + lit("TimeZone\0UTC\0"));
}

TEST(Encode, BackendKeyData) {
  std::string out;
  encode_backend_key_data(out, 0x01020304, -2);
  EXPECT_EQ(out, bytes({'K', 0, 0, 0, 12, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe}));
}

TEST(Encode, NegotiateProtocolVersion) {
  std::string out;
  encode_negotiate_protocol_version(out, 0, {"_pq_.a", "_pq_.b"});
  EXPECT_EQ(out, bytes({'v', 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0, 2}) + lit("_pq_.a\0_pq_.b\0"));
  out.clear();
  encode_negotiate_protocol_version(out, 0, {});
  EXPECT_EQ(out, bytes({'v', 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(Encode, ErrorResponseWithoutOptionalFields) {
  std::string out;
  encode_error_response(out, {"FATAL", "28P01", "password authentication failed for user \"bob\"", "", ""});
  std::string body = lit("SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"bob\"\0\0");
  EXPECT_EQ(out, std::string(1, 'E') + be32(static_cast<std::uint32_t>(4 + body.size())) + body);
}

TEST(Encode, ErrorResponseWithDetailAndHint) {
  std::string out;
  encode_error_response(out, {"ERROR", "42000", "m", "d", "h"});
  EXPECT_EQ(out, bytes({'E', 0, 0, 0, 35}) + lit("SERROR\0VERROR\0C42000\0Mm\0Dd\0Hh\0\0"));
}

TEST(Encode, NoticeResponseHintOnly) {
  std::string out;
  encode_notice_response(out, {"NOTICE", "00000", "m", "", "h"});
  EXPECT_EQ(out, bytes({'N', 0, 0, 0, 34}) + lit("SNOTICE\0VNOTICE\0C00000\0Mm\0Hh\0\0"));
}

TEST(Encode, QueryAndTerminate) {
  std::string out;
  encode_query(out, "SELECT 1");
  encode_terminate(out);
  EXPECT_EQ(out, bytes({'Q', 0, 0, 0, 13}) + lit("SELECT 1\0") + bytes({'X', 0, 0, 0, 4}));
}

TEST(Encode, ClientAuthMessages) {
  std::string out;
  encode_password_message(out, "pw");
  EXPECT_EQ(out, bytes({'p', 0, 0, 0, 7, 'p', 'w', 0}));
  out.clear();
  encode_sasl_initial_response(out, "SCRAM-SHA-256", "n,,n=,r=x");
  EXPECT_EQ(out, bytes({'p', 0, 0, 0, 31}) + lit("SCRAM-SHA-256\0") + be32(9) + "n,,n=,r=x");
  out.clear();
  encode_sasl_initial_response_without_data(out, "SCRAM-SHA-256");
  EXPECT_EQ(out, bytes({'p', 0, 0, 0, 22}) + lit("SCRAM-SHA-256\0") + be32(0xffffffffu));
  out.clear();
  encode_sasl_response(out, "c=biws");
  EXPECT_EQ(out, bytes({'p', 0, 0, 0, 10}) + "c=biws");
}

TEST(Encode, AppendsWithoutTouchingExistingBytes) {
  std::string out = "already here";
  encode_auth_ok(out);
  EXPECT_EQ(out.substr(0, 12), "already here");
  EXPECT_EQ(out.size(), 12u + 9u);
}

TEST(Encode, EmbeddedNulCannotInjectFieldsOrMessages) {
  // A message quoting client input must not let a NUL end the field and smuggle in more fields or
  // a whole fake message; the field is cut at the NUL instead.
  std::string out;
  ErrorFields f{"FATAL", "28000", lit("role \"x\0\0Z\0\0\0\x05I\" does not exist"), "", ""};
  encode_error_response(out, f);
  FrameDecode d = decode_frame(out, kMaxPreAuthMessage);
  ASSERT_EQ(d.status, FrameDecode::Status::ready);
  EXPECT_EQ(d.consumed, out.size());
  auto parsed = parse_error_fields(d.frame.body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->message, "role \"x");
  EXPECT_EQ(parsed->sqlstate, "28000");

  std::string sasl;
  encode_auth_sasl(sasl, {"", lit("A\0B"), "C"});  // an empty name would end the list early
  auto mechs = parse_auth_sasl_mechanisms(body_of(sasl, 'R'));
  ASSERT_TRUE(mechs.ok());
  EXPECT_THAT(*mechs, ElementsAre("A", "C"));
}

// ---- round trips ----

TEST(RoundTrip, AuthCodes) {
  struct Case {
    void (*encode)(std::string&);
    AuthCode code;
  };
  for (const Case& c : {Case{encode_auth_ok, AuthCode::ok},
                        Case{encode_auth_cleartext_password, AuthCode::cleartext_password},
                        Case{encode_auth_gss, AuthCode::gss}}) {
    std::string out;
    c.encode(out);
    auto code = parse_auth_code(body_of(out, 'R'));
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(*code, c.code);
  }
}

TEST(RoundTrip, AuthData) {
  std::string token(70000, '\0');
  for (std::size_t i = 0; i < token.size(); ++i) token[i] = static_cast<char>(i * 7);
  std::string out;
  encode_auth_gss_continue(out, token);
  auto body = body_of(out, 'R');
  EXPECT_EQ(*parse_auth_code(body), AuthCode::gss_continue);
  EXPECT_EQ(*parse_auth_data(body), token);

  out.clear();
  encode_auth_sasl_continue(out, "r=n,s=salt,i=4096");
  EXPECT_EQ(*parse_auth_code(body_of(out, 'R')), AuthCode::sasl_continue);
  EXPECT_EQ(*parse_auth_data(body_of(out, 'R')), "r=n,s=salt,i=4096");

  out.clear();
  encode_auth_sasl_final(out, "");
  EXPECT_EQ(*parse_auth_code(body_of(out, 'R')), AuthCode::sasl_final);
  EXPECT_EQ(*parse_auth_data(body_of(out, 'R')), "");
}

TEST(RoundTrip, SaslMechanisms) {
  std::string out;
  encode_auth_sasl(out, {"SCRAM-SHA-256"});
  auto body = body_of(out, 'R');
  EXPECT_EQ(*parse_auth_code(body), AuthCode::sasl);
  auto mechs = parse_auth_sasl_mechanisms(body);
  ASSERT_TRUE(mechs.ok());
  EXPECT_THAT(*mechs, ElementsAre("SCRAM-SHA-256"));
}

TEST(RoundTrip, ParameterStatus) {
  std::string out;
  encode_parameter_status(out, "application_name", "");
  auto p = parse_parameter_status(body_of(out, 'S'));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "application_name");
  EXPECT_EQ(p->value, "");
}

TEST(RoundTrip, BackendKeyData) {
  std::string out;
  encode_backend_key_data(out, std::numeric_limits<std::int32_t>::max(),
                          std::numeric_limits<std::int32_t>::min());
  auto k = parse_backend_key_data(body_of(out, 'K'));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->pid, std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(k->secret, std::numeric_limits<std::int32_t>::min());
}

TEST(RoundTrip, ReadyForQuery) {
  for (TxStatus s : {TxStatus::idle, TxStatus::in_transaction, TxStatus::failed}) {
    std::string out;
    encode_ready_for_query(out, s);
    auto parsed = parse_ready_for_query(body_of(out, 'Z'));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
}

TEST(RoundTrip, NegotiateProtocolVersion) {
  std::string out;
  encode_negotiate_protocol_version(out, 0, {"_pq_.x", "_pq_.compression"});
  auto v = parse_negotiate_protocol_version(body_of(out, 'v'));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->minor, 0);
  EXPECT_THAT(v->unrecognised_options, ElementsAre("_pq_.x", "_pq_.compression"));
}

TEST(RoundTrip, ErrorAndNotice) {
  ErrorFields f{"FATAL", "08P01", "invalid startup packet layout", "some detail", "a hint"};
  std::string out;
  encode_error_response(out, f);
  auto e = parse_error_fields(body_of(out, 'E'));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->severity, "FATAL");
  EXPECT_EQ(e->sqlstate, "08P01");
  EXPECT_EQ(e->message, f.message);
  EXPECT_EQ(e->detail, "some detail");
  EXPECT_EQ(e->hint, "a hint");

  out.clear();
  encode_notice_response(out, {"WARNING", "01000", "w", "", ""});
  auto n = parse_error_fields(body_of(out, 'N'));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->severity, "WARNING");
  EXPECT_TRUE(n->detail.empty());
  EXPECT_TRUE(n->hint.empty());
}

TEST(RoundTrip, SaslInitialResponse) {
  std::string out;
  std::string data = lit("n,,n=,r=\0binary\xff");
  encode_sasl_initial_response(out, "SCRAM-SHA-256", data);
  auto r = parse_sasl_initial_response(body_of(out, 'p'));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mechanism, "SCRAM-SHA-256");
  ASSERT_TRUE(r->data.has_value());
  EXPECT_EQ(*r->data, data);

  out.clear();
  encode_sasl_initial_response(out, "SCRAM-SHA-256", "");
  r = parse_sasl_initial_response(body_of(out, 'p'));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->data.has_value());  // length 0 is "empty data", not "no data"
  EXPECT_EQ(*r->data, "");

  out.clear();
  encode_sasl_initial_response_without_data(out, "SCRAM-SHA-256-PLUS");
  r = parse_sasl_initial_response(body_of(out, 'p'));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mechanism, "SCRAM-SHA-256-PLUS");
  EXPECT_FALSE(r->data.has_value());
}

TEST(RoundTrip, PasswordMessage) {
  std::string out;
  encode_password_message(out, "correct horse");
  auto p = parse_password_message(body_of(out, 'p'));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "correct horse");
  out.clear();
  encode_password_message(out, "");
  EXPECT_EQ(*parse_password_message(body_of(out, 'p')), "");
}

// ---- malformed bodies ----

TEST(ParseSaslInitialResponse, Malformed) {
  std::string mech = lit("SCRAM-SHA-256\0");
  expect_malformed(parse_sasl_initial_response(""));
  expect_malformed(parse_sasl_initial_response("SCRAM-SHA-256"));          // no NUL
  expect_malformed(parse_sasl_initial_response(mech));                     // no length
  expect_malformed(parse_sasl_initial_response(mech + bytes({0, 0, 0})));  // short length
  expect_malformed(parse_sasl_initial_response(mech + be32(5) + "abcd"));   // truncated data
  expect_malformed(parse_sasl_initial_response(mech + be32(3) + "abcd"));   // trailing data
  expect_malformed(parse_sasl_initial_response(mech + be32(0xfffffffeu)));  // -2
  expect_malformed(parse_sasl_initial_response(mech + be32(0x80000000u) + "x"));
  expect_malformed(parse_sasl_initial_response(mech + be32(0xffffffffu) + "x"));  // -1 plus data
  expect_malformed(parse_sasl_initial_response(mech + be32(0x7fffffffu) + "x"));
}

TEST(ParsePasswordMessage, Malformed) {
  expect_malformed(parse_password_message(""));
  expect_malformed(parse_password_message("pw"));
  expect_malformed(parse_password_message(lit("p\0w\0")));
  expect_malformed(parse_password_message(lit("pw\0\0")));
}

TEST(ParsePasswordMessage, ErrorNeverQuotesTheBody) {
  auto r = parse_password_message("hunter2-unterminated");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
}

TEST(ParseAuthCode, Malformed) {
  expect_malformed(parse_auth_code(""));
  expect_malformed(parse_auth_code(bytes({0, 0, 0})));
  expect_malformed(parse_auth_code(be32(0) + "x"));      // Ok carries nothing
  expect_malformed(parse_auth_code(be32(7) + "x"));      // nor does GSS
  expect_malformed(parse_auth_code(be32(5)));            // MD5 needs its salt
  expect_malformed(parse_auth_code(be32(5) + "saltx"));
  EXPECT_EQ(*parse_auth_code(be32(5) + "salt"), AuthCode::md5_password);
  EXPECT_EQ(*parse_auth_code(be32(9)), AuthCode::sspi);
}

TEST(ParseAuthCode, UnknownCodesAreRefused) {
  for (std::uint32_t code : {1u, 2u, 4u, 6u, 13u, 0xffffffffu, 0x80000000u}) {
    auto r = parse_auth_code(be32(code));
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().code, Errc::protocol_violation);
    EXPECT_THAT(r.error().message, HasSubstr("unsupported authentication request code"));
  }
}

TEST(ParseAuthSaslMechanisms, Malformed) {
  expect_malformed(parse_auth_sasl_mechanisms(be32(10)));                           // no terminator
  expect_malformed(parse_auth_sasl_mechanisms(be32(10) + lit("\0")));               // empty list
  expect_malformed(parse_auth_sasl_mechanisms(be32(10) + lit("SCRAM-SHA-256\0")));  // unterminated list
  expect_malformed(parse_auth_sasl_mechanisms(be32(10) + lit("A\0\0B\0\0")));       // trailing
  expect_malformed(parse_auth_sasl_mechanisms(be32(11) + lit("A\0\0")));            // wrong code
  expect_malformed(parse_auth_sasl_mechanisms(""));
}

TEST(ParseAuthData, WrongCodeOrShortBody) {
  expect_malformed(parse_auth_data(""));
  expect_malformed(parse_auth_data(be32(0)));
  expect_malformed(parse_auth_data(be32(10) + lit("A\0\0")));
  EXPECT_EQ(*parse_auth_data(be32(8)), "");
}

TEST(ParseNegotiateProtocolVersion, Malformed) {
  expect_malformed(parse_negotiate_protocol_version(""));
  expect_malformed(parse_negotiate_protocol_version(be32(0)));
  expect_malformed(parse_negotiate_protocol_version(be32(0) + be32(1)));                 // option missing
  expect_malformed(parse_negotiate_protocol_version(be32(0) + be32(1) + "_pq_.x"));      // no NUL
  expect_malformed(parse_negotiate_protocol_version(be32(0) + be32(0) + lit("x\0")));    // trailing
  expect_malformed(parse_negotiate_protocol_version(be32(0) + be32(0xffffffffu)));       // negative count
  expect_malformed(parse_negotiate_protocol_version(be32(0xffffffffu) + be32(0)));       // negative minor
  expect_malformed(parse_negotiate_protocol_version(be32(0) + be32(0x7fffffffu) + lit("a\0")));
}

TEST(ParseParameterStatus, Malformed) {
  expect_malformed(parse_parameter_status(""));
  expect_malformed(parse_parameter_status(lit("name\0")));
  expect_malformed(parse_parameter_status(lit("name\0value")));
  expect_malformed(parse_parameter_status(lit("name\0value\0x")));
}

TEST(ParseBackendKeyData, Malformed) {
  expect_malformed(parse_backend_key_data(""));
  expect_malformed(parse_backend_key_data(std::string(7, '\0')));
  expect_malformed(parse_backend_key_data(std::string(9, '\0')));
  expect_malformed(parse_backend_key_data(std::string(36, '\0')));  // protocol 3.2 long keys
}

TEST(ParseReadyForQuery, Malformed) {
  expect_malformed(parse_ready_for_query(""));
  expect_malformed(parse_ready_for_query("II"));
  expect_malformed(parse_ready_for_query("X"));
  expect_malformed(parse_ready_for_query(std::string(1, '\0')));
}

TEST(ParseErrorFields, Malformed) {
  expect_malformed(parse_error_fields(""));                       // no terminator at all
  expect_malformed(parse_error_fields(lit("SFATAL\0")));          // field list not terminated
  expect_malformed(parse_error_fields(lit("SFATAL")));            // field value not terminated
  expect_malformed(parse_error_fields(lit("S")));
  expect_malformed(parse_error_fields(lit("SFATAL\0\0M")));       // bytes after the terminator
}

TEST(ParseErrorFields, SkipsUnknownFieldsAndPrefersNonLocalisedSeverity) {
  auto e = parse_error_fields(
      lit("SFATAL-localised\0P12\0VFATAL\0C3D000\0Mdatabase \"x\" does not exist\0Fpostinit.c\0L1\0\0"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->severity, "FATAL");
  EXPECT_EQ(e->sqlstate, "3D000");
  EXPECT_EQ(e->message, "database \"x\" does not exist");
  EXPECT_TRUE(e->detail.empty());
}

TEST(ParseErrorFields, FallsBackToLocalisedSeverityAndShowsAbsence) {
  auto old_server = parse_error_fields(lit("SERREUR\0C42601\0Mx\0\0"));
  ASSERT_TRUE(old_server.ok());
  EXPECT_EQ(old_server->severity, "ERREUR");
  auto none = parse_error_fields(lit("\0"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->severity, "");  // not the encoder's "FATAL" default
}

// ---- random bytes: nothing may crash, and successes must re-encode to themselves ----

TEST(RandomBytes, ParsersNeverCrashAndAcceptedBodiesRoundTrip) {
  std::mt19937 rng(20240501);
  std::uniform_int_distribution<int> len_dist(0, 48);
  // Bias towards NULs and small numbers so the parsers get past their first checks often.
  std::uniform_int_distribution<int> byte_dist(0, 15);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string body(static_cast<std::size_t>(len_dist(rng)), '\0');
    for (char& c : body) {
      int b = byte_dist(rng);
      c = static_cast<char>(b < 6 ? 0 : b < 12 ? 'a' + b : static_cast<int>(rng() & 0xff));
    }
    if (auto p = parse_parameter_status(body); p.ok()) {
      ++accepted;
      std::string out;
      encode_parameter_status(out, p->name, p->value);
      EXPECT_EQ(body_of(out, 'S'), body);
    }
    if (auto p = parse_password_message(body); p.ok()) {
      ++accepted;
      std::string out;
      encode_password_message(out, *p);
      EXPECT_EQ(body_of(out, 'p'), body);
    }
    if (auto p = parse_sasl_initial_response(body); p.ok()) {
      ++accepted;
      std::string out;
      if (p->data) {
        encode_sasl_initial_response(out, p->mechanism, *p->data);
      } else {
        encode_sasl_initial_response_without_data(out, p->mechanism);
      }
      EXPECT_EQ(body_of(out, 'p'), body);
    }
    if (auto p = parse_error_fields(body); p.ok()) {
      ++accepted;
      std::string out;
      encode_error_response(out, *p);
      auto again = parse_error_fields(body_of(out, 'E'));
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->severity, p->severity);
      EXPECT_EQ(again->message, p->message);
    }
    (void)parse_auth_code(body);
    (void)parse_auth_sasl_mechanisms(body);
    (void)parse_auth_data(body);
    (void)parse_negotiate_protocol_version(body);
    (void)parse_backend_key_data(body);
    (void)parse_ready_for_query(body);
  }
  EXPECT_GT(accepted, 100);  // the sweep really exercised the success paths
}

}  // namespace
}  // namespace borealis::pgwire
