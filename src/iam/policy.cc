#include "iam/policy.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "iam/values.h"
#include "common/json_depth.h"

namespace borealis::iam {
namespace {

using nlohmann::json;

// AWS's generic answer for a document it cannot read; we add what exactly is wrong after it.
constexpr std::string_view kSyntax = "Syntax errors in policy. ";

Error malformed(std::string message) { return make_error(Errc::invalid_argument, std::move(message)); }
Error syntax(std::string_view detail) { return malformed(std::string(kSyntax) + std::string(detail)); }

// A JSON value quoted in a message: never throws (invalid UTF-8 is replaced) and never floods a log.
std::string show(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 128 ? s.substr(0, 128) + "..." : s;
}

struct OperatorName {
  std::string_view name;
  ConditionOp op;
};
constexpr OperatorName kOperators[] = {
    {"StringEquals", ConditionOp::string_equals},
    {"StringNotEquals", ConditionOp::string_not_equals},
    {"StringEqualsIgnoreCase", ConditionOp::string_equals_ignore_case},
    {"StringNotEqualsIgnoreCase", ConditionOp::string_not_equals_ignore_case},
    {"StringLike", ConditionOp::string_like},
    {"StringNotLike", ConditionOp::string_not_like},
    {"NumericEquals", ConditionOp::numeric_equals},
    {"NumericNotEquals", ConditionOp::numeric_not_equals},
    {"NumericLessThan", ConditionOp::numeric_less_than},
    {"NumericLessThanEquals", ConditionOp::numeric_less_than_equals},
    {"NumericGreaterThan", ConditionOp::numeric_greater_than},
    {"NumericGreaterThanEquals", ConditionOp::numeric_greater_than_equals},
    {"DateEquals", ConditionOp::date_equals},
    {"DateNotEquals", ConditionOp::date_not_equals},
    {"DateLessThan", ConditionOp::date_less_than},
    {"DateLessThanEquals", ConditionOp::date_less_than_equals},
    {"DateGreaterThan", ConditionOp::date_greater_than},
    {"DateGreaterThanEquals", ConditionOp::date_greater_than_equals},
    {"Bool", ConditionOp::bool_equals},
    {"BinaryEquals", ConditionOp::binary_equals},
    {"IpAddress", ConditionOp::ip_address},
    {"NotIpAddress", ConditionOp::not_ip_address},
    {"ArnEquals", ConditionOp::arn_equals},
    {"ArnLike", ConditionOp::arn_like},
    {"ArnNotEquals", ConditionOp::arn_not_equals},
    {"ArnNotLike", ConditionOp::arn_not_like},
    {"Null", ConditionOp::null_check},
};

// "ForAnyValue:StringLikeIfExists" -> qualifier, op, if_exists. Operator names are case-sensitive.
bool parse_operator_name(std::string_view name, Condition& c) {
  constexpr std::string_view kAny = "ForAnyValue:", kAll = "ForAllValues:", kIfExists = "IfExists";
  if (name.starts_with(kAny)) {
    c.qualifier = SetQualifier::for_any_value;
    name.remove_prefix(kAny.size());
  } else if (name.starts_with(kAll)) {
    c.qualifier = SetQualifier::for_all_values;
    name.remove_prefix(kAll.size());
  }
  if (name.ends_with(kIfExists)) {
    c.if_exists = true;
    name.remove_suffix(kIfExists.size());
  }
  for (const auto& o : kOperators) {
    if (o.name != name) continue;
    c.op = o.op;
    // Null asks about presence itself; IfExists and set qualifiers make no sense on it (AWS rejects).
    return !(o.op == ConditionOp::null_check && (c.if_exists || c.qualifier != SetQualifier::none));
  }
  return false;
}

// Pre-pass over the raw text: allowed characters, nesting depth outside strings, and the quota count.
Status scan_text(std::string_view text, std::size_t max_chars) {
  if (text.size() > kMaxDocumentBytes)
    return make_error(Errc::too_large, "Cannot exceed quota for PolicySize: " + std::to_string(max_chars));
  if (!is_allowed_policy_text(text))
    return malformed("Policy document may contain only tab, line feed, carriage return and the characters "
                     "U+0020 through U+00FF.");
  const std::size_t chars = count_policy_chars(text);
  if (chars > max_chars)
    return make_error(Errc::too_large, "Cannot exceed quota for PolicySize: " + std::to_string(max_chars));
  constexpr int kLimit = static_cast<int>(kMaxNestingDepth);
  if (json_nesting_depth(text, kLimit) > kLimit) return syntax("The document is nested too deeply.");
  return ok_status();
}

// Strings after JSON unescaping must still obey the character rule: "\u0000" must not reach an ARN.
Status check_string(const std::string& s, std::string_view element) {
  if (s.size() > kMaxStringBytes) return make_error(Errc::too_large, std::string(element) + " value is too long.");
  if (!is_allowed_policy_text(s) || s.find_first_of("\t\n\r") != std::string::npos)
    return syntax(std::string(element) + " contains a character that is not allowed.");
  return ok_status();
}

// A string or a non-empty array of strings.
Result<std::vector<std::string>> string_list(const json& j, std::string_view element) {
  std::vector<std::string> out;
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_array() && !j.empty()) {
    for (const json& e : j) {
      if (!e.is_string()) return syntax(std::string(element) + " must be a string or an array of strings.");
      out.push_back(e.get<std::string>());
    }
  } else {
    return syntax(std::string(element) + " must be a string or a non-empty array of strings.");
  }
  for (const auto& s : out)
    if (auto st = check_string(s, element); !st) return std::move(st).error();
  return out;
}

bool is_vendor_prefixed(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == s.size()) return false;
  for (char c : s.substr(0, colon))
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '*' ||
          c == '?'))
      return false;
  return true;
}

