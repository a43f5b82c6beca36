// Managed-policy attachments to users and roles: Attach/Detach/ListAttached{User,Role}Policies. Users
// and roles share one implementation, parameterised by the principal type. At most 10 managed policies
// per user or role, as IAM's default quota.
#include <algorithm>

#include "identity/iam_handlers.h"
#include "identity/replies.h"
#include "identity/validate.h"

namespace borealis::identity::handlers {
namespace {

constexpr std::size_t kMaxAttachedPolicies = 10;  // PoliciesPerUser / PoliciesPerRole (managed)

Reply attach(CallContext& context, const json& input, const PrincipalInput& kind) {
  auto who = existing_principal(context, input, kind);
  if (auto* r = std::get_if<Reply>(&who)) return *r;
  const std::string arn = string_member(input, "PolicyArn").value_or("");
  if (auto refusal = check_attachable(context, arn)) return *refusal;
  std::optional<Reply> refusal;
  Status s = context.store.transaction([&]() -> Status {
    store::IamTables tables(context.store);
    auto attached = tables.attached_policies(kind.type, std::get<std::string>(who));
    if (!attached) return std::move(attached).error();
    const bool already = std::find(attached->begin(), attached->end(), arn) != attached->end();
    if (!already && attached->size() >= kMaxAttachedPolicies) {
      refusal = limit_exceeded(std::string("Cannot exceed quota for ") + kind.quota + ": 10");
      return ok_status();
    }
    return tables.attach_policy(kind.type, std::get<std::string>(who), arn);
  });
  if (!s) return service_failure(context, s.error());
  if (refusal) return *refusal;
  return Reply::ok();
}

Reply detach(CallContext& context, const json& input, const PrincipalInput& kind) {
  auto who = existing_principal(context, input, kind);
  if (auto* r = std::get_if<Reply>(&who)) return *r;
  auto arn = string_member(input, "PolicyArn");
  if (!arn) return Reply::fail(missing_member("policyArn"));
  if (auto s = store::IamTables(context.store).detach_policy(kind.type, std::get<std::string>(who), *arn); !s)
    return from_store_error(context, s.error(), "Policy " + *arn + " was not attached.");
  return Reply::ok();
}

Reply list_attached(CallContext& context, const json& input, const PrincipalInput& kind) {
  auto who = existing_principal(context, input, kind);
  if (auto* r = std::get_if<Reply>(&who)) return *r;
  const std::string prefix = string_member(input, "PathPrefix").value_or("/");
  auto attached = store::IamTables(context.store).attached_policies(kind.type, std::get<std::string>(who));
  if (!attached) return service_failure(context, attached.error());
  std::vector<json> items;
  for (const auto& arn : *attached) {
    // arn:aws:iam::ACCT:policy/PATH/NAME: the path is what lies between "policy" and the name.
    const auto policy_at = arn.find(":policy/");
    const auto last = arn.rfind('/');
    const std::string path = policy_at == std::string::npos ? "/" : arn.substr(policy_at + 7, last - policy_at - 6);
    if (!path.starts_with(prefix)) continue;
    items.push_back(json{{"PolicyName", arn.substr(last + 1)}, {"PolicyArn", arn}});
  }
  return paged(input, std::move(items), "AttachedPolicies");
}

}  // namespace

Reply attach_user_policy(CallContext& context, const json& input) { return attach(context, input, kUserPrincipal); }
Reply detach_user_policy(CallContext& context, const json& input) { return detach(context, input, kUserPrincipal); }
Reply list_attached_user_policies(CallContext& context, const json& input) { return list_attached(context, input, kUserPrincipal); }
Reply attach_role_policy(CallContext& context, const json& input) { return attach(context, input, kRolePrincipal); }
Reply detach_role_policy(CallContext& context, const json& input) { return detach(context, input, kRolePrincipal); }
Reply list_attached_role_policies(CallContext& context, const json& input) { return list_attached(context, input, kRolePrincipal); }

}  // namespace borealis::identity::handlers
