// What the input decoders (query_input.h, json_protocol.h) share: turning a problem found in a
// request's parameters into the error each service answers with, scalar conversion from form text,
// and the model's constraints (length, range, enum, list size).
// Messages name the parameter and the rule broken; they quote a value only when the shape is not
// marked sensitive and the value is short, so a password or key never comes back in an error.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/model.h"
#include "api/operation.h"

namespace borealis::api {

// Nesting deeper than this is refused: the deepest input shape we serve nests 5 levels
// (ec2 IpPermissions.member.N.UserIdGroupPairs.member.N.GroupId); 32 bounds recursion on recursive
// shapes and hostile input alike.
inline constexpr int kMaxInputDepth = 32;
// Values quoted back in an error message are cut to this many bytes.
inline constexpr std::size_t kMaxQuotedValue = 64;

enum class ProblemKind {
  missing,      // a required member is absent
  unknown,      // a parameter the input shape has no member for
  bad_value,    // a value of the right kind that breaks a constraint (length, range, enum)
  bad_type,     // a value that is not of the member's type ("abc" for an integer, an object for a string)
  too_deep,     // nesting beyond kMaxInputDepth
};

struct InputProblem {
  ProblemKind kind = ProblemKind::bad_value;
  std::string parameter;  // the path as the client wrote it ("Tags.member.1.Key", "DirectoryId")
  std::string rule;       // "must be an integer", "must have length less than or equal to 64"
  std::optional<std::string> value;  // quotable value (already filtered by quotable_value)
};

// The error `service` answers with for the problem:
//   ec2: MissingParameter / UnknownParameter / InvalidParameterValue;
//   iam, sts: ValidationError ("1 validation error detected: Value ... at '...' failed to satisfy
//   constraint: ..."), InvalidQueryParameter for a parameter the operation does not have;
//   rds and other query services: MissingParameter / InvalidParameterValue / InvalidQueryParameter
//   (AWS's common error for "a query string that does not adhere to AWS standards");
//   json services (ds): InvalidParameterException, SerializationException for a value of the wrong
//   JSON type.
ApiError to_api_error(const ServiceModel& service, const InputProblem& problem);

// The value as it may appear in a message: nullopt for shapes marked sensitive and for parameters
// whose name says password, secret or token (rds's MasterUserPassword is a plain String in the
// model); cut to kMaxQuotedValue.
std::optional<std::string> quotable_value(const ShapeRef& shape, std::string_view value, std::string_view parameter);

// Form text → the handler's JSON value for a scalar shape (string, integer, long, boolean, double,
// float, timestamp, blob). Timestamps become "YYYY-MM-DDTHH:MM:SSZ".
std::optional<InputProblem> convert_scalar(const ShapeRef& shape, std::string_view text, const std::string& parameter,
                                           nlohmann::json& out);

// The model's constraints on an already converted value: string length (in characters) and enum,
// number min/max, list/map min/max entries.
std::optional<InputProblem> check_constraints(const ShapeRef& shape, const nlohmann::json& value,
                                              const std::string& parameter);

bool is_scalar_type(std::string_view type);
bool valid_utf8(std::string_view text);

// ISO 8601 ("2026-11-28T17:30:00Z", fractions and ±HH:MM offsets accepted) → UTC seconds since the
// epoch; nullopt for anything else.
std::optional<long long> parse_iso8601(std::string_view text);
std::string format_iso8601(long long epoch_seconds);

}  // namespace borealis::api
