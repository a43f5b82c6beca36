#include "identity/principal_policies.h"

#include <array>

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
// AWS-managed policies as AWS publishes them (the current default version), for the services borealis
// serves: a user of the real aws CLI attaches them by ARN. Each parses (principal_policies_test).
constexpr std::string_view kAdministratorAccessDocument =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr std::string_view kPowerUserAccessDocument = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
  {"Effect":"Allow","Action":["account:GetAccountInformation","account:GetGovCloudAccountInformation",
    "account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole",
    "iam:ListRoles","organizations:DescribeEffectivePolicy","organizations:DescribeOrganization"],"Resource":"*"}]})";
constexpr std::string_view kIamFullAccessDocument = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization",
    "organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren",
    "organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots",
    "organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]})";
constexpr std::string_view kIamReadOnlyAccessDocument = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*",
    "iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]})";
constexpr std::string_view kRdsReadOnlyAccessDocument = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["rds:Describe*","rds:ListTagsForResource","ec2:DescribeAccountAttributes",
    "ec2:DescribeAvailabilityZones","ec2:DescribeInternetGateways","ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets","ec2:DescribeVpcAttribute","ec2:DescribeVpcs"],"Resource":"*"},
  {"Effect":"Allow","Action":["cloudwatch:GetMetricStatistics","cloudwatch:ListMetrics","cloudwatch:GetMetricData",
    "logs:DescribeLogStreams","logs:GetLogEvents","devops-guru:GetResourceCollection"],"Resource":"*"},
  {"Action":["devops-guru:SearchInsights","devops-guru:ListAnomaliesForInsight"],"Effect":"Allow","Resource":"*",
   "Condition":{"ForAllValues:StringEquals":{"devops-guru:ServiceNames":["RDS"]},
                "Null":{"devops-guru:ServiceNames":"false"}}}]})";

struct AwsManaged {
  std::string_view arn;
  std::string_view document;
};
constexpr AwsManaged kAwsManaged[] = {
    {kAdministratorAccessArn, kAdministratorAccessDocument},
    {"arn:aws:iam::aws:policy/PowerUserAccess", kPowerUserAccessDocument},
    {"arn:aws:iam::aws:policy/IAMFullAccess", kIamFullAccessDocument},
    {"arn:aws:iam::aws:policy/IAMReadOnlyAccess", kIamReadOnlyAccessDocument},
    {"arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess", kRdsReadOnlyAccessDocument},
    {iam::kRdsDirectoryServiceAccessArn, {}},  // its document lives with the domain-join check (iam/)
};
constexpr auto kAwsManagedArns = [] {
  std::array<std::string_view, std::size(kAwsManaged)> arns{};
  for (std::size_t i = 0; i < arns.size(); ++i) arns[i] = kAwsManaged[i].arn;
  return arns;
}();
}  // namespace

std::span<const std::string_view> aws_managed_arns() { return kAwsManagedArns; }

std::optional<std::string_view> aws_managed_document(std::string_view arn) {
  if (arn == iam::kRdsDirectoryServiceAccessArn) return iam::rds_directory_service_access_document();
  for (const auto& managed : kAwsManaged) {
    if (managed.arn == arn) return managed.document;
  }
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
