// IAM access keys: CreateAccessKey (the secret is in this one reply and nowhere else), DeleteAccessKey,
// ListAccessKeys, UpdateAccessKey. Without UserName they act on the caller's own keys: a user's, or the
// account root's. At most two keys per owner, as in IAM.
#include <cctype>
#include <variant>

#include "identity/ids.h"
#include "identity/iam_handlers.h"
#include "identity/replies.h"
#include "identity/validate.h"

namespace borealis::identity::handlers {
namespace {

constexpr std::size_t kMaxKeysPerOwner = 2;  // IAM's quota: "AccessKeysPerUser: 2"

struct Owner {
  store::KeyOwner kind = store::KeyOwner::user;
  std::string user_name;  // canonical spelling from the user row; "" for root
};

// The owner named by the input's UserName, or the caller; a Reply when that cannot be.
std::variant<Owner, Reply> owner_of(CallContext& context, const json& input) {
  auto user = named_user_or_caller(context, input);
  if (auto* r = std::get_if<Reply>(&user)) return *r;
  const auto& record = std::get<std::optional<store::IamUserRecord>>(user);
  if (!record) return Owner{store::KeyOwner::root, ""};
  return Owner{store::KeyOwner::user, record->name};
}

json key_metadata(const store::AccessKeyRecord& key) {
  json out{{"AccessKeyId", key.id}, {"Status", key.active ? "Active" : "Inactive"}, {"CreateDate", key.created_at}};
  if (key.owner == store::KeyOwner::user) out["UserName"] = key.user_name;
  return out;
}

// The key `id` if it belongs to `owner`; NoSuchEntity otherwise (another owner's key is not revealed).
std::variant<store::AccessKeyRecord, Reply> owned_key(CallContext& context, const Owner& owner, const std::string& id) {
  const std::string missing = "The Access Key with id " + id + " cannot be found.";
  auto key = store::IamTables(context.store).get_access_key(id);
  if (!key) return from_store_error(context, key.error(), missing);
  const bool same = key->owner == owner.kind &&
                    (owner.kind == store::KeyOwner::root || key->user_name == owner.user_name);
  if (!same) return no_such_entity(missing);
  return std::move(key).value();
}

std::variant<std::string, Reply> key_id_input(const json& input) {
  auto id = string_member(input, "AccessKeyId");
  if (!id) return Reply::fail(missing_member("accessKeyId"));
  bool ok = id->size() >= 16 && id->size() <= 128;
  for (char c : *id) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok)
    return Reply::fail(validation_error("1 validation error detected: Value '" + *id +
                                        "' at 'accessKeyId' failed to satisfy constraint: Member must satisfy "
                                        "regular expression pattern: [\\w]+ of length 16 to 128"));
  return *id;
}

}  // namespace

Reply create_access_key(CallContext& context, const json& input) {
  auto owner = owner_of(context, input);
  if (auto* r = std::get_if<Reply>(&owner)) return *r;
  const Owner& o = std::get<Owner>(owner);
  store::AccessKeyRecord key;
  key.id = new_id(kAccessKeyPrefix);
  key.secret = new_secret_access_key();
  key.owner = o.kind;
  key.user_name = o.user_name;
  key.created_at = iso8601(context.now);
  std::optional<Reply> refusal;
  Status s = context.store.transaction([&]() -> Status {
    store::IamTables tables(context.store);
    auto keys = tables.list_access_keys(o.kind, o.user_name);
    if (!keys) return std::move(keys).error();
    if (keys->size() >= kMaxKeysPerOwner) {
      refusal = limit_exceeded("Cannot exceed quota for AccessKeysPerUser: 2");
      return ok_status();
    }
    return tables.add_access_key(key);
  });
  if (!s) return service_failure(context, s.error());
  if (refusal) return *refusal;
  json out{{"AccessKeyId", key.id}, {"Status", "Active"}, {"CreateDate", key.created_at}};
  out["SecretAccessKey"] = std::string(key.secret.reveal());
  // AWS's AccessKey shape requires UserName; for root keys it is the account's root "user".
  out["UserName"] = o.kind == store::KeyOwner::user ? o.user_name : context.settings.account_id;
  return Reply::ok(json{{"AccessKey", std::move(out)}});
}

Reply delete_access_key(CallContext& context, const json& input) {
  auto id = key_id_input(input);
  if (auto* r = std::get_if<Reply>(&id)) return *r;
  auto owner = owner_of(context, input);
  if (auto* r = std::get_if<Reply>(&owner)) return *r;
  auto key = owned_key(context, std::get<Owner>(owner), std::get<std::string>(id));
  if (auto* r = std::get_if<Reply>(&key)) return *r;
  if (auto s = store::IamTables(context.store).delete_access_key(std::get<std::string>(id)); !s)
    return from_store_error(context, s.error(), "The Access Key with id " + std::get<std::string>(id) + " cannot be found.");
  return Reply::ok();
}

Reply update_access_key(CallContext& context, const json& input) {
  auto id = key_id_input(input);
  if (auto* r = std::get_if<Reply>(&id)) return *r;
  auto status = string_member(input, "Status");
  if (!status) return Reply::fail(missing_member("status"));
  if (*status != "Active" && *status != "Inactive")
    return Reply::fail(validation_error("1 validation error detected: Value '" + *status +
                                        "' at 'status' failed to satisfy constraint: Member must satisfy enum value "
                                        "set: [Active, Inactive]"));
  auto owner = owner_of(context, input);
  if (auto* r = std::get_if<Reply>(&owner)) return *r;
  auto key = owned_key(context, std::get<Owner>(owner), std::get<std::string>(id));
  if (auto* r = std::get_if<Reply>(&key)) return *r;
  if (auto s = store::IamTables(context.store).set_access_key_active(std::get<std::string>(id), *status == "Active"); !s)
    return service_failure(context, s.error());
  return Reply::ok();
}

Reply list_access_keys(CallContext& context, const json& input) {
  auto owner = owner_of(context, input);
  if (auto* r = std::get_if<Reply>(&owner)) return *r;
  const Owner& o = std::get<Owner>(owner);
  auto keys = store::IamTables(context.store).list_access_keys(o.kind, o.user_name);
  if (!keys) return service_failure(context, keys.error());
  std::vector<json> items;
  for (const auto& k : *keys) items.push_back(key_metadata(k));
  return paged(input, std::move(items), "AccessKeyMetadata");
}

}  // namespace borealis::identity::handlers
