// Strict application/x-www-form-urlencoded decoding: the body of a query-protocol request (rds, iam,
// sts, ec2) or the query string of a GET. '&' separates pairs, '=' separates key from value, '+' is
// a space and %XX a byte; a bad escape, a repeated key or a cap exceeded is an error, never a guess.
// Decoding only: it knows no model and no operation, and never looks at what a value means.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace borealis::api {

// The largest real request (an ec2 call with many filters or IP ranges, an rds create with tags)
// has about a hundred parameters; 1000 leaves room and bounds the sort and the maps built from them.
inline constexpr std::size_t kMaxFormParameters = 1000;
// Keys are model paths like "IpPermissions.member.12.IpRanges.member.3.CidrIp"; 256 is far beyond
// any the models we serve can produce.
inline constexpr std::size_t kMaxFormKeyLength = 256;
// The longest value we accept is an IAM policy document (131072 characters, the model's max for
// policyDocumentType); a decoded value may be up to 4 bytes a character.
inline constexpr std::size_t kMaxFormValueLength = 131072 * 4;

struct FormParam {
  std::string key;
  std::string value;
};

// Pairs in the order received. An empty body gives no pairs; "a" (no '=') is key "a" with value "".
// Errors (Errc::invalid_argument / too_large) name the offending key, never a value.
Result<std::vector<FormParam>> parse_form(std::string_view body);

// The reverse, for tests and clients: percent-encodes everything but unreserved characters.
std::string encode_form(const std::vector<FormParam>& params);

}  // namespace borealis::api
