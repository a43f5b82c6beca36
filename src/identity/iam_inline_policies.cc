// Inline policies of users and roles: Put/Get/Delete/List{User,Role}Policies, one implementation for
// both. A document must parse as an identity policy, and all inline policies of one principal together
// stay within IAM's quota (2,048 non-white characters for a user, 10,240 for a role) → LimitExceeded.
#include "iam/policy.h"
#include "identity/iam_handlers.h"
#include "identity/principal_policies.h"
#include "identity/replies.h"
#include "identity/validate.h"

namespace borealis::identity::handlers {
namespace {

std::size_t inline_quota(store::PrincipalType type) {
  return type == store::PrincipalType::user ? iam::kUserInlinePolicyMaxChars : iam::kRoleInlinePolicyMaxChars;
}

std::string no_such_policy(const std::string& policy, store::PrincipalType type) {
  return "The " + std::string(type == store::PrincipalType::user ? "user" : "role") + " policy with name " + policy +
         " cannot be found.";
}

Reply put(CallContext& context, const json& input, const PrincipalInput& kind) {
  auto who = existing_principal(context, input, kind);
  if (auto* r = std::get_if<Reply>(&who)) return *r;
  const std::string& principal = std::get<std::string>(who);
  auto policy_name = required_name(input, "PolicyName", "policyName", kMaxPolicyNameChars);
  if (policy_name.error) return Reply::fail(*policy_name.error);
  auto document = string_member(input, "PolicyDocument");
  if (!document) return Reply::fail(missing_member("policyDocument"));

  std::optional<Reply> refusal;
  Status s = context.store.transaction([&]() -> Status {
    store::IamTables tables(context.store);
    auto others = tables.list_inline_policies(kind.type, principal);
    if (!others) return std::move(others).error();
    std::size_t used = 0;
    for (const auto& p : *others)
      if (p.policy_name != policy_name.value) used += iam::count_policy_chars(p.document);
    const std::size_t quota = inline_quota(kind.type);
    const std::size_t room = used >= quota ? 0 : quota - used;
    if (auto e = check_document(*document, iam::PolicyKind::identity, room)) {
      if (e->code == iam::kLimitExceeded)
        e->message = "Maximum policy size of " + std::to_string(quota) + " bytes exceeded for " +
                     (kind.type == store::PrincipalType::user ? "user " : "role ") + principal;
      refusal = Reply::fail(*e);
      return ok_status();
    }
    return tables.put_inline_policy({kind.type, principal, policy_name.value, *document});
  });
  if (!s) return service_failure(context, s.error());
  if (refusal) return *refusal;
  return Reply::ok();
}

Reply get(CallContext& context, const json& input, const PrincipalInput& kind) {
  auto who = existing_principal(context, input, kind);
  if (auto* r = std::get_if<Reply>(&who)) return *r;
  auto policy_name = required_name(input, "PolicyName", "policyName", kMaxPolicyNameChars);
  if (policy_name.error) return Reply::fail(*policy_name.error);
  const std::string& principal = std::get<std::string>(who);
  auto p = store::IamTables(context.store).get_inline_policy(kind.type, principal, policy_name.value);
  if (!p) return from_store_error(context, p.error(), no_such_policy(policy_name.value, kind.type));
  json out{{kind.key, principal}, {"PolicyName", p->policy_name}, {"PolicyDocument", encode_document(p->document)}};
  return Reply::ok(std::move(out));
}

Reply remove(CallContext& context, const json& input, const PrincipalInput& kind) {
  auto who = existing_principal(context, input, kind);
  if (auto* r = std::get_if<Reply>(&who)) return *r;
  auto policy_name = required_name(input, "PolicyName", "policyName", kMaxPolicyNameChars);
  if (policy_name.error) return Reply::fail(*policy_name.error);
  const std::string& principal = std::get<std::string>(who);
  if (auto s = store::IamTables(context.store).delete_inline_policy(kind.type, principal, policy_name.value); !s)
    return from_store_error(context, s.error(), no_such_policy(policy_name.value, kind.type));
  return Reply::ok();
}

Reply list(CallContext& context, const json& input, const PrincipalInput& kind) {
  auto who = existing_principal(context, input, kind);
  if (auto* r = std::get_if<Reply>(&who)) return *r;
  auto policies = store::IamTables(context.store).list_inline_policies(kind.type, std::get<std::string>(who));
  if (!policies) return service_failure(context, policies.error());
  std::vector<json> names;
  for (const auto& p : *policies) names.emplace_back(p.policy_name);
  return paged(input, std::move(names), "PolicyNames");
}

}  // namespace

Reply put_user_policy(CallContext& context, const json& input) { return put(context, input, kExistingUserPrincipal); }
Reply get_user_policy(CallContext& context, const json& input) { return get(context, input, kExistingUserPrincipal); }
Reply delete_user_policy(CallContext& context, const json& input) { return remove(context, input, kExistingUserPrincipal); }
Reply list_user_policies(CallContext& context, const json& input) { return list(context, input, kExistingUserPrincipal); }
Reply put_role_policy(CallContext& context, const json& input) { return put(context, input, kRolePrincipal); }
Reply get_role_policy(CallContext& context, const json& input) { return get(context, input, kRolePrincipal); }
Reply delete_role_policy(CallContext& context, const json& input) { return remove(context, input, kRolePrincipal); }
Reply list_role_policies(CallContext& context, const json& input) { return list(context, input, kRolePrincipal); }

}  // namespace borealis::identity::handlers
