// IAM policy documents: the typed model and the parser from JSON text. Identity policies (managed and
// inline, attached to users and roles) and trust policies (a role's AssumeRolePolicyDocument) share the
// grammar; PolicyKind says which rules apply (an identity policy must not name a Principal, a trust
// policy must name one and must not name a Resource).
// Pure: no I/O, no store, no exceptions (nlohmann is used with allow_exceptions=false). It must never
// accept a document whose meaning depends on parser choices (duplicate keys, unknown elements): what the
// evaluator enforces has to be what the author wrote.
//
// Where this parser is stricter than AWS (on purpose, each time because a lenient reading could make
// the stored policy mean something other than what its author or another tool sees):
// - duplicate JSON keys at any level are refused (AWS does not document its choice; nlohmann keeps the
//   last, other parsers the first);
// - unknown top-level or statement elements are refused;
// - condition values a Numeric/Date/Bool/IpAddress/Null operator can never read are refused at once;
//   "${...}" is accepted only in the values of String, Arn and Bool operators (where AWS substitutes);
// - strings must not carry control characters after JSON unescaping (AWS's character rule is checked
//   on the raw text, which "\u0000" passes);
// - Service principals must not contain wildcards; AWS principals must be "*", a 12-digit account or
//   an ARN.
// Raw input is capped at kMaxDocumentBytes before the white-space-free quota is counted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace borealis::iam {

// Size caps, in characters not counting white space, as AWS counts them (IAM quotas). The caller passes
// the one that applies to what is being stored; AWS answers LimitExceeded (Errc::too_large here).
inline constexpr std::size_t kManagedPolicyMaxChars = 6144;     // managed policy document
inline constexpr std::size_t kUserInlinePolicyMaxChars = 2048;  // all inline policies of a user, together
inline constexpr std::size_t kGroupInlinePolicyMaxChars = 5120; // all inline policies of a group
inline constexpr std::size_t kRoleInlinePolicyMaxChars = 10240; // all inline policies of a role
inline constexpr std::size_t kTrustPolicyMaxChars = 2048;       // role trust policy (AWS default quota)

// Caps that bound the parser's work on untrusted text before any quota applies.
// Raw bytes, white space included: 8x the largest quota leaves room for indentation and \u escapes.
inline constexpr std::size_t kMaxDocumentBytes = 8 * kRoleInlinePolicyMaxChars;
// The grammar's deepest legal nesting is document{} > Statement[] > {} > Condition{} > operator{} >
// values[] = 6; anything deeper is not a policy.
inline constexpr std::size_t kMaxNestingDepth = 6;
// A statement needs at least ~40 non-white characters, so a 10,240-character role policy holds fewer.
inline constexpr std::size_t kMaxStatements = 256;
// One string (an ARN, an action, a condition value). AWS ARNs are at most 2,048 characters.
inline constexpr std::size_t kMaxStringBytes = 2048;

// The error code the API layer answers with for a document that does not parse (AWS's name).
inline constexpr const char* kMalformedPolicyDocument = "MalformedPolicyDocument";
inline constexpr const char* kLimitExceeded = "LimitExceeded";

enum class PolicyKind {
  identity,  // managed or inline policy of a user/group/role: Principal forbidden, Resource required
  trust,     // a role's trust policy: Principal required, Resource forbidden
};

enum class Effect { allow, deny };

// "Principal": "*" or {"AWS": ..., "Service": ..., "Federated": ..., "CanonicalUser": ...}.
struct Principal {
  bool any = false;  // "*" or {"AWS": "*"}
  std::vector<std::string> aws;       // account ids (12 digits) or IAM ARNs, as written
  std::vector<std::string> service;   // e.g. rds.amazonaws.com
  std::vector<std::string> federated;
  std::vector<std::string> canonical_user;
};

enum class ConditionOp {
  string_equals, string_not_equals, string_equals_ignore_case, string_not_equals_ignore_case,
  string_like, string_not_like,
  numeric_equals, numeric_not_equals, numeric_less_than, numeric_less_than_equals,
  numeric_greater_than, numeric_greater_than_equals,
  date_equals, date_not_equals, date_less_than, date_less_than_equals,
  date_greater_than, date_greater_than_equals,
  bool_equals,  // "Bool"
  binary_equals,
  ip_address, not_ip_address,
  arn_equals, arn_like, arn_not_equals, arn_not_like,
  null_check,  // "Null"
};

enum class SetQualifier { none, for_any_value, for_all_values };

// AWS substitutes policy variables in the values of String, Arn and Bool operators only; elsewhere
// "${...}" is literal text (and so never a valid number, date or address).
bool operator_takes_variables(ConditionOp op) noexcept;

// One key of one operator block: {"StringLike": {"aws:username": ["a*", "b*"]}}.
struct Condition {
  std::string operator_name;  // as written, for messages
  ConditionOp op = ConditionOp::string_equals;
  SetQualifier qualifier = SetQualifier::none;
  bool if_exists = false;
  std::string key;                  // as written; looked up case-insensitively (AWS keys are)
  std::vector<std::string> values;  // numbers and booleans kept as their JSON text
};

struct Statement {
  std::size_t index = 0;  // position in the document, for audit lines when there is no Sid
  std::string sid;
  Effect effect = Effect::allow;
  bool not_action = false;  // actions hold NotAction
  std::vector<std::string> actions;
  bool has_resource = false;  // trust policies have none
  bool not_resource = false;  // resources hold NotResource
  std::vector<std::string> resources;
  bool has_principal = false;
  bool not_principal = false;  // principal holds NotPrincipal
  Principal principal;
  std::vector<Condition> conditions;  // all must hold (AND)
};

struct Policy {
  std::string version;  // "2012-10-17", "2008-10-17" or "" (absent: AWS treats it as 2008-10-17)
  std::string id;
  std::vector<Statement> statements;

  // Policy variables (${aws:username}) are only substituted under 2012-10-17; older documents match
  // them literally, as AWS does.
  bool supports_variables() const { return version == "2012-10-17"; }
};

// Parses and validates `text`. Errors: Errc::invalid_argument with an AWS-style message for
// MalformedPolicyDocument (e.g. "Policy document should not specify a principal."), Errc::too_large
// when the document exceeds `max_chars` (non-white-space characters) or a parser cap.
Result<Policy> parse_policy(std::string_view text, PolicyKind kind, std::size_t max_chars);

// The AWS error code for an error from parse_policy: MalformedPolicyDocument or LimitExceeded.
const char* aws_error_code(const Error& error) noexcept;

// Counts characters (UTF-8 code points) that are not JSON white space, as AWS's size quotas do.
std::size_t count_policy_chars(std::string_view text) noexcept;

}  // namespace borealis::iam
