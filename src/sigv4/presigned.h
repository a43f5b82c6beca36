// Parser for an RDS IAM database authentication token, the password an IAM user sends: a SigV4
// presigned URL without its scheme, exactly as botocore's generate_db_auth_token emits it:
//   host:port/?Action=connect&DBUser=alice&X-Amz-Algorithm=AWS4-HMAC-SHA256
//     &X-Amz-Credential=AKID%2F20261128%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20261128T123456Z
//     &X-Amz-Expires=900&X-Amz-SignedHeaders=host[&X-Amz-Security-Token=...]&X-Amz-Signature=<hex>
// Parsing only (shape, caps, encoding, duplicates); whether the token is good for this endpoint, user,
// time and key is verifier.h's job, so the caller can log which rule refused it.
// The token is a credential: nothing here logs it, and no error message quotes it or any part of it
// but the access key id, dates, region, service, host and port.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.h"
#include "sigv4/amz_date.h"
#include "sigv4/authorization.h"
#include "sigv4/errors.h"

namespace borealis::sigv4 {

// Tokens are ~350 bytes with long-term keys and 1-3 KiB with an STS session token (assumed-role
// tokens with session tags and policies are the largest, up to ~2.5 KiB before percent-encoding
// grows them by about a third). 8 KiB accepts every real one and refuses a 1 MiB "password" at once.
inline constexpr std::size_t kMaxDbAuthTokenLength = 8192;
// generate_db_auth_token emits 8 or 9 parameters; any name outside that set is refused anyway, so 16
// only bounds the splitting work done before the names are looked at.
inline constexpr std::size_t kMaxDbAuthTokenParameters = 16;
// DNS names are at most 253 characters.
inline constexpr std::size_t kMaxHostLength = 253;
// X-Amz-Expires is at most 604800 (7 days) in SigV4; more than 6 digits is junk.
inline constexpr std::size_t kMaxExpiresDigits = 6;

struct DbAuthToken {
  std::string host;  // as written in the token (case preserved); [A-Za-z0-9.-] only
  std::uint16_t port = 0;
  std::string action;   // decoded; "connect" for a real token
  std::string db_user;  // decoded, exact bytes
  std::string algorithm;
  CredentialScope credential;
  std::string amz_date;  // "YYYYMMDDTHHMMSSZ"
  Seconds date{};
  std::uint32_t expires_seconds = 0;
  std::vector<std::string> signed_headers;
  std::string signed_headers_text;
  std::optional<Secret> security_token;  // decoded X-Amz-Security-Token
  std::string signature;                 // 64 lower-case hex digits
};

AuthResult<DbAuthToken> parse_db_auth_token(std::string_view token);

// The same fields as views, for verify_db_auth_token, which copies nothing until a token has
// verified: views into the token text, or into a DecodedTokenValues for the values that
// percent-decoding changed (the credential's "%2F"s, a session token's "%2B"s). Valid only while
// both are.
struct DbAuthTokenView {
  std::string_view host;
  std::uint16_t port = 0;
  std::string_view action;
  std::string_view db_user;
  std::string_view algorithm;
  CredentialScopeView credential;
  std::string_view amz_date;
  Seconds date{};
  std::uint32_t expires_seconds = 0;
  std::string_view signed_headers_text;
  bool signs_only_host = false;  // the signed-header list is exactly "host"
  std::optional<std::string_view> security_token;
  std::string_view signature;
};

// Where a DbAuthTokenView's decoded values live. Neither copyable nor movable: views point into it,
// short values included. The decoded session token is a Secret, so it is wiped when this dies.
class DecodedTokenValues {
 public:
  DecodedTokenValues() = default;
  DecodedTokenValues(const DecodedTokenValues&) = delete;
  DecodedTokenValues& operator=(const DecodedTokenValues&) = delete;

 private:
  friend AuthResult<DbAuthTokenView> parse_db_auth_token_view(std::string_view token, DecodedTokenValues& decoded);
  static constexpr std::size_t kParameters = 9;  // every parameter name a token may carry
  std::array<std::string, kParameters> values_;  // by parameter; only those that had a '%'
  Secret security_token_;
};

AuthResult<DbAuthTokenView> parse_db_auth_token_view(std::string_view token, DecodedTokenValues& decoded);
// A view of an owned token (for check_db_auth_token); valid while `token` is.
DbAuthTokenView view_of(const DbAuthToken& token);

// The canonical query string the token's signature covers (every parameter but X-Amz-Signature,
// re-encoded canonically and sorted). Contains the session token: never log it.
std::string db_auth_token_canonical_query(const DbAuthToken& token);
void append_db_auth_token_canonical_query(std::string& out, const DbAuthTokenView& token);
// The whole canonical request a token's signature covers: GET / <canonical query> with the host
// header alone signed and the empty payload. Contains the session token: never log it.
std::string db_auth_token_canonical_request(const DbAuthTokenView& token);
// The host header value botocore signed: the host in lower case, with ":port" unless the port is
// 443 (urlsplit drops the https default port).
std::string db_auth_token_host_header(std::string_view host, std::uint16_t port);
void append_db_auth_token_host_header(std::string& out, std::string_view host, std::uint16_t port);

}  // namespace borealis::sigv4
