// Parsers for message bodies borealis must read (client auth responses; backend replies when the
// gateway is the client). Pure. Each one consumes the whole body or fails with
// Errc::protocol_violation: trailing bytes are as suspect as missing ones. Error text never quotes
// body bytes, since a body may hold a password or token.
#include <fmt/core.h>

#include <string>
#include <utility>

#include "pgwire/messages.h"
#include "pgwire/reader.h"

namespace borealis::pgwire {
namespace {

using detail::Reader;

// SASLInitialResponse uses length -1 to say "no initial data".
constexpr std::int32_t kNoSaslData = -1;

Error malformed(std::string_view what) {
  return make_error(Errc::protocol_violation, fmt::format("malformed {} message", what));
}

bool is_known_auth_code(std::int32_t code) {
  switch (static_cast<AuthCode>(code)) {
    case AuthCode::ok:
    case AuthCode::cleartext_password:
    case AuthCode::md5_password:
    case AuthCode::gss:
    case AuthCode::gss_continue:
    case AuthCode::sspi:
    case AuthCode::sasl:
    case AuthCode::sasl_continue:
    case AuthCode::sasl_final:
      return true;
  }
  return false;
}

// Body size for codes whose message has no variable part; 0 for the variable ones.
std::size_t fixed_auth_body_size(AuthCode code) {
  switch (code) {
    case AuthCode::ok:
    case AuthCode::cleartext_password:
    case AuthCode::gss:
    case AuthCode::sspi:
      return 4;
    case AuthCode::md5_password:
      return 8;  // code + 4-byte salt
    case AuthCode::gss_continue:
    case AuthCode::sasl:
    case AuthCode::sasl_continue:
    case AuthCode::sasl_final:
      return 0;
  }
  return 0;
}

}  // namespace

Result<SaslInitialResponse> parse_sasl_initial_response(std::string_view body) {
  Reader r(body);
  auto mechanism = r.cstring();
  auto length = r.i32();
  if (!mechanism || !length) return malformed("SASLInitialResponse");
  SaslInitialResponse out;
  out.mechanism = std::string(*mechanism);
  if (*length == kNoSaslData) {
    if (!r.at_end()) return malformed("SASLInitialResponse");
    return out;
  }
  // Negative lengths other than -1 and lengths that disagree with the body are both refused; the
  // body size is already capped by the frame decoder, so no separate cap is needed here.
  if (*length < 0 || static_cast<std::size_t>(*length) != r.remaining()) {
    return malformed("SASLInitialResponse");
  }
  out.data = std::string(r.rest());
  return out;
}

Result<std::string> parse_password_message(std::string_view body) {
  Reader r(body);
  auto password = r.cstring();
  // A NUL before the end would make the "password" ambiguous between C and length-based readers.
  if (!password || !r.at_end()) return malformed("password");
  return std::string(*password);
}

Result<AuthCode> parse_auth_code(std::string_view body) {
  Reader r(body);
  auto raw = r.i32();
  if (!raw) return malformed("authentication request");
  if (!is_known_auth_code(*raw)) {
    return make_error(Errc::protocol_violation,
                      fmt::format("unsupported authentication request code {}", *raw));
  }
  auto code = static_cast<AuthCode>(*raw);
  std::size_t fixed = fixed_auth_body_size(code);
  if (fixed != 0 && body.size() != fixed) return malformed("authentication request");
  return code;
}

Result<std::vector<std::string>> parse_auth_sasl_mechanisms(std::string_view body) {
  auto code = parse_auth_code(body);
  if (!code) return std::move(code).error();
  if (*code != AuthCode::sasl) return malformed("AuthenticationSASL");
  Reader r(body.substr(4));
  std::vector<std::string> mechanisms;
  for (;;) {
    auto name = r.cstring();
    if (!name) return malformed("AuthenticationSASL");
    if (name->empty()) break;
    mechanisms.emplace_back(*name);
  }
  if (!r.at_end() || mechanisms.empty()) return malformed("AuthenticationSASL");
  return mechanisms;
}

Result<std::string> parse_auth_data(std::string_view body) {
  auto code = parse_auth_code(body);
  if (!code) return std::move(code).error();
  if (*code != AuthCode::gss_continue && *code != AuthCode::sasl_continue &&
      *code != AuthCode::sasl_final) {
    return malformed("authentication request");
  }
  return std::string(body.substr(4));
}

Result<NegotiateProtocolVersion> parse_negotiate_protocol_version(std::string_view body) {
  Reader r(body);
  auto minor = r.i32();
  auto count = r.i32();
  if (!minor || !count || *minor < 0 || *count < 0) return malformed("NegotiateProtocolVersion");
  NegotiateProtocolVersion out;
  out.minor = *minor;
  // No reserve(count): the count is untrusted. Each option needs at least its NUL, so the loop is
  // bounded by the body size whatever the count claims.
  for (std::int32_t i = 0; i < *count; ++i) {
    auto option = r.cstring();
    if (!option) return malformed("NegotiateProtocolVersion");
    out.unrecognised_options.emplace_back(*option);
  }
  if (!r.at_end()) return malformed("NegotiateProtocolVersion");
  return out;
}

Result<ParameterStatus> parse_parameter_status(std::string_view body) {
  Reader r(body);
  auto name = r.cstring();
  auto value = r.cstring();
  if (!name || !value || !r.at_end()) return malformed("ParameterStatus");
  return ParameterStatus{std::string(*name), std::string(*value)};
}

Result<BackendKeyData> parse_backend_key_data(std::string_view body) {
  Reader r(body);
  auto pid = r.i32();
  auto secret = r.i32();
  // Protocol 3.2 allows longer keys; borealis speaks 3.0, where the key is exactly one int32.
  if (!pid || !secret || !r.at_end()) return malformed("BackendKeyData");
  return BackendKeyData{*pid, *secret};
}

Result<TxStatus> parse_ready_for_query(std::string_view body) {
  if (body.size() != 1) return malformed("ReadyForQuery");
  switch (body[0]) {
    case static_cast<char>(TxStatus::idle): return TxStatus::idle;
    case static_cast<char>(TxStatus::in_transaction): return TxStatus::in_transaction;
    case static_cast<char>(TxStatus::failed): return TxStatus::failed;
    default: return malformed("ReadyForQuery");
  }
}

Result<ErrorFields> parse_error_fields(std::string_view body) {
  Reader r(body);
  ErrorFields out;
  out.severity.clear();  // the struct's default is for encoding; absence must stay visible here
  std::string severity_localised;
  bool have_nonlocalised = false;
  for (;;) {
    auto code = r.byte();
    if (!code) return malformed("error/notice");  // ran out before the terminating NUL
    if (*code == '\0') break;
    auto value = r.cstring();
    if (!value) return malformed("error/notice");
    switch (*code) {
      case 'S': severity_localised = std::string(*value); break;
      case 'V': out.severity = std::string(*value); have_nonlocalised = true; break;
      case 'C': out.sqlstate = std::string(*value); break;
      case 'M': out.message = std::string(*value); break;
      case 'D': out.detail = std::string(*value); break;
      case 'H': out.hint = std::string(*value); break;
      default: break;  // fields borealis does not use (position, where, file, line, ...)
    }
  }
  if (!r.at_end()) return malformed("error/notice");
  // 'V' (9.6+) is never translated, so it is the one to match on; older servers only send 'S'.
  if (!have_nonlocalised) out.severity = std::move(severity_localised);
  return out;
}

}  // namespace borealis::pgwire
