// Header and IAM-token verification (see verifier.h). One code path for the signature itself
// (check_key_and_signature), shared by both forms. Never logs; messages follow AWS's wording where
// there is one, and never include a secret, session token, signature or token.
#include "sigv4/verifier.h"

#include <optional>

#include "crypto/hash.h"
#include "sigv4/encoding.h"

namespace borealis::sigv4 {
namespace {

AuthError fail(AwsErrorCode code, Check check, std::string message) {
  return auth_error(code, check, std::move(message));
}

bool contains(std::span<const std::string> sorted_names, std::string_view name) {
  for (const auto& n : sorted_names) {
    if (n == name) return true;
  }
  return false;
}

// The single header named `name`; nullopt if absent, an error if repeated.
AuthResult<std::optional<std::string_view>> single_header(std::span<const Header> headers, std::string_view name) {
  std::optional<std::string_view> found;
  for (const Header& h : headers) {
    if (!header_name_equals(h.name, name)) continue;
    if (found) {
      return fail(AwsErrorCode::IncompleteSignature, Check::duplicate_parameter,
                  "header '" + std::string(name) + "' appears more than once");
    }
    found = h.value;
  }
  return found;
}

std::optional<AuthError> check_clock(Seconds signed_at, std::string_view amz_date, Seconds now,
                                     AwsErrorCode code) {
  if (signed_at + kMaxClockSkew < now) {
    return fail(code, Check::expired,
                "Signature expired: " + std::string(amz_date) + " is now earlier than " +
                    format_amz_date(now - kMaxClockSkew) + " (" + format_amz_date(now) + " - 15 min.)");
  }
  if (signed_at > now + kMaxClockSkew) {
    return fail(code, Check::not_yet_valid,
                "Signature not yet current: " + std::string(amz_date) + " is still later than " +
                    format_amz_date(now + kMaxClockSkew) + " (" + format_amz_date(now) + " + 15 min.)");
  }
  return std::nullopt;
}

// Everything that needs the key: lookup, credential expiry, session token, signature.
AuthResult<VerifiedIdentity> check_key_and_signature(const CredentialScopeView& scope,
                                                     std::optional<std::string_view> presented_token,
                                                     std::string_view amz_date, std::string_view canonical,
                                                     std::string_view presented_signature,
                                                     const CredentialLookup& lookup, SigningKeyCache& cache,
                                                     Seconds now) {
  std::optional<Credentials> creds = lookup ? lookup(scope.access_key_id) : std::nullopt;
  if (!creds) {
    return fail(AwsErrorCode::InvalidClientTokenId, Check::unknown_access_key,
                "The security token included in the request is invalid (unknown access key id " +
                    std::string(scope.access_key_id) + ")");
  }
  // The session token is checked before the expiry, so only its holder learns that a key expired.
  if (creds->session_token) {
    if (!presented_token) {
      return fail(AwsErrorCode::InvalidClientTokenId, Check::security_token_missing,
                  "The security token included in the request is invalid (temporary credentials need "
                  "X-Amz-Security-Token)");
    }
    if (!crypto::constant_time_equal(*presented_token, creds->session_token->reveal())) {
      return fail(AwsErrorCode::InvalidClientTokenId, Check::security_token_mismatch,
                  "The security token included in the request is invalid");
    }
  } else if (presented_token) {
    return fail(AwsErrorCode::InvalidClientTokenId, Check::security_token_unexpected,
                "The security token included in the request is invalid (the access key is not temporary)");
  }
  if (creds->expires_at && now >= *creds->expires_at) {
    return fail(AwsErrorCode::ExpiredToken, Check::credentials_expired,
                "The security token included in the request is expired");
  }
  const crypto::Digest32 key =
      cache.get(scope.access_key_id, creds->secret_access_key, scope.date, scope.region, scope.service);
  const std::string sts =
      string_to_sign(amz_date, credential_scope(scope.date, scope.region, scope.service), canonical);
  if (!signature_matches(key, sts, presented_signature)) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::signature_mismatch,
                "The request signature we calculated does not match the signature you provided");
  }
  return VerifiedIdentity{std::string(scope.access_key_id), std::move(creds->principal), scope.owned(),
                          creds->session_token.has_value()};
}

