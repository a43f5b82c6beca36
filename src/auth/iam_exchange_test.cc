// The gateway ↔ control-plane IAM login exchange: round trips, frames split at every byte, caps, junk.
#include "auth/iam_exchange.h"

#include <gtest/gtest.h>

namespace borealis::auth {
namespace {

IamLoginQuestion question() {
  IamLoginQuestion q;
  q.id = 0x0102030405060708ULL;
  q.cluster_id = "db1";
  q.db_user = "alice";
  q.client_address = "127.0.0.1";
  q.token = Secret("db1.cluster-x.us-east-1.rds.localhost:5432/?Action=connect&DBUser=alice");
  return q;
}

TEST(IamExchange, QuestionRoundTripsSplitAtEveryByte) {
  std::string wire;
  ASSERT_TRUE(encode_iam_question(wire, question()));
  wire += "next";  // bytes of a following frame stay unread
  for (std::size_t cut = 0; cut < wire.size() - 4; ++cut) {
    auto d = decode_iam_question(std::string_view(wire).substr(0, cut));
    EXPECT_EQ(d.status, IamExchangeDecode<IamLoginQuestion>::Status::need_more) << cut;
  }
  auto d = decode_iam_question(wire);
  ASSERT_EQ(d.status, IamExchangeDecode<IamLoginQuestion>::Status::ok) << d.error;
  EXPECT_EQ(d.consumed, wire.size() - 4);
  EXPECT_EQ(d.message.id, 0x0102030405060708ULL);
  EXPECT_EQ(d.message.cluster_id, "db1");
  EXPECT_EQ(d.message.db_user, "alice");
  EXPECT_EQ(d.message.client_address, "127.0.0.1");
  EXPECT_EQ(d.message.token.reveal(), question().token.reveal());
}

TEST(IamExchange, AnswerRoundTrips) {
  IamLoginAnswer a;
  a.id = 7;
  a.outcome = IamLoginOutcome::unavailable;
  a.access_key_id = "AKIAEXAMPLE";
  a.principal = "arn:aws:iam::123456789012:user/alice";
  a.client_message = "no";
  a.log_reason = std::string("with\0nul", 8);
  std::string wire;
  ASSERT_TRUE(encode_iam_answer(wire, a));
  auto d = decode_iam_answer(wire);
  ASSERT_EQ(d.status, IamExchangeDecode<IamLoginAnswer>::Status::ok) << d.error;
  EXPECT_EQ(d.consumed, wire.size());
  EXPECT_EQ(d.message.id, 7u);
  EXPECT_EQ(d.message.outcome, IamLoginOutcome::unavailable);
  EXPECT_EQ(d.message.access_key_id, a.access_key_id);
  EXPECT_EQ(d.message.principal, a.principal);
  EXPECT_EQ(d.message.client_message, "no");
  EXPECT_EQ(d.message.log_reason, a.log_reason);
}

TEST(IamExchange, KindsAreNotInterchangeable) {
  std::string wire;
  ASSERT_TRUE(encode_iam_question(wire, question()));
  EXPECT_EQ(decode_iam_answer(wire).status, IamExchangeDecode<IamLoginAnswer>::Status::error);
}

TEST(IamExchange, FieldOverTheCapIsNotEncoded) {
  IamLoginQuestion q = question();
  q.token = Secret(std::string(kMaxIamExchangeField + 1, 'a'));
  std::string wire;
  EXPECT_FALSE(encode_iam_question(wire, q));
  EXPECT_TRUE(wire.empty());
  q.token = Secret(std::string(kMaxIamExchangeField, 'a'));
  EXPECT_TRUE(encode_iam_question(wire, q));
  EXPECT_EQ(decode_iam_question(wire).status, IamExchangeDecode<IamLoginQuestion>::Status::ok);
}

TEST(IamExchange, OversizedFrameIsRefusedFromItsLength) {
  std::string wire = {'\x7f', '\xff', '\xff', '\xff'};
  auto d = decode_iam_question(wire);
  EXPECT_EQ(d.status, IamExchangeDecode<IamLoginQuestion>::Status::error);
  EXPECT_NE(d.error.find("over the limit"), std::string::npos);
}

TEST(IamExchange, TruncatedOrPaddedPayloadsAreErrors) {
  std::string wire;
  ASSERT_TRUE(encode_iam_question(wire, question()));
  // Payload one byte short of its last field (length prefix rewritten to match).
  std::string short_frame = wire.substr(0, wire.size() - 1);
  short_frame[3] = static_cast<char>(static_cast<unsigned char>(short_frame[3]) - 1);
  EXPECT_EQ(decode_iam_question(short_frame).status, IamExchangeDecode<IamLoginQuestion>::Status::error);
  // One byte past the last field.
  std::string long_frame = wire + "x";
  long_frame[3] = static_cast<char>(static_cast<unsigned char>(long_frame[3]) + 1);
  EXPECT_EQ(decode_iam_question(long_frame).status, IamExchangeDecode<IamLoginQuestion>::Status::error);
  // Wrong version.
  std::string bad = wire;
  bad[4] = 9;
  EXPECT_EQ(decode_iam_question(bad).status, IamExchangeDecode<IamLoginQuestion>::Status::error);
}

TEST(IamExchange, UnknownOutcomeIsAnError) {
  IamLoginAnswer a;
  std::string wire;
  ASSERT_TRUE(encode_iam_answer(wire, a));
  wire[4 + 2 + 8] = 0;
  EXPECT_EQ(decode_iam_answer(wire).status, IamExchangeDecode<IamLoginAnswer>::Status::error);
  wire[4 + 2 + 8] = 4;
  EXPECT_EQ(decode_iam_answer(wire).status, IamExchangeDecode<IamLoginAnswer>::Status::error);
}

}  // namespace
}  // namespace borealis::auth
