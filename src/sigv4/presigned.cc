// The IAM database authentication token parser (see presigned.h). Refuses rather than repairs: no
// scheme, no fragment, no unknown or repeated parameter, no raw byte outside the unreserved set.
#include "sigv4/presigned.h"

#include <array>
#include <charconv>

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

constexpr bool is_encoded_char(char c) noexcept { return is_unreserved(static_cast<unsigned char>(c)) || c == '%'; }

// What a well-formed query is made of: encoded characters, and '=' and '&' as separators.
constexpr auto kQueryChar = [] {
  std::array<bool, 256> t{};
  for (unsigned c = 0; c < 256; ++c) t[c] = is_encoded_char(static_cast<char>(c)) || c == '=' || c == '&';
  return t;
}();

struct QueryScan {
  std::size_t separators = 0;  // '&'s, counted up to the cap
  bool only_query_chars = true;
};

// One look at the whole query before any pair is parsed: the parameter count for the cap (memchr
// hops, stopping at the cap), and whether every byte is a query character, which leaves a stray '='
// as the only per-pair character check.
QueryScan scan_query(std::string_view query) noexcept {
  QueryScan scan;
  for (std::size_t at = query.find('&'); at != std::string_view::npos && scan.separators < kMaxDbAuthTokenParameters;
       at = query.find('&', at + 1)) {
    ++scan.separators;
  }
  bool ok = true;
  for (char c : query) ok &= kQueryChar[static_cast<unsigned char>(c)];
  scan.only_query_chars = ok;
  return scan;
}

// A pair whose bytes, but for the separating '=' at `eq`, are not all encoded characters.
bool has_raw_character(std::string_view pair, std::size_t eq, bool only_query_chars) noexcept {
  if (only_query_chars) return pair.find('=', eq + 1) != std::string_view::npos;
  for (std::size_t i = 0; i < pair.size(); ++i) {
    if (!is_encoded_char(pair[i]) && i != eq) return true;
  }
  return false;
}

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

