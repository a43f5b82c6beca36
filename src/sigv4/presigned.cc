// The IAM database authentication token parser (see presigned.h). Refuses rather than repairs: no
// scheme, no fragment, no unknown or repeated parameter, no raw byte outside the unreserved set.
#include "sigv4/presigned.h"

#include <algorithm>
#include <array>

#include "sigv4/canonical.h"
#include "sigv4/encoding.h"

namespace borealis::sigv4 {
namespace {

AuthError malformed(Check check, std::string message) {
  return auth_error(AwsErrorCode::IncompleteSignature, check, std::move(message));
}

enum Param : std::size_t {
  kAction,
  kDbUser,
  kAlgorithmParam,
  kCredential,
  kDate,
  kExpires,
  kSignedHeaders,
  kSecurityToken,
  kSignature,
  kParamCount,
};

constexpr std::array<std::string_view, kParamCount> kParamNames = {
    "Action",          "DBUser",           "X-Amz-Algorithm",      "X-Amz-Credential",
    "X-Amz-Date",      "X-Amz-Expires",    "X-Amz-SignedHeaders",  "X-Amz-Security-Token",
    "X-Amz-Signature",
};

bool is_host_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool is_encoded_char(char c) noexcept { return is_unreserved(static_cast<unsigned char>(c)) || c == '%'; }

std::optional<std::uint32_t> parse_decimal(std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
}

}  // namespace

AuthResult<DbAuthToken> parse_db_auth_token(std::string_view token) {
  if (token.size() > kMaxDbAuthTokenLength) {
    return malformed(Check::input_too_large,
                     "token is longer than " + std::to_string(kMaxDbAuthTokenLength) + " bytes");
  }
  const std::size_t slash = token.find('/');
  if (slash == std::string_view::npos || token.substr(slash, 2) != "/?") {
    return malformed(Check::malformed, "token is not host:port/?query");
  }
  const std::string_view authority = token.substr(0, slash);
  const std::string_view query = token.substr(slash + 2);

  DbAuthToken out;
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) return malformed(Check::bad_port, "token has no port");
  const std::string_view host = authority.substr(0, colon);
  if (host.empty() || host.size() > kMaxHostLength) return malformed(Check::bad_host, "token host is empty or too long");
  for (char c : host) {
    if (!is_host_char(c)) return malformed(Check::bad_host, "token host has a character outside [A-Za-z0-9.-]");
  }
  const auto port = parse_decimal(authority.substr(colon + 1), 5);
  if (!port || *port == 0 || *port > 65535) return malformed(Check::bad_port, "token port is not 1..65535");
  out.host = std::string(host);
  out.port = static_cast<std::uint16_t>(*port);

  // Counted before anything is decoded, so a token of a thousand "&a" costs one scan.
  if (static_cast<std::size_t>(std::count(query.begin(), query.end(), '&')) >= kMaxDbAuthTokenParameters) {
    return malformed(Check::too_many_parameters,
                     "token has more than " + std::to_string(kMaxDbAuthTokenParameters) + " parameters");
  }
  std::array<std::optional<std::string>, kParamCount> values;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return malformed(Check::malformed, "token parameter is not name=value");
    const std::string_view raw_name = pair.substr(0, eq);
    const std::string_view raw_value = pair.substr(eq + 1);
    for (std::size_t i = 0; i < pair.size(); ++i) {  // the '=' at eq separates; any other must be %3D
      if (!is_encoded_char(pair[i]) && i != eq) {
        return malformed(Check::bad_percent_encoding, "token has a character that must be percent-encoded");
      }
    }
    auto name = percent_decode(raw_name);
    auto value = percent_decode(raw_value);
    if (!name || !value) return malformed(Check::bad_percent_encoding, "token has an invalid percent-encoding");
    std::size_t index = kParamCount;
    for (std::size_t i = 0; i < kParamCount; ++i) {
      if (*name == kParamNames[i]) index = i;
    }
    if (index == kParamCount) return malformed(Check::unknown_parameter, "token has an unknown parameter");
    if (values[index]) {
      return malformed(Check::duplicate_parameter, "token repeats parameter " + std::string(kParamNames[index]));
    }
    values[index] = std::move(*value);
  }
  for (std::size_t i = 0; i < kParamCount; ++i) {
    if (i != kSecurityToken && !values[i]) {
      return malformed(Check::missing_parameter, "token lacks parameter " + std::string(kParamNames[i]));
    }
  }

  out.action = std::move(*values[kAction]);
  out.db_user = std::move(*values[kDbUser]);
  out.algorithm = std::move(*values[kAlgorithmParam]);
  if (out.algorithm != kAlgorithm) {
    return malformed(Check::unsupported_algorithm, "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
  }
  auto scope = parse_credential(*values[kCredential]);
  if (!scope) return std::move(scope).error();
  out.credential = std::move(scope).value();
  out.amz_date = std::move(*values[kDate]);
  const auto date = parse_amz_date(out.amz_date);
  if (!date) return malformed(Check::bad_date, "X-Amz-Date is not YYYYMMDDTHHMMSSZ");
  out.date = *date;
  const auto expires = parse_decimal(*values[kExpires], kMaxExpiresDigits);
  if (!expires || *expires == 0) return malformed(Check::bad_expires, "X-Amz-Expires is not a positive number of seconds");
  out.expires_seconds = *expires;
  out.signed_headers_text = std::move(*values[kSignedHeaders]);
  auto names = parse_signed_headers(out.signed_headers_text);
  if (!names) return std::move(names).error();
  out.signed_headers = std::move(names).value();
  if (values[kSecurityToken]) {
    if (values[kSecurityToken]->empty()) return malformed(Check::malformed, "X-Amz-Security-Token is empty");
    out.security_token.emplace(std::move(*values[kSecurityToken]));
  }
  auto signature = parse_signature(*values[kSignature]);
  if (!signature) return std::move(signature).error();
  out.signature = std::move(signature).value();
  return out;
}

std::string db_auth_token_canonical_query(const DbAuthToken& token) {
  // Added in byte-wise order of the names (which need no encoding; names are unique, so values never
  // take part in the sort): X-Amz-Security-Token sorts before X-Amz-SignedHeaders.
  std::string out;
  out.reserve(512 + (token.security_token ? token.security_token->size() * 3 : 0));
  const auto add = [&out](std::string_view name, std::string_view value) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    uri_encode_append(out, value, false);
  };
  add(kParamNames[kAction], token.action);
  add(kParamNames[kDbUser], token.db_user);
  add(kParamNames[kAlgorithmParam], token.algorithm);
  add(kParamNames[kCredential], token.credential.access_key_id + "/" +
                                    credential_scope(token.credential.date, token.credential.region,
                                                     token.credential.service));
  add(kParamNames[kDate], token.amz_date);
  add(kParamNames[kExpires], std::to_string(token.expires_seconds));
  if (token.security_token) add(kParamNames[kSecurityToken], token.security_token->reveal());
  add(kParamNames[kSignedHeaders], token.signed_headers_text);
  return out;
}

std::string db_auth_token_host_header(std::string_view host, std::uint16_t port) {
  std::string out = to_lower(host);
  if (port != 443) {
    out.push_back(':');
    out += std::to_string(port);
  }
  return out;
}

}  // namespace borealis::sigv4
