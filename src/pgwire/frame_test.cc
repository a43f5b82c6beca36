// Tests for the typed-message splitter: byte-at-a-time arrival, several messages per buffer, and
// every length field that must end the stream (below 4, negative, above the caller's cap).
#include "pgwire/frame.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

#include "pgwire/constants.h"
#include "pgwire/test_bytes.h"

namespace borealis::pgwire {
namespace {

using ::testing::HasSubstr;
using test_bytes::be32;
using test_bytes::bytes;
using test_bytes::frame;
using Status = FrameDecode::Status;
using HeaderStatus = FrameHeader::Status;

TEST(DecodeFrame, ReadyForQueryExactBytes) {
  std::string buf = bytes({'Z', 0, 0, 0, 5, 'I'});
  FrameDecode d = decode_frame(buf, kMaxPreAuthMessage);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.frame.type, 'Z');
  EXPECT_EQ(d.frame.body, "I");
  EXPECT_EQ(d.consumed, 6u);
  EXPECT_EQ(d.frame.size(), d.consumed);
  // Zero-copy: the body points into the caller's buffer.
  EXPECT_EQ(d.frame.body.data(), buf.data() + 5);
}

TEST(DecodeFrame, EmptyBody) {
  FrameDecode d = decode_frame(bytes({'X', 0, 0, 0, 4}), kMaxPreAuthMessage);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.frame.type, 'X');
  EXPECT_TRUE(d.frame.body.empty());
  EXPECT_EQ(d.consumed, 5u);
}

TEST(DecodeFrame, NeedMoreAtEveryByteBoundaryThenWantedIsKnown) {
  std::string msg = frame('Q', std::string("select 1") + '\0');
  for (std::size_t n = 0; n < msg.size(); ++n) {
    FrameDecode d = decode_frame(std::string_view(msg).substr(0, n), kMaxPreAuthMessage);
    ASSERT_EQ(d.status, Status::need_more) << n;
    EXPECT_EQ(d.consumed, 0u);
    EXPECT_EQ(d.wanted, n < 5 ? 0u : msg.size()) << n;
    FrameHeader h = decode_frame_header(std::string_view(msg).substr(0, n), kMaxPreAuthMessage);
    if (n < 5) {
      EXPECT_EQ(h.status, HeaderStatus::need_more) << n;
    } else {
      ASSERT_EQ(h.status, HeaderStatus::ready) << n;
      EXPECT_EQ(h.type, 'Q');
      EXPECT_EQ(h.total, msg.size());
    }
  }
  FrameDecode d = decode_frame(msg, kMaxPreAuthMessage);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, msg.size());
}

TEST(DecodeFrame, SeveralMessagesInOneBuffer) {
  std::string a = frame('p', std::string("secret") + '\0');
  std::string b = frame('X', "");
  std::string c = frame('Q', "x");
  std::string buf = a + b + c + "Z\0";  // plus the start of a fourth
  std::string_view rest = buf;
  std::vector<char> types;
  for (;;) {
    FrameDecode d = decode_frame(rest, kMaxPreAuthMessage);
    if (d.status != Status::ready) {
      EXPECT_EQ(d.status, Status::need_more);
      break;
    }
    types.push_back(d.frame.type);
    rest.remove_prefix(d.consumed);
  }
  EXPECT_EQ(types, (std::vector<char>{'p', 'X', 'Q'}));
  EXPECT_EQ(rest, "Z\0");
}

TEST(DecodeFrame, LengthBelowFourIsAnError) {
  for (std::uint32_t len : {0u, 1u, 2u, 3u}) {
    std::string buf = std::string(1, 'Q') + be32(len) + "payload";
    FrameDecode d = decode_frame(buf, kMaxPreAuthMessage);
    ASSERT_EQ(d.status, Status::error) << len;
    EXPECT_EQ(d.error.code, Errc::protocol_violation);
    EXPECT_THAT(d.error.message, HasSubstr("invalid message length"));
    FrameHeader h = decode_frame_header(buf, kMaxPreAuthMessage);
    EXPECT_EQ(h.status, HeaderStatus::error);
    EXPECT_EQ(h.error.code, Errc::protocol_violation);
  }
}