// The rules for a token, on views so that the parse-and-check path copies nothing first.
AuthResult<VerifiedIdentity> check_token_view(const DbAuthTokenView& token, const DbAuthRules& rules,
                                              const CredentialLookup& lookup, SigningKeyCache& cache, Seconds now) {
  const CredentialScopeView& scope = token.credential;
  if (scope.service != kDbAuthService) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::wrong_service,
                "Credential should be scoped to correct service: 'rds-db', not '" + std::string(scope.service) + "'");
  }
  if (scope.region != rules.region) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::wrong_region,
                "token is for region '" + std::string(scope.region) + "', this cluster is in '" +
                    std::string(rules.region) + "'");
  }
  if (token.action != kDbAuthAction) {
    return fail(AwsErrorCode::AccessDenied, Check::wrong_action, "token Action is not 'connect'");
  }
  if (!header_name_equals(token.host, rules.host)) {  // DNS names compare case-insensitively
    return fail(AwsErrorCode::AccessDenied, Check::wrong_host,
                "token is for host '" + std::string(token.host) + "', not this endpoint '" + std::string(rules.host) +
                    "'");
  }
  if (token.port != rules.port) {
    return fail(AwsErrorCode::AccessDenied, Check::wrong_port,
                "token is for port " + std::to_string(token.port) + ", not " + std::to_string(rules.port));
  }
  if (token.db_user != rules.db_user) {
    return fail(AwsErrorCode::AccessDenied, Check::wrong_db_user, "token is for another database user");
  }
  // Nothing but the host can be checked for a token (there is no HTTP request), so nothing else may
  // be signed: botocore signs exactly "host".
  if (!token.signs_only_host) {
    return fail(AwsErrorCode::IncompleteSignature, Check::host_not_signed, "X-Amz-SignedHeaders must be 'host'");
  }
  if (token.amz_date.substr(0, kScopeDateLength) != scope.date) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::scope_date_mismatch,
                "Date in Credential scope does not match X-Amz-Date");
  }
  if (std::chrono::seconds(token.expires_seconds) > kMaxDbAuthTokenExpires) {
    return fail(AwsErrorCode::AccessDenied, Check::expires_too_long,
                "X-Amz-Expires " + std::to_string(token.expires_seconds) + " is over the 900 s limit");
  }
  if (token.date > now + kMaxClockSkew) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::not_yet_valid,
                "token is dated " + std::string(token.amz_date) + ", more than 15 minutes after " +
                    format_amz_date(now));
  }
  if (now > token.date + std::chrono::seconds(token.expires_seconds)) {
    return fail(AwsErrorCode::RequestExpired, Check::expired,
                "token expired: signed " + std::string(token.amz_date) + " for " +
                    std::to_string(token.expires_seconds) + " s, now " + format_amz_date(now));
  }
  return check_key_and_signature(scope, token.security_token, token.amz_date, db_auth_token_canonical_request(token),
                                 token.signature, lookup, cache, now);
}

}  // namespace

