// Tests for decode_initial: every initial packet kind, split at every byte, back to back, and every
// way a hostile or broken client can get the first packet wrong.
#include "pgwire/startup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pgwire/constants.h"
#include "pgwire/messages.h"
#include "pgwire/test_bytes.h"

namespace borealis::pgwire {
namespace {

using ::testing::HasSubstr;
using test_bytes::be32;
using test_bytes::bytes;
using test_bytes::initial;
using test_bytes::lit;
using test_bytes::params_body;
using Status = InitialDecode::Status;

constexpr std::uint32_t kV3 = 3u << 16;

std::string startup(const std::vector<std::pair<std::string, std::string>>& params,
                    std::uint32_t protocol = kV3) {
  return initial(protocol, params_body(params));
}

const StartupMessage& as_startup(const InitialDecode& d) { return std::get<StartupMessage>(d.packet); }

void expect_error(const InitialDecode& d, Errc code, std::string_view text) {
  ASSERT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error.code, code);
  EXPECT_THAT(d.error.message, HasSubstr(std::string(text)));
}

// Every strict prefix must be need_more or already the final verdict (an early error must match the
// error of the whole packet); the whole buffer gives `final`.
void expect_consistent_prefixes(const std::string& packet, const InitialDecode& final) {
  for (std::size_t n = 0; n < packet.size(); ++n) {
    InitialDecode d = decode_initial(std::string_view(packet).substr(0, n));
    if (d.status == Status::need_more) continue;
    ASSERT_EQ(d.status, final.status) << "prefix " << n;
    if (d.status == Status::error) {
      EXPECT_EQ(d.error.code, final.error.code) << "prefix " << n;
      EXPECT_EQ(d.error.message, final.error.message) << "prefix " << n;
    } else {
      EXPECT_EQ(d.consumed, final.consumed) << "prefix " << n;
    }
  }
}

// ---- the four packet kinds ----

TEST(DecodeInitial, SslRequestExactBytes) {
  InitialDecode d = decode_initial(bytes({0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}));
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, 8u);
  EXPECT_TRUE(std::holds_alternative<SslRequest>(d.packet));
}

TEST(DecodeInitial, GssEncRequestExactBytes) {
  InitialDecode d = decode_initial(bytes({0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30}));
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, 8u);
  EXPECT_TRUE(std::holds_alternative<GssEncRequest>(d.packet));
}

TEST(DecodeInitial, CancelRequestExactBytes) {
  std::string pkt = bytes({0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e}) + be32(4242) + be32(0xdeadbeef);
  InitialDecode d = decode_initial(pkt);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, 16u);
  const auto& c = std::get<CancelRequest>(d.packet);
  EXPECT_EQ(c.pid, 4242);
  EXPECT_EQ(c.secret, static_cast<std::int32_t>(0xdeadbeefu));  // negative keys are legal
}

TEST(DecodeInitial, StartupMessageKeepsOrderAndValues) {
  std::string pkt = startup({{"user", "alice"}, {"database", "sales"}, {"application_name", "psql"},
                             {"options", ""}});
  InitialDecode d = decode_initial(pkt);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, pkt.size());
  const auto& m = as_startup(d);
  EXPECT_EQ(m.protocol, kProtocolV3);
  ASSERT_EQ(m.params.size(), 4u);
  EXPECT_EQ(m.params[0].first, "user");
  EXPECT_EQ(m.params[2].first, "application_name");
  EXPECT_EQ(m.user(), "alice");
  EXPECT_EQ(m.database(), "sales");
  EXPECT_TRUE(m.has("options"));  // present with an empty value
  EXPECT_EQ(m.get("options"), "");
  EXPECT_FALSE(m.has("replication"));
  EXPECT_EQ(m.get("replication"), "");
}

TEST(DecodeInitial, DatabaseDefaultsToUser) {
  InitialDecode absent = decode_initial(startup({{"user", "bob"}}));
  ASSERT_EQ(absent.status, Status::ready);
  EXPECT_EQ(as_startup(absent).database(), "bob");
  InitialDecode empty = decode_initial(startup({{"user", "bob"}, {"database", ""}}));
  ASSERT_EQ(empty.status, Status::ready);
  EXPECT_EQ(as_startup(empty).database(), "bob");
}