TEST(DecodeFrame, NegativeLengthIsAnErrorNotAHugeSize) {
  for (std::uint32_t len : {0x80000000u, 0xffffffffu, 0xfffffffcu}) {
    std::string buf = std::string(1, 'd') + be32(len);
    for (std::size_t max : {kMaxPreAuthMessage, kMaxRelayedMessage, SIZE_MAX}) {
      FrameDecode d = decode_frame(buf, max);
      ASSERT_EQ(d.status, Status::error) << len;
      EXPECT_EQ(d.error.code, Errc::protocol_violation);
      EXPECT_EQ(decode_frame_header(buf, max).status, HeaderStatus::error);
    }
  }
}

TEST(DecodeFrame, AboveTheCapIsTooLargeFromTheHeaderAlone) {
  // 'p' with length 8192: total 8193 bytes on the wire, one over kMaxPreAuthMessage.
  std::string header = std::string(1, 'p') + be32(static_cast<std::uint32_t>(kMaxPreAuthMessage));
  FrameDecode d = decode_frame(header, kMaxPreAuthMessage);
  ASSERT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error.code, Errc::too_large);
  FrameHeader h = decode_frame_header(header, kMaxPreAuthMessage);
  ASSERT_EQ(h.status, HeaderStatus::error);
  EXPECT_EQ(h.error.code, Errc::too_large);
}

TEST(DecodeFrame, ExactlyAtTheCapIsAccepted) {
  std::string msg = frame('p', std::string(kMaxPreAuthMessage - 5, 'a'));
  ASSERT_EQ(msg.size(), kMaxPreAuthMessage);
  FrameDecode d = decode_frame(msg, kMaxPreAuthMessage);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(d.consumed, kMaxPreAuthMessage);
}

TEST(DecodeFrame, LargestInt32LengthAgainstTheRelayCap) {
  std::string header = std::string(1, 'd') + be32(0x7fffffffu);
  FrameDecode d = decode_frame(header, kMaxRelayedMessage);
  ASSERT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error.code, Errc::too_large);
  // Without a cap the header is fine and the decoder just waits for the bytes.
  FrameHeader h = decode_frame_header(header, SIZE_MAX);
  ASSERT_EQ(h.status, HeaderStatus::ready);
  EXPECT_EQ(h.total, 0x80000000u);
  FrameDecode waiting = decode_frame(header, SIZE_MAX);
  EXPECT_EQ(waiting.status, Status::need_more);
  EXPECT_EQ(waiting.wanted, 0x80000000u);
}

TEST(DecodeFrame, CapBelowHeaderSizeRefusesEverything) {
  std::string msg = frame('X', "");
  for (std::size_t max : {0u, 1u, 4u}) {
    EXPECT_EQ(decode_frame(msg, max).status, Status::error);
    EXPECT_EQ(decode_frame(msg, max).error.code, Errc::too_large);
  }
  EXPECT_EQ(decode_frame(msg, 5).status, Status::ready);
}

TEST(DecodeFrame, HeaderAgreesWithFrame) {
  std::string msg = frame('D', std::string(100, 'z'));
  FrameHeader h = decode_frame_header(msg, kMaxRelayedMessage);
  FrameDecode d = decode_frame(msg, kMaxRelayedMessage);
  ASSERT_EQ(h.status, HeaderStatus::ready);
  ASSERT_EQ(d.status, Status::ready);
  EXPECT_EQ(h.type, d.frame.type);
  EXPECT_EQ(h.total, d.frame.size());
}

TEST(DecodeFrame, ErrorMessageNamesTheTypeSafely) {
  std::string buf = bytes({0x1b, 0, 0, 0, 1});
  FrameDecode d = decode_frame(buf, kMaxPreAuthMessage);
  ASSERT_EQ(d.status, Status::error);
  EXPECT_THAT(d.error.message, HasSubstr("0x1b"));
  EXPECT_EQ(d.error.message.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace borealis::pgwire
