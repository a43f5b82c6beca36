// The AWS-shaped answers the IAM handlers share: IAM's error codes with their model HTTP statuses
// (NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict 409, LimitExceeded 409,
// MalformedPolicyDocument 400, ServiceFailure 500), Marker/MaxItems paging of list results, and policy
// documents as IAM returns them (URL-encoded; botocore decodes them). A store failure is logged with
// its detail and answered as ServiceFailure without it; no reply ever carries a secret.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/operation.h"
#include "common/result.h"

namespace borealis::identity {

inline constexpr std::int64_t kDefaultMaxItems = 100;  // IAM's default page size
inline constexpr std::int64_t kMaxMaxItems = 1000;     // maxItemsType

api::Reply no_such_entity(std::string message);
api::Reply entity_already_exists(std::string message);
api::Reply delete_conflict(std::string message);
api::Reply limit_exceeded(std::string message);
api::Reply invalid_input(std::string message);
// Logs `error` (store errors carry no secrets) and answers ServiceFailure with a generic message.
api::Reply service_failure(const api::CallContext& context, const Error& error);
// not_found → NoSuchEntity with `not_found_message`, anything else → service_failure.
api::Reply from_store_error(const api::CallContext& context, const Error& error, std::string not_found_message);

// {member: items[marker..], "IsTruncated": bool, "Marker"?: next}, paged by the input's Marker (an
// index this service handed out) and MaxItems (1..1000, default 100). A Marker it did not hand out
// gets ValidationError.
api::Reply paged(const nlohmann::json& input, std::vector<nlohmann::json> items, std::string_view member);

// How IAM returns a policy document: percent-encoded JSON text (RFC 3986 unreserved kept).
std::string encode_document(std::string_view document);

}  // namespace borealis::identity
