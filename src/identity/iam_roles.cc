// IAM roles: CreateRole, GetRole, DeleteRole, ListRoles, UpdateAssumeRolePolicy. Trust policies are
// checked with iam/policy.h's trust grammar and AWS's 2,048-character quota; they are returned
// URL-encoded, as IAM does.
#include "iam/policy.h"
#include "identity/ids.h"
#include "identity/iam_handlers.h"
#include "identity/principal_policies.h"
#include "identity/replies.h"
#include "identity/validate.h"

namespace borealis::identity::handlers {
namespace {
constexpr std::size_t kMaxRoles = 1000;            // IAM's default quota of roles per account
constexpr std::int64_t kMinSessionDuration = 3600;  // roleMaxSessionDurationType
constexpr std::int64_t kMaxSessionDuration = 43200;
}  // namespace

json role_json(const store::IamRoleRecord& role) {
  json out{{"Path", role.path},
           {"RoleName", role.name},
           {"RoleId", role.id},
           {"Arn", role.arn},
           {"CreateDate", role.created_at},
           {"AssumeRolePolicyDocument", encode_document(role.trust_policy)},
           {"MaxSessionDuration", role.max_session_duration}};
  if (!role.description.empty()) out["Description"] = role.description;
  return out;
}

Reply create_role(CallContext& context, const json& input) {
  auto name = required_name(input, "RoleName", "roleName", kMaxRoleNameChars);
  if (name.error) return Reply::fail(*name.error);
  const std::string path = string_member(input, "Path").value_or("/");
  if (auto e = check_path("path", path)) return Reply::fail(*e);
  auto trust = string_member(input, "AssumeRolePolicyDocument");
  if (!trust) return Reply::fail(missing_member("assumeRolePolicyDocument"));
  if (auto e = check_document(*trust, iam::PolicyKind::trust, iam::kTrustPolicyMaxChars)) return Reply::fail(*e);
  const std::string description = string_member(input, "Description").value_or("");
  if (auto e = check_length("description", description, kMaxDescriptionChars)) return Reply::fail(*e);
  const std::int64_t max_session = int_member(input, "MaxSessionDuration").value_or(kMinSessionDuration);
  if (max_session < kMinSessionDuration || max_session > kMaxSessionDuration)
    return Reply::fail(validation_error("1 validation error detected: Value '" + std::to_string(max_session) +
                                        "' at 'maxSessionDuration' failed to satisfy constraint: Member must have "
                                        "value between 3600 and 43200"));
  if (string_member(input, "PermissionsBoundary"))
    return invalid_input("PermissionsBoundary is not supported by this service.");

  store::IamTables tables(context.store);
  auto roles = tables.list_roles();
  if (!roles) return service_failure(context, roles.error());
  if (roles->size() >= kMaxRoles) return limit_exceeded("Cannot exceed quota for RolesPerAccount: 1000");
  store::IamRoleRecord role;
  role.id = new_id(kRoleIdPrefix);
  role.name = name.value;
  role.path = path;
  role.arn = iam_arn(context.settings.account_id, "role", path, name.value);
  role.trust_policy = *trust;
  role.description = description;
  role.max_session_duration = static_cast<int>(max_session);
  role.created_at = iso8601(context.now);
  auto created = tables.create_role(role);
  if (!created) {
    if (created.error().code == Errc::already_exists)
      return entity_already_exists("Role with name " + name.value + " already exists.");
    return service_failure(context, created.error());
  }
  return Reply::ok(json{{"Role", role_json(*created)}});
}

Reply get_role(CallContext& context, const json& input) {
  auto name = required_name(input, "RoleName", "roleName", kMaxRoleNameChars);
  if (name.error) return Reply::fail(*name.error);
  auto role = store::IamTables(context.store).get_role(name.value);
  if (!role) return from_store_error(context, role.error(), no_such_role(name.value));
  return Reply::ok(json{{"Role", role_json(*role)}});
}

Reply delete_role(CallContext& context, const json& input) {
  auto name = required_name(input, "RoleName", "roleName", kMaxRoleNameChars);
  if (name.error) return Reply::fail(*name.error);
  std::optional<Reply> refusal;
  Status s = context.store.transaction([&]() -> Status {
    store::IamTables tables(context.store);
    auto role = tables.get_role(name.value);
    if (!role) return std::move(role).error();
    auto conflict = policies_conflict(tables, store::PrincipalType::role, role->name);
    if (!conflict) return std::move(conflict).error();
    refusal = std::move(*conflict);
    if (refusal) return ok_status();
    return tables.delete_role(role->name);
  });
  if (!s) return from_store_error(context, s.error(), no_such_role(name.value));
  if (refusal) return *refusal;
  return Reply::ok();
}

Reply list_roles(CallContext& context, const json& input) {
  const std::string prefix = string_member(input, "PathPrefix").value_or("/");
  auto roles = store::IamTables(context.store).list_roles();
  if (!roles) return service_failure(context, roles.error());
  std::vector<json> items;
  for (const auto& r : *roles)
    if (r.path.starts_with(prefix)) items.push_back(role_json(r));
  return paged(input, std::move(items), "Roles");
}

Reply update_assume_role_policy(CallContext& context, const json& input) {
  auto name = required_name(input, "RoleName", "roleName", kMaxRoleNameChars);
  if (name.error) return Reply::fail(*name.error);
  auto document = string_member(input, "PolicyDocument");
  if (!document) return Reply::fail(missing_member("policyDocument"));
  if (auto e = check_document(*document, iam::PolicyKind::trust, iam::kTrustPolicyMaxChars)) return Reply::fail(*e);
  if (auto s = store::IamTables(context.store).set_role_trust_policy(name.value, *document); !s)
    return from_store_error(context, s.error(), no_such_role(name.value));
  return Reply::ok();
}

}  // namespace borealis::identity::handlers
