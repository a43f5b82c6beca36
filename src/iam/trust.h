// Role trust policies: may this principal (a service such as rds.amazonaws.com, or an IAM user/role
// ARN of some account) assume the role? Same Deny-wins logic as identity policies, plus the
// Principal/NotPrincipal match. The account's own policies (which must also allow sts:AssumeRole for
// an IAM principal of that account) are the caller's second check, not this one.
// Pure: no I/O, never throws; it must never trust a principal no statement names (or covers by "*").
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "iam/context.h"
#include "iam/evaluator.h"
#include "iam/policy.h"

namespace borealis::iam {

struct TrustPrincipal {
  enum class Kind { service, aws };
  Kind kind = Kind::aws;
  // Kind::service: "rds.amazonaws.com". Kind::aws: the caller's ARN, e.g.
  // "arn:aws:iam::123456789012:user/alice" (the account is read from it).
  std::string value;
};

// Service principals RDS uses to assume a role for domain join (either one is enough).
inline constexpr std::array<std::string_view, 2> kDomainJoinServicePrincipals = {
    "directoryservice.rds.amazonaws.com", "rds.amazonaws.com"};

Evaluation check_trust(const Policy& trust_policy, std::string_view policy_name, const TrustPrincipal& principal,
                       const ContextKeys& keys = {}, std::string_view action = "sts:AssumeRole");

// Whether `principal` is covered by the statement's Principal (or, for NotPrincipal, not covered).
bool principal_matches(const Statement& statement, const TrustPrincipal& principal);

// Whether the trust policy lets RDS assume the role for domain join (one of kDomainJoinServicePrincipals).
bool trusts_rds_for_domain_join(const Policy& trust_policy);

}  // namespace borealis::iam
