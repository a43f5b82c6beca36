// The SigV4 canonical request and string to sign, byte for byte as botocore's SigV4Auth builds them
// (botocore/auth.py): one builder shared by the signer and both verifiers, so what we check is what
// we would have signed. Pure: no clock, no credentials, no I/O.
//
// CanonicalRequest = METHOD \n URI \n QUERY \n HEADERS(each "name:value\n") \n SIGNED \n PAYLOADHASH
// StringToSign     = AWS4-HMAC-SHA256 \n X-Amz-Date \n DATE/REGION/SERVICE/aws4_request \n hex(SHA256(CR))
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/hash.h"
#include "sigv4/errors.h"

namespace borealis::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kScopeTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// A GET query string in the AWS APIs we serve has a few dozen parameters at most (query-protocol
// calls put theirs in the body); 1024 bounds the sort and the allocation a hostile URL can cause.
inline constexpr std::size_t kMaxQueryParameters = 1024;

struct Header {
  std::string_view name;   // any case, as received
  std::string_view value;  // raw, untrimmed
};

using QueryParam = std::pair<std::string, std::string>;  // decoded key and value

// quote(remove_dot_segments(path), safe='/~') for every service but S3 (normalize = false keeps the
// path as it is, which is what botocore does for S3). The path is taken as received on the wire, so
// an already-encoded "%20" is encoded once more ("%2520"), exactly as botocore signs it.
std::string canonical_uri(std::string_view raw_path, bool normalize = true);

// Splits a raw query string on '&' (a pair without '=' has an empty value), percent-decodes each key
// and value strictly, re-encodes them canonically and sorts by encoded key, then value. With
// drop_signature the X-Amz-Signature pair is left out (presigned URLs).
AuthResult<std::string> canonical_query_string(std::string_view raw_query, bool drop_signature);
// The same from decoded parameters (the signer's side).
std::string canonical_query_string(std::vector<QueryParam> params);

// "name:trimall(value)[,trimall(value2)]\n" for each of `signed_names` (lower case, sorted), taking
// every header whose name matches case-insensitively in the order received. A signed name with no
// header is an error (Check::signed_header_absent).
AuthResult<std::string> canonical_headers(std::span<const Header> headers,
                                          std::span<const std::string> signed_names);

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, std::string_view canonical_headers,
                              std::string_view signed_headers, std::string_view payload_hash);

std::string credential_scope(std::string_view date8, std::string_view region, std::string_view service);

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// hex(HMAC(kSigning, string_to_sign)): the value of Signature= / X-Amz-Signature.
std::string signature_hex(const crypto::Digest32& signing_key, std::string_view string_to_sign);
// Whether `presented` is signature_hex(signing_key, string_to_sign), compared in constant time.
bool signature_matches(const crypto::Digest32& signing_key, std::string_view string_to_sign,
                       std::string_view presented);

bool header_name_equals(std::string_view a, std::string_view b) noexcept;
std::string to_lower(std::string_view s);
void append_lower(std::string& out, std::string_view s);

}  // namespace borealis::sigv4
