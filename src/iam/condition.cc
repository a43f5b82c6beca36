#include "iam/condition.h"

#include <optional>

#include "iam/pattern.h"
#include "iam/values.h"

namespace borealis::iam {
namespace {

bool negated(ConditionOp op) {
  switch (op) {
    case ConditionOp::string_not_equals: case ConditionOp::string_not_equals_ignore_case:
    case ConditionOp::string_not_like: case ConditionOp::numeric_not_equals: case ConditionOp::date_not_equals:
    case ConditionOp::not_ip_address: case ConditionOp::arn_not_equals: case ConditionOp::arn_not_like:
      return true;
    default:
      return false;
  }
}

// The positive operator a negated one is the complement of.
ConditionOp positive(ConditionOp op) {
  switch (op) {
    case ConditionOp::string_not_equals: return ConditionOp::string_equals;
    case ConditionOp::string_not_equals_ignore_case: return ConditionOp::string_equals_ignore_case;
    case ConditionOp::string_not_like: return ConditionOp::string_like;
    case ConditionOp::numeric_not_equals: return ConditionOp::numeric_equals;
    case ConditionOp::date_not_equals: return ConditionOp::date_equals;
    case ConditionOp::not_ip_address: return ConditionOp::ip_address;
    case ConditionOp::arn_not_equals: return ConditionOp::arn_equals;
    case ConditionOp::arn_not_like: return ConditionOp::arn_like;
    default: return op;
  }
}

template <class T>
bool compare(ConditionOp op, const T& context, const T& policy) {
  switch (op) {
    case ConditionOp::numeric_equals: case ConditionOp::date_equals: return context == policy;
    case ConditionOp::numeric_less_than: case ConditionOp::date_less_than: return context < policy;
    case ConditionOp::numeric_less_than_equals: case ConditionOp::date_less_than_equals: return context <= policy;
    case ConditionOp::numeric_greater_than: case ConditionOp::date_greater_than: return context > policy;
    case ConditionOp::numeric_greater_than_equals: case ConditionOp::date_greater_than_equals:
      return context >= policy;
    default: return false;
  }
}

// Whether one context value matches one policy value under a positive operator.
bool value_matches(ConditionOp op, std::string_view context, std::string_view written, const ContextKeys& keys,
                   bool variables) {
  const bool wildcard = op == ConditionOp::string_like || op == ConditionOp::arn_like || op == ConditionOp::arn_equals;
  if (wildcard) {
    const auto pattern = variables ? expand_variables(written, keys) : std::optional(literal_pattern(written));
    if (!pattern) return false;  // an unresolved variable matches nothing
    return op == ConditionOp::string_like ? glob_match(*pattern, context, false) : arn_match(*pattern, context);
  }
  std::string value(written);
  if (variables && operator_takes_variables(op)) {
    auto v = substitute_variables(written, keys);
    if (!v) return false;
    value = std::move(*v);
  }
  switch (op) {
    case ConditionOp::string_equals: case ConditionOp::binary_equals: return context == value;
    case ConditionOp::string_equals_ignore_case: return ascii_equals_ignore_case(context, value);
    case ConditionOp::bool_equals: {
      const auto c = parse_bool(context), p = parse_bool(value);
      return c && p && *c == *p;
    }
    case ConditionOp::ip_address: {
      const auto c = parse_ip_block(context), p = parse_ip_block(value);
      return c && p && ip_in_block(*c, *p);
    }
    case ConditionOp::numeric_equals: case ConditionOp::numeric_less_than:
    case ConditionOp::numeric_less_than_equals: case ConditionOp::numeric_greater_than:
    case ConditionOp::numeric_greater_than_equals: {
      const auto c = parse_number(context), p = parse_number(value);
      return c && p && compare(op, *c, *p);
    }
    case ConditionOp::date_equals: case ConditionOp::date_less_than: case ConditionOp::date_less_than_equals:
    case ConditionOp::date_greater_than: case ConditionOp::date_greater_than_equals: {
      const auto c = parse_date_millis(context), p = parse_date_millis(value);
      return c && p && compare(op, *c, *p);
    }
    default: return false;
  }
}

}  // namespace

bool condition_holds(const Condition& c, const ContextKeys& keys, bool variables) {
  // A variable that cannot be resolved makes the whole condition false, whatever the operator: AWS
  // says the statement is then invalid, and a negated operator must not turn "unknown" into a match.
  if (variables && operator_takes_variables(c.op))
    for (const auto& written : c.values)
      if (written.find("${") != std::string::npos && !substitute_variables(written, keys)) return false;
  const std::vector<std::string>* present = keys.find(c.key);
  if (c.op == ConditionOp::null_check) {
    // "Null": "true" means the key must be absent; "false" that it must be present. Several values OR.
    for (const auto& v : c.values) {
      const auto want_absent = parse_bool(v);
      if (want_absent && *want_absent == (present == nullptr || present->empty())) return true;
    }
    return false;
  }
  if (present == nullptr || present->empty()) {
    if (c.if_exists) return true;
    if (c.qualifier == SetQualifier::for_all_values) return true;  // vacuously: every one of no values
    if (c.qualifier == SetQualifier::for_any_value) return false;
    return negated(c.op);
  }
  const ConditionOp op = positive(c.op);
  const bool negate = negated(c.op);
  // pred(v): v matches one of the policy's values (OR), or, for a negated operator, none of them.
  auto pred = [&](const std::string& context_value) {
    bool any = false;
    for (const auto& written : c.values) {
      if (value_matches(op, context_value, written, keys, variables)) {
        any = true;
        break;
      }
    }
    return negate ? !any : any;
  };
  bool any_value = false, all_values = true;
  for (const auto& v : *present) {
    const bool ok = pred(v);
    any_value = any_value || ok;
    all_values = all_values && ok;
  }
  switch (c.qualifier) {
    case SetQualifier::for_any_value: return any_value;
    case SetQualifier::for_all_values: return all_values;
    case SetQualifier::none:
      // A single-valued key has one value, and then both agree. For a key that (unexpectedly) carries
      // several, a positive operator needs one match and a negated one needs no value to match.
      return negate ? all_values : any_value;
  }
  return false;
}

}  // namespace borealis::iam
