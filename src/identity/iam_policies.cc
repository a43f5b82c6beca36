// Customer managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, GetPolicyVersion.
// A policy has one version, "v1" (borealis has no CreatePolicyVersion). The AWS-managed policies
// borealis ships (iam/managed_policies.h) are listed and readable too, and cannot be deleted.
#include <cctype>
#include <variant>

#include "crypto/hash.h"
#include "iam/managed_policies.h"
#include "iam/policy.h"
#include "identity/ids.h"
#include "identity/iam_handlers.h"
#include "identity/principal_policies.h"
#include "identity/replies.h"
#include "identity/validate.h"

namespace borealis::identity::handlers {
namespace {

constexpr std::size_t kMaxCustomerPolicies = 1500;  // IAM's default quota of customer managed policies
constexpr std::size_t kMinArnChars = 20;            // arnType
constexpr const char* kOnlyVersion = "v1";
// AWS-managed policies carry AWS's ids and dates; borealis ships its copies with these stand-ins.
constexpr const char* kAwsManagedPolicyIdPrefix = "ANPABOREALIS";
constexpr const char* kAwsManagedPolicyDate = "2015-02-26T00:00:00Z";

// The name (last segment) and path ("/…/") of a policy ARN arn:aws:iam::ACCT:policy/PATH/NAME.
std::pair<std::string, std::string> name_and_path(const std::string& arn) {
  const auto start = arn.find(":policy/");
  if (start == std::string::npos) return {arn.substr(arn.rfind('/') + 1), "/"};
  const std::string rest = arn.substr(start + 7);  // "/PATH/NAME"
  const auto last = rest.rfind('/');
  return {rest.substr(last + 1), rest.substr(0, last + 1)};
}

std::optional<api::ApiError> check_arn(const std::optional<std::string>& arn) {
  if (!arn) return missing_member("policyArn");
  if (arn->size() < kMinArnChars || arn->size() > kMaxArnChars || !arn->starts_with("arn:"))
    return api::ApiError{"InvalidInput", "ARN " + arn->substr(0, kMaxArnChars) + " is not valid.", 400, true};
  return std::nullopt;
}

std::string not_found(const std::string& arn) { return "Policy " + arn + " was not found."; }

json policy_json(const store::ManagedPolicyRecord& p, int attachments) {
  json out{{"PolicyName", p.name},         {"PolicyId", p.id},
           {"Arn", p.arn},                 {"Path", p.path},
           {"DefaultVersionId", kOnlyVersion}, {"AttachmentCount", attachments},
           {"PermissionsBoundaryUsageCount", 0}, {"IsAttachable", true},
           {"CreateDate", p.created_at},   {"UpdateDate", p.updated_at}};
  if (!p.description.empty()) out["Description"] = p.description;
  return out;
}

// The AWS-managed policy `arn` as a record (document included), or nullopt.
std::optional<store::ManagedPolicyRecord> aws_managed_record(const std::string& arn) {
  auto document = aws_managed_document(arn);
  if (!document) return std::nullopt;
  store::ManagedPolicyRecord p;
  auto [name, path] = name_and_path(arn);
  // A stable id per policy, 21 characters as AWS's: the stand-in prefix and 9 upper-case hex digits of
  // the name's SHA-256 (names share their first letters: AmazonRDS…).
  const crypto::Digest32 digest = crypto::sha256(name);
  std::string tail = crypto::hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())).substr(0, 9);
  for (char& c : tail) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  p.id = kAwsManagedPolicyIdPrefix + tail;
  p.name = name;
  p.path = path;
  p.arn = arn;
  p.document = std::string(*document);
  p.created_at = p.updated_at = kAwsManagedPolicyDate;
  return p;
}

// The policy `arn` from its row or the AWS-managed ones; Reply on failure.
std::variant<store::ManagedPolicyRecord, Reply> find_policy(CallContext& context, const std::string& arn) {
  if (auto managed = aws_managed_record(arn)) return *managed;
  auto p = store::IamTables(context.store).get_policy(arn);
  if (!p) return from_store_error(context, p.error(), not_found(arn));
  return std::move(p).value();
}

}  // namespace

std::optional<Reply> check_attachable(CallContext& context, const std::string& arn) {
  if (auto e = check_arn(arn)) return Reply::fail(*e);
  if (aws_managed_document(arn)) return std::nullopt;
  auto p = store::IamTables(context.store).get_policy(arn);
  if (p) return std::nullopt;
  return from_store_error(context, p.error(), "Policy " + arn + " does not exist or is not attachable.");
}

