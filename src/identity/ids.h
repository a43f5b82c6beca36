// Identifiers, secrets and timestamps of the account's IAM and STS entities: AWS's id prefixes (AIDA
// users, AROA roles, ANPA policies, AKIA long-term keys, ASIA temporary keys), secret access keys,
// session tokens, ARNs and the ISO 8601 form of the API. Randomness comes from common/random.h (the
// DRBG). Nothing here stores or logs a secret; secrets are handed out as Secret.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/secret.h"

namespace borealis::identity {

inline constexpr std::string_view kUserIdPrefix = "AIDA";
inline constexpr std::string_view kRoleIdPrefix = "AROA";
inline constexpr std::string_view kPolicyIdPrefix = "ANPA";
inline constexpr std::string_view kAccessKeyPrefix = "AKIA";
inline constexpr std::string_view kSessionKeyPrefix = "ASIA";

// prefix + 16 upper-case alphanumerics (entity ids and access key ids look alike in AWS).
std::string new_id(std::string_view prefix);
// 40 characters of [A-Za-z0-9+/], like an AWS secret access key.
Secret new_secret_access_key();
// Lower-case hex SHA-256 of a session token: what the store keeps and resolve.h compares.
std::string session_token_hash(std::string_view token);

// "2026-11-28T17:30:00Z".
std::string iso8601(std::chrono::system_clock::time_point t);
std::int64_t epoch_seconds(std::chrono::system_clock::time_point t);

// arn:aws:iam::ACCT:<kind><path><name>, kind "user" | "role" | "policy"; path starts and ends with '/'.
std::string iam_arn(std::string_view account_id, std::string_view kind, std::string_view path, std::string_view name);
std::string root_arn(std::string_view account_id);
std::string assumed_role_arn(std::string_view account_id, std::string_view role_name, std::string_view session_name);

}  // namespace borealis::identity
