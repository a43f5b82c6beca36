#include "server/iam_db_login.h"

#include <optional>

#include "api/input_check.h"
#include "common/cidr.h"
#include "identity/authorize.h"
#include "identity/resolve.h"
#include "iam/context.h"
#include "sigv4/verifier.h"
#include "store/store.h"

namespace borealis::server {
namespace {

constexpr std::string_view kConnectAction = "rds-db:connect";

auth::IamLoginAnswer answer(const auth::IamLoginQuestion& q, auth::IamLoginOutcome outcome, std::string client_message,
                            std::string log_reason) {
  auth::IamLoginAnswer a;
  a.id = q.id;
  a.outcome = outcome;
  a.client_message = std::move(client_message);
  a.log_reason = std::move(log_reason);
  return a;
}

}  // namespace

std::string db_user_arn(const DbLoginSettings& settings, const std::string& region, const std::string& cluster_resource_id,
                        const std::string& db_user) {
  return "arn:aws:rds-db:" + region + ":" + settings.api.account_id + ":dbuser:" + cluster_resource_id + "/" + db_user;
}

auth::IamLoginAnswer check_db_login(store::Store& store, const DbLoginSettings& settings, sigv4::SigningKeyCache& cache,
                                    const auth::IamLoginQuestion& q, std::chrono::system_clock::time_point now) {
  using auth::IamLoginOutcome;
  auto cluster = store.get_cluster(q.cluster_id);
  if (!cluster.ok()) {
    if (cluster.error().code == Errc::not_found || cluster.error().code == Errc::invalid_argument)
      return answer(q, IamLoginOutcome::refused, "DB cluster \"" + q.cluster_id + "\" does not exist", "cluster not found");
    // Fail closed: a store we cannot read might have held a Deny.
    return answer(q, IamLoginOutcome::unavailable, "IAM authentication is unavailable: the control plane cannot read its state",
                  "store: " + cluster.error().message);
  }
  if (cluster->deleted)
    return answer(q, IamLoginOutcome::refused, "DB cluster \"" + q.cluster_id + "\" is being deleted", "cluster deleted");
  if (!cluster->iam_auth_enabled) {
    return answer(q, IamLoginOutcome::refused,
                  "IAM database authentication is not enabled for DB cluster \"" + q.cluster_id + "\"",
                  "IAMDatabaseAuthenticationEnabled is false");
  }

  auto token = sigv4::parse_db_auth_token(q.token.reveal());
  if (!token) {
    return answer(q, IamLoginOutcome::refused, "the password is not a valid IAM authentication token: " + token.error().message,
                  sigv4::to_string(token.error().check));
  }
  const std::string access_key_id(token->credential.access_key_id);

  std::optional<api::Caller> caller;
  const sigv4::CredentialLookup lookup = [&](std::string_view id) -> std::optional<sigv4::Credentials> {
    auto key = identity::resolve_access_key(store, settings.api, id);
    if (!key) return std::nullopt;
    caller = std::move(key->caller);
    return std::move(key->credentials);
  };
  // The token must be scoped to the cluster's own region (the one its endpoint name carries).
  const std::string region = cluster->region.empty() ? settings.region : cluster->region;
  const sigv4::DbAuthRules rules{cluster->endpoint_host, static_cast<std::uint16_t>(cluster->port), region,
                                 q.db_user};
  auto verified = sigv4::check_db_auth_token(token.value(), rules, lookup, cache,
                                             std::chrono::time_point_cast<std::chrono::seconds>(now));
  if (!verified) {
    auto a = answer(q, IamLoginOutcome::refused, verified.error().message, sigv4::to_string(verified.error().check));
    a.access_key_id = access_key_id;
    if (caller) a.principal = caller->arn;
    return a;
  }

  iam::RequestContext request;
  request.action = std::string(kConnectAction);
  request.resource = db_user_arn(settings, region, cluster->resource_id, q.db_user);
  namespace key = iam::context_key;
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now).time_since_epoch().count();
  request.keys.set(key::kCurrentTime, api::format_iso8601(seconds));
  request.keys.set(key::kEpochTime, std::to_string(seconds));
  if (parse_ipv4(q.client_address)) request.keys.set(key::kSourceIp, q.client_address);
  request.keys.set(key::kSecureTransport, "true");  // the gateway asks only for logins inside TLS
  request.keys.set(key::kRequestedRegion, region);
  if (caller->temporary && !caller->token_issue_time.empty()) request.keys.set(key::kTokenIssueTime, caller->token_issue_time);
  const iam::Evaluation evaluation = identity::authorize(store, *caller, request);
  auto a = answer(q, evaluation.allowed() ? IamLoginOutcome::allowed : IamLoginOutcome::refused,
                  evaluation.allowed() ? std::string() : evaluation.denial_message(caller->arn, kConnectAction, request.resource),
                  evaluation.describe(kConnectAction));
  a.access_key_id = access_key_id;
  a.principal = caller->arn;
  return a;
}

}  // namespace borealis::server
