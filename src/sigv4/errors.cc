// Names of SigV4 error codes and checks. Pure tables; nothing here sees request data.
#include "sigv4/errors.h"

namespace borealis::sigv4 {

const char* to_string(AwsErrorCode code) noexcept {
  switch (code) {
    case AwsErrorCode::IncompleteSignature: return "IncompleteSignature";
    case AwsErrorCode::SignatureDoesNotMatch: return "SignatureDoesNotMatch";
    case AwsErrorCode::InvalidSignatureException: return "InvalidSignatureException";
    case AwsErrorCode::InvalidClientTokenId: return "InvalidClientTokenId";
    case AwsErrorCode::UnrecognizedClientException: return "UnrecognizedClientException";
    case AwsErrorCode::RequestExpired: return "RequestExpired";
    case AwsErrorCode::MissingAuthenticationToken: return "MissingAuthenticationToken";
    case AwsErrorCode::ExpiredToken: return "ExpiredToken";
    case AwsErrorCode::AccessDenied: return "AccessDenied";
  }
  return "InternalFailure";
}

AwsErrorCode json_protocol_code(AwsErrorCode code) noexcept {
  switch (code) {
    case AwsErrorCode::SignatureDoesNotMatch: return AwsErrorCode::InvalidSignatureException;
    case AwsErrorCode::InvalidClientTokenId: return AwsErrorCode::UnrecognizedClientException;
    default: return code;
  }
}

const char* to_string(Check check) noexcept {
  switch (check) {
    case Check::input_too_large: return "input_too_large";
    case Check::malformed: return "malformed";
    case Check::bad_percent_encoding: return "bad_percent_encoding";
    case Check::too_many_parameters: return "too_many_parameters";
    case Check::duplicate_parameter: return "duplicate_parameter";
    case Check::unknown_parameter: return "unknown_parameter";
    case Check::missing_parameter: return "missing_parameter";
    case Check::unsupported_algorithm: return "unsupported_algorithm";
    case Check::bad_credential: return "bad_credential";
    case Check::bad_signed_headers: return "bad_signed_headers";
    case Check::bad_signature_format: return "bad_signature_format";
    case Check::bad_date: return "bad_date";
    case Check::bad_expires: return "bad_expires";
    case Check::bad_host: return "bad_host";
    case Check::bad_port: return "bad_port";
    case Check::missing_authorization: return "missing_authorization";
    case Check::scope_date_mismatch: return "scope_date_mismatch";
    case Check::wrong_terminator: return "wrong_terminator";
    case Check::wrong_service: return "wrong_service";
    case Check::wrong_region: return "wrong_region";
    case Check::wrong_action: return "wrong_action";
    case Check::wrong_host: return "wrong_host";
    case Check::wrong_port: return "wrong_port";
    case Check::wrong_db_user: return "wrong_db_user";
    case Check::host_not_signed: return "host_not_signed";
    case Check::date_not_signed: return "date_not_signed";
    case Check::security_token_not_signed: return "security_token_not_signed";
    case Check::signed_header_absent: return "signed_header_absent";
    case Check::payload_hash_mismatch: return "payload_hash_mismatch";
    case Check::expires_too_long: return "expires_too_long";
    case Check::expired: return "expired";
    case Check::not_yet_valid: return "not_yet_valid";
    case Check::unknown_access_key: return "unknown_access_key";
    case Check::credentials_expired: return "credentials_expired";
    case Check::security_token_missing: return "security_token_missing";
    case Check::security_token_mismatch: return "security_token_mismatch";
    case Check::security_token_unexpected: return "security_token_unexpected";
    case Check::signature_mismatch: return "signature_mismatch";
  }
  return "unknown";
}

Error to_error(const AuthError& error) {
  const Errc errc = error.check == Check::input_too_large ? Errc::too_large : Errc::auth_failed;
  return make_error(errc, std::string(to_string(error.code)) + " (" + to_string(error.check) +
                              "): " + error.message);
}

}  // namespace borealis::sigv4
