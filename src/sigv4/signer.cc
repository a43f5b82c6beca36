// Header and presigned SigV4 signing (see signer.h). Derives the signing key directly: a client signs
// rarely and should not share the verifier's cache. Never logs.
#include "sigv4/signer.h"

#include <algorithm>

#include "crypto/hash.h"
#include "sigv4/encoding.h"
#include "sigv4/presigned.h"

namespace borealis::sigv4 {
namespace {

// botocore.auth.SIGNED_HEADERS_BLACKLIST: headers proxies and HTTP stacks may change in flight.
constexpr std::string_view kUnsignedHeaders[] = {"expect", "user-agent", "x-amzn-trace-id"};

bool is_unsigned_header(std::string_view lower_name) {
  return std::find(std::begin(kUnsignedHeaders), std::end(kUnsignedHeaders), lower_name) != std::end(kUnsignedHeaders);
}

std::string sign(const SigningCredentials& credentials, std::string_view date8, std::string_view region,
                 std::string_view service, std::string_view sts) {
  const crypto::Digest32 key = derive_signing_key(credentials.secret_access_key.reveal(), date8, region, service);
  return signature_hex(key, sts);
}

}  // namespace

Result<SignedHeaders> sign_headers(const HttpRequestView& request, const SigningCredentials& credentials,
                                   std::string_view region, std::string_view service, Seconds now) {
  bool has_host = false;
  for (const Header& h : request.headers) {
    if (header_name_equals(h.name, "host")) has_host = true;
    if (header_name_equals(h.name, "authorization") || header_name_equals(h.name, "x-amz-date") ||
        header_name_equals(h.name, "x-amz-security-token")) {
      return make_error(Errc::invalid_argument, "sign_headers: the request already has a signing header");
    }
  }
  if (!has_host) return make_error(Errc::invalid_argument, "sign_headers: the request has no Host header");

  const std::string amz_date = format_amz_date(now);
  const std::string date8 = amz_date.substr(0, kScopeDateLength);
  SignedHeaders out;
  out.headers.emplace_back("X-Amz-Date", amz_date);
  if (credentials.session_token) {
    out.headers.emplace_back("X-Amz-Security-Token", std::string(credentials.session_token->reveal()));
  }
  std::vector<Header> all(request.headers.begin(), request.headers.end());
  for (const auto& [name, value] : out.headers) all.push_back(Header{name, value});

  std::vector<std::string> names;
  std::string_view payload_hash;
  for (const Header& h : all) {
    std::string lower = to_lower(h.name);
    if (lower == "x-amz-content-sha256") payload_hash = h.value;
    if (!is_unsigned_header(lower)) names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_list;
  for (const auto& n : names) {
    if (!signed_list.empty()) signed_list.push_back(';');
    signed_list += n;
  }
  const std::string body_hash = crypto::hex_encode(crypto::as_view(crypto::sha256(request.body)));
  if (payload_hash.empty()) payload_hash = body_hash;

  auto query = canonical_query_string(request.query, false);
  if (!query) return to_error(query.error());
  auto headers = canonical_headers(all, names);
  if (!headers) return to_error(headers.error());
  out.canonical_request = canonical_request(request.method, canonical_uri(request.path), query.value(),
                                            headers.value(), signed_list, payload_hash);
  const std::string scope = credential_scope(date8, region, service);
  out.string_to_sign = string_to_sign(amz_date, scope, out.canonical_request);
  out.signature = sign(credentials, date8, region, service, out.string_to_sign);
  out.headers.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                                                "/" + scope + ", SignedHeaders=" + signed_list +
                                                ", Signature=" + out.signature);
  return out;
}

std::string presign_query(const PresignRequest& request, const SigningCredentials& credentials,
                          std::string_view region, std::string_view service, Seconds now) {
  const std::string amz_date = format_amz_date(now);
  const std::string date8 = amz_date.substr(0, kScopeDateLength);
  const std::string scope = credential_scope(date8, region, service);
  std::vector<QueryParam> params = request.params;
  params.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  params.emplace_back("X-Amz-Credential", credentials.access_key_id + "/" + scope);
  params.emplace_back("X-Amz-Date", amz_date);
  params.emplace_back("X-Amz-Expires", std::to_string(request.expires.count()));
  params.emplace_back("X-Amz-SignedHeaders", "host");
  if (credentials.session_token) {
    params.emplace_back("X-Amz-Security-Token", std::string(credentials.session_token->reveal()));
  }
  std::string query;
  for (const auto& [key, value] : params) {
    if (!query.empty()) query.push_back('&');
    uri_encode_append(query, key, false);
    query.push_back('=');
    uri_encode_append(query, value, false);
  }
  const std::string canonical =
      canonical_request(request.method, canonical_uri(request.path), canonical_query_string(std::move(params)),
                        "host:" + trim_all(request.host) + "\n", "host", kEmptyPayloadSha256);
  const std::string sts = string_to_sign(amz_date, scope, canonical);
  query += "&X-Amz-Signature=";
  query += sign(credentials, date8, region, service, sts);
  return query;
}

std::string generate_db_auth_token(std::string_view host, std::uint16_t port, std::string_view db_user,
                                   std::string_view region, const SigningCredentials& credentials, Seconds now,
                                   std::chrono::seconds expires) {
  PresignRequest request;
  const std::string host_header = db_auth_token_host_header(host, port);
  request.host = host_header;
  request.params = {{"Action", std::string(kDbAuthAction)}, {"DBUser", std::string(db_user)}};
  request.expires = expires;
  std::string token(host);
  token.push_back(':');
  token += std::to_string(port);
  token += "/?";
  token += presign_query(request, credentials, region, kDbAuthService, now);
  return token;
}

}  // namespace borealis::sigv4
