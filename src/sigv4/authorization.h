// Strict parsers for the pieces of a SigV4 signature that arrive as text: the Authorization header
//   AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/rds/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>
// and its parts, shared with the presigned-URL parser (X-Amz-Credential, X-Amz-SignedHeaders,
// X-Amz-Signature). Parsing only: no clock, no credentials, no comparison with what is expected.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/errors.h"

namespace borealis::sigv4 {

// Real Authorization headers are ~200-600 bytes; 8 KiB matches common HTTP header-line limits and
// bounds the work on a hostile one.
inline constexpr std::size_t kMaxAuthorizationHeaderLength = 8192;
// AWS access key ids are 16-128 characters (IAM API: AccessKeyId length 16..128).
inline constexpr std::size_t kMaxAccessKeyIdLength = 128;
// Regions ("us-east-1") and signing names ("rds-db") are short; 64 rejects junk early.
inline constexpr std::size_t kMaxScopeFieldLength = 64;
// botocore signs every request header but three; real requests sign < 15. 64 bounds the list.
inline constexpr std::size_t kMaxSignedHeaders = 64;
inline constexpr std::size_t kSignatureHexLength = 64;

struct CredentialScope {
  std::string access_key_id;
  std::string date;     // YYYYMMDD
  std::string region;
  std::string service;  // signing name, e.g. "rds-db"
  // The terminator is checked by the parser: it must be "aws4_request".
};

// The same four fields as views into the text they were parsed from (the IAM token verifier's path,
// which copies nothing until a token has verified). Valid only while that text is.
struct CredentialScopeView {
  std::string_view access_key_id;
  std::string_view date;
  std::string_view region;
  std::string_view service;

  CredentialScopeView() = default;
  CredentialScopeView(std::string_view akid, std::string_view date8, std::string_view region_name,
                      std::string_view service_name)
      : access_key_id(akid), date(date8), region(region_name), service(service_name) {}
  explicit CredentialScopeView(const CredentialScope& scope)
      : CredentialScopeView(scope.access_key_id, scope.date, scope.region, scope.service) {}
  CredentialScope owned() const {
    return CredentialScope{std::string(access_key_id), std::string(date), std::string(region), std::string(service)};
  }
};

struct ParsedAuthorization {
  CredentialScope credential;
  std::vector<std::string> signed_headers;  // lower case, strictly ascending, no duplicates
  std::string signed_headers_text;          // as received, "host;x-amz-date"
  std::string signature;                    // 64 lower-case hex digits
};

// "AKID/DATE/REGION/SERVICE/aws4_request"
AuthResult<CredentialScope> parse_credential(std::string_view text);
AuthResult<CredentialScopeView> parse_credential_view(std::string_view text);
// "host;x-amz-date": lower-case token characters, ';'-separated, sorted, unique, host included is
// NOT checked here (a rule for the verifier).
AuthResult<std::vector<std::string>> parse_signed_headers(std::string_view text);
// The same checks without building the list; nullopt when the text is good.
std::optional<AuthError> check_signed_headers(std::string_view text);
AuthResult<std::string> parse_signature(std::string_view text);
std::optional<AuthError> check_signature(std::string_view text);

// The whole header value. Components are separated by ',' with optional spaces around them; each of
// Credential, SignedHeaders and Signature must appear exactly once and nothing else may.
AuthResult<ParsedAuthorization> parse_authorization(std::string_view header_value);

}  // namespace borealis::sigv4