Status check_actions(const std::vector<std::string>& actions) {
  for (const auto& a : actions)
    if (a != "*" && !is_vendor_prefixed(a))
      return malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  return ok_status();
}

Status check_resources(const std::vector<std::string>& resources) {
  for (const auto& r : resources) {
    if (r == "*") continue;
    // arn:partition:service:region:account:resource — five colons at least.
    if (!r.starts_with("arn:") || std::count(r.begin(), r.end(), ':') < 5)
      return malformed("Resource " + r + " must be in ARN format or \"*\".");
  }
  return ok_status();
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<Principal> parse_principal(const json& j) {
  Principal p;
  if (j.is_string()) {
    if (j.get<std::string>() != "*") return malformed("Invalid principal in policy: " + show(j));
    p.any = true;
    return p;
  }
  if (!j.is_object() || j.empty()) return malformed("Invalid principal in policy: " + show(j));
  for (auto it = j.begin(); it != j.end(); ++it) {
    auto values = string_list(it.value(), "Principal");
    if (!values) return malformed("Invalid principal in policy: " + show(j));
    const std::string& kind = it.key();
    if (kind == "AWS") {
      for (const auto& v : *values) {
        if (v == "*") p.any = true;
        else if (!is_account_id(v) && !(v.starts_with("arn:") && std::count(v.begin(), v.end(), ':') >= 5))
          return malformed("Invalid principal in policy: \"AWS\":\"" + v + "\"");
        else p.aws.push_back(v);
      }
    } else if (kind == "Service") {
      for (const auto& v : *values)
        if (v.find('.') == std::string::npos || v.find_first_of("*? ") != std::string::npos)
          return malformed("Invalid principal in policy: \"Service\":\"" + v + "\"");
      p.service = std::move(values).value();
    } else if (kind == "Federated") {
      p.federated = std::move(values).value();
    } else if (kind == "CanonicalUser") {
      p.canonical_user = std::move(values).value();
    } else {
      return malformed("Invalid principal in policy: unknown principal type \"" + kind + "\"");
    }
  }
  return p;
}

// Values that can never be read by the operator are refused at once rather than silently never
// matching; values holding a policy variable are checked only at evaluation time.
Status check_condition_value(const Condition& c, const std::string& v) {
  if (operator_takes_variables(c.op) && v.find("${") != std::string::npos) return ok_status();
  bool ok = true;
  switch (c.op) {
    case ConditionOp::numeric_equals: case ConditionOp::numeric_not_equals:
    case ConditionOp::numeric_less_than: case ConditionOp::numeric_less_than_equals:
    case ConditionOp::numeric_greater_than: case ConditionOp::numeric_greater_than_equals:
      ok = parse_number(v).has_value();
      break;
    case ConditionOp::date_equals: case ConditionOp::date_not_equals:
    case ConditionOp::date_less_than: case ConditionOp::date_less_than_equals:
    case ConditionOp::date_greater_than: case ConditionOp::date_greater_than_equals:
      ok = parse_date_millis(v).has_value();
      break;
    case ConditionOp::bool_equals: case ConditionOp::null_check:
      ok = parse_bool(v).has_value();
      break;
    case ConditionOp::ip_address: case ConditionOp::not_ip_address:
      ok = parse_ip_block(v).has_value();
      break;
    default:
      break;
  }
  if (!ok) return syntax("Invalid value \"" + v + "\" for condition operator " + c.operator_name + ".");
  return ok_status();
}

Result<std::vector<Condition>> parse_conditions(const json& j) {
  if (!j.is_object()) return syntax("Condition must be an object.");
  std::vector<Condition> out;
  for (auto op = j.begin(); op != j.end(); ++op) {
    Condition proto;
    proto.operator_name = op.key();
    if (!parse_operator_name(op.key(), proto))
      return syntax("Invalid Condition type : " + op.key() + ".");
    if (!op.value().is_object() || op.value().empty())
      return syntax("Condition operator " + op.key() + " must map condition keys to values.");
    for (auto key = op.value().begin(); key != op.value().end(); ++key) {
      Condition c = proto;
      c.key = key.key();
      if (auto st = check_string(c.key, "Condition key"); !st) return std::move(st).error();
      if (!is_vendor_prefixed(c.key))
        return malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
      const json& v = key.value();
      auto scalar = [&](const json& e) -> bool {
        if (e.is_string()) c.values.push_back(e.get<std::string>());
        else if (e.is_boolean() || e.is_number()) c.values.push_back(e.dump(-1, ' ', false, json::error_handler_t::replace));  // AWS allows them unquoted
        else return false;
        return true;
      };
      bool ok = v.is_array() ? !v.empty() : scalar(v);
      if (v.is_array())
        for (const json& e : v) ok = ok && scalar(e);
      if (!ok) return syntax("Condition values of " + c.key + " must be strings, numbers or booleans.");
      for (const auto& s : c.values) {
        if (auto st = check_string(s, "Condition value"); !st) return std::move(st).error();
        if (auto st = check_condition_value(c, s); !st) return std::move(st).error();
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

bool is_alphanumeric(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

Result<Statement> parse_statement(const json& j, std::size_t index, PolicyKind kind) {
  if (!j.is_object()) return syntax("Each statement must be an object.");
  static const std::set<std::string> kElements = {"Sid", "Effect", "Principal", "NotPrincipal", "Action",
                                                  "NotAction", "Resource", "NotResource", "Condition"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kElements.count(it.key())) return syntax("Unknown statement element \"" + it.key() + "\".");
  Statement s;
  s.index = index;
  if (auto it = j.find("Sid"); it != j.end()) {
    if (!it->is_string()) return syntax("Sid must be a string.");
    s.sid = it->get<std::string>();
    // IAM (unlike SQS/SNS) allows only ASCII letters and digits in a Sid.
    if (s.sid.size() > kMaxStringBytes || !is_alphanumeric(s.sid))
      return malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
                       "expression [0-9A-Za-z]*");
  }
  auto effect = j.find("Effect");
  if (effect == j.end()) return malformed("Missing required field Effect");
  if (!effect->is_string() || (*effect != "Allow" && *effect != "Deny"))
    return syntax("Invalid effect: " + show(*effect) + " (must be \"Allow\" or \"Deny\", case-sensitive).");
  s.effect = *effect == "Allow" ? Effect::allow : Effect::deny;

  const bool has_action = j.contains("Action"), has_not_action = j.contains("NotAction");
  if (has_action && has_not_action) return syntax("A statement may have Action or NotAction, not both.");
  if (!has_action && !has_not_action) return malformed("Policy statement must contain actions.");
  s.not_action = has_not_action;
  auto actions = string_list(j.at(has_action ? "Action" : "NotAction"), has_action ? "Action" : "NotAction");
  if (!actions) return std::move(actions).error();
  if (auto st = check_actions(*actions); !st) return std::move(st).error();
  s.actions = std::move(actions).value();

  const bool has_resource = j.contains("Resource"), has_not_resource = j.contains("NotResource");
  if (has_resource && has_not_resource) return syntax("A statement may have Resource or NotResource, not both.");
  if (kind == PolicyKind::trust && (has_resource || has_not_resource))
    return malformed(std::string("Has prohibited field ") + (has_resource ? "Resource" : "NotResource"));
  if (kind == PolicyKind::identity && !has_resource && !has_not_resource)
    return malformed("Policy statement must contain resources.");
  if (has_resource || has_not_resource) {
    s.has_resource = true;
    s.not_resource = has_not_resource;
    auto res = string_list(j.at(has_resource ? "Resource" : "NotResource"), has_resource ? "Resource" : "NotResource");
    if (!res) return std::move(res).error();
    if (auto st = check_resources(*res); !st) return std::move(st).error();
    s.resources = std::move(res).value();
  }

  const bool has_principal = j.contains("Principal"), has_not_principal = j.contains("NotPrincipal");
  if (kind == PolicyKind::identity && (has_principal || has_not_principal))
    return malformed("Policy document should not specify a principal.");
  if (has_principal && has_not_principal) return syntax("A statement may have Principal or NotPrincipal, not both.");
  if (kind == PolicyKind::trust) {
    if (!has_principal && !has_not_principal) return malformed("Missing required field Principal");
    // AWS allows NotPrincipal only with Deny.
    if (has_not_principal && s.effect == Effect::allow)
      return malformed("NotPrincipal may only be used with \"Effect\": \"Deny\".");
    auto p = parse_principal(j.at(has_principal ? "Principal" : "NotPrincipal"));
    if (!p) return std::move(p).error();
    s.has_principal = true;
    s.not_principal = has_not_principal;
    s.principal = std::move(p).value();
  }

  if (auto it = j.find("Condition"); it != j.end()) {
    auto conds = parse_conditions(*it);
    if (!conds) return std::move(conds).error();
    s.conditions = std::move(conds).value();
  }
  return s;
}

}  // namespace

bool operator_takes_variables(ConditionOp op) noexcept {
  switch (op) {
    case ConditionOp::string_equals: case ConditionOp::string_not_equals:
    case ConditionOp::string_equals_ignore_case: case ConditionOp::string_not_equals_ignore_case:
    case ConditionOp::string_like: case ConditionOp::string_not_like:
    case ConditionOp::arn_equals: case ConditionOp::arn_like: case ConditionOp::arn_not_equals:
    case ConditionOp::arn_not_like: case ConditionOp::bool_equals:
      return true;
    default:
      return false;
  }
}

std::size_t count_policy_chars(std::string_view text) noexcept {
  std::size_t n = 0;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if ((c & 0xc0) == 0x80) continue;  // UTF-8 continuation byte: part of the previous character
    ++n;
  }
  return n;
}

const char* aws_error_code(const Error& error) noexcept {
  return error.code == Errc::too_large ? kLimitExceeded : kMalformedPolicyDocument;
}

Result<Policy> parse_policy(std::string_view text, PolicyKind kind, std::size_t max_chars) {
  if (auto st = scan_text(text, max_chars); !st) return std::move(st).error();

  // Duplicate keys: nlohmann keeps the last one, other parsers the first. A document that two parsers
  // read differently ("Effect": "Deny", "Effect": "Allow") is refused, so what is stored is what runs.
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  std::string duplicate_key;
  json::parser_callback_t watch = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == json::parse_event_t::key && !open_objects.empty() && parsed.is_string()) {
      if (!open_objects.back().insert(parsed.get<std::string>()).second && !duplicate) {
        duplicate = true;
        duplicate_key = parsed.get<std::string>();
      }
    }
    return true;
  };
  json doc = json::parse(text, watch, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return syntax("The document is not valid JSON.");
  if (duplicate) return syntax("Duplicate key \"" + duplicate_key.substr(0, 64) + "\".");
  if (!doc.is_object()) return syntax("The document must be a JSON object.");

  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key() != "Version" && it.key() != "Id" && it.key() != "Statement")
      return syntax("Unknown policy element \"" + it.key() + "\".");

  Policy policy;
  if (auto v = doc.find("Version"); v != doc.end()) {
    if (!v->is_string() || (*v != "2012-10-17" && *v != "2008-10-17"))
      return malformed("The policy failed legacy parsing");
    policy.version = v->get<std::string>();
  }
  if (auto id = doc.find("Id"); id != doc.end()) {
    if (!id->is_string()) return syntax("Id must be a string.");
    policy.id = id->get<std::string>();
    if (auto st = check_string(policy.id, "Id"); !st) return std::move(st).error();
  }
  auto statements = doc.find("Statement");
  if (statements == doc.end()) return malformed("Missing required field Statement");
  const json single = statements->is_object() ? json::array({*statements}) : json();
  const json& list = statements->is_object() ? single : *statements;
  if (!list.is_array() || list.empty()) return syntax("Statement must be an object or a non-empty array.");
  if (list.size() > kMaxStatements) return make_error(Errc::too_large, "Too many statements in policy.");

  std::set<std::string> sids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto st = parse_statement(list[i], i, kind);
    if (!st) return std::move(st).error();
    if (!st->sid.empty() && !sids.insert(st->sid).second)
      return malformed("Statement IDs (SID) in a single policy must be unique.");
    policy.statements.push_back(std::move(st).value());
  }
  return policy;
}

}  // namespace borealis::iam
