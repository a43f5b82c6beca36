#include "iam/evaluator.h"

#include "iam/condition.h"
#include "iam/pattern.h"

namespace borealis::iam {
namespace {

bool any_action(const Statement& s, std::string_view action) {
  for (const auto& a : s.actions)
    if (action_matches(a, action)) return true;
  return false;
}

bool any_resource(const Statement& s, const RequestContext& r, bool variables) {
  for (const auto& written : s.resources) {
    const auto pattern = variables ? expand_variables(written, r.keys) : std::optional(literal_pattern(written));
    // An unresolved variable (aws:username of a role session, say) makes that entry match nothing.
    if (pattern && glob_match(*pattern, r.resource, /*ignore_case=*/false)) return true;
  }
  return false;
}

}  // namespace

const char* to_string(Decision d) noexcept {
  switch (d) {
    case Decision::allow: return "allow";
    case Decision::explicit_deny: return "deny-explicit";
    case Decision::implicit_deny: return "deny-implicit";
  }
  return "?";
}

std::string Evaluation::describe(std::string_view action) const {
  if (!decided_by) return std::string(to_string(decision)) + ": no statement allows " + std::string(action);
  std::string out = std::string(to_string(decision)) + " by " + decided_by->policy_name + " statement " +
                    std::to_string(decided_by->statement_index);
  if (!decided_by->sid.empty()) out += " (Sid " + decided_by->sid + ")";
  return out;
}

std::string Evaluation::denial_message(std::string_view principal_arn, std::string_view action,
                                      std::string_view resource) const {
  std::string out = "User: " + std::string(principal_arn) + " is not authorized to perform: " + std::string(action) +
                    " on resource: " + std::string(resource) + " ";
  if (decision == Decision::explicit_deny) return out + "with an explicit deny in an identity-based policy";
  return out + "because no identity-based policy allows the " + std::string(action) + " action";
}

bool action_matches(std::string_view pattern, std::string_view action) noexcept {
  return glob_match(literal_pattern(pattern), action, /*ignore_case=*/true);
}

bool statement_matches(const Statement& s, const RequestContext& r, bool variables) {
  // NotAction: every action except those listed; NotResource likewise.
  if (any_action(s, r.action) == s.not_action) return false;
  if (s.has_resource && any_resource(s, r, variables) == s.not_resource) return false;
  for (const auto& c : s.conditions)
    if (!condition_holds(c, r.keys, variables)) return false;
  return true;
}

Evaluation evaluate(std::span<const PolicyRef> policies, const RequestContext& request) {
  Evaluation result;
  for (const auto& ref : policies) {
    if (ref.policy == nullptr) continue;
    const bool variables = ref.policy->supports_variables();
    for (const auto& s : ref.policy->statements) {
      if (!statement_matches(s, request, variables)) continue;
      DecidingStatement by{std::string(ref.name), s.index, s.sid};
      if (s.effect == Effect::deny) return Evaluation{Decision::explicit_deny, std::move(by)};
      // Remember the first Allow, but keep looking: a later Deny still wins.
      if (result.decision != Decision::allow) result = Evaluation{Decision::allow, std::move(by)};
    }
  }
  return result;
}

}  // namespace borealis::iam
