// The text transforms SigV4 is made of, exactly as botocore applies them: RFC 3986 percent-encoding
// (unreserved = A-Z a-z 0-9 - _ . ~, upper-case hex), strict percent-decoding, the "Trimall" of
// header values, and RFC 3986 dot-segment removal (plus botocore's collapsing of empty segments).
// Pure functions on bytes; they never allocate more than a small multiple of their input.
#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace borealis::sigv4 {

namespace detail {
constexpr bool unreserved_by_rule(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}
// A table: this test runs once per byte of every token on the login path.
inline constexpr auto kUnreserved = [] {
  std::array<bool, 256> t{};
  for (unsigned c = 0; c < 256; ++c) t[c] = unreserved_by_rule(static_cast<unsigned char>(c));
  return t;
}();
}  // namespace detail

constexpr bool is_unreserved(unsigned char c) noexcept { return detail::kUnreserved[c]; }

// Appends `in` percent-encoded: every byte but the unreserved ones (and '/' when keep_slash) becomes
// %XX. This is Python's quote(in, safe='-_.~') or, with keep_slash, quote(in, safe='/~').
void uri_encode_append(std::string& out, std::string_view in, bool keep_slash);
std::string uri_encode(std::string_view in, bool keep_slash);

// Decodes %XX (either hex case). Returns nullopt for a '%' not followed by two hex digits. '+' stays
// '+' (RFC 3986, not form encoding): SigV4 clients encode a space as %20.
std::optional<std::string> percent_decode(std::string_view in);
// The same, appended to `out`; false (with `out` holding part of the input) on a bad escape. Never
// appends more bytes than `in` has.
bool percent_decode_append(std::string& out, std::string_view in);

// Trimall: leading/trailing whitespace removed and inner runs collapsed to one space, with Python's
// str.split() notion of ASCII whitespace (space, \t \n \v \f \r and \x1c-\x1f). Python also splits
// on non-ASCII Unicode spaces (U+00A0, U+2000...); those are left alone here: header values are
// bytes to us, and a client that sends them gets SignatureDoesNotMatch rather than a guess.
std::string trim_all(std::string_view value);

// botocore.utils.remove_dot_segments: drops "." and empty segments, resolves "..", keeps a leading
// and (if anything is left) a trailing '/'. The empty path becomes "/" (normalize_url_path).
std::string normalize_path(std::string_view path);

bool is_lower_hex(std::string_view s) noexcept;

// parts[0] sep parts[1] sep ... in one allocation (canonical requests, scopes, cache keys).
std::string join_with(char separator, std::initializer_list<std::string_view> parts);

}  // namespace borealis::sigv4
