// Evaluation of a request (action, resource ARN, context keys) against the identity policies of one
// principal (its managed and inline policies), with AWS's logic for a single account: an explicit Deny
// in any statement wins; otherwise an Allow allows; otherwise the request is implicitly denied.
// The result names the statement that decided, for the audit line.
// Pure: no I/O, no clock (aws:CurrentTime comes in the context), never throws. It must never allow a
// request that no statement allows, and never skip a Deny because an earlier statement allowed.
//
// Scope and choices (see also condition.h and pattern.h):
// - one account, identity policies only: no resource policies, permission boundaries, SCPs or session
//   policies (borealis has none of them yet); trust policies are trust.h;
// - a plain (unqualified) operator applied to a key that carries several values matches when any
//   value matches (negated operators: when no value matches), AWS's NOR rule for negated operators;
// - ${...} in a Resource is substituted wherever it appears in the ARN (AWS documents only the
//   resource part); the substituted text is always literal.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "iam/context.h"
#include "iam/policy.h"

namespace borealis::iam {

enum class Decision { allow, explicit_deny, implicit_deny };

const char* to_string(Decision decision) noexcept;  // "allow", "deny-explicit", "deny-implicit"

// One policy of the principal, with the name the audit line should show (policy ARN or inline name).
struct PolicyRef {
  std::string_view name;
  const Policy* policy = nullptr;
};

struct DecidingStatement {
  std::string policy_name;
  std::size_t statement_index = 0;
  std::string sid;  // empty when the statement has none
};

struct Evaluation {
  Decision decision = Decision::implicit_deny;
  std::optional<DecidingStatement> decided_by;  // absent for an implicit deny

  bool allowed() const { return decision == Decision::allow; }
  // "allow by AmazonRDSDirectoryServiceAccess statement 0", "deny-explicit by inline:x statement 2 (Sid NoDrop)",
  // "deny-implicit: no statement allows rds:CreateDBCluster" — for logs and API error messages.
  std::string describe(std::string_view action) const;
  // AWS's wording of a refusal, for the caller: "User: ARN is not authorized to perform: ACTION on
  // resource: RESOURCE with an explicit deny in an identity-based policy" (or "because no
  // identity-based policy allows the ACTION action"). Names no policy or statement.
  std::string denial_message(std::string_view principal_arn, std::string_view action, std::string_view resource) const;
};

Evaluation evaluate(std::span<const PolicyRef> policies, const RequestContext& request);

// Whether the statement's Action/NotAction, Resource/NotResource (if it has one) and Conditions all
// match the request. Principals are not looked at (see trust.h). `variables`: the policy's version
// allows ${...} substitution.
bool statement_matches(const Statement& statement, const RequestContext& request, bool variables);

// Action matching alone: case-insensitive, `*` and `?` wildcards (also in the service prefix).
bool action_matches(std::string_view pattern, std::string_view action) noexcept;

}  // namespace borealis::iam
