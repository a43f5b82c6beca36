#include "iam/trust.h"

#include "iam/pattern.h"

namespace borealis::iam {
namespace {

// The account field (fifth) of an ARN, or "" when it is not an ARN.
std::string_view account_of(std::string_view arn) {
  if (!arn.starts_with("arn:")) return {};
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  const auto end = arn.find(':', pos);
  return end == std::string_view::npos ? std::string_view{} : arn.substr(pos, end - pos);
}

bool covered(const Principal& p, const TrustPrincipal& who) {
  if (p.any) return true;  // "*" and {"AWS": "*"} cover every principal, services included
  if (who.kind == TrustPrincipal::Kind::service) {
    for (const auto& s : p.service)
      if (ascii_equals_ignore_case(s, who.value)) return true;
    return false;
  }
  const std::string_view account = account_of(who.value);
  for (const auto& a : p.aws) {
    // "123456789012" and "arn:aws:iam::123456789012:root" name the account: they cover every principal
    // in it (the account's own policies then decide).
    const bool whole_account = a.size() == 12 || (a.starts_with("arn:") && a.ends_with(":root"));
    if (whole_account) {
      const std::string_view id = a.size() == 12 ? std::string_view(a) : account_of(a);
      if (!account.empty() && id == account) return true;
    } else if (a == who.value) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool principal_matches(const Statement& s, const TrustPrincipal& who) {
  if (!s.has_principal) return false;
  return covered(s.principal, who) != s.not_principal;
}

Evaluation check_trust(const Policy& policy, std::string_view policy_name, const TrustPrincipal& who,
                       const ContextKeys& keys, std::string_view action) {
  RequestContext request;
  request.action.assign(action.begin(), action.end());
  request.resource = "*";  // trust statements carry no Resource; the role itself is the resource
  request.keys = keys;
  Evaluation result;
  const bool variables = policy.supports_variables();
  for (const auto& s : policy.statements) {
    if (!principal_matches(s, who) || !statement_matches(s, request, variables)) continue;
    DecidingStatement by{std::string(policy_name), s.index, s.sid};
    if (s.effect == Effect::deny) return Evaluation{Decision::explicit_deny, std::move(by)};
    if (result.decision != Decision::allow) result = Evaluation{Decision::allow, std::move(by)};
  }
  return result;
}

bool trusts_rds_for_domain_join(const Policy& policy) {
  for (auto service : kDomainJoinServicePrincipals) {
    TrustPrincipal who{TrustPrincipal::Kind::service, std::string(service)};
    if (check_trust(policy, "trust", who).allowed()) return true;
  }
  return false;
}

}  // namespace borealis::iam
