// Form parameters of a query-protocol request (rds, iam, sts) or its ec2 variant → the handler's
// input JSON, driven by the operation's input shape exactly as botocore's QuerySerializer /
// EC2Serializer write them:
//   query: members by name (or locationName); lists "Name.member.N" (or the list member's
//          locationName instead of "member"), flattened lists "Name.N"; an empty list is "Name=";
//          maps "Name.entry.N.key" / ".value"; nested structures "A.B";
//   ec2:   members by queryName, else capitalised locationName, else name; lists "Name.N".
// Every parameter must be consumed: one the shape has no place for is an error, as is a missing
// required member, a value that does not convert, or one that breaks the model's constraints.
// Never throws; every problem comes back as the service's own error (input_check.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "api/form.h"
#include "api/model.h"
#include "api/operation.h"

namespace borealis::api {

// List indices are 1-based and dense in practice; an index above this is refused rather than
// allocated for. No list in the models we serve allows more than a few hundred entries.
inline constexpr long kMaxListIndex = 10000;

// `params` without Action and Version (the router takes those). On success `out` is the input object
// ({} for an operation without input).
std::optional<ApiError> decode_query_input(const ServiceModel& service, const nlohmann::json& operation,
                                           std::span<const FormParam> params, nlohmann::json& out);

}  // namespace borealis::api