AuthResult<VerifiedIdentity> verify_header_auth(const HttpRequestView& request, const HeaderAuthRules& rules,
                                                const CredentialLookup& lookup, SigningKeyCache& cache,
                                                Seconds now) {
  auto authorization = single_header(request.headers, "authorization");
  if (!authorization) return std::move(authorization).error();
  if (!authorization.value()) {
    return fail(AwsErrorCode::MissingAuthenticationToken, Check::missing_authorization,
                "Request is missing Authentication Token");
  }
  auto parsed = parse_authorization(**authorization);
  if (!parsed) return std::move(parsed).error();
  const ParsedAuthorization& auth = parsed.value();
  const CredentialScope& scope = auth.credential;

  if (scope.service != rules.service) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::wrong_service,
                "Credential should be scoped to correct service: '" + std::string(rules.service) + "'");
  }
  if (scope.region != rules.region) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::wrong_region,
                "Credential should be scoped to a valid region, not '" + scope.region + "'");
  }
  if (!contains(auth.signed_headers, "host")) {
    return fail(AwsErrorCode::IncompleteSignature, Check::host_not_signed,
                "'Host' must be a 'SignedHeader' in the AWS Authorization");
  }
  auto date_header = single_header(request.headers, "x-amz-date");
  if (!date_header) return std::move(date_header).error();
  if (!date_header.value()) {
    return fail(AwsErrorCode::IncompleteSignature, Check::missing_parameter,
                "Authorization header requires existence of a 'X-Amz-Date' header");
  }
  const std::string_view amz_date = **date_header;
  if (!contains(auth.signed_headers, "x-amz-date")) {
    return fail(AwsErrorCode::IncompleteSignature, Check::date_not_signed,
                "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization");
  }
  const auto signed_at = parse_amz_date(amz_date);
  if (!signed_at) return fail(AwsErrorCode::IncompleteSignature, Check::bad_date, "X-Amz-Date is not YYYYMMDDTHHMMSSZ");
  if (amz_date.substr(0, kScopeDateLength) != scope.date) {
    return fail(AwsErrorCode::SignatureDoesNotMatch, Check::scope_date_mismatch,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                    scope.date + "' != '" + std::string(amz_date.substr(0, kScopeDateLength)) + "'");
  }
  if (auto skew = check_clock(*signed_at, amz_date, now, rules.clock_skew_code)) return std::move(*skew);

  auto token_header = single_header(request.headers, "x-amz-security-token");
  if (!token_header) return std::move(token_header).error();
  if (token_header.value() && !contains(auth.signed_headers, "x-amz-security-token")) {
    return fail(AwsErrorCode::IncompleteSignature, Check::security_token_not_signed,
                "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization");
  }

  auto content_sha = single_header(request.headers, "x-amz-content-sha256");
  if (!content_sha) return std::move(content_sha).error();
  const std::string body_hash = crypto::hex_encode(crypto::as_view(crypto::sha256(request.body)));
  std::string_view payload_hash = body_hash;
  if (content_sha.value()) {
    const std::string_view claimed = **content_sha;
    if (claimed == kUnsignedPayload && rules.allow_unsigned_payload) {
      payload_hash = claimed;
    } else if (claimed != body_hash) {
      return fail(AwsErrorCode::SignatureDoesNotMatch, Check::payload_hash_mismatch,
                  "The provided 'x-amz-content-sha256' header does not match what was computed");
    }
  }

  auto query = canonical_query_string(request.query, /*drop_signature=*/false);
  if (!query) return std::move(query).error();
  auto headers = canonical_headers(request.headers, auth.signed_headers);
  if (!headers) return std::move(headers).error();
  const std::string canonical = canonical_request(request.method, canonical_uri(request.path), query.value(),
                                                  headers.value(), auth.signed_headers_text, payload_hash);
  return check_key_and_signature(CredentialScopeView(scope), token_header.value(), amz_date, canonical,
                                 auth.signature, lookup, cache, now);
}

AuthResult<VerifiedIdentity> check_db_auth_token(const DbAuthToken& token, const DbAuthRules& rules,
                                                 const CredentialLookup& lookup, SigningKeyCache& cache,
                                                 Seconds now) {
  return check_token_view(view_of(token), rules, lookup, cache, now);
}

AuthResult<VerifiedIdentity> verify_db_auth_token(std::string_view token, const DbAuthRules& rules,
                                                  const CredentialLookup& lookup, SigningKeyCache& cache,
                                                  Seconds now) {
  DecodedTokenValues decoded;
  auto parsed = parse_db_auth_token_view(token, decoded);
  if (!parsed) return std::move(parsed).error();
  return check_token_view(parsed.value(), rules, lookup, cache, now);
}

}  // namespace borealis::sigv4
