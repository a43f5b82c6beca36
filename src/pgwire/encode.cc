// Encoders for every message borealis writes, in either direction. Pure: they append bytes to a
// caller-owned buffer and never fail. They must always emit a well-formed message, whatever string
// they are given (C-string fields are cut at an embedded NUL; see writer.h).
#include <cstdint>

#include "pgwire/messages.h"
#include "pgwire/writer.h"

namespace borealis::pgwire {
namespace {

using detail::begin_message;
using detail::begin_packet;
using detail::end_message;
using detail::put_cstring;
using detail::put_i32;

// Message type bytes (PostgreSQL protocol documentation, "Message Formats").
constexpr char kAuthentication = 'R';
constexpr char kParameterStatus = 'S';
constexpr char kBackendKeyData = 'K';
constexpr char kReadyForQuery = 'Z';
constexpr char kNegotiateProtocolVersion = 'v';
constexpr char kErrorResponse = 'E';
constexpr char kNoticeResponse = 'N';
constexpr char kQuery = 'Q';
constexpr char kTerminate = 'X';
// PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse all share 'p'.
constexpr char kAuthResponse = 'p';

void auth_request(std::string& out, AuthCode code, std::string_view data) {
  std::size_t len = begin_message(out, kAuthentication);
  put_i32(out, static_cast<std::int32_t>(code));
  out.append(data);
  end_message(out, len);
}

void put_field(std::string& out, char code, std::string_view value) {
  out.push_back(code);
  put_cstring(out, value);
}

void notice_or_error(std::string& out, char type, const ErrorFields& f) {
  std::size_t len = begin_message(out, type);
  put_field(out, 'S', f.severity);
  // 'V' is the non-localised severity clients match on; borealis never localises, so both agree.
  put_field(out, 'V', f.severity);
  put_field(out, 'C', f.sqlstate);
  put_field(out, 'M', f.message);
  if (!f.detail.empty()) put_field(out, 'D', f.detail);
  if (!f.hint.empty()) put_field(out, 'H', f.hint);
  out.push_back('\0');
  end_message(out, len);
}

void untyped_request(std::string& out, std::int32_t code) {
  std::size_t len = begin_packet(out);
  put_i32(out, code);
  end_message(out, len);
}

}  // namespace

void encode_auth_ok(std::string& out) { auth_request(out, AuthCode::ok, {}); }

void encode_auth_cleartext_password(std::string& out) {
  auth_request(out, AuthCode::cleartext_password, {});
}

void encode_auth_sasl(std::string& out, const std::vector<std::string>& mechanisms) {
  std::size_t len = begin_message(out, kAuthentication);
  put_i32(out, static_cast<std::int32_t>(AuthCode::sasl));
  for (const auto& m : mechanisms) {
    // An empty name would read as the list terminator and hide the names after it.
    if (m.empty() || m.front() == '\0') continue;
    put_cstring(out, m);
  }
  out.push_back('\0');
  end_message(out, len);
}

void encode_auth_sasl_continue(std::string& out, std::string_view data) {
  auth_request(out, AuthCode::sasl_continue, data);
}

void encode_auth_sasl_final(std::string& out, std::string_view data) {
  auth_request(out, AuthCode::sasl_final, data);
}

void encode_auth_gss(std::string& out) { auth_request(out, AuthCode::gss, {}); }

void encode_auth_gss_continue(std::string& out, std::string_view token) {
  auth_request(out, AuthCode::gss_continue, token);
}

void encode_parameter_status(std::string& out, std::string_view name, std::string_view value) {
  std::size_t len = begin_message(out, kParameterStatus);
  put_cstring(out, name);
  put_cstring(out, value);
  end_message(out, len);
}

void encode_backend_key_data(std::string& out, std::int32_t pid, std::int32_t secret) {
  std::size_t len = begin_message(out, kBackendKeyData);
  put_i32(out, pid);
  put_i32(out, secret);
  end_message(out, len);
}

void encode_ready_for_query(std::string& out, TxStatus status) {
  std::size_t len = begin_message(out, kReadyForQuery);
  out.push_back(static_cast<char>(status));
  end_message(out, len);
}

void encode_negotiate_protocol_version(std::string& out, std::int32_t minor,
                                       const std::vector<std::string>& unrecognised_options) {
  std::size_t len = begin_message(out, kNegotiateProtocolVersion);
  put_i32(out, minor);
  put_i32(out, static_cast<std::int32_t>(unrecognised_options.size()));
  for (const auto& o : unrecognised_options) put_cstring(out, o);
  end_message(out, len);
}

void encode_error_response(std::string& out, const ErrorFields& fields) {
  notice_or_error(out, kErrorResponse, fields);
}

void encode_notice_response(std::string& out, const ErrorFields& fields) {
  notice_or_error(out, kNoticeResponse, fields);
}

void encode_startup_message(std::string& out, std::int32_t protocol,
                            const std::vector<std::pair<std::string, std::string>>& params) {
  std::size_t len = begin_packet(out);
  put_i32(out, protocol);
  for (const auto& [name, value] : params) {
    // An empty name would read as the terminator and drop every parameter after it.
    if (name.empty() || name.front() == '\0') continue;
    put_cstring(out, name);
    put_cstring(out, value);
  }
  out.push_back('\0');
  end_message(out, len);
}

void encode_cancel_request(std::string& out, std::int32_t pid, std::int32_t secret) {
  std::size_t len = begin_packet(out);
  put_i32(out, kCancelRequestCode);
  put_i32(out, pid);
  put_i32(out, secret);
  end_message(out, len);
}

void encode_query(std::string& out, std::string_view sql) {
  std::size_t len = begin_message(out, kQuery);
  put_cstring(out, sql);
  end_message(out, len);
}

void encode_terminate(std::string& out) {
  std::size_t len = begin_message(out, kTerminate);
  end_message(out, len);
}

void encode_sasl_initial_response(std::string& out, std::string_view mechanism,
                                  std::string_view data) {
  std::size_t len = begin_message(out, kAuthResponse);
  put_cstring(out, mechanism);
  put_i32(out, static_cast<std::int32_t>(data.size()));
  out.append(data);
  end_message(out, len);
}

void encode_sasl_initial_response_without_data(std::string& out, std::string_view mechanism) {
  std::size_t len = begin_message(out, kAuthResponse);
  put_cstring(out, mechanism);
  put_i32(out, -1);
  end_message(out, len);
}

void encode_sasl_response(std::string& out, std::string_view data) {
  std::size_t len = begin_message(out, kAuthResponse);
  out.append(data);
  end_message(out, len);
}

void encode_password_message(std::string& out, std::string_view password) {
  std::size_t len = begin_message(out, kAuthResponse);
  put_cstring(out, password);
  end_message(out, len);
}

void encode_ssl_request(std::string& out) { untyped_request(out, kSslRequestCode); }

void encode_gssenc_request(std::string& out) { untyped_request(out, kGssEncRequestCode); }

}  // namespace borealis::pgwire
