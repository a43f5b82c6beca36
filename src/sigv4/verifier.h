// SigV4 verification: an API request signed in the Authorization header (the control plane), and an
// IAM database authentication token (the gateway). Pure: the clock reading, the credential lookup and
// the signing-key cache are passed in. Every failure is an AuthError naming the AWS code and the rule
// that failed; no message carries a secret, a session token, a signature or a token.
// Order of checks: shape, then everything that needs no key (scope, host, user, time), then the key
// lookup, then the session token, then the signature (constant-time compare) - so an unknown key and
// a bad signature cost the same as far as a caller can tell from the clock, and the lookup is skipped
// for requests that could never verify.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sigv4/amz_date.h"
#include "sigv4/authorization.h"
#include "sigv4/canonical.h"
#include "sigv4/credentials.h"
#include "sigv4/errors.h"
#include "sigv4/presigned.h"
#include "sigv4/signing_key_cache.h"

namespace borealis::sigv4 {

// AWS accepts a request whose X-Amz-Date is within 15 minutes of its clock, either way.
inline constexpr std::chrono::seconds kMaxClockSkew{15 * 60};
// RDS refuses IAM tokens valid for longer than 15 minutes (generate_db_auth_token uses exactly 900).
inline constexpr std::chrono::seconds kMaxDbAuthTokenExpires{900};
inline constexpr std::string_view kDbAuthService = "rds-db";
inline constexpr std::string_view kDbAuthAction = "connect";
// HTTP bodies are capped by the API server; the hash is over whatever it passes.

struct HttpRequestView {
  std::string_view method;  // "GET", "POST" (upper case as on the wire)
  std::string_view path;    // raw, as on the request line, without the query
  std::string_view query;   // raw, without '?'
  std::span<const Header> headers;
  std::string_view body;
};

struct HeaderAuthRules {
  std::string_view region;   // the region this endpoint serves
  std::string_view service;  // the signing name the request must be scoped to ("rds", "sts", "ds"...)
  // S3-style UNSIGNED-PAYLOAD in x-amz-content-sha256. None of the services we serve use it, and
  // accepting it would leave the body unauthenticated, so it is refused unless asked for.
  bool allow_unsigned_payload = false;
  // The code for a request outside the clock-skew window: SignatureDoesNotMatch ("Signature
  // expired") for iam/sts/rds, RequestExpired for ec2.
  AwsErrorCode clock_skew_code = AwsErrorCode::SignatureDoesNotMatch;
};

struct DbAuthRules {
  std::string_view host;     // this endpoint's host name (compared case-insensitively, like DNS)
  std::uint16_t port = 0;    // this endpoint's port
  std::string_view region;   // this cluster's region
  std::string_view db_user;  // the role logging in: compared exactly, case-sensitive
};

struct VerifiedIdentity {
  std::string access_key_id;
  std::string principal;  // from Credentials
  CredentialScope scope;
  bool temporary = false;  // signed with a session token
};

AuthResult<VerifiedIdentity> verify_header_auth(const HttpRequestView& request, const HeaderAuthRules& rules,
                                                const CredentialLookup& lookup, SigningKeyCache& cache,
                                                Seconds now);

// The rules for a parsed token (parse_db_auth_token) ...
AuthResult<VerifiedIdentity> check_db_auth_token(const DbAuthToken& token, const DbAuthRules& rules,
                                                 const CredentialLookup& lookup, SigningKeyCache& cache,
                                                 Seconds now);
// ... and both steps at once.
AuthResult<VerifiedIdentity> verify_db_auth_token(std::string_view token, const DbAuthRules& rules,
                                                  const CredentialLookup& lookup, SigningKeyCache& cache,
                                                  Seconds now);

}  // namespace borealis::sigv4
