#include "identity/domain_role.h"

#include "common/log.h"
#include "iam/managed_policies.h"
#include "iam/trust.h"
#include "identity/principal_policies.h"
#include "store/iam_tables.h"

namespace borealis::identity {

std::optional<std::string> domain_iam_role_problem(store::Store& store, const std::string& account_id,
                                                   const std::string& role_name) {
  const std::string who = "IAM role " + role_name;
  auto role = store::IamTables(store).get_role(role_name);
  if (!role) {
    if (role.error().code == Errc::not_found)
      return who + " does not exist in account " + account_id + "; create it (aws iam create-role) or name another";
    log::error("identity", "domain role check: reading role {}: {}", role_name, role.error().message);
    return who + " could not be read from the control plane's store; retry";
  }
  auto trust = iam::parse_policy(role->trust_policy, iam::PolicyKind::trust, iam::kTrustPolicyMaxChars);
  if (!trust || !iam::trusts_rds_for_domain_join(*trust)) {
    return who + " does not trust rds.amazonaws.com or directoryservice.rds.amazonaws.com for sts:AssumeRole; "
                 "add one of them as a Service principal to its trust policy (aws iam update-assume-role-policy)";
  }
  auto policies = load_principal_policies(store, store::PrincipalType::role, role->name);
  if (!policies) {
    log::error("identity", "domain role check: policies of {}: {}", role_name, policies.error().message);
    return who + "'s policies could not be read from the control plane's store; retry";
  }
  if (!policies->unreadable.empty())
    return who + "'s policy " + policies->unreadable.front() + " cannot be read; replace it";
  const auto refs = policies->refs();
  const auto check = iam::check_domain_join_permissions(refs, "*");
  if (check.ok()) return std::nullopt;
  std::string actions;
  bool denied = false;
  for (const auto& line : check.missing) {
    // Each line is "ds:Action (decision …)": name the actions only, the decisions are for logs.
    const std::string action = line.substr(0, line.find(' '));
    actions += (actions.empty() ? "" : ", ") + action;
    denied = denied || line.find(iam::to_string(iam::Decision::explicit_deny)) != std::string::npos;
  }
  log::info("identity", "domain role {} refused: {}", role_name, check.reason());
  if (denied) return who + " has a policy that denies " + actions + "; remove that Deny statement";
  return who + " does not allow " + actions + "; attach " + std::string(iam::kRdsDirectoryServiceAccessArn);
}

}  // namespace borealis::identity
