// Failures of SigV4 parsing and verification as values: the AWS error code a client sees, the
// internal check that failed (for the audit log and metrics: the gateway logs which rule refused a
// login without logging the token), and a message for operators.
// A message must never contain a secret key, a session token, a signature, a signing key or the
// HMAC of a string to sign; it may name the access key id, dates, regions, services and hosts.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "common/result.h"

namespace borealis::sigv4 {

// The codes AWS services answer with (query protocol spelling; see json_protocol_code()).
enum class AwsErrorCode {
  IncompleteSignature,         // Authorization header or presigned query malformed / incomplete
  SignatureDoesNotMatch,       // signature, scope or clock checks failed (query protocol)
  InvalidSignatureException,   // the json protocol's name for SignatureDoesNotMatch
  InvalidClientTokenId,        // unknown access key id, or a bad X-Amz-Security-Token
  UnrecognizedClientException, // the json protocol's name for InvalidClientTokenId
  RequestExpired,              // ec2's answer to a request outside the clock-skew window
  MissingAuthenticationToken,  // no Authorization header and no presigned query
  ExpiredToken,                // temporary credentials past their expiry
  AccessDenied,                // token well formed and signed, but not for this endpoint/user
};

const char* to_string(AwsErrorCode code) noexcept;
// ds and other json-1.1 services spell two codes differently.
AwsErrorCode json_protocol_code(AwsErrorCode code) noexcept;

// Which rule refused the request; stable names for logs (to_string gives snake_case).
enum class Check {
  // shape of the input
  input_too_large,
  malformed,
  bad_percent_encoding,
  too_many_parameters,
  duplicate_parameter,
  unknown_parameter,
  missing_parameter,
  unsupported_algorithm,
  bad_credential,
  bad_signed_headers,
  bad_signature_format,
  bad_date,
  bad_expires,
  bad_host,
  bad_port,
  missing_authorization,
  // rules on a well-formed request
  scope_date_mismatch,
  wrong_terminator,
  wrong_service,
  wrong_region,
  wrong_action,
  wrong_host,
  wrong_port,
  wrong_db_user,
  host_not_signed,
  date_not_signed,
  security_token_not_signed,
  signed_header_absent,
  payload_hash_mismatch,
  expires_too_long,
  expired,
  not_yet_valid,
  unknown_access_key,
  credentials_expired,
  security_token_missing,
  security_token_mismatch,
  security_token_unexpected,
  signature_mismatch,
};

const char* to_string(Check check) noexcept;

struct AuthError {
  AwsErrorCode code = AwsErrorCode::SignatureDoesNotMatch;
  Check check = Check::malformed;
  std::string message;  // never a secret, token or signature (see file comment)
};

inline AuthError auth_error(AwsErrorCode code, Check check, std::string message) {
  return AuthError{code, check, std::move(message)};
}

// For callers that speak borealis::Result: "<AwsCode> (<check>): <message>".
Error to_error(const AuthError& error);

// Result<T> with an AuthError instead of a generic Error; same contract ([[nodiscard]], no throw).
template <class T>
class [[nodiscard]] AuthResult {
 public:
  AuthResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}       // NOLINT: implicit
  AuthResult(AuthError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const AuthError& error() const& { assert(!ok()); return std::get<1>(v_); }
  AuthError&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, AuthError> v_;
};

}  // namespace borealis::sigv4
