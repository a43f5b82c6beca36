// Encoders for the messages borealis writes and parsers for the ones it must read. Encoders append to
// `out` (a byte buffer held in a std::string). Pure: no I/O. Parsers take a frame body (no type/len)
// and fail with Errc::protocol_violation on anything malformed; they never read past the body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "pgwire/constants.h"
#include "pgwire/startup.h"

namespace borealis::pgwire {

// ---- server -> client ----
void encode_auth_ok(std::string& out);
void encode_auth_cleartext_password(std::string& out);
void encode_auth_sasl(std::string& out, const std::vector<std::string>& mechanisms);
void encode_auth_sasl_continue(std::string& out, std::string_view data);
void encode_auth_sasl_final(std::string& out, std::string_view data);
void encode_auth_gss(std::string& out);
void encode_auth_gss_continue(std::string& out, std::string_view token);
void encode_parameter_status(std::string& out, std::string_view name, std::string_view value);
void encode_backend_key_data(std::string& out, std::int32_t pid, std::int32_t secret);
void encode_ready_for_query(std::string& out, TxStatus status);
// NegotiateProtocolVersion ('v'): newest minor version supported and the options not recognised.
void encode_negotiate_protocol_version(std::string& out, std::int32_t minor,
                                       const std::vector<std::string>& unrecognised_options);

// Fields of ErrorResponse/NoticeResponse. `severity` is e.g. "FATAL", "ERROR", "NOTICE"; both the
// localised 'S' and the non-localised 'V' field are written, as PostgreSQL does.
struct ErrorFields {
  std::string severity = "FATAL";
  std::string sqlstate;  // five characters, e.g. "28P01"
  std::string message;
  std::string detail;    // optional
  std::string hint;      // optional
};
void encode_error_response(std::string& out, const ErrorFields& fields);
void encode_notice_response(std::string& out, const ErrorFields& fields);

// ---- client -> server (the gateway acts as a client towards backends) ----
void encode_startup_message(std::string& out, std::int32_t protocol,
                            const std::vector<std::pair<std::string, std::string>>& params);
void encode_cancel_request(std::string& out, std::int32_t pid, std::int32_t secret);
void encode_query(std::string& out, std::string_view sql);
void encode_terminate(std::string& out);
// Client-side auth messages (used by tests and by the gateway's test clients).
void encode_sasl_initial_response(std::string& out, std::string_view mechanism, std::string_view data);
// The same message with length -1: the client chose the mechanism but has no initial data. (A
// separate name, not an optional overload, so a string literal argument is never ambiguous.)
void encode_sasl_initial_response_without_data(std::string& out, std::string_view mechanism);
void encode_sasl_response(std::string& out, std::string_view data);
void encode_password_message(std::string& out, std::string_view password);
void encode_ssl_request(std::string& out);
void encode_gssenc_request(std::string& out);

// ---- parsers of client messages (body of a 'p' frame; which one depends on the auth state) ----
struct SaslInitialResponse {
  std::string mechanism;
  std::optional<std::string> data;  // absent when the client sent length -1
};
Result<SaslInitialResponse> parse_sasl_initial_response(std::string_view body);
// PasswordMessage: a NUL-terminated string filling the whole body.
Result<std::string> parse_password_message(std::string_view body);

// ---- parsers of server messages ----
// 'R' body: first int32. Codes borealis does not know are errors; so is a body whose size does not
// fit the code (ok/cleartext/gss/sspi: 4 bytes, md5: 8).
Result<AuthCode> parse_auth_code(std::string_view body);
// 'R' body with code sasl: the mechanism names (at least one), each NUL-terminated, then a NUL.
Result<std::vector<std::string>> parse_auth_sasl_mechanisms(std::string_view body);
// 'R' body with code gss_continue, sasl_continue or sasl_final: the bytes after the code.
Result<std::string> parse_auth_data(std::string_view body);
// NegotiateProtocolVersion ('v') body.
struct NegotiateProtocolVersion {
  std::int32_t minor = 0;
  std::vector<std::string> unrecognised_options;
};
Result<NegotiateProtocolVersion> parse_negotiate_protocol_version(std::string_view body);
struct ParameterStatus { std::string name, value; };
Result<ParameterStatus> parse_parameter_status(std::string_view body);
struct BackendKeyData { std::int32_t pid = 0; std::int32_t secret = 0; };
Result<BackendKeyData> parse_backend_key_data(std::string_view body);
Result<TxStatus> parse_ready_for_query(std::string_view body);
// ErrorResponse / NoticeResponse body -> fields (unknown field codes are skipped). `severity` is the
// non-localised 'V' field when present, else 'S'; it is empty when the server sent neither.
Result<ErrorFields> parse_error_fields(std::string_view body);

}  // namespace borealis::pgwire