TEST(DecodeInitial, ExactByteLayoutFromTheDocs) {
  // Int32 len, Int32 196608, "user\0" "u\0" "\0".
  std::string pkt = bytes({0, 0, 0, 16, 0, 3, 0, 0}) + lit("user\0u\0\0");
  InitialDecode d = decode_initial(pkt);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(as_startup(d).user(), "u");
}

// ---- byte-at-a-time, back to back, trailing bytes ----

TEST(DecodeInitial, NeedMoreAtEveryByteBoundary) {
  std::string cancel;
  encode_cancel_request(cancel, 7, 9);
  std::string ssl;
  encode_ssl_request(ssl);
  std::string gss;
  encode_gssenc_request(gss);
  for (const std::string& pkt :
       {startup({{"user", "alice"}, {"database", "db"}}), cancel, ssl, gss}) {
    for (std::size_t n = 0; n < pkt.size(); ++n) {
      InitialDecode d = decode_initial(std::string_view(pkt).substr(0, n));
      EXPECT_EQ(d.status, Status::need_more) << "prefix " << n << " of " << pkt.size();
    }
    InitialDecode d = decode_initial(pkt);
    ASSERT_EQ(d.status, Status::ready);
    EXPECT_EQ(d.consumed, pkt.size());
  }
}

TEST(DecodeInitial, TwoPacketsInOneBufferConsumeOnlyTheFirst) {
  std::string ssl;
  encode_ssl_request(ssl);
  std::string first_startup = startup({{"user", "alice"}});
  std::string buf = ssl + first_startup;
  InitialDecode d = decode_initial(buf);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, 8u);
  EXPECT_TRUE(std::holds_alternative<SslRequest>(d.packet));

  InitialDecode second = decode_initial(std::string_view(buf).substr(d.consumed));
  ASSERT_EQ(second.status, Status::ready);
  EXPECT_EQ(second.consumed, first_startup.size());
  EXPECT_EQ(as_startup(second).user(), "alice");
}

TEST(DecodeInitial, StartupFollowedByPipelinedBytes) {
  std::string pkt = startup({{"user", "alice"}});
  InitialDecode d = decode_initial(pkt + "Q\0\0\0\x05x");
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, pkt.size());
}

// ---- length field ----

TEST(DecodeInitial, LengthBelowEightIsRejectedFromTheLengthAlone) {
  for (std::uint32_t len : {0u, 1u, 4u, 7u}) {
    InitialDecode d = decode_initial(be32(len));
    expect_error(d, Errc::protocol_violation, "invalid length of startup packet");
  }
}

TEST(DecodeInitial, NegativeLengthIsRejected) {
  for (std::uint32_t len : {0x80000000u, 0xffffffffu, 0xfffffff8u}) {
    std::string pkt = be32(len) + be32(kV3) + lit("user\0a\0\0");
    InitialDecode d = decode_initial(pkt);
    expect_error(d, Errc::protocol_violation, "invalid length of startup packet");
    expect_consistent_prefixes(pkt, d);
  }
}

TEST(DecodeInitial, OversizedLengthIsRejectedBeforeBuffering) {
  for (std::uint32_t len : {static_cast<std::uint32_t>(kMaxStartupPacket + 1), 0x7fffffffu}) {
    InitialDecode d = decode_initial(be32(len));  // only the length has arrived
    expect_error(d, Errc::too_large, "startup packet");
  }
}

TEST(DecodeInitial, PacketOfExactlyTheCapIsAccepted) {
  std::string base = startup({{"user", "alice"}, {"application_name", ""}});
  std::string filler(kMaxStartupPacket - base.size(), 'x');
  std::string pkt = startup({{"user", "alice"}, {"application_name", filler}});
  ASSERT_EQ(pkt.size(), kMaxStartupPacket);
  InitialDecode d = decode_initial(pkt);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(as_startup(d).get("application_name").size(), filler.size());

  std::string over = startup({{"user", "alice"}, {"application_name", filler + "x"}});
  expect_error(decode_initial(over), Errc::too_large, "startup packet");
}

// ---- request codes and versions ----

