// Internal to the identity component: the IAM handlers (one file per concern: iam_principals.cc, iam_users.cc,
// iam_access_keys.cc, iam_roles.cc, iam_policies.cc, iam_attachments.cc, iam_inline_policies.cc) and
// what they share. iam_operations.cc puts them in the table the router dispatches from. Handlers never
// throw, never echo a policy document or a secret in an error, and answer with IAM's error codes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "api/operation.h"
#include "store/iam_tables.h"

namespace borealis::identity::handlers {

using api::CallContext;
using api::Reply;
using nlohmann::json;

// Output shapes.
json user_json(const store::IamUserRecord& user);
json role_json(const store::IamRoleRecord& role);

// The ARN of user/role `name` as stored (its path included), or with path "/" when it does not exist
// (what the caller would be refused or told NoSuchEntity about anyway).
std::string user_arn_of(const CallContext& context, const std::string& name);
std::string role_arn_of(const CallContext& context, const std::string& name);

// "The user with name X cannot be found." / "The role with name X cannot be found." (AWS's texts)
std::string no_such_user(const std::string& name);
std::string no_such_role(const std::string& name);

// How a handler names the user or role it acts on, and IAM's quota of managed policies for it.
struct PrincipalInput {
  store::PrincipalType type;
  const char* key;        // input member: "UserName" | "RoleName"
  const char* member;     // in validation messages: "userName" | "roleName"
  const char* quota;      // "PoliciesPerUser" | "PoliciesPerRole"
  std::size_t max_chars;  // name length the operation's model allows
};
extern const PrincipalInput kUserPrincipal;          // userNameType (64)
extern const PrincipalInput kExistingUserPrincipal;  // existingUserNameType (128), inline-policy calls
extern const PrincipalInput kRolePrincipal;
// The principal's name as stored (lookups ignore case), or the reply (ValidationError, NoSuchEntity).
std::variant<std::string, Reply> existing_principal(CallContext& context, const json& input,
                                                    const PrincipalInput& principal);

// The user named by the input's UserName or, without one, the caller: a user record, nullopt for the
// account root, or the reply (ValidationError for role sessions, NoSuchEntity, ...).
std::variant<std::optional<store::IamUserRecord>, Reply> named_user_or_caller(CallContext& context, const json& input);

// DeleteConflict when the user/role still has inline or attached policies; nullopt when it has none.
Result<std::optional<Reply>> policies_conflict(store::IamTables& tables, store::PrincipalType type,
                                               const std::string& name);

// nullopt when `arn` names a policy that can be attached (a customer policy of this account or an
// AWS-managed policy borealis ships); otherwise the NoSuchEntity/ValidationError reply.
std::optional<Reply> check_attachable(CallContext& context, const std::string& arn);

// Users.
Reply create_user(CallContext& context, const json& input);
Reply get_user(CallContext& context, const json& input);
Reply delete_user(CallContext& context, const json& input);
Reply list_users(CallContext& context, const json& input);
// Access keys.
Reply create_access_key(CallContext& context, const json& input);
Reply delete_access_key(CallContext& context, const json& input);
Reply list_access_keys(CallContext& context, const json& input);
Reply update_access_key(CallContext& context, const json& input);
// Roles.
Reply create_role(CallContext& context, const json& input);
Reply get_role(CallContext& context, const json& input);
Reply delete_role(CallContext& context, const json& input);
Reply list_roles(CallContext& context, const json& input);
Reply update_assume_role_policy(CallContext& context, const json& input);
// Customer managed policies.
Reply create_policy(CallContext& context, const json& input);
Reply get_policy(CallContext& context, const json& input);
Reply delete_policy(CallContext& context, const json& input);
Reply list_policies(CallContext& context, const json& input);
Reply get_policy_version(CallContext& context, const json& input);
// Attachments.
Reply attach_role_policy(CallContext& context, const json& input);
Reply detach_role_policy(CallContext& context, const json& input);
Reply list_attached_role_policies(CallContext& context, const json& input);
Reply attach_user_policy(CallContext& context, const json& input);
Reply detach_user_policy(CallContext& context, const json& input);
Reply list_attached_user_policies(CallContext& context, const json& input);
// Inline policies.
Reply put_user_policy(CallContext& context, const json& input);
Reply get_user_policy(CallContext& context, const json& input);
Reply delete_user_policy(CallContext& context, const json& input);
Reply list_user_policies(CallContext& context, const json& input);
Reply put_role_policy(CallContext& context, const json& input);
Reply get_role_policy(CallContext& context, const json& input);
Reply delete_role_policy(CallContext& context, const json& input);
Reply list_role_policies(CallContext& context, const json& input);

}  // namespace borealis::identity::handlers
