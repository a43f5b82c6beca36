// The IAM operation table: each action's handler and the resource ARN the router authorises it on
// (the user, role or policy it acts on; for creates, the ARN the new entity will have; for lists, the
// path's wildcard ARN, e.g. arn:aws:iam::ACCT:user/*).
#include "identity/ids.h"
#include "identity/iam_handlers.h"
#include "identity/operations.h"
#include "identity/validate.h"

namespace borealis::identity {
namespace {

using api::CallContext;
using nlohmann::json;

std::string member_or(const json& input, const char* key, const char* fallback) {
  return string_member(input, key).value_or(fallback);
}

// The user an operation acts on: UserName, or without it the caller (its own ARN).
std::string user_resource(const CallContext& context, const json& input) {
  auto name = string_member(input, "UserName");
  if (!name) return context.caller.arn;
  return handlers::user_arn_of(context, *name);
}

std::string new_user_resource(const CallContext& context, const json& input) {
  return iam_arn(context.settings.account_id, "user", member_or(input, "Path", "/"), member_or(input, "UserName", ""));
}

std::string users_resource(const CallContext& context, const json& input) {
  return iam_arn(context.settings.account_id, "user", member_or(input, "PathPrefix", "/"), "*");
}

std::string role_resource(const CallContext& context, const json& input) {
  return handlers::role_arn_of(context, member_or(input, "RoleName", ""));
}

std::string new_role_resource(const CallContext& context, const json& input) {
  return iam_arn(context.settings.account_id, "role", member_or(input, "Path", "/"), member_or(input, "RoleName", ""));
}

std::string roles_resource(const CallContext& context, const json& input) {
  return iam_arn(context.settings.account_id, "role", member_or(input, "PathPrefix", "/"), "*");
}

std::string policy_resource(const CallContext&, const json& input) { return member_or(input, "PolicyArn", "*"); }

std::string new_policy_resource(const CallContext& context, const json& input) {
  return iam_arn(context.settings.account_id, "policy", member_or(input, "Path", "/"), member_or(input, "PolicyName", ""));
}

std::string policies_resource(const CallContext& context, const json& input) {
  return iam_arn(context.settings.account_id, "policy", member_or(input, "PathPrefix", "/"), "*");
}

namespace h = handlers;
const api::Operation kIamOperations[] = {
    {"CreateUser", h::create_user, new_user_resource},
    {"GetUser", h::get_user, user_resource},
    {"DeleteUser", h::delete_user, user_resource},
    {"ListUsers", h::list_users, users_resource},
    {"CreateAccessKey", h::create_access_key, user_resource},
    {"DeleteAccessKey", h::delete_access_key, user_resource},
    {"ListAccessKeys", h::list_access_keys, user_resource},
    {"UpdateAccessKey", h::update_access_key, user_resource},
    {"CreateRole", h::create_role, new_role_resource},
    {"GetRole", h::get_role, role_resource},
    {"DeleteRole", h::delete_role, role_resource},
    {"ListRoles", h::list_roles, roles_resource},
    {"UpdateAssumeRolePolicy", h::update_assume_role_policy, role_resource},
    {"CreatePolicy", h::create_policy, new_policy_resource},
    {"GetPolicy", h::get_policy, policy_resource},
    {"DeletePolicy", h::delete_policy, policy_resource},
    {"ListPolicies", h::list_policies, policies_resource},
    {"GetPolicyVersion", h::get_policy_version, policy_resource},
    {"AttachRolePolicy", h::attach_role_policy, role_resource},
    {"DetachRolePolicy", h::detach_role_policy, role_resource},
    {"ListAttachedRolePolicies", h::list_attached_role_policies, role_resource},
    {"AttachUserPolicy", h::attach_user_policy, user_resource},
    {"DetachUserPolicy", h::detach_user_policy, user_resource},
    {"ListAttachedUserPolicies", h::list_attached_user_policies, user_resource},
    {"PutUserPolicy", h::put_user_policy, user_resource},
    {"GetUserPolicy", h::get_user_policy, user_resource},
    {"DeleteUserPolicy", h::delete_user_policy, user_resource},
    {"ListUserPolicies", h::list_user_policies, user_resource},
    {"PutRolePolicy", h::put_role_policy, role_resource},
    {"GetRolePolicy", h::get_role_policy, role_resource},
    {"DeleteRolePolicy", h::delete_role_policy, role_resource},
    {"ListRolePolicies", h::list_role_policies, role_resource},
};

}  // namespace

api::ServiceOperations iam_operations() { return api::ServiceOperations{"iam", kIamOperations}; }

}  // namespace borealis::identity