TEST(DecodeInitial, ProtocolTwoIsRejectedLikePostgres) {
  std::string pkt = startup({{"user", "alice"}}, 2u << 16);
  InitialDecode d = decode_initial(pkt);
  expect_error(d, Errc::unsupported,
               "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
  // Decided as soon as the code has arrived.
  expect_error(decode_initial(std::string_view(pkt).substr(0, 8)), Errc::unsupported,
               "unsupported frontend protocol 2.0");
  expect_consistent_prefixes(pkt, d);
}

TEST(DecodeInitial, OtherMajorVersionsAreRejected) {
  for (std::uint32_t code : {0u, 1u << 16, (4u << 16), (4u << 16) | 1, 0xffff0000u, 0x80000000u}) {
    InitialDecode d = decode_initial(startup({{"user", "alice"}}, code));
    expect_error(d, Errc::unsupported, "unsupported frontend protocol");
  }
  expect_error(decode_initial(startup({{"user", "a"}}, (4u << 16) | 2)), Errc::unsupported,
               "unsupported frontend protocol 4.2: server supports 3.0 to 3.0");
}

TEST(DecodeInitial, AnyMinorOfVersionThreeIsAccepted) {
  // The gateway answers NegotiateProtocolVersion for these; the decoder must hand them over intact.
  for (std::uint32_t minor : {0u, 1u, 2u, 0xffffu}) {
    InitialDecode d = decode_initial(startup({{"user", "alice"}, {"_pq_.foo", "1"}}, kV3 | minor));
    ASSERT_EQ(d.status, Status::ready) << minor;
    EXPECT_EQ(static_cast<std::uint32_t>(as_startup(d).protocol), kV3 | minor);
    EXPECT_EQ(as_startup(d).get("_pq_.foo"), "1");
  }
}

TEST(DecodeInitial, UnknownRequestCodesAreRejected) {
  for (std::uint32_t code : {(1234u << 16) | 5677, (1234u << 16) | 5681, (1234u << 16) | 0xffff}) {
    InitialDecode d = decode_initial(initial(code, ""));
    expect_error(d, Errc::protocol_violation, "unrecognized request code 1234.");
  }
}

TEST(DecodeInitial, SpecialRequestsOfWrongLengthAreRejectedEarly) {
  struct Case {
    std::uint32_t code;
    std::size_t body;
    const char* text;
  };
  for (const Case& c : {Case{80877103, 4, "invalid length of SSL request: 12"},
                        Case{80877103, 8, "invalid length of SSL request: 16"},
                        Case{80877104, 1, "invalid length of GSSENC request: 9"},
                        Case{80877102, 0, "invalid length of cancel request: 8"},
                        Case{80877102, 4, "invalid length of cancel request: 12"},
                        Case{80877102, 12, "invalid length of cancel request: 20"}}) {
    std::string pkt = initial(c.code, std::string(c.body, '\0'));
    InitialDecode d = decode_initial(pkt);
    expect_error(d, Errc::protocol_violation, c.text);
    // Refused from the first 8 bytes: the body of a lying request is never waited for.
    InitialDecode early = decode_initial(std::string_view(pkt).substr(0, 8));
    expect_error(early, Errc::protocol_violation, c.text);
  }
}

// ---- parameter list layout ----

TEST(DecodeInitial, MissingTerminatorsAreRejected) {
  for (const std::string& body :
       {lit("user\0bob\0"), lit("user\0bob"), lit("user"), lit("user\0"), std::string()}) {
    std::string pkt = initial(kV3, body);
    InitialDecode d = decode_initial(pkt);
    expect_error(d, Errc::protocol_violation, "invalid startup packet layout");
    expect_consistent_prefixes(pkt, d);
  }
}

TEST(DecodeInitial, BytesAfterTheTerminatorAreRejected) {
  for (const std::string& body : {lit("user\0bob\0\0x"), lit("user\0bob\0\0\0"), lit("\0\0")}) {
    expect_error(decode_initial(initial(kV3, body)), Errc::protocol_violation,
                 "expected terminator as last byte");
  }
}

TEST(DecodeInitial, DuplicateParametersAreRejected) {
  expect_error(decode_initial(startup({{"user", "a"}, {"database", "x"}, {"database", "y"}})),
               Errc::protocol_violation, "duplicate startup parameter \"database\"");
  expect_error(decode_initial(startup({{"user", "a"}, {"user", "b"}})), Errc::protocol_violation,
               "duplicate startup parameter \"user\"");
}

TEST(DecodeInitial, ErrorTextEscapesClientBytes) {
  std::string name = lit("evil\n\x1b[31m\"x");
  InitialDecode d = decode_initial(startup({{"user", "a"}, {name, "1"}, {name, "2"}}));
  ASSERT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error.message.find('\n'), std::string::npos);
  EXPECT_EQ(d.error.message.find('\x1b'), std::string::npos);
  EXPECT_THAT(d.error.message, HasSubstr("evil\\x0a\\x1b[31m\\x22x"));
}

