#include "identity/principal_policies.h"

#include "iam/managed_policies.h"
#include "identity/validate.h"

namespace borealis::identity {

std::vector<iam::PolicyRef> PrincipalPolicies::refs() const {
  std::vector<iam::PolicyRef> out;
  out.reserve(policies.size());
  for (const auto& p : policies) out.push_back(iam::PolicyRef{p.name, &p.policy});
  return out;
}

namespace {
constexpr std::string_view kAdministratorAccessDocument =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr std::string_view kAwsManagedArns[] = {kAdministratorAccessArn, iam::kRdsDirectoryServiceAccessArn};
}  // namespace

std::span<const std::string_view> aws_managed_arns() { return kAwsManagedArns; }

std::optional<std::string_view> aws_managed_document(std::string_view arn) {
  if (arn == iam::kRdsDirectoryServiceAccessArn) return iam::rds_directory_service_access_document();
  if (arn == kAdministratorAccessArn) return kAdministratorAccessDocument;
  return std::nullopt;
}

bool is_aws_managed_arn(std::string_view arn) { return arn.starts_with("arn:aws:iam::aws:policy/"); }

Result<PrincipalPolicies> load_principal_policies(store::Store& store, store::PrincipalType type,
                                                  const std::string& principal_name) {
  store::IamTables tables(store);
  PrincipalPolicies out;
  auto keep = [&out](std::string name, std::string_view document, std::size_t max_chars) {
    auto parsed = iam::parse_policy(document, iam::PolicyKind::identity, max_chars);
    if (parsed) out.policies.push_back(NamedPolicy{std::move(name), std::move(parsed).value()});
    else out.unreadable.push_back(std::move(name));
  };
  auto attached = tables.attached_policies(type, principal_name);
  if (!attached) return std::move(attached).error();
  for (const auto& arn : *attached) {
    if (auto doc = aws_managed_document(arn)) {
      keep(arn, *doc, iam::kManagedPolicyMaxChars);
      continue;
    }
    auto policy = tables.get_policy(arn);
    if (policy) keep(arn, policy->document, iam::kManagedPolicyMaxChars);
    else if (policy.error().code != Errc::not_found) return std::move(policy).error();
    // An attachment whose policy is gone grants nothing (DeletePolicy refuses while attached).
  }
  auto inline_policies = tables.list_inline_policies(type, principal_name);
  if (!inline_policies) return std::move(inline_policies).error();
  // Each stored inline document passed the quota of all of them together, so the larger one bounds it.
  const std::size_t max_chars =
      type == store::PrincipalType::user ? iam::kUserInlinePolicyMaxChars : iam::kRoleInlinePolicyMaxChars;
  for (const auto& p : *inline_policies) keep("inline:" + p.policy_name, p.document, max_chars);
  return out;
}

std::optional<api::ApiError> check_document(std::string_view text, iam::PolicyKind kind, std::size_t max_chars) {
  if (auto e = check_length("policyDocument", text, kMaxDocumentChars)) return e;
  auto parsed = iam::parse_policy(text, kind, max_chars);
  if (parsed) return std::nullopt;
  const std::string code = iam::aws_error_code(parsed.error());
  return api::ApiError{code, parsed.error().message, code == iam::kLimitExceeded ? 409 : 400, true};
}

}  // namespace borealis::identity
