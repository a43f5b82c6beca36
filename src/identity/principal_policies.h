// The policies a user or role holds, read from the store and parsed: attached managed policies
// (customer ones from their rows, AWS-managed ones from iam/managed_policies.h) and inline policies.
// Used by authorisation (authorize.h), AssumeRole and the domain-join role check. A stored document
// that no longer parses is reported as unreadable, never silently skipped: callers fail closed.
// Also the check of incoming documents (MalformedPolicyDocument / LimitExceeded, AWS's texts).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/operation.h"
#include "common/result.h"
#include "iam/evaluator.h"
#include "iam/policy.h"
#include "store/iam_tables.h"

namespace borealis::identity {

struct NamedPolicy {
  std::string name;  // policy ARN for managed policies, "inline:<name>" for inline ones
  iam::Policy policy;
};

struct PrincipalPolicies {
  std::vector<NamedPolicy> policies;
  std::vector<std::string> unreadable;  // names of stored documents that failed to parse
  // Views for iam::evaluate; valid while this object lives and is not modified.
  std::vector<iam::PolicyRef> refs() const;
};

Result<PrincipalPolicies> load_principal_policies(store::Store& store, store::PrincipalType type,
                                                  const std::string& principal_name);

// AWS-managed policies borealis ships: AmazonRDSDirectoryServiceAccess (iam/managed_policies.h) and
// AdministratorAccess (Allow * on *, AWS's document).
inline constexpr std::string_view kAdministratorAccessArn = "arn:aws:iam::aws:policy/AdministratorAccess";
std::span<const std::string_view> aws_managed_arns();
// The document of an AWS-managed policy borealis ships, or nullopt for any other ARN.
std::optional<std::string_view> aws_managed_document(std::string_view arn);
bool is_aws_managed_arn(std::string_view arn);  // arn:aws:iam::aws:policy/...

// Parses an incoming document of `kind` within `max_chars` (non-white characters, AWS's quota):
// nullopt if it is acceptable, else MalformedPolicyDocument or LimitExceeded with the parser's text.
std::optional<api::ApiError> check_document(std::string_view text, iam::PolicyKind kind, std::size_t max_chars);

}  // namespace borealis::identity
