// Test-only: loads testdata/vectors.json (made by the real botocore, see testdata/make_vectors.py)
// and turns its entries into our types. The credentials in it are made-up test values.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sigv4/amz_date.h"
#include "sigv4/canonical.h"
#include "sigv4/credentials.h"

namespace borealis::sigv4::testing {

inline const nlohmann::json& vectors() {
  static const nlohmann::json doc = [] {
    std::ifstream in(BOREALIS_SIGV4_VECTORS);
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
  }();
  return doc;
}

inline std::vector<nlohmann::json> vectors_of_kind(const std::string& kind) {
  std::vector<nlohmann::json> out;
  for (const auto& v : vectors()["vectors"]) {
    if (v["kind"] == kind) out.push_back(v);
  }
  return out;
}

inline Seconds vector_time() { return *parse_amz_date(vectors()["timestamp"].get<std::string>()); }

inline SigningCredentials vector_signing_credentials(const nlohmann::json& session_token) {
  SigningCredentials c{vectors()["access_key_id"].get<std::string>(),
                       Secret(vectors()["secret_access_key"].get<std::string>()), std::nullopt};
  if (!session_token.is_null()) c.session_token.emplace(session_token.get<std::string>());
  return c;
}

// A lookup that knows the vectors' key, as long-term or (with a session token) temporary credentials.
inline CredentialLookup vector_lookup(const nlohmann::json& session_token, std::string principal = "arn:test") {
  return [session_token, principal](std::string_view akid) -> std::optional<Credentials> {
    if (akid != vectors()["access_key_id"].get<std::string>()) return std::nullopt;
    Credentials c;
    c.secret_access_key = Secret(vectors()["secret_access_key"].get<std::string>());
    c.principal = principal;
    if (!session_token.is_null()) c.session_token.emplace(session_token.get<std::string>());
    return c;
  };
}

// Owns the strings a HttpRequestView points into.
struct OwnedRequest {
  std::string method, path, query, body;
  std::vector<std::pair<std::string, std::string>> header_storage;
  std::vector<Header> headers;
  void rebuild_views() {
    headers.clear();
    for (const auto& [n, v] : header_storage) headers.push_back(Header{n, v});
  }
};

// With include_signing_headers: the request as the server receives it (botocore's prepared headers,
// with Content-Length, plus Host, which the HTTP client adds). Without: the headers botocore had when
// it signed, minus the ones the signer adds, plus Host - the input our signer expects.
inline OwnedRequest vector_request(const nlohmann::json& v, bool include_signing_headers) {
  OwnedRequest r;
  r.method = v["method"];
  r.path = v["path"];
  r.query = v["query"];
  r.body = v["body"];
  r.header_storage.emplace_back("Host", v["host"].get<std::string>());
  for (const auto& h : v[include_signing_headers ? "wire_headers" : "headers"]) {
    const std::string name = h[0];
    const std::string lower = to_lower(name);
    if (!include_signing_headers &&
        (lower == "authorization" || lower == "x-amz-date" || lower == "x-amz-security-token")) {
      continue;
    }
    r.header_storage.emplace_back(name, h[1].get<std::string>());
  }
  r.rebuild_views();
  return r;
}

}  // namespace borealis::sigv4::testing
