// Authorization header, credential scope, signed-header list and signature parsers (see
// authorization.h). Error messages may quote the access key id and scope, never the signature.
#include "sigv4/authorization.h"

#include <optional>

#include "sigv4/amz_date.h"
#include "sigv4/canonical.h"
#include "sigv4/encoding.h"

namespace borealis::sigv4 {
namespace {

AuthError incomplete(Check check, std::string message) {
  return auth_error(AwsErrorCode::IncompleteSignature, check, std::move(message));
}

bool is_access_key_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_scope_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// RFC 9110 token characters, lower case only (SigV4 names are lower-cased before signing).
bool is_header_name_char(char c) noexcept {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

template <class Pred>
bool all_of(std::string_view s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

AuthResult<CredentialScopeView> parse_credential_view(std::string_view text) {
  std::string_view parts[5];
  std::size_t n = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    if (n == 5) return incomplete(Check::bad_credential, "credential has more than five '/'-separated parts");
    parts[n++] = text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (n != 5) return incomplete(Check::bad_credential, "credential must be AKID/DATE/REGION/SERVICE/aws4_request");
  const auto [akid, date, region, service, terminator] = parts;
  if (akid.empty() || akid.size() > kMaxAccessKeyIdLength || !all_of(akid, is_access_key_char)) {
    return incomplete(Check::bad_credential, "credential has a malformed access key id");
  }
  if (!is_scope_date(date)) return incomplete(Check::bad_credential, "credential date is not YYYYMMDD");
  if (region.empty() || region.size() > kMaxScopeFieldLength || !all_of(region, is_scope_char)) {
    return incomplete(Check::bad_credential, "credential has a malformed region");
  }
  if (service.empty() || service.size() > kMaxScopeFieldLength || !all_of(service, is_scope_char)) {
    return incomplete(Check::bad_credential, "credential has a malformed service");
  }
  if (terminator != kScopeTerminator) {
    return auth_error(AwsErrorCode::SignatureDoesNotMatch, Check::wrong_terminator,
                      "credential should be scoped with a valid terminator: 'aws4_request'");
  }
  return CredentialScopeView(akid, date, region, service);
}

AuthResult<CredentialScope> parse_credential(std::string_view text) {
  auto view = parse_credential_view(text);
  if (!view) return std::move(view).error();
  return view->owned();
}

namespace {

// The one walk over a signed-header list: each name is checked, then handed to `take`.
template <class Take>
std::optional<AuthError> walk_signed_headers(std::string_view text, Take take) {
  std::size_t count = 0;
  std::string_view previous;
  std::size_t start = 0;
  while (true) {
    if (count == kMaxSignedHeaders) {
      return incomplete(Check::bad_signed_headers, "more than " + std::to_string(kMaxSignedHeaders) + " signed headers");
    }
    const std::size_t semi = text.find(';', start);
    const std::string_view name =
        text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
    if (name.empty() || !all_of(name, is_header_name_char)) {
      return incomplete(Check::bad_signed_headers, "signed headers must be lower-case header names separated by ';'");
    }
    if (count > 0 && !(previous < name)) {
      return incomplete(Check::bad_signed_headers, "signed headers must be sorted and unique");
    }
    take(name);
    previous = name;
    ++count;
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return std::nullopt;
}

}  // namespace

AuthResult<std::vector<std::string>> parse_signed_headers(std::string_view text) {
  std::vector<std::string> names;
  if (auto bad = walk_signed_headers(text, [&names](std::string_view name) { names.emplace_back(name); })) {
    return std::move(*bad);
  }
  return names;
}

std::optional<AuthError> check_signed_headers(std::string_view text) {
  return walk_signed_headers(text, [](std::string_view) {});
}

std::optional<AuthError> check_signature(std::string_view text) {
  if (text.size() != kSignatureHexLength || !is_lower_hex(text)) {
    return incomplete(Check::bad_signature_format, "signature must be 64 lower-case hex digits");
  }
  return std::nullopt;
}

AuthResult<std::string> parse_signature(std::string_view text) {
  if (auto bad = check_signature(text)) return std::move(*bad);
  return std::string(text);
}

AuthResult<ParsedAuthorization> parse_authorization(std::string_view header_value) {
  if (header_value.size() > kMaxAuthorizationHeaderLength) {
    return incomplete(Check::input_too_large, "Authorization header is longer than " +
                                                  std::to_string(kMaxAuthorizationHeaderLength) + " bytes");
  }
  const std::size_t space = header_value.find(' ');
  if (space == std::string_view::npos || header_value.substr(0, space) != kAlgorithm) {
    return incomplete(Check::unsupported_algorithm, "Authorization header must start with 'AWS4-HMAC-SHA256 '");
  }
  std::optional<std::string_view> credential, signed_headers, signature;
  std::string_view rest = header_value.substr(space + 1);
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view component = trim_spaces(rest.substr(0, comma));
    const std::size_t eq = component.find('=');
    if (eq == std::string_view::npos) {
      return incomplete(Check::malformed, "Authorization header component is not Name=value");
    }
    const std::string_view name = component.substr(0, eq);
    std::optional<std::string_view>* slot = name == "Credential"      ? &credential
                                            : name == "SignedHeaders" ? &signed_headers
                                            : name == "Signature"     ? &signature
                                                                      : nullptr;
    if (slot == nullptr) return incomplete(Check::unknown_parameter, "Authorization header has an unknown component");
    if (slot->has_value()) {
      return incomplete(Check::duplicate_parameter, "Authorization header repeats '" + std::string(name) + "'");
    }
    *slot = component.substr(eq + 1);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (!credential) return incomplete(Check::missing_parameter, "Authorization header requires 'Credential' parameter");
  if (!signed_headers) {
    return incomplete(Check::missing_parameter, "Authorization header requires 'SignedHeaders' parameter");
  }
  if (!signature) return incomplete(Check::missing_parameter, "Authorization header requires 'Signature' parameter");

  auto scope = parse_credential(*credential);
  if (!scope) return std::move(scope).error();
  auto names = parse_signed_headers(*signed_headers);
  if (!names) return std::move(names).error();
  auto sig = parse_signature(*signature);
  if (!sig) return std::move(sig).error();
  return ParsedAuthorization{std::move(scope).value(), std::move(names).value(), std::string(*signed_headers),
                             std::move(sig).value()};
}

}  // namespace borealis::sigv4
