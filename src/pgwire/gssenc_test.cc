// Tests for gssenc packet framing: byte-at-a-time arrival, two packets in one buffer, the caps of
// both phases at and one past their limit, and lengths that must end the stream.
#include "pgwire/gssenc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "pgwire/test_bytes.h"

namespace borealis::pgwire {
namespace {

using ::testing::HasSubstr;
using test_bytes::be32;
using Status = GssEncDecode::Status;

std::string packet(std::string_view body) { return be32(static_cast<std::uint32_t>(body.size())) + std::string(body); }

TEST(GssEncCaps, MatchPostgres) {
  EXPECT_EQ(kGssEncMaxPacket, 16384u);  // PQ_GSS_MAX_PACKET_SIZE, length word included
  EXPECT_EQ(kGssEncMaxDataToken, 16380u);
  EXPECT_EQ(kGssEncMaxHandshakeToken, 65536u);
  EXPECT_EQ(gssenc_max_token(GssEncPhase::data), kGssEncMaxDataToken);
  EXPECT_EQ(gssenc_max_token(GssEncPhase::handshake), kGssEncMaxHandshakeToken);
}

TEST(DecodeGssEnc, ExactBytesZeroCopy) {
  const std::string buf = packet("wrapped");
  GssEncDecode d = decode_gssenc_packet(buf, GssEncPhase::data);
  ASSERT_EQ(d.status, Status::packet);
  EXPECT_EQ(d.consumed, 11u);
  EXPECT_EQ(d.body, "wrapped");
  EXPECT_EQ(d.body.data(), buf.data() + 4);
}

TEST(DecodeGssEnc, SplitAtEveryByte) {
  for (GssEncPhase phase : {GssEncPhase::handshake, GssEncPhase::data}) {
    const std::string body(300, '\x5a');
    const std::string buf = packet(body);
    for (std::size_t n = 0; n < buf.size(); ++n) {
      GssEncDecode d = decode_gssenc_packet(std::string_view(buf).substr(0, n), phase);
      ASSERT_EQ(d.status, Status::need_more) << n;
      EXPECT_EQ(d.consumed, 0u);
      EXPECT_EQ(d.wanted, n < 4 ? 0u : buf.size()) << n;
    }
    GssEncDecode d = decode_gssenc_packet(buf, phase);
    ASSERT_EQ(d.status, Status::packet);
    EXPECT_EQ(d.body, body);
  }
}

TEST(DecodeGssEnc, TwoPacketsInOneBuffer) {
  const std::string buf = packet("first") + packet("second!") + std::string("\0\0", 2);
  std::string_view rest = buf;
  GssEncDecode a = decode_gssenc_packet(rest, GssEncPhase::data);
  ASSERT_EQ(a.status, Status::packet);
  EXPECT_EQ(a.body, "first");
  rest.remove_prefix(a.consumed);
  GssEncDecode b = decode_gssenc_packet(rest, GssEncPhase::data);
  ASSERT_EQ(b.status, Status::packet);
  EXPECT_EQ(b.body, "second!");
  rest.remove_prefix(b.consumed);
  EXPECT_EQ(decode_gssenc_packet(rest, GssEncPhase::data).status, Status::need_more);
}

TEST(DecodeGssEnc, DataCapAtAndPastLimit) {
  const std::string at_cap = packet(std::string(kGssEncMaxDataToken, 'x'));
  EXPECT_EQ(at_cap.size(), kGssEncMaxPacket);
  GssEncDecode ok = decode_gssenc_packet(at_cap, GssEncPhase::data);
  ASSERT_EQ(ok.status, Status::packet);
  EXPECT_EQ(ok.consumed, kGssEncMaxPacket);

  // One byte over: refused from the length word alone, before the body arrives.
  GssEncDecode over = decode_gssenc_packet(be32(kGssEncMaxDataToken + 1), GssEncPhase::data);
  ASSERT_EQ(over.status, Status::error);
  EXPECT_EQ(over.error.code, Errc::too_large);
  EXPECT_THAT(over.error.message, HasSubstr("GSSAPI-encrypted packet of 16381 bytes exceeds the 16380-byte cap"));
  // The same length is a fine handshake token.
  EXPECT_EQ(decode_gssenc_packet(be32(kGssEncMaxDataToken + 1), GssEncPhase::handshake).status, Status::need_more);
}

TEST(DecodeGssEnc, HandshakeCapAtAndPastLimit) {
  const std::string at_cap = packet(std::string(kGssEncMaxHandshakeToken, 'x'));
  GssEncDecode ok = decode_gssenc_packet(at_cap, GssEncPhase::handshake);
  ASSERT_EQ(ok.status, Status::packet);
  EXPECT_EQ(ok.body.size(), kGssEncMaxHandshakeToken);

  GssEncDecode over = decode_gssenc_packet(be32(kGssEncMaxHandshakeToken + 1), GssEncPhase::handshake);
  ASSERT_EQ(over.status, Status::error);
  EXPECT_EQ(over.error.code, Errc::too_large);
  EXPECT_THAT(over.error.message, HasSubstr("GSSAPI handshake token of 65537 bytes exceeds the 65536-byte cap"));
}

TEST(DecodeGssEnc, ZeroAndHugeLengthsAreErrors) {
  for (GssEncPhase phase : {GssEncPhase::handshake, GssEncPhase::data}) {
    GssEncDecode zero = decode_gssenc_packet(be32(0) + "trailing", phase);
    ASSERT_EQ(zero.status, Status::error);
    EXPECT_EQ(zero.error.code, Errc::protocol_violation);
    EXPECT_THAT(zero.error.message, HasSubstr("empty GSSAPI"));
    // A "negative" int32 is a huge uint32: too large, never a wrap-around to something small.
    for (std::uint32_t huge : {0x80000000u, 0xffffffffu, 0x7fffffffu}) {
      GssEncDecode d = decode_gssenc_packet(be32(huge), phase);
      ASSERT_EQ(d.status, Status::error) << huge;
      EXPECT_EQ(d.error.code, Errc::too_large);
    }
  }
}

TEST(DecodeGssEnc, RandomBytesNeverReadPastTheBuffer) {
  // Under ASan an out-of-bounds read fails the test; the verdict must also be consistent.
  std::mt19937 rng(12345);
  for (int i = 0; i < 2000; ++i) {
    std::string buf(rng() % 40, '\0');
    for (char& c : buf) c = static_cast<char>(rng());
    if (!buf.empty() && (i % 2 == 0)) buf[0] = 0;  // small lengths as well as huge ones
    for (GssEncPhase phase : {GssEncPhase::handshake, GssEncPhase::data}) {
      GssEncDecode d = decode_gssenc_packet(buf, phase);
      if (d.status == Status::packet) {
        EXPECT_LE(d.consumed, buf.size());
        EXPECT_EQ(d.consumed, 4 + d.body.size());
        EXPECT_GT(d.body.size(), 0u);
      } else if (d.status == Status::error) {
        EXPECT_FALSE(d.error.message.empty());
        EXPECT_GE(buf.size(), 4u);
      }
    }
  }
}

TEST(EncodeGssEnc, RoundTripsAndRefusesOutOfRange) {
  std::string out = "prefix";
  ASSERT_TRUE(encode_gssenc_packet(out, "token", GssEncPhase::data).ok());
  EXPECT_EQ(out, "prefix" + be32(5) + "token");

  const std::string big(kGssEncMaxDataToken, 'y');
  std::string wire;
  ASSERT_TRUE(encode_gssenc_packet(wire, big, GssEncPhase::data).ok());
  EXPECT_EQ(wire.size(), kGssEncMaxPacket);
  GssEncDecode d = decode_gssenc_packet(wire, GssEncPhase::data);
  ASSERT_EQ(d.status, Status::packet);
  EXPECT_EQ(d.body, big);

  std::string untouched = "keep";
  auto too_big = encode_gssenc_packet(untouched, big + "y", GssEncPhase::data);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, Errc::too_large);
  EXPECT_EQ(untouched, "keep");
  EXPECT_TRUE(encode_gssenc_packet(untouched, big + "y", GssEncPhase::handshake).ok());
  auto empty = encode_gssenc_packet(untouched, "", GssEncPhase::handshake);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace borealis::pgwire
