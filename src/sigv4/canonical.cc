// Canonical request and string to sign (see canonical.h). Never logs: canonical requests include
// X-Amz-Security-Token values.
#include "sigv4/canonical.h"

#include <algorithm>
#include <array>

#include "sigv4/encoding.h"

namespace borealis::sigv4 {

bool header_name_equals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

void append_lower(std::string& out, std::string_view s) {
  for (char c : s) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
}

std::string to_lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_lower(out, s);
  return out;
}

std::string canonical_uri(std::string_view raw_path, bool normalize) {
  if (!normalize) return raw_path.empty() ? std::string("/") : std::string(raw_path);
  return uri_encode(normalize_path(raw_path), /*keep_slash=*/true);
}

namespace {

std::string join_sorted(std::vector<QueryParam>& encoded) {
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

}  // namespace

AuthResult<std::string> canonical_query_string(std::string_view raw_query, bool drop_signature) {
  std::vector<QueryParam> encoded;
  if (raw_query.empty()) return std::string();
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    if (encoded.size() >= kMaxQueryParameters) {
      return auth_error(AwsErrorCode::IncompleteSignature, Check::too_many_parameters,
                        "query string has more than " + std::to_string(kMaxQueryParameters) + " parameters");
    }
    std::size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    const std::string_view pair = raw_query.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    const std::string_view raw_key = pair.substr(0, eq);
    const std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    auto key = percent_decode(raw_key);
    auto value = percent_decode(raw_value);
    if (!key || !value) {
      return auth_error(AwsErrorCode::IncompleteSignature, Check::bad_percent_encoding,
                        "query string has an invalid percent-encoding");
    }
    if (!(drop_signature && *key == "X-Amz-Signature")) {
      encoded.emplace_back(uri_encode(*key, false), uri_encode(*value, false));
    }
    start = end + 1;
  }
  return join_sorted(encoded);
}

std::string canonical_query_string(std::vector<QueryParam> params) {
  for (auto& [key, value] : params) {
    key = uri_encode(key, false);
    value = uri_encode(value, false);
  }
  return join_sorted(params);
}

AuthResult<std::string> canonical_headers(std::span<const Header> headers,
                                          std::span<const std::string> signed_names) {
  std::string out;
  for (const std::string& name : signed_names) {
    out += name;
    out.push_back(':');
    bool found = false;
    for (const Header& h : headers) {
      if (!header_name_equals(h.name, name)) continue;
      if (found) out.push_back(',');
      out += trim_all(h.value);
      found = true;
    }
    if (!found) {
      return auth_error(AwsErrorCode::SignatureDoesNotMatch, Check::signed_header_absent,
                        "signed header '" + name + "' is not in the request");
    }
    out.push_back('\n');
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view uri, std::string_view query,
                              std::string_view headers, std::string_view signed_headers,
                              std::string_view payload_hash) {
  return join_with('\n', {method, uri, query, headers, signed_headers, payload_hash});
}

std::string credential_scope(std::string_view date8, std::string_view region, std::string_view service) {
  return join_with('/', {date8, region, service, kScopeTerminator});
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request_text) {
  const std::array<char, 64> hash = crypto::hex_digest(crypto::sha256(canonical_request_text));
  return join_with('\n', {kAlgorithm, amz_date, scope, std::string_view(hash.data(), hash.size())});
}

std::string signature_hex(const crypto::Digest32& signing_key, std::string_view sts) {
  return crypto::hex_encode(crypto::as_view(crypto::hmac_sha256(crypto::as_view(signing_key), sts)));
}

bool signature_matches(const crypto::Digest32& signing_key, std::string_view sts, std::string_view presented) {
  const std::array<char, 64> expected = crypto::hex_digest(crypto::hmac_sha256(crypto::as_view(signing_key), sts));
  return crypto::constant_time_equal(std::string_view(expected.data(), expected.size()), presented);
}

}  // namespace borealis::sigv4
