#include "identity/authorize.h"

#include "common/log.h"
#include "identity/principal_policies.h"
#include "store/iam_tables.h"

namespace borealis::identity {
namespace {

constexpr std::string_view kGetCallerIdentity = "sts:GetCallerIdentity";

iam::Evaluation refuse(std::string why) {
  return iam::Evaluation{iam::Decision::explicit_deny, iam::DecidingStatement{std::move(why), 0, ""}};
}

// The role id of an assumed-role caller (its user_id is ROLEID:SESSION).
std::string_view role_id_of(const api::Caller& caller) {
  std::string_view id = caller.user_id;
  return id.substr(0, id.find(':'));
}

}  // namespace

void set_principal_keys(const api::Caller& caller, iam::ContextKeys& keys) {
  namespace key = iam::context_key;
  keys.set(key::kPrincipalArn, caller.arn);
  keys.set(key::kPrincipalAccount, caller.account_id);
  keys.set(key::kUserId, caller.user_id);
  switch (caller.kind) {
    case api::PrincipalKind::root: keys.set(key::kPrincipalType, "Account"); keys.erase(key::kUsername); break;
    case api::PrincipalKind::user: keys.set(key::kPrincipalType, "User"); keys.set(key::kUsername, caller.name); break;
    case api::PrincipalKind::assumed_role:
      keys.set(key::kPrincipalType, "AssumedRole");
      keys.erase(key::kUsername);
      break;
  }
  if (caller.temporary && !caller.token_issue_time.empty()) keys.set(key::kTokenIssueTime, caller.token_issue_time);
  else keys.erase(key::kTokenIssueTime);
}

iam::Evaluation authorize(store::Store& store, const api::Caller& caller, const iam::RequestContext& request) {
  if (caller.kind == api::PrincipalKind::root) {
    return iam::Evaluation{iam::Decision::allow, iam::DecidingStatement{"account root", 0, ""}};
  }
  // AWS: "No permissions are required to perform this operation", and not even an explicit Deny
  // stops it — every authenticated caller may ask who it is.
  if (iam::action_matches(kGetCallerIdentity, request.action)) {
    return iam::Evaluation{iam::Decision::allow, iam::DecidingStatement{"sts:GetCallerIdentity needs no permission", 0, ""}};
  }
  iam::RequestContext full = request;
  set_principal_keys(caller, full.keys);

  store::PrincipalType type = store::PrincipalType::user;
  if (caller.kind == api::PrincipalKind::assumed_role) {
    type = store::PrincipalType::role;
    auto role = store::IamTables(store).get_role(caller.name);
    if (!role) {
      if (role.error().code == Errc::not_found) return iam::Evaluation{};  // no role, no permissions
      log::error("identity", "authorize: reading role {} failed: {}", caller.name, role.error().message);
      return refuse("(the role's policies could not be read)");
    }
    if (role->id != role_id_of(caller)) return iam::Evaluation{};  // the session's role was replaced
  }
  auto policies = load_principal_policies(store, type, caller.name);
  if (!policies) {
    log::error("identity", "authorize: reading the policies of {} failed: {}", caller.arn, policies.error().message);
    return refuse("(the caller's policies could not be read)");
  }
  if (!policies->unreadable.empty()) {
    log::error("identity", "authorize: stored policy {} of {} does not parse; refusing", policies->unreadable.front(),
               caller.arn);
    return refuse(policies->unreadable.front() + " (unreadable)");
  }
  const auto refs = policies->refs();
  return iam::evaluate(refs, full);
}

}  // namespace borealis::identity
