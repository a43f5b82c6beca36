// Input checks of the IAM and STS handlers: reading members of the handler's input JSON without ever
// throwing (a member of the wrong type reads as absent), and the botocore model's constraints on names,
// paths and session names, answered as AWS does: ValidationError with "1 validation error detected:
// Value '…' at 'member' failed to satisfy constraint: …". Names and paths are echoed; policy documents
// and secrets never are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/operation.h"

namespace borealis::identity {

// Lengths from the botocore iam/sts models.
inline constexpr std::size_t kMaxUserNameChars = 64;          // userNameType
inline constexpr std::size_t kMaxExistingUserNameChars = 128;  // existingUserNameType
inline constexpr std::size_t kMaxRoleNameChars = 64;          // roleNameType
inline constexpr std::size_t kMaxPolicyNameChars = 128;       // policyNameType
inline constexpr std::size_t kMaxPathChars = 512;             // pathType, policyPathType
inline constexpr std::size_t kMaxDescriptionChars = 1000;     // roleDescriptionType, policyDescriptionType
inline constexpr std::size_t kMinSessionNameChars = 2;        // roleSessionNameType
inline constexpr std::size_t kMaxSessionNameChars = 64;
inline constexpr std::size_t kMaxArnChars = 2048;             // arnType
inline constexpr std::size_t kMaxDocumentChars = 131072;      // policyDocumentType (raw; quotas apply after)

// A string member, or nullopt when absent or not a string.
std::optional<std::string> string_member(const nlohmann::json& input, std::string_view name);
std::optional<std::int64_t> int_member(const nlohmann::json& input, std::string_view name);
std::optional<bool> bool_member(const nlohmann::json& input, std::string_view name);

api::ApiError validation_error(std::string message);
// "Value null at 'userName' failed to satisfy constraint: Member must not be null".
api::ApiError missing_member(std::string_view member);

// [\w+=,.@-]+ of 1..max characters (user, role and policy names).
std::optional<api::ApiError> check_name(std::string_view member, std::string_view value, std::size_t max_chars);
// [\w+=,.@-]* of 2..64 characters.
std::optional<api::ApiError> check_session_name(std::string_view member, std::string_view value);
// pathType: "/" or "/…/" of printable ASCII, at most 512 characters.
std::optional<api::ApiError> check_path(std::string_view member, std::string_view value);
// policyPathType: ((/[A-Za-z0-9.,+@=_-]+)*)/.
std::optional<api::ApiError> check_policy_path(std::string_view member, std::string_view value);
// At most `max_chars` bytes (descriptions, documents, ARNs), not echoed.
std::optional<api::ApiError> check_length(std::string_view member, std::string_view value, std::size_t max_chars);

// A required, valid name member: its value, or the error to answer with.
struct NameOrError {
  std::string value;
  std::optional<api::ApiError> error;
};
NameOrError required_name(const nlohmann::json& input, std::string_view key, std::string_view member,
                          std::size_t max_chars);

}  // namespace borealis::identity
