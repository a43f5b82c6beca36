// The domain-join precondition of RDS API clusters (see rds_domain_join.h).
#include "server/rds_domain_join.h"

#include <algorithm>

#include "identity/account.h"
#include "identity/domain_role.h"
#include "network/reachability.h"

namespace borealis::server {

DomainJoinCheck rds_domain_join_check(DomainJoinSettings settings) {
  return [settings = std::move(settings)](store::Store& store, const DomainJoinRequest& r) -> std::optional<std::string> {
    const std::string& domain = r.cluster.domain;
    if (r.iam_role_name.empty())
      return "no DomainIAMRoleName: issue ModifyDBCluster with Domain " + domain + " and DomainIAMRoleName";
    const auto& inactive = settings.sts_inactive_regions;
    if (std::find(inactive.begin(), inactive.end(), settings.region) != inactive.end())
      return "AWS STS is not active in " + settings.region + ": RDS cannot assume IAM role " + r.iam_role_name +
             "; activate the STS endpoint of the region";
    auto account = store.get_setting(identity::kAccountIdSetting);
    if (!account.ok() || !*account) return "the account id is not known yet (the API has not started)";
    if (auto problem = identity::domain_iam_role_problem(store, **account, r.iam_role_name)) return problem;
    // A cluster without a VPC (made before the EC2 view was installed) has no network to check.
    if (r.vpc_id.empty()) return std::nullopt;
    return network::directory_unreachable_reason(store, r.vpc_id, r.security_group_ids, domain, settings.region);
  };
}

}  // namespace borealis::server