AuthResult<DbAuthTokenView> parse_db_auth_token_view(std::string_view token, DecodedTokenValues& decoded) {
  static_assert(DecodedTokenValues::kParameters == kParamCount, "one decoded slot per parameter");
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

  DbAuthTokenView out;
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) return malformed(Check::bad_port, "token has no port");
  const std::string_view host = authority.substr(0, colon);
  if (host.empty() || host.size() > kMaxHostLength) return malformed(Check::bad_host, "token host is empty or too long");
  for (char c : host) {
    if (!is_host_char(c)) return malformed(Check::bad_host, "token host has a character outside [A-Za-z0-9.-]");
  }
  const auto port = parse_decimal(authority.substr(colon + 1), 5);
  if (!port || *port == 0 || *port > 65535) return malformed(Check::bad_port, "token port is not 1..65535");
  out.host = host;
  out.port = static_cast<std::uint16_t>(*port);

  // Counted before anything is decoded, so a token of a thousand "&a" costs one scan.
  const QueryScan scan = scan_query(query);
  if (scan.separators >= kMaxDbAuthTokenParameters) {
    return malformed(Check::too_many_parameters,
                     "token has more than " + std::to_string(kMaxDbAuthTokenParameters) + " parameters");
  }
  std::array<std::optional<std::string_view>, kParamCount> values;
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
    if (has_raw_character(pair, eq, scan.only_query_chars)) {  // the '=' at eq separates; any other must be %3D
      return malformed(Check::bad_percent_encoding, "token has a character that must be percent-encoded");
    }
    // Only a value with a '%' is copied; botocore encodes nothing in the names and, in the values,
    // only the credential's '/'s, a session token's "+/=" and a DB user's unusual bytes.
    const bool name_encoded = raw_name.find('%') != std::string_view::npos;
    const bool value_encoded = raw_value.find('%') != std::string_view::npos;
    std::string decoded_name;  // a rare case (%44BUser is DBUser), so it may allocate
    const bool name_ok = !name_encoded || percent_decode_append(decoded_name, raw_name);
    std::string value_scratch;
    const bool value_ok = !value_encoded || percent_decode_append(value_scratch, raw_value);
    if (!name_ok || !value_ok) return malformed(Check::bad_percent_encoding, "token has an invalid percent-encoding");
    const std::string_view name = name_encoded ? std::string_view(decoded_name) : raw_name;
    std::size_t index = kParamCount;
    for (std::size_t i = 0; i < kParamCount && index == kParamCount; ++i) {
      if (name == kParamNames[i]) index = i;
    }
    if (index == kParamCount) return malformed(Check::unknown_parameter, "token has an unknown parameter");
    if (values[index]) {
      return malformed(Check::duplicate_parameter, "token repeats parameter " + std::string(kParamNames[index]));
    }
    if (!value_encoded) {
      values[index] = raw_value;
    } else if (index == kSecurityToken) {
      decoded.security_token_ = Secret(std::move(value_scratch));
      values[index] = decoded.security_token_.reveal();
    } else {
      decoded.values_[index] = std::move(value_scratch);
      values[index] = decoded.values_[index];
    }
  }
  for (std::size_t i = 0; i < kParamCount; ++i) {
    if (i != kSecurityToken && !values[i]) {
      return malformed(Check::missing_parameter, "token lacks parameter " + std::string(kParamNames[i]));
    }
  }

  out.action = *values[kAction];
  out.db_user = *values[kDbUser];
  out.algorithm = *values[kAlgorithmParam];
  if (out.algorithm != kAlgorithm) {
    return malformed(Check::unsupported_algorithm, "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
  }
  auto scope = parse_credential_view(*values[kCredential]);
  if (!scope) return std::move(scope).error();
  out.credential = scope.value();
  out.amz_date = *values[kDate];
  const auto date = parse_amz_date(out.amz_date);
  if (!date) return malformed(Check::bad_date, "X-Amz-Date is not YYYYMMDDTHHMMSSZ");
  out.date = *date;
  const auto expires = parse_decimal(*values[kExpires], kMaxExpiresDigits);
  if (!expires || *expires == 0) return malformed(Check::bad_expires, "X-Amz-Expires is not a positive number of seconds");
  out.expires_seconds = *expires;
  out.signed_headers_text = *values[kSignedHeaders];
  if (auto bad = check_signed_headers(out.signed_headers_text)) return std::move(*bad);
  out.signs_only_host = out.signed_headers_text == "host";
  if (values[kSecurityToken]) {
    if (values[kSecurityToken]->empty()) return malformed(Check::malformed, "X-Amz-Security-Token is empty");
    out.security_token = *values[kSecurityToken];
  }
  if (auto bad = check_signature(*values[kSignature])) return std::move(*bad);
  out.signature = *values[kSignature];
  return out;
}

AuthResult<DbAuthToken> parse_db_auth_token(std::string_view token) {
  DecodedTokenValues decoded;
  auto parsed = parse_db_auth_token_view(token, decoded);
  if (!parsed) return std::move(parsed).error();
  const DbAuthTokenView& view = parsed.value();
  auto names = parse_signed_headers(view.signed_headers_text);
  if (!names) return std::move(names).error();
  DbAuthToken out;
  out.host = std::string(view.host);
  out.port = view.port;
  out.action = std::string(view.action);
  out.db_user = std::string(view.db_user);
  out.algorithm = std::string(view.algorithm);
  out.credential = view.credential.owned();
  out.amz_date = std::string(view.amz_date);
  out.date = view.date;
  out.expires_seconds = view.expires_seconds;
  out.signed_headers = std::move(names).value();
  out.signed_headers_text = std::string(view.signed_headers_text);
  if (view.security_token) out.security_token.emplace(std::string(*view.security_token));
  out.signature = std::string(view.signature);
  return out;
}

