// SigV4 signing, on the same canonical-request code the verifier uses: the Authorization-header form
// (for the gateway's and the tests' own API clients) and the presigned form, including
// generate_db_auth_token byte for byte as botocore produces it. Pure: the time is passed in.
// The returned canonical request and string to sign are for tests and debugging; they may contain a
// session token, so they must not be logged either.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "sigv4/amz_date.h"
#include "sigv4/canonical.h"
#include "sigv4/credentials.h"
#include "sigv4/signing_key_cache.h"
#include "sigv4/verifier.h"

namespace borealis::sigv4 {

struct SignedHeaders {
  // To add to the request: X-Amz-Date, X-Amz-Security-Token (temporary credentials), Authorization.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

// Signs every header of `request` except those botocore leaves out (expect, user-agent,
// x-amzn-trace-id); `request.headers` must contain Host and must not contain Authorization,
// X-Amz-Date or X-Amz-Security-Token (the signer sets those). The payload hash is
// x-amz-content-sha256 when present, else SHA-256 of the body.
Result<SignedHeaders> sign_headers(const HttpRequestView& request, const SigningCredentials& credentials,
                                   std::string_view region, std::string_view service, Seconds now);

struct PresignRequest {
  std::string_view method = "GET";
  std::string_view host;  // the Host header value that will be sent ("h:5432"; no port for 443)
  std::string_view path = "/";
  std::vector<QueryParam> params;  // decoded; emitted first, in this order
  std::chrono::seconds expires{900};
};

// The query string of a presigned URL: the operation parameters, then X-Amz-Algorithm, -Credential,
// -Date, -Expires, -SignedHeaders (host only), -Security-Token and finally -Signature, as botocore's
// SigV4QueryAuth orders them.
std::string presign_query(const PresignRequest& request, const SigningCredentials& credentials,
                          std::string_view region, std::string_view service, Seconds now);

// What `aws rds generate-db-auth-token` prints: "host:port/?Action=connect&DBUser=...&X-Amz-...".
std::string generate_db_auth_token(std::string_view host, std::uint16_t port, std::string_view db_user,
                                   std::string_view region, const SigningCredentials& credentials, Seconds now,
                                   std::chrono::seconds expires = kMaxDbAuthTokenExpires);

}  // namespace borealis::sigv4