Reply create_policy(CallContext& context, const json& input) {
  auto name = required_name(input, "PolicyName", "policyName", kMaxPolicyNameChars);
  if (name.error) return Reply::fail(*name.error);
  const std::string path = string_member(input, "Path").value_or("/");
  if (auto e = check_policy_path("path", path)) return Reply::fail(*e);
  auto document = string_member(input, "PolicyDocument");
  if (!document) return Reply::fail(missing_member("policyDocument"));
  if (auto e = check_document(*document, iam::PolicyKind::identity, iam::kManagedPolicyMaxChars))
    return Reply::fail(*e);
  const std::string description = string_member(input, "Description").value_or("");
  if (auto e = check_length("description", description, kMaxDescriptionChars)) return Reply::fail(*e);

  store::IamTables tables(context.store);
  auto existing = tables.list_policies();
  if (!existing) return service_failure(context, existing.error());
  if (existing->size() >= kMaxCustomerPolicies)
    return limit_exceeded("Cannot exceed quota for CustomerManagedPoliciesPerAccount: 1500");
  store::ManagedPolicyRecord p;
  p.id = new_id(kPolicyIdPrefix);
  p.name = name.value;
  p.path = path;
  p.arn = iam_arn(context.settings.account_id, "policy", path, name.value);
  p.document = *document;
  p.description = description;
  p.created_at = p.updated_at = iso8601(context.now);
  auto created = tables.create_policy(p);
  if (!created) {
    if (created.error().code == Errc::already_exists)
      return entity_already_exists("A policy called " + name.value + " already exists. Duplicate names are not allowed.");
    return service_failure(context, created.error());
  }
  return Reply::ok(json{{"Policy", policy_json(*created, 0)}});
}

Reply get_policy(CallContext& context, const json& input) {
  auto arn = string_member(input, "PolicyArn");
  if (auto e = check_arn(arn)) return Reply::fail(*e);
  auto p = find_policy(context, *arn);
  if (auto* r = std::get_if<Reply>(&p)) return *r;
  auto count = store::IamTables(context.store).attachment_count(*arn);
  if (!count) return service_failure(context, count.error());
  return Reply::ok(json{{"Policy", policy_json(std::get<store::ManagedPolicyRecord>(p), *count)}});
}

Reply get_policy_version(CallContext& context, const json& input) {
  auto arn = string_member(input, "PolicyArn");
  if (auto e = check_arn(arn)) return Reply::fail(*e);
  auto version = string_member(input, "VersionId");
  if (!version) return Reply::fail(missing_member("versionId"));
  auto p = find_policy(context, *arn);
  if (auto* r = std::get_if<Reply>(&p)) return *r;
  if (*version != kOnlyVersion) return no_such_entity("Policy " + *arn + " version " + *version + " does not exist.");
  const auto& policy = std::get<store::ManagedPolicyRecord>(p);
  return Reply::ok(json{{"PolicyVersion", json{{"Document", encode_document(policy.document)},
                                               {"VersionId", kOnlyVersion},
                                               {"IsDefaultVersion", true},
                                               {"CreateDate", policy.created_at}}}});
}

Reply delete_policy(CallContext& context, const json& input) {
  auto arn = string_member(input, "PolicyArn");
  if (auto e = check_arn(arn)) return Reply::fail(*e);
  if (is_aws_managed_arn(*arn)) return invalid_input("AWS managed policy " + *arn + " cannot be deleted.");
  std::optional<Reply> refusal;
  Status s = context.store.transaction([&]() -> Status {
    store::IamTables tables(context.store);
    auto count = tables.attachment_count(*arn);
    if (!count) return std::move(count).error();
    if (*count > 0) {
      refusal = delete_conflict("Cannot delete a policy attached to entities.");
      return ok_status();
    }
    return tables.delete_policy(*arn);
  });
  if (!s) return from_store_error(context, s.error(), not_found(*arn));
  if (refusal) return *refusal;
  return Reply::ok();
}

Reply list_policies(CallContext& context, const json& input) {
  const std::string scope = string_member(input, "Scope").value_or("All");
  if (scope != "All" && scope != "AWS" && scope != "Local")
    return Reply::fail(validation_error("1 validation error detected: Value '" + scope +
                                        "' at 'scope' failed to satisfy constraint: Member must satisfy enum value "
                                        "set: [All, AWS, Local]"));
  const bool only_attached = bool_member(input, "OnlyAttached").value_or(false);
  const std::string prefix = string_member(input, "PathPrefix").value_or("/");
  store::IamTables tables(context.store);
  std::vector<store::ManagedPolicyRecord> candidates;
  if (scope != "Local")
    for (auto arn : aws_managed_arns())
      if (auto managed = aws_managed_record(std::string(arn))) candidates.push_back(*managed);
  if (scope != "AWS") {
    auto local = tables.list_policies();
    if (!local) return service_failure(context, local.error());
    candidates.insert(candidates.end(), local->begin(), local->end());
  }
  std::vector<json> items;
  for (const auto& p : candidates) {
    if (!p.path.starts_with(prefix)) continue;
    auto count = tables.attachment_count(p.arn);
    if (!count) return service_failure(context, count.error());
    if (only_attached && *count == 0) continue;
    items.push_back(policy_json(p, *count));
  }
  return paged(input, std::move(items), "Policies");
}

}  // namespace borealis::identity::handlers