DbAuthTokenView view_of(const DbAuthToken& token) {
  DbAuthTokenView view;
  view.host = token.host;
  view.port = token.port;
  view.action = token.action;
  view.db_user = token.db_user;
  view.algorithm = token.algorithm;
  view.credential = CredentialScopeView(token.credential);
  view.amz_date = token.amz_date;
  view.date = token.date;
  view.expires_seconds = token.expires_seconds;
  view.signed_headers_text = token.signed_headers_text;
  // From the list, not the text: a hand-built token may disagree, and the verifier's rule has
  // always been about the list.
  view.signs_only_host = token.signed_headers.size() == 1 && token.signed_headers[0] == "host";
  if (token.security_token) view.security_token = token.security_token->reveal();
  view.signature = token.signature;
  return view;
}

void append_db_auth_token_canonical_query(std::string& out, const DbAuthTokenView& token) {
  // Added in byte-wise order of the names (which need no encoding; names are unique, so values never
  // take part in the sort): X-Amz-Security-Token sorts before X-Amz-SignedHeaders.
  const auto name = [&out](Param param) {
    if (param != kAction) out.push_back('&');
    out += kParamNames[param];
    out.push_back('=');
  };
  const auto add = [&out, &name](Param param, std::string_view value) {
    name(param);
    uri_encode_append(out, value, false);
  };
  add(kAction, token.action);
  add(kDbUser, token.db_user);
  add(kAlgorithmParam, token.algorithm);
  // AKID/DATE/REGION/SERVICE/aws4_request, encoded: each '/' is %2F.
  name(kCredential);
  for (std::string_view part : {token.credential.access_key_id, token.credential.date, token.credential.region,
                                token.credential.service}) {
    uri_encode_append(out, part, false);
    out += "%2F";
  }
  out += kScopeTerminator;
  add(kDate, token.amz_date);
  char expires[16];
  const auto written = std::to_chars(std::begin(expires), std::end(expires), token.expires_seconds);
  add(kExpires, std::string_view(expires, static_cast<std::size_t>(written.ptr - expires)));
  if (token.security_token) add(kSecurityToken, *token.security_token);
  add(kSignedHeaders, token.signed_headers_text);
}

std::string db_auth_token_canonical_query(const DbAuthToken& token) {
  std::string out;
  out.reserve(512 + (token.security_token ? token.security_token->size() * 3 : 0));
  append_db_auth_token_canonical_query(out, view_of(token));
  return out;
}

void append_db_auth_token_host_header(std::string& out, std::string_view host, std::uint16_t port) {
  append_lower(out, host);
  if (port != 443) {
    char digits[8];
    const auto written = std::to_chars(std::begin(digits), std::end(digits), port);
    out.push_back(':');
    out.append(digits, written.ptr);
  }
}

std::string db_auth_token_canonical_request(const DbAuthTokenView& token) {
  // canonical_request("GET", "/", query, "host:" + host header + "\n", "host", kEmptyPayloadSha256),
  // in one buffer sized for the worst case (every value byte percent-encoded) so it never regrows;
  // 256 covers the parameter names, the separators and the payload hash (about 230 bytes).
  std::size_t encoded = 0;
  for (std::string_view v : {token.action, token.db_user, token.algorithm, token.credential.access_key_id,
                             token.credential.date, token.credential.region, token.credential.service,
                             token.amz_date, token.signed_headers_text}) {
    encoded += 3 * v.size();
  }
  if (token.security_token) encoded += 3 * token.security_token->size();
  std::string out;
  out.reserve(256 + token.host.size() + encoded);
  out += "GET\n/\n";
  append_db_auth_token_canonical_query(out, token);
  out += "\nhost:";
  append_db_auth_token_host_header(out, token.host, token.port);
  out += "\n\nhost\n";
  out += kEmptyPayloadSha256;
  return out;
}

std::string db_auth_token_host_header(std::string_view host, std::uint16_t port) {
  std::string out;
  out.reserve(host.size() + 6);
  append_db_auth_token_host_header(out, host, port);
  return out;
}

}  // namespace borealis::sigv4
