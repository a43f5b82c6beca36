#include "identity/resolve.h"

#include "common/log.h"
#include "crypto/hash.h"
#include "identity/ids.h"
#include "identity/session_tokens.h"
#include "store/iam_tables.h"

namespace borealis::identity {
namespace {

// Access key ids are [\w]+ of 16..128 (accessKeyIdType); anything else cannot be a key of ours, and
// is not worth a store query.
constexpr std::size_t kMinAccessKeyChars = 16;
constexpr std::size_t kMaxAccessKeyChars = 128;

bool plausible_key_id(std::string_view id) {
  if (id.size() < kMinAccessKeyChars || id.size() > kMaxAccessKeyChars) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::optional<api::ResolvedKey> resolve_long_term(store::IamTables& tables, const api::ApiSettings& settings,
                                                  const std::string& id) {
  auto key = tables.get_access_key(id);
  if (!key) {
    if (key.error().code != Errc::not_found) log::error("identity", "resolve {}: {}", id, key.error().message);
    return std::nullopt;
  }
  if (!key->active) return std::nullopt;
  api::ResolvedKey out;
  out.credentials.secret_access_key = key->secret;
  api::Caller& c = out.caller;
  c.account_id = settings.account_id;
  c.access_key_id = id;
  if (key->owner == store::KeyOwner::root) {
    c.kind = api::PrincipalKind::root;
    c.arn = root_arn(settings.account_id);
    c.user_id = settings.account_id;
  } else {
    auto user = tables.get_user(key->user_name);
    if (!user) return std::nullopt;
    c.kind = api::PrincipalKind::user;
    c.arn = user->arn;
    c.user_id = user->id;
    c.name = user->name;
  }
  out.credentials.principal = c.arn;
  return out;
}

std::optional<api::ResolvedKey> resolve_session(store::IamTables& tables, const api::ApiSettings& settings,
                                                const std::string& id) {
  auto session = tables.get_session(id);
  if (!session) {
    if (session.error().code != Errc::not_found) log::error("identity", "resolve {}: {}", id, session.error().message);
    return std::nullopt;
  }
  // An expired session still resolves, with its expiry: the verifier then answers ExpiredToken (once
  // the presented session token matched) instead of calling a key the caller really held unknown.
  auto role = tables.get_role(session->role_name);
  if (!role || role->id != session->role_id) return std::nullopt;
  auto key = load_token_key(settings.data_dir);
  if (!key) {
    log::error("identity", "resolve {}: no STS token key: {}", id, key.error().message);
    return std::nullopt;
  }
  Secret token = derive_session_token(*key, id);
  if (!crypto::constant_time_equal(session_token_hash(token.reveal()), session->token_sha256)) {
    log::warn("identity", "resolve {}: the session token no longer matches (token key replaced?)", id);
    return std::nullopt;
  }
  api::ResolvedKey out;
  out.credentials.secret_access_key = session->secret;
  out.credentials.session_token = std::move(token);
  out.credentials.expires_at = sigv4::Seconds(std::chrono::seconds(session->expires_at));
  api::Caller& c = out.caller;
  c.kind = api::PrincipalKind::assumed_role;
  c.account_id = settings.account_id;
  c.arn = assumed_role_arn(settings.account_id, role->name, session->session_name);
  c.user_id = role->id + ":" + session->session_name;
  c.name = role->name;
  c.session_name = session->session_name;
  c.access_key_id = id;
  c.temporary = true;
  c.token_issue_time = session->issued_at;
  out.credentials.principal = c.arn;
  return out;
}

}  // namespace

std::optional<api::ResolvedKey> resolve_access_key(store::Store& store, const api::ApiSettings& settings,
                                                   std::string_view access_key_id) {
  if (!plausible_key_id(access_key_id)) return std::nullopt;
  store::IamTables tables(store);
  const std::string id(access_key_id);
  if (access_key_id.starts_with(kSessionKeyPrefix)) return resolve_session(tables, settings, id);
  return resolve_long_term(tables, settings, id);
}

bool accept_presented_session_token(const api::ResolvedKey& key, std::optional<std::string_view> presented) {
  if (!presented || !key.credentials.session_token) return false;
  return crypto::constant_time_equal(*presented, key.credentials.session_token->reveal());
}

}  // namespace borealis::identity
