// What the IAM handlers share about the users and roles they act on: their ARNs, IAM's "cannot be
// found" texts, and reading a UserName/RoleName member into the stored principal.
#include "identity/ids.h"
#include "identity/iam_handlers.h"
#include "identity/replies.h"
#include "identity/validate.h"

namespace borealis::identity::handlers {

const PrincipalInput kUserPrincipal{store::PrincipalType::user, "UserName", "userName", "PoliciesPerUser",
                                    kMaxUserNameChars};
const PrincipalInput kExistingUserPrincipal{store::PrincipalType::user, "UserName", "userName", "PoliciesPerUser",
                                            kMaxExistingUserNameChars};
const PrincipalInput kRolePrincipal{store::PrincipalType::role, "RoleName", "roleName", "PoliciesPerRole",
                                    kMaxRoleNameChars};

std::string no_such_user(const std::string& name) { return "The user with name " + name + " cannot be found."; }

std::string user_arn_of(const CallContext& context, const std::string& name) {
  auto user = store::IamTables(context.store).get_user(name);
  if (user) return user->arn;
  return iam_arn(context.settings.account_id, "user", "/", name);
}

std::string no_such_role(const std::string& name) { return "The role with name " + name + " cannot be found."; }

std::string role_arn_of(const CallContext& context, const std::string& name) {
  auto role = store::IamTables(context.store).get_role(name);
  if (role) return role->arn;
  return iam_arn(context.settings.account_id, "role", "/", name);
}

std::variant<std::string, Reply> existing_principal(CallContext& context, const json& input,
                                                    const PrincipalInput& principal) {
  auto name = required_name(input, principal.key, principal.member, principal.max_chars);
  if (name.error) return Reply::fail(*name.error);
  store::IamTables tables(context.store);
  if (principal.type == store::PrincipalType::user) {
    auto user = tables.get_user(name.value);
    if (!user) return from_store_error(context, user.error(), no_such_user(name.value));
    return user->name;
  }
  auto role = tables.get_role(name.value);
  if (!role) return from_store_error(context, role.error(), no_such_role(name.value));
  return role->name;
}

std::variant<std::optional<store::IamUserRecord>, Reply> named_user_or_caller(CallContext& context, const json& input) {
  auto name = string_member(input, "UserName");
  if (!name) {
    if (context.caller.kind == api::PrincipalKind::root) return std::nullopt;
    if (context.caller.kind != api::PrincipalKind::user)
      return Reply::fail(validation_error("Must specify userName when calling with non-User credentials"));
    name = context.caller.name;
  }
  if (auto e = check_name("userName", *name, kMaxExistingUserNameChars)) return Reply::fail(*e);
  auto user = store::IamTables(context.store).get_user(*name);
  if (!user) return from_store_error(context, user.error(), no_such_user(*name));
  return std::optional<store::IamUserRecord>(std::move(user).value());
}

Result<std::optional<Reply>> policies_conflict(store::IamTables& tables, store::PrincipalType type,
                                               const std::string& name) {
  auto inline_policies = tables.list_inline_policies(type, name);
  if (!inline_policies) return std::move(inline_policies).error();
  if (!inline_policies->empty()) return std::optional<Reply>(delete_conflict("Cannot delete entity, must delete policies first."));
  auto attached = tables.attached_policies(type, name);
  if (!attached) return std::move(attached).error();
  if (!attached->empty())
    return std::optional<Reply>(delete_conflict("Cannot delete entity, must detach all policies first."));
  return std::optional<Reply>();
}

}  // namespace borealis::identity::handlers
