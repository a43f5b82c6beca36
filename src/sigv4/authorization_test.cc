// The Authorization header parser: the exact AWS shape, and a distinct refusal for each way it can be
// wrong (algorithm, missing/duplicate/unknown component, credential, signed headers, signature).
#include <gtest/gtest.h>

#include <string>

#include "sigv4/authorization.h"

namespace borealis::sigv4 {
namespace {

const std::string kSig(64, 'a');
const std::string kValid = "AWS4-HMAC-SHA256 Credential=AKID1234567890/20261128/us-east-1/rds/aws4_request, "
                           "SignedHeaders=host;x-amz-date, Signature=" + kSig;

Check refusal(const std::string& header) {
  auto r = parse_authorization(header);
  EXPECT_FALSE(r.ok()) << "accepted: " << header;
  return r.ok() ? Check::malformed : r.error().check;
}

TEST(AuthorizationParser, ParsesTheAwsShape) {
  auto r = parse_authorization(kValid);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->credential.access_key_id, "AKID1234567890");
  EXPECT_EQ(r->credential.date, "20261128");
  EXPECT_EQ(r->credential.region, "us-east-1");
  EXPECT_EQ(r->credential.service, "rds");
  EXPECT_EQ(r->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(r->signed_headers_text, "host;x-amz-date");
  EXPECT_EQ(r->signature, kSig);
  // No space after the commas is accepted too (other SDKs send that).
  EXPECT_TRUE(parse_authorization("AWS4-HMAC-SHA256 Credential=AKID1234567890/20261128/us-east-1/rds/aws4_request,"
                                  "SignedHeaders=host,Signature=" + kSig).ok());
}

TEST(AuthorizationParser, DistinctErrors) {
  const std::string cred = "Credential=AKID1234567890/20261128/us-east-1/rds/aws4_request";
  EXPECT_EQ(refusal("AWS4-HMAC-SHA512 " + kValid.substr(17)), Check::unsupported_algorithm);
  EXPECT_EQ(refusal("AWS " + kValid.substr(17)), Check::unsupported_algorithm);
  EXPECT_EQ(refusal(""), Check::unsupported_algorithm);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host"), Check::missing_parameter);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 " + cred + ", Signature=" + kSig), Check::missing_parameter);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + kSig), Check::missing_parameter);
  EXPECT_EQ(refusal(kValid + ", Signature=" + kSig), Check::duplicate_parameter);
  EXPECT_EQ(refusal(kValid + ", " + cred), Check::duplicate_parameter);
  EXPECT_EQ(refusal(kValid + ", Foo=bar"), Check::unknown_parameter);
  EXPECT_EQ(refusal(kValid + ", "), Check::malformed);
  EXPECT_EQ(refusal(kValid.substr(0, kValid.size() - 1)), Check::bad_signature_format);
  EXPECT_EQ(refusal(kValid.substr(0, kValid.size() - 1) + "g"), Check::bad_signature_format);
  EXPECT_EQ(refusal(kValid.substr(0, kValid.size() - 1) + "A"), Check::bad_signature_format);
  EXPECT_EQ(refusal(kValid + "a"), Check::bad_signature_format);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 Credential=AKID1234567890/20261128/us-east-1/rds, SignedHeaders=host, "
                    "Signature=" + kSig), Check::bad_credential);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 Credential=AKID1234567890/20261328/us-east-1/rds/aws4_request, "
                    "SignedHeaders=host, Signature=" + kSig), Check::bad_credential);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 Credential=AKID1234567890/20261128/us-east-1/rds/aws4_request/x, "
                    "SignedHeaders=host, Signature=" + kSig), Check::bad_credential);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 Credential=/20261128/us-east-1/rds/aws4_request, SignedHeaders=host, "
                    "Signature=" + kSig), Check::bad_credential);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 Credential=AKID1234567890/20261128/us-east-1/rds/aws4_reques, "
                    "SignedHeaders=host, Signature=" + kSig), Check::wrong_terminator);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=x-amz-date;host, Signature=" + kSig),
            Check::bad_signed_headers);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;host, Signature=" + kSig),
            Check::bad_signed_headers);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Host, Signature=" + kSig),
            Check::bad_signed_headers);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;, Signature=" + kSig),
            Check::bad_signed_headers);
  EXPECT_EQ(refusal("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, Signature=" + kSig), Check::bad_signed_headers);
  EXPECT_EQ(refusal(kValid + std::string(kMaxAuthorizationHeaderLength, ' ')), Check::input_too_large);
}

TEST(AuthorizationParser, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n < kValid.size(); ++n) {
    EXPECT_FALSE(parse_authorization(kValid.substr(0, n)).ok()) << n;
  }
}

TEST(AuthorizationParser, ErrorsNeverQuoteTheSignature) {
  auto r = parse_authorization(kValid + ", Signature=" + kSig);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find(kSig), std::string::npos);
}

}  // namespace
}  // namespace borealis::sigv4