TEST(DecodeInitial, ParameterCountIsCapped) {
  std::vector<std::pair<std::string, std::string>> params{{"user", "a"}};
  while (params.size() < kMaxStartupParams) params.emplace_back("p" + std::to_string(params.size()), "v");
  InitialDecode at_cap = decode_initial(startup(params));
  ASSERT_EQ(at_cap.status, Status::ready);
  EXPECT_EQ(as_startup(at_cap).params.size(), kMaxStartupParams);

  params.emplace_back("one_too_many", "v");
  expect_error(decode_initial(startup(params)), Errc::too_large, "too many startup parameters");
}

TEST(DecodeInitial, MissingOrEmptyUserIsRejected) {
  for (const auto& params : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {}, {{"database", "db"}}, {{"user", ""}}, {{"User", "a"}}}) {
    expect_error(decode_initial(startup(params)), Errc::protocol_violation,
                 "no PostgreSQL user name specified");
  }
}

// ---- round trips through the encoders ----

TEST(DecodeInitial, RoundTripsEncodeStartupMessage) {
  std::vector<std::pair<std::string, std::string>> params{
      {"user", "alice@EXAMPLE.COM"}, {"database", "d"}, {"options", "-c search_path=x"}, {"e", ""}};
  std::string out = "prefix";  // encoders append
  encode_startup_message(out, kProtocolV3 | 2, params);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  InitialDecode d = decode_initial(std::string_view(out).substr(6));
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, out.size() - 6);
  EXPECT_EQ(as_startup(d).protocol, kProtocolV3 | 2);
  EXPECT_EQ(as_startup(d).params, params);
}

TEST(DecodeInitial, EncodeStartupMessageExactBytes) {
  std::string out;
  encode_startup_message(out, kProtocolV3, {{"user", "u"}});
  EXPECT_EQ(out, bytes({0, 0, 0, 16, 0, 3, 0, 0}) + lit("user\0u\0\0"));
}

TEST(DecodeInitial, EncodeStartupMessageNeverEmitsALayoutTheDecoderRefuses) {
  std::string out;
  // An empty name would be read as the terminator; an embedded NUL would split a field.
  encode_startup_message(out, kProtocolV3, {{"user", lit("a\0database")}, {"", "x"}, {"d", "y"}});
  InitialDecode d = decode_initial(out);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(as_startup(d).user(), "a");
  EXPECT_EQ(as_startup(d).get("d"), "y");
  EXPECT_EQ(as_startup(d).params.size(), 2u);
}

TEST(DecodeInitial, RoundTripsSpecialRequests) {
  std::string ssl, gss, cancel;
  encode_ssl_request(ssl);
  encode_gssenc_request(gss);
  encode_cancel_request(cancel, -1, std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(ssl, bytes({0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}));
  EXPECT_EQ(gss, bytes({0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30}));
  EXPECT_EQ(cancel, bytes({0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0}));
  EXPECT_TRUE(std::holds_alternative<SslRequest>(decode_initial(ssl).packet));
  EXPECT_TRUE(std::holds_alternative<GssEncRequest>(decode_initial(gss).packet));
  InitialDecode c = decode_initial(cancel);
  ASSERT_EQ(c.status, Status::ready);
  EXPECT_EQ(std::get<CancelRequest>(c.packet).pid, -1);
  EXPECT_EQ(std::get<CancelRequest>(c.packet).secret, std::numeric_limits<std::int32_t>::min());
}

}  // namespace
}  // namespace borealis::pgwire
