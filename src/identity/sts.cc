// STS: GetCallerIdentity and AssumeRole, and the STS operation table.
// AssumeRole needs both halves of AWS's check: the caller's identity policies allow sts:AssumeRole on
// the role (root: always), and the role's trust policy names the caller (its ARN, its account, or —
// for a role session, role chaining — the session's role ARN). Either refusal is the same
// AccessDenied, as in AWS, so a caller cannot probe which roles exist. The session token is returned
// once; the store keeps its SHA-256 (session_tokens.h says how it is checked again).
#include <algorithm>

#include "common/log.h"
#include "iam/policy.h"
#include "iam/trust.h"
#include "identity/authorize.h"
#include "identity/ids.h"
#include "identity/operations.h"
#include "identity/replies.h"
#include "identity/session_tokens.h"
#include "identity/validate.h"
#include "store/iam_tables.h"

namespace borealis::identity {
namespace {

using api::CallContext;
using api::Reply;
using nlohmann::json;

constexpr std::int64_t kMinDurationSeconds = 900;     // roleDurationSecondsType
constexpr std::int64_t kMaxDurationSeconds = 43200;
constexpr std::int64_t kDefaultDurationSeconds = 3600;  // AWS's default, when the role allows it
constexpr std::int64_t kRoleChainingMaxSeconds = 3600;  // a session assuming a role gets at most an hour
constexpr std::int64_t kExpiredSessionKeptSeconds = 86400;  // answered ExpiredToken for a day, then unknown

Reply access_denied(const CallContext& context, const std::string& role_arn) {
  return Reply::fail(api::ApiError{"AccessDenied", "User: " + context.caller.arn +
                                   " is not authorized to perform: sts:AssumeRole on resource: " + role_arn, 403, true});
}

// The role name of arn:aws:iam::<account>:role/<path/>name, or "" when `arn` is no role of `account`.
std::string role_name_in(const std::string& arn, const std::string& account) {
  const std::string prefix = "arn:aws:iam::" + account + ":role/";
  if (!arn.starts_with(prefix) || arn.back() == '/') return "";
  return arn.substr(arn.rfind('/') + 1);
}

Reply get_caller_identity(CallContext& context, const json&) {
  const api::Caller& c = context.caller;
  return Reply::ok(json{{"UserId", c.user_id}, {"Account", c.account_id}, {"Arn", c.arn}});
}

// Whether the trust policy lets the caller assume the role.
bool trusted(const CallContext& context, const iam::Policy& trust, const iam::ContextKeys& keys) {
  const api::Caller& c = context.caller;
  std::vector<std::string> arns{c.arn};
  if (c.kind == api::PrincipalKind::assumed_role) {
    // Trust policies name a session by its role's ARN (role chaining).
    auto role = store::IamTables(context.store).get_role(c.name);
    if (role) arns.push_back(role->arn);
  }
  for (const auto& arn : arns) {
    const iam::TrustPrincipal who{iam::TrustPrincipal::Kind::aws, arn};
    if (iam::check_trust(trust, "trust", who, keys).allowed()) return true;
  }
  return false;
}

Reply assume_role(CallContext& context, const json& input) {
  const std::string& account = context.settings.account_id;
  if (std::find(context.settings.sts_inactive_regions.begin(), context.settings.sts_inactive_regions.end(),
                context.region) != context.settings.sts_inactive_regions.end()) {
    return Reply::fail(api::ApiError{"RegionDisabledException",
                                     "STS is not activated in this region (" + context.region + ") for account:" +
                                         account + ". Your account administrator can activate STS in this region "
                                         "using the IAM Console.", 403, true});
  }
  auto role_arn = string_member(input, "RoleArn");
  if (!role_arn) return Reply::fail(missing_member("roleArn"));
  if (auto e = check_length("roleArn", *role_arn, kMaxArnChars)) return Reply::fail(*e);
  auto session_name = string_member(input, "RoleSessionName");
  if (!session_name) return Reply::fail(missing_member("roleSessionName"));
  if (auto e = check_session_name("roleSessionName", *session_name)) return Reply::fail(*e);
  const auto requested = int_member(input, "DurationSeconds");
  if (requested && (*requested < kMinDurationSeconds || *requested > kMaxDurationSeconds))
    return Reply::fail(validation_error("1 validation error detected: Value '" + std::to_string(*requested) +
                                        "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                                        "value between 900 and 43200"));
  // Session policies narrow a session; ignoring them would hand out more than was asked for.
  if (input.is_object() && (input.contains("Policy") || input.contains("PolicyArns")))
    return Reply::fail(validation_error("Session policies (Policy, PolicyArns) are not supported by this service."));

  const std::string role_name = role_name_in(*role_arn, account);
  if (role_name.empty()) return access_denied(context, *role_arn);
  store::IamTables tables(context.store);
  auto role = tables.get_role(role_name);
  if (!role) {
    if (role.error().code != Errc::not_found) return service_failure(context, role.error());
    return access_denied(context, *role_arn);
  }
  if (role->arn != *role_arn) return access_denied(context, *role_arn);  // same name, other path

  iam::RequestContext request{"sts:AssumeRole", role->arn, {}};
  request.keys.set(iam::context_key::kCurrentTime, iso8601(context.now));
  request.keys.set(iam::context_key::kRequestedRegion, context.region);
  if (!context.source_ip.empty()) request.keys.set(iam::context_key::kSourceIp, context.source_ip);
  if (auto external_id = string_member(input, "ExternalId")) request.keys.set("sts:ExternalId", *external_id);
  const iam::Evaluation identity = authorize(context.store, context.caller, request);
  if (!identity.allowed()) {
    log::info("identity", "AssumeRole {} by {} refused by identity policies: {}", role->arn, context.caller.arn,
              identity.describe("sts:AssumeRole"));
    return access_denied(context, *role_arn);
  }
  auto trust = iam::parse_policy(role->trust_policy, iam::PolicyKind::trust, iam::kTrustPolicyMaxChars);
  set_principal_keys(context.caller, request.keys);
  if (!trust || !trusted(context, *trust, request.keys)) {
    log::info("identity", "AssumeRole {} by {} refused: the role's trust policy does not allow the caller", role->arn,
              context.caller.arn);
    return access_denied(context, *role_arn);
  }

  std::int64_t duration = requested.value_or(std::min<std::int64_t>(kDefaultDurationSeconds, role->max_session_duration));
  if (duration > role->max_session_duration)
    return Reply::fail(validation_error("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
  if (context.caller.kind == api::PrincipalKind::assumed_role && duration > kRoleChainingMaxSeconds)
    return Reply::fail(validation_error(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."));

  auto token_key = load_or_create_token_key(context.settings.data_dir);
  if (!token_key) return service_failure(context, token_key.error());
  store::StsSessionRecord session;
  session.access_key_id = new_id(kSessionKeyPrefix);
  const Secret token = derive_session_token(*token_key, session.access_key_id);
  session.secret = new_secret_access_key();
  session.token_sha256 = session_token_hash(token.reveal());
  session.role_name = role->name;
  session.role_id = role->id;
  session.session_name = *session_name;
  session.issued_at = iso8601(context.now);
  session.expires_at = epoch_seconds(context.now) + duration;
  Status s = context.store.transaction([&]() -> Status {
    // Sessions expired for over a day are useless rows; drop them while we write anyway. Until then a
    // client still holding one is told ExpiredToken rather than that its key never existed.
    if (auto purged = tables.purge_expired_sessions(epoch_seconds(context.now) - kExpiredSessionKeptSeconds); !purged)
      return std::move(purged).error();
    return tables.add_session(session);
  });
  if (!s) return service_failure(context, s.error());
  log::info("identity", "AssumeRole {} by {}: session {} until {}", role->arn, context.caller.arn,
            session.access_key_id, session.expires_at);

  json credentials{{"AccessKeyId", session.access_key_id},
                   {"Expiration", iso8601(context.now + std::chrono::seconds(duration))}};
  credentials["SecretAccessKey"] = std::string(session.secret.reveal());
  credentials["SessionToken"] = std::string(token.reveal());
  return Reply::ok(json{{"Credentials", std::move(credentials)},
                        {"AssumedRoleUser", json{{"AssumedRoleId", role->id + ":" + *session_name},
                                                 {"Arn", assumed_role_arn(account, role->name, *session_name)}}}});
}

std::string role_arn_resource(const CallContext&, const json& input) {
  return string_member(input, "RoleArn").value_or("*");
}

const api::Operation kStsOperations[] = {
    // AWS needs no permission for GetCallerIdentity: even an explicit Deny does not stop it.
    {"GetCallerIdentity", get_caller_identity, nullptr, true},
    {"AssumeRole", assume_role, role_arn_resource},
};

}  // namespace

api::ServiceOperations sts_operations() { return api::ServiceOperations{"sts", kStsOperations}; }

}  // namespace borealis::identity
