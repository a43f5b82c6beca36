// IAM users: CreateUser, GetUser, DeleteUser, ListUsers.
#include "identity/ids.h"
#include "identity/iam_handlers.h"
#include "identity/replies.h"
#include "identity/validate.h"

namespace borealis::identity::handlers {
namespace {
constexpr std::size_t kMaxUsers = 5000;  // IAM's default quota of users per account
}  // namespace

json user_json(const store::IamUserRecord& user) {
  return json{{"Path", user.path}, {"UserName", user.name}, {"UserId", user.id}, {"Arn", user.arn},
              {"CreateDate", user.created_at}};
}

Reply create_user(CallContext& context, const json& input) {
  auto name = required_name(input, "UserName", "userName", kMaxUserNameChars);
  if (name.error) return Reply::fail(*name.error);
  const std::string path = string_member(input, "Path").value_or("/");
  if (auto e = check_path("path", path)) return Reply::fail(*e);
  if (string_member(input, "PermissionsBoundary"))
    return invalid_input("PermissionsBoundary is not supported by this service.");
  store::IamTables tables(context.store);
  auto users = tables.list_users();
  if (!users) return service_failure(context, users.error());
  if (users->size() >= kMaxUsers) return limit_exceeded("Cannot exceed quota for UsersPerAccount: 5000");

  store::IamUserRecord user;
  user.id = new_id(kUserIdPrefix);
  user.name = name.value;
  user.path = path;
  user.arn = iam_arn(context.settings.account_id, "user", path, name.value);
  user.created_at = iso8601(context.now);
  auto created = tables.create_user(user);
  if (!created) {
    if (created.error().code == Errc::already_exists)
      return entity_already_exists("User with name " + name.value + " already exists.");
    return service_failure(context, created.error());
  }
  return Reply::ok(json{{"User", user_json(*created)}});
}

Reply get_user(CallContext& context, const json& input) {
  auto user = named_user_or_caller(context, input);
  if (auto* r = std::get_if<Reply>(&user)) return *r;
  const auto& record = std::get<std::optional<store::IamUserRecord>>(user);
  if (record) return Reply::ok(json{{"User", user_json(*record)}});
  // The account root, as AWS answers it.
  return Reply::ok(json{{"User", json{{"UserId", context.caller.account_id}, {"Arn", context.caller.arn},
                                      {"CreateDate", iso8601(context.now)}}}});
}

Reply delete_user(CallContext& context, const json& input) {
  auto name = required_name(input, "UserName", "userName", kMaxExistingUserNameChars);
  if (name.error) return Reply::fail(*name.error);
  std::optional<Reply> refusal;
  Status s = context.store.transaction([&]() -> Status {
    store::IamTables tables(context.store);
    auto user = tables.get_user(name.value);
    if (!user) return std::move(user).error();
    auto keys = tables.list_access_keys(store::KeyOwner::user, user->name);
    if (!keys) return std::move(keys).error();
    if (!keys->empty()) {
      refusal = delete_conflict("Cannot delete entity, must delete access keys first.");
      return ok_status();
    }
    auto conflict = policies_conflict(tables, store::PrincipalType::user, user->name);
    if (!conflict) return std::move(conflict).error();
    refusal = std::move(*conflict);
    if (refusal) return ok_status();
    return tables.delete_user(user->name);
  });
  if (!s) return from_store_error(context, s.error(), no_such_user(name.value));
  if (refusal) return *refusal;
  return Reply::ok();
}

Reply list_users(CallContext& context, const json& input) {
  const std::string prefix = string_member(input, "PathPrefix").value_or("/");
  auto users = store::IamTables(context.store).list_users();
  if (!users) return service_failure(context, users.error());
  std::vector<json> items;
  for (const auto& u : *users)
    if (u.path.starts_with(prefix)) items.push_back(user_json(u));
  return paged(input, std::move(items), "Users");
}

}  // namespace borealis::identity::handlers
